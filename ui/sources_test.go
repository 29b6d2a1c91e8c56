package ui

import (
	"context"
	"fmt"
	cataloglist "pipette/ui/components/catalog"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"pipette/catalog"
	"pipette/client"
	"pipette/sources"
	"pipette/ui/dialog"
)

// fireTimers delivers the pending timed messages of the type named kind
// ("sources.dueMsg"), as if their time had come.
func fireTimers(t testing.TB, m *Model, kind string) {
	t.Helper()
	testTimers.Lock()
	fns := testTimers.byModel[m]
	var keep []func(time.Time) tea.Msg
	var due []tea.Msg
	for _, fn := range fns {
		if msg := fn(testTime); fmt.Sprintf("%T", msg) == kind {
			due = append(due, msg)
		} else {
			keep = append(keep, fn)
		}
	}
	testTimers.byModel[m] = keep
	testTimers.Unlock()
	for _, msg := range due {
		send(t, m, msg)
	}
}

// A source's status is in the catalog's header and the sources dialog and
// changes there as the server stops and comes back, without a reload; its
// models stay listed, marked unavailable, while it is down; the built-ins
// work throughout.
func TestSourceStatusLive(t *testing.T) {
	t.Parallel()
	f := newFakeServer("lab")
	m := newTestModelWith(t, newFakeCatalog(t, f), 120, 30, "dark")
	m.srcs.MaxAge = 0
	if s := plainScreen(m); !strings.Contains(s, "lab ✓") || !strings.Contains(s, "lab/tiny-chat:1b") {
		t.Fatalf("the source and its models are not listed:\n%s", s)
	}
	selectRef(t, m, "test/WordCount")
	f.down.Store(true)
	fireTimers(t, m, "sources.dueMsg")
	if e, _ := m.cat.Selected(); e.Ref.Path() != "test/WordCount" {
		t.Errorf("the refreshed listing moved the cursor to %s", e.Ref.Path())
	}
	s := plainScreen(m)
	if !strings.Contains(s, "lab ✗") || !strings.Contains(s, "lab is down: ") {
		t.Fatalf("a stopped server is not shown as down:\n%s", s)
	}
	selectRef(t, m, "lab/tiny-chat:1b")
	if s := plainScreen(m); !strings.Contains(s, "unavailable") {
		t.Errorf("the down source's models are not marked unavailable:\n%s", s)
	}
	selectRef(t, m, "test/Shout")
	press(t, m, "2", "r")
	if resp, err := m.try.Result(); err != nil || resp == nil || resp.Value.Text != "HELLO PIPETTE" {
		t.Errorf("a built-in while a source is down: %v, %v", resp, err)
	}
	press(t, m, "esc", "S")
	if _, ok := dialogIs[*dialog.Sources](m); !ok {
		t.Fatalf("S opened %T", m.dialog)
	}
	if s := plainScreen(m); !strings.Contains(s, "connection refused") || !strings.Contains(s, "1 down") {
		t.Errorf("the dialog does not say why the source is down:\n%s", s)
	}
	f.down.Store(false)
	time.Sleep(1100 * time.Millisecond) // the source's first back-off
	fireTimers(t, m, "sources.dueMsg")
	s = plainScreen(m)
	if !strings.Contains(s, "lab  up") || !strings.Contains(s, "lab is back (3 models)") {
		t.Fatalf("the source did not come back in the open dialog:\n%s", s)
	}
	press(t, m, "esc")
	selectRef(t, m, "lab/tiny-chat:1b")
	if s := plainScreen(m); strings.Contains(s, "unavailable") {
		t.Errorf("still unavailable after coming back:\n%s", s)
	}
}

// The source facet narrows the list to one source, like the tag facet;
// esc clears it.
func TestSourceFacet(t *testing.T) {
	t.Parallel()
	m := newTestModelWith(t, newFakeCatalog(t, newFakeServer("lab")), 120, 30, "dark")
	all := len(m.cat.Matches())
	press(t, m, "S")
	if _, ok := dialogIs[*dialog.Sources](m); !ok {
		t.Fatalf("S opened %T", m.dialog)
	}
	run(t, m, m.act(dialog.PickSource{Source: "lab"}))
	if m.cat.From() != "lab" || len(m.cat.Matches()) != 3 {
		t.Fatalf("narrowed to lab: from %q, %d rows", m.cat.From(), len(m.cat.Matches()))
	}
	if s := plainScreen(m); !strings.Contains(s, "@lab") || !strings.Contains(s, "3 of") {
		t.Errorf("the facet is not shown:\n%s", s)
	}
	press(t, m, "esc")
	if m.cat.From() != "" || len(m.cat.Matches()) != all {
		t.Errorf("esc left from %q, %d rows of %d", m.cat.From(), len(m.cat.Matches()), all)
	}
}

// Sorting cycles name → size → recent; by size, the smallest model leads
// and entries without a size come last.
func TestSortBySize(t *testing.T) {
	t.Parallel()
	m := newTestModelWith(t, newFakeCatalog(t, newFakeServer("lab")), 200, 30, "dark")
	press(t, m, "s")
	if m.cat.SortBy() != cataloglist.SortSize {
		t.Fatalf("sort is %d", m.cat.SortBy())
	}
	var got []string
	for _, mt := range m.cat.Matches()[:4] {
		got = append(got, m.cat.Index().Entry(mt.Index).Ref.Path())
	}
	if strings.Join(got, " ") != "lab/embed-text lab/tiny-chat:1b lab/big-chat:8b test/Pixels" {
		t.Errorf("by size: %v", got)
	}
	if s := plainScreen(m); !strings.Contains(s, "1.2B  808 MB  Q4_K_M  128K  tools · free") || !strings.Contains(s, "$0.15/$0.6 per M") {
		t.Errorf("the rows do not show the models' facts:\n%s", s)
	}
}

// hangingServer never answers, like a host that drops packets.
type hangingServer struct{ fakeServer }

func (h *hangingServer) Probe(ctx context.Context) (string, error) {
	<-ctx.Done()
	return "", ctx.Err()
}

// A source that never answers holds up neither the first frame nor the
// rest of the catalog: the built-ins are listed within the first listing's
// bound, and the source spins as checking.
func TestHangingSourceDoesNotBlock(t *testing.T) {
	t.Parallel()
	h := &hangingServer{fakeServer: *newFakeServer("slow")}
	reg := testRegistry()
	c, err := sources.NewCatalog(context.Background(), reg, reg, sources.NewLive(sources.Spec{Name: "slow", Kind: sources.KindOllama, URL: "http://10.255.255.1:11434"}, h))
	if err != nil {
		t.Fatal(err)
	}
	m := New(Options{Client: client.NewLocal(c, c), Theme: "dark", Now: func() time.Time { return testTime }, Dark: true})
	useTestTimers(m)
	send(t, m, tea.WindowSizeMsg{Width: 100, Height: 30})
	if s := plainScreen(m); !strings.Contains(s, "loading") {
		t.Errorf("the first frame, before any listing:\n%s", s)
	}
	// The listing alone (Init also starts the sources' first check, which
	// waits for the source in its own command).
	start := time.Now()
	msg := m.loadCatalog()()
	if d := time.Since(start); d > firstListing+time.Second {
		t.Errorf("the catalog took %s to list with a source that hangs", d)
	}
	send(t, m, msg)
	s := plainScreen(m)
	if !strings.Contains(s, "test/Shout") || !strings.Contains(s, "slow") {
		t.Errorf("the built-ins should be listed, the source shown as checking:\n%s", s)
	}
	if st, _ := m.srcs.Status("slow"); st.State != catalog.SourceChecking {
		t.Errorf("status %+v", st)
	}
}
