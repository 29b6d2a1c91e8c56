package sources

import (
	"context"
	"strings"
	"testing"
	"time"

	"pipette/algorithms/builtin"
	"pipette/catalog"
)

// CheckSources notices a stopped server without a call or a listing (the
// listing is still fresh), leaves a young status alone, and brings the
// source back, with its models, once the server answers again.
func TestCheckSourcesDownAndBack(t *testing.T) {
	t.Parallel()
	o := &ollamaDocs{}
	o.start(t)
	c, l := newMerged(t, o)
	l.retryMin, l.retryMax = 50*time.Millisecond, 100*time.Millisecond
	ctx := context.Background()
	if _, err := c.List(ctx); err != nil {
		t.Fatal(err)
	}
	o.stop()
	if st := c.CheckSources(ctx, time.Hour); st[0].State != catalog.SourceUp {
		t.Errorf("a young status was checked again: %+v", st[0])
	}
	st := c.CheckSources(ctx, 0)
	if len(st) != 1 || st[0].State != catalog.SourceDown || !strings.Contains(st[0].Reason, "cannot reach ollama") {
		t.Fatalf("after the server stopped: %+v", st)
	}
	o.start(t)
	defer o.stop()
	deadline := time.Now().Add(5 * time.Second)
	for c.CheckSources(ctx, 0)[0].State != catalog.SourceUp && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if st := l.Status(); st.State != catalog.SourceUp || st.Models != 2 {
		t.Fatalf("did not come back with its models: %+v", st)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	c.CheckSources(cancelled, 0)
	if st := l.Status(); st.State != catalog.SourceUp {
		t.Errorf("a cancelled check put the source down: %+v", st)
	}
}

// hangs is a server that never answers.
type hangs struct{}

func (hangs) Probe(ctx context.Context) (string, error) { <-ctx.Done(); return "", ctx.Err() }
func (hangs) List(ctx context.Context) ([]catalog.Entry, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}
func (hangs) Get(ctx context.Context, id string) (catalog.Entry, error) {
	<-ctx.Done()
	return catalog.Entry{}, ctx.Err()
}
func (hangs) Stream(ctx context.Context, e catalog.Entry, in catalog.Value, emit func(catalog.Chunk) error) (catalog.Output, error) {
	<-ctx.Done()
	return catalog.Output{}, ctx.Err()
}

// A source that hangs holds up neither the caller past its context nor
// the other sources' statuses; a second round waits for the same check
// rather than starting another.
func TestCheckSourcesHanging(t *testing.T) {
	t.Parallel()
	o := &ollamaDocs{}
	o.start(t)
	defer o.stop()
	good, err := Open(Spec{Name: "ollama", Kind: KindOllama, URL: "http://" + o.addr}, nil)
	if err != nil {
		t.Fatal(err)
	}
	slow := NewLive(Spec{Name: "far", Kind: KindOllama, URL: "http://10.255.255.1:11434"}, hangs{})
	c, err := NewCatalog(context.Background(), builtin.Registry(), builtin.Registry(), good, slow)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		start := time.Now()
		st := c.CheckSources(ctx, 0)
		cancel()
		if d := time.Since(start); d > time.Second {
			t.Errorf("a round took %s", d)
		}
		if st[0].State != catalog.SourceUp || st[1].State != catalog.SourceChecking {
			t.Errorf("statuses %+v", st)
		}
	}
}
