package sources

import (
	"context"
	"strings"
	"testing"
	"time"

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
