package ui

// Start-up: the first frame shows the catalog as soon as it is listed, and
// what that frame does not need — the run history, the chain builder's
// drafts, the sources' first check, looking for local servers, the docs —
// starts once it is on screen.

import (
	"context"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"pipette/catalog"
	cataloglist "pipette/ui/components/catalog"
	"pipette/ui/components/sources"
	"pipette/ui/history"
)

const (
	// frameSettle is how long after the catalog's frame is made the rest
	// starts: the renderer draws at 120 frames a second, so the frame is
	// on screen by then, and the rest never competes with it for the CPU.
	frameSettle = 20 * time.Millisecond
	// startLater starts the rest at the latest, when the catalog is slow
	// to list (a server far away).
	startLater = 250 * time.Millisecond
)

// lateStartMsg starts what the first frame does not need.
type lateStartMsg struct{}

// Init lists the catalog and asks the terminal for its background colour
// (answered, or not, in its own time: nothing waits for it).
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{m.loadCatalog(), m.startTicking(), m.lateStart(startLater)}
	if m.followsTerminal() {
		cmds = append(cmds, tea.RequestBackgroundColor)
	}
	return tea.Batch(cmds...)
}

func (m *Model) lateStart(after time.Duration) tea.Cmd {
	if m.lateStarted {
		return nil
	}
	return m.com.Clock.After(after, func(time.Time) tea.Msg { return lateStartMsg{} })
}

// startLate starts, once, what the first frame did not need: the chain
// builder (a chain file, the drafts), the sources' watch, the run history,
// and looking for local servers (then listing again with what it found).
func (m *Model) startLate() tea.Cmd {
	if m.lateStarted {
		return nil
	}
	m.lateStarted = true
	cmds := []tea.Cmd{m.builder.Init()}
	if m.srcs != nil {
		cmds = append(cmds, m.srcs.Init())
	}
	if m.opt.HistoryPath != "" {
		store := history.Store{Path: m.opt.HistoryPath}
		cmds = append(cmds, func() tea.Msg {
			recs, err := store.Load()
			return historyLoadedMsg{records: recs, err: err}
		})
	}
	if m.discovering() {
		cmds = append(cmds, m.refreshCatalog())
	}
	return tea.Batch(cmds...)
}

// knownLister is a catalog that looks for local servers on its first
// listing (sources.Catalog after DiscoverLater), and can list without.
type knownLister interface {
	ListKnown(ctx context.Context) ([]catalog.Entry, error)
	Discovering() bool
}

// discovering says the catalog has yet to look for local servers.
func (m *Model) discovering() bool {
	if m.opt.Client == nil {
		return false
	}
	kl, ok := m.opt.Client.Source().(knownLister)
	return ok && kl.Discovering()
}

func (m *Model) loadCatalog() tea.Cmd {
	m.cat.SetLoading()
	return m.listCatalog(false)
}

// refreshCatalog lists the catalog again behind the one on screen, which
// stays until the new listing lands (a source went down or came back).
func (m *Model) refreshCatalog() tea.Cmd {
	if m.cat.Loading() || m.refreshing || m.cat.Index() == nil {
		return nil
	}
	m.refreshing = true
	return m.listCatalog(true)
}

// firstListing bounds how long a listing waits for slow sources: those
// that have not answered by then are listed when they do (the sources'
// watch sees them come up), so a server that hangs never holds up the
// catalog.
const firstListing = 1500 * time.Millisecond

// listCatalog lists and indexes the catalog in a command. The first
// listing leaves looking for local servers for later (startLate).
func (m *Model) listCatalog(refresh bool) tea.Cmd {
	c := m.opt.Client
	return func() tea.Msg {
		start := time.Now()
		if c == nil {
			return catalogLoadedMsg{err: fmt.Errorf("no catalog client"), refresh: refresh}
		}
		src := c.Source()
		list, known := src.List, false
		if kl, ok := src.(knownLister); ok && !refresh {
			list, known = kl.ListKnown, true
		}
		ctx, cancel := context.WithTimeout(context.Background(), firstListing)
		defer cancel()
		es, err := list(ctx)
		if err != nil && ctx.Err() != nil {
			// The catalog itself is slow (a server far away): wait for it.
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			es, err = list(ctx)
		}
		if err != nil {
			return catalogLoadedMsg{err: fmt.Errorf("cannot load the catalog: %w", err), took: time.Since(start), refresh: refresh}
		}
		statuses := sources.Read(src)
		// Indexing a large catalog takes a while: do it here, not in Update.
		ls := cataloglist.NewListing(es)
		return catalogLoadedMsg{listing: ls, took: time.Since(start), refresh: refresh, known: known, statuses: statuses}
	}
}
