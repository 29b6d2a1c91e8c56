package catalog

import (
	"slices"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"pipette/catalog"
	"pipette/ui/components/modelinfo"
)

// SortKey is the order of the list when nothing is typed; the sort key
// cycles through them.
type SortKey int

const (
	SortName   SortKey = iota // reference order
	SortSize                  // smallest model first
	SortRecent                // recently run first
)

var sortNames = [...]string{"by name", "by size", "by recent use"}

// String is the order as the status line says it ("by size").
func (k SortKey) String() string { return sortNames[k] }

// FilteredMsg is the result of one filter run. Its sequence number
// identifies the query it answers; results for anything but the newest
// query are dropped.
type FilteredMsg struct {
	seq     int
	query   string
	tag     string
	from    string // the source facet
	ordered bool   // every match is in order (sorted by size)
	matches []catalog.Match
	took    time.Duration
}

// topK is how many matches a filter run orders: a few screens' worth. The
// rest are ordered on demand when the cursor gets there.
const topK = 256

// facets are what narrows and orders the list besides the query.
type facets struct {
	tag, from string
	sortBy    SortKey
	recent    map[string]time.Time // ref path → last run
}

// has says e passes the tag and source facets.
func (f facets) has(e catalog.Entry) bool {
	return (f.tag == "" || slices.ContainsFunc(e.Tags, func(t string) bool { return strings.EqualFold(t, f.tag) })) &&
		(f.from == "" || e.Source == f.from)
}

// SyncFilterMax is the largest catalog filtered in Update itself: at this
// size a run takes 0.1-0.3 ms (bench: 500 generated entries, one and two
// letters), less than the message and the frame a command would add, and
// the key's frame shows its answer. The built-in catalog has a score of
// models.
const SyncFilterMax = 500

// filterCmd starts a filter run for the current query and facets. On a
// catalog of SyncFilterMax models or fewer it runs at once and is applied
// (the root then follows the selection); a larger one's run happens off the
// UI goroutine, one at a time: while one is in flight, a new keystroke only
// marks the query dirty, and the next run starts when the current one lands
// — narrowing from its result when the query only grew. So fast typing on a
// huge catalog never piles up searches on the cores, and seq still drops a
// result that a reload made meaningless.
func (l *List) filterCmd() tea.Cmd {
	if l.ix == nil {
		return nil
	}
	if l.pending {
		l.dirty = true
		return nil
	}
	l.seq++
	l.pending, l.dirty = true, false
	f := facets{tag: l.tag, from: l.from, sortBy: l.sortBy, recent: l.recent}
	seq, q, ix := l.seq, l.Query(), l.ix
	var prev []catalog.Match
	if f.tag == l.appliedTag && f.from == l.appliedFrom && f.sortBy == SortName && l.applyValid && l.applied != "" && q != l.applied && strings.HasPrefix(q, l.applied) {
		prev = l.matches
	}
	run := func() tea.Msg {
		start := time.Now()
		ms := runFilter(ix, q, f, prev)
		return FilteredMsg{seq: seq, query: q, tag: f.tag, from: f.from, ordered: f.sortBy == SortSize, matches: ms, took: time.Since(start)}
	}
	if ix.Len() <= l.syncMax {
		again, _ := l.Apply(run().(FilteredMsg))
		return again
	}
	return run
}

// runFilter is the whole filter: tag and source facets, fuzzy match,
// ordering. It is a pure function of its arguments so that it can run on
// any goroutine. The index is in reference order, so an empty query needs
// no sorting; sorted by size, every match is ordered (the sort is stable,
// so the best match leads among models of one size).
func runFilter(ix *catalog.Index, q string, f facets, prev []catalog.Match) []catalog.Match {
	if prev != nil {
		return ix.NarrowTop(q, prev, topK)
	}
	var ms []catalog.Match
	if f.tag != "" || f.from != "" {
		var cand []catalog.Match
		for i, e := range ix.Entries() {
			if f.has(e) {
				cand = append(cand, catalog.Match{Index: i})
			}
		}
		if len(cand) == 0 {
			return []catalog.Match{}
		}
		ms = ix.NarrowTop(q, cand, topK)
	} else {
		ms = ix.SearchTop(q, topK)
	}
	if f.sortBy == SortSize {
		ix.Order(ms, min(topK, len(ms)), len(ms))
		slices.SortStableFunc(ms, func(a, b catalog.Match) int { return modelinfo.BySize(ix.Entry(a.Index), ix.Entry(b.Index)) })
	}
	recent := f.recent
	if q == "" && f.sortBy == SortRecent && len(recent) > 0 {
		// Recently run models first, newest first; the rest keep name order.
		var used, rest []catalog.Match
		for _, m := range ms {
			if _, ok := recent[ix.Entry(m.Index).Ref.Path()]; ok {
				used = append(used, m)
			} else {
				rest = append(rest, m)
			}
		}
		slices.SortStableFunc(used, func(a, b catalog.Match) int {
			return recent[ix.Entry(b.Index).Ref.Path()].Compare(recent[ix.Entry(a.Index).Ref.Path()])
		})
		ms = append(used, rest...)
	}
	return ms
}

// NewIndex indexes a listing in reference order (the catalog's natural
// order when nothing is typed). It takes a while on a large catalog: call
// it in a command, not in Update.
func NewIndex(entries []catalog.Entry) *catalog.Index {
	return catalog.NewIndex(sortByRef(entries))
}

// Listing is a catalog indexed, with the rows an empty filter lists, both
// made in the command that listed it: installed at once (SetListing), the
// catalog is on screen in the frame of the message that brings it, without
// a filter run of its own.
type Listing struct {
	Index *catalog.Index
	all   []catalog.Match // runFilter's answer to no query and no facets
}

// NewListing indexes entries and lists them for an empty filter. Like
// NewIndex, it belongs in a command.
func NewListing(entries []catalog.Entry) Listing {
	ix := NewIndex(entries)
	return Listing{Index: ix, all: runFilter(ix, "", facets{}, nil)}
}

// sortByRef returns entries in reference order.
func sortByRef(entries []catalog.Entry) []catalog.Entry {
	paths := make([]string, len(entries))
	perm := make([]int, len(entries))
	sorted := true
	for i, e := range entries {
		paths[i], perm[i] = e.Ref.Path(), i
		if i > 0 && paths[i] < paths[i-1] {
			sorted = false
		}
	}
	if sorted {
		return entries
	}
	slices.SortStableFunc(perm, func(a, b int) int { return strings.Compare(paths[a], paths[b]) })
	out := make([]catalog.Entry, len(entries))
	for i, j := range perm {
		out[i] = entries[j]
	}
	return out
}
