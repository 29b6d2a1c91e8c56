package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"pipette/catalog"
	"pipette/client"
	"pipette/ui/history"
)

// discoveringSource is a catalog that looks for local servers on its first
// List, as sources.Catalog does after DiscoverLater.
type discoveringSource struct {
	catalog.Source
	lists, known atomic.Int32
	looked       atomic.Bool
}

func (d *discoveringSource) List(ctx context.Context) ([]catalog.Entry, error) {
	d.lists.Add(1)
	d.looked.Store(true)
	return d.Source.List(ctx)
}

func (d *discoveringSource) ListKnown(ctx context.Context) ([]catalog.Entry, error) {
	d.known.Add(1)
	return d.Source.List(ctx)
}

func (d *discoveringSource) Discovering() bool { return !d.looked.Load() }

// The first frame shows the catalog, listed without looking for local
// servers and without a filter run of its own; the run history, the
// builder's drafts and discovery start only once it is made (after
// frameSettle), and discovery then lists the catalog again.
func TestStartShowsTheCatalogFirst(t *testing.T) {
	t.Parallel()
	reg := testRegistry()
	src := &discoveringSource{Source: reg}
	dir := t.TempDir()
	store := history.Store{Path: filepath.Join(dir, "history.jsonl")}
	if err := store.Append(history.Record{Time: testTime, Ref: "test/Shout/1.0.0", Input: "hi", Output: "HI"}); err != nil {
		t.Fatal(err)
	}
	m := New(Options{Client: client.NewLocal(reg, src), Theme: "dark", HistoryPath: store.Path, Now: func() time.Time { return testTime }})
	var timers []time.Duration
	var late func(time.Time) tea.Msg
	m.com.Clock.Tick = func(d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
		timers = append(timers, d)
		if fmt.Sprintf("%T", fn(testTime)) == "ui.lateStartMsg" {
			late = fn
		}
		return nil
	}
	send(t, m, tea.WindowSizeMsg{Width: 100, Height: 30})
	_, loaded := m.Update(m.listCatalog(false)()) // Init's listing, landed
	if s := plainScreen(m); !strings.Contains(s, "5 models") || !strings.Contains(s, "▸ test/Pixels") {
		t.Fatalf("the catalog's frame does not list it:\n%s", s)
	}
	if m.cat.Pending() || src.known.Load() != 1 || src.lists.Load() != 0 {
		t.Errorf("first listing: filter run pending %v, ListKnown %d, List %d", m.cat.Pending(), src.known.Load(), src.lists.Load())
	}
	run(t, m, loaded)
	if len(m.history) != 0 || late == nil || !strings.Contains(fmt.Sprint(timers), frameSettle.String()) {
		t.Fatalf("the late start is not after the frame: %d records, timers %v", len(m.history), timers)
	}
	send(t, m, late(testTime))
	if len(m.history) != 1 || src.lists.Load() != 1 {
		t.Errorf("after the late start: %d records, List %d times (discovery lists again)", len(m.history), src.lists.Load())
	}
	if s := plainScreen(m); !strings.Contains(s, "5 models") {
		t.Errorf("the catalog after listing again:\n%s", s)
	}
}
