// Package catalog is the catalog list: the models of the catalog under a
// fuzzy filter, a tag facet (#tag), a source facet (@source) and a sort
// order, with a cursor. It keeps the whole match list but renders only the
// rows on screen, so drawing costs the same at 100 entries and at 100 000;
// every filter run happens in a command, one at a time.
//
// The root model owns what the list's selection means (the detail pane,
// the chain) and loading the catalog; the list is told the index
// (SetIndex), runs the filter, and says what is selected.
package catalog

import (
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"pipette/catalog"
	"pipette/themes"
	"pipette/ui/common"
	"pipette/ui/components/editor"
	"pipette/ui/components/sources"
	"pipette/ui/keys"
)

// List is the catalog list.
type List struct {
	com     *common.Common
	w, h    int // outer size, border included
	source  string
	focused bool
	styled  *themes.Styles // what the input was styled with
	frame   common.Frame   // its border, kept between frames
	paints  rowPaints      // the rows' styles, kept between frames

	loading bool
	err     error
	ix      *catalog.Index

	input     textinput.Model
	filtering bool // the filter input has focus

	// matches is what is shown: indexes into ix with highlight positions.
	matches    []catalog.Match
	sorted     int    // matches[:sorted] are in order; the rest are ordered on demand
	applied    string // the query matches answer
	applyValid bool   // matches answer applied; false until the first result, or to force a full search
	tag        string
	appliedTag string // the tag matches answer
	// from narrows the list to one source's models, like the tag facet
	// ("" is every source); appliedFrom is the one matches answer.
	from        string
	appliedFrom string
	srcs        *sources.Watch         // the remote sources' status, for the header
	marked      func(path string) bool // marked for the compare view
	// stay says a result keeps the cursor on its entry (see Apply).
	stay func() bool
	// syncMax is the largest catalog filtered in Update (SyncFilterMax).
	syncMax int
	// keepPath holds the cursor on that entry through the next result (the
	// listing was refreshed under it).
	keepPath string
	seq      int  // newest filter run
	pending  bool // a filter run is in flight
	dirty    bool // the query changed while it ran: run again when it lands
	took     time.Duration

	sortBy SortKey
	recent map[string]time.Time // ref path → last run

	cursor, offset int
}

// New makes the list of the catalog named source, loading.
func New(com *common.Common, source string) *List {
	in := textinput.New()
	in.Prompt = "/ "
	in.Placeholder = "filter"
	in.CharLimit = 200
	l := &List{com: com, source: source, input: in, loading: true, recent: map[string]time.Time{}, syncMax: SyncFilterMax}
	l.restyle()
	return l
}

// restyle styles the input from the theme when the theme changed.
func (l *List) restyle() {
	if l.styled != l.com.Styles {
		l.styled = l.com.Styles
		l.input.SetStyles(editor.InputStyles(l.com))
	}
}

func (l *List) Init() tea.Cmd { return nil }

// SetSize gives the list its outer size, border included.
func (l *List) SetSize(w, h int) {
	l.w, l.h = w, h
	l.input.SetWidth(max(1, w-l.com.Styles.Pane.GetHorizontalFrameSize()-3))
	l.clamp()
}

// SetFocused says whether the list has the keyboard (its frame shows it).
func (l *List) SetFocused(f bool) { l.focused = f }

// SetSources gives the header the remote sources' status.
func (l *List) SetSources(w *sources.Watch) { l.srcs = w }

// SetMarked tells the rows which models are marked for the compare view.
func (l *List) SetMarked(marked func(path string) bool) { l.marked = marked }

// SetSyncFilterMax changes the size up to which the catalog is filtered in
// Update rather than in a command (SyncFilterMax; tests set 0 to take the
// command's path on a small catalog).
func (l *List) SetSyncFilterMax(n int) { l.syncMax = n }

// SetStay tells the list when a filter result keeps the cursor on the
// entry it is on (the user has moved on to the model's detail) rather than
// going to the best match.
func (l *List) SetStay(stay func() bool) { l.stay = stay }

// Source is the catalog's name.
func (l *List) Source() string { return l.source }

// PageHeight is the number of rows available for entries.
func (l *List) PageHeight() int {
	return max(0, l.h-l.com.Styles.Pane.GetVerticalFrameSize()-2)
}

// SetLoading forgets the listing (and any filter run in flight) while the
// catalog is listed again.
func (l *List) SetLoading() {
	l.loading, l.err = true, nil
	l.ix, l.matches = nil, nil
	l.resetFilter()
}

// SetError says why the catalog could not be listed.
func (l *List) SetError(err error) { l.loading, l.err = false, err }

// SetIndex installs a freshly loaded catalog (indexed off the UI
// goroutine: NewIndex) and starts filtering it.
func (l *List) SetIndex(ix *catalog.Index) tea.Cmd {
	l.install(ix)
	return l.filterCmd()
}

// install puts ix in place of the listing, forgetting any run in flight.
func (l *List) install(ix *catalog.Index) {
	l.resetFilter()
	l.loading, l.err = false, nil
	l.ix = ix
	l.matches = nil
	l.applyValid = false // nothing applied yet: the next filter is a full search
}

// SetListing installs a listing (NewListing). With nothing typed and no
// facet, its rows are listed at once; otherwise the filter runs on it.
func (l *List) SetListing(ls Listing) tea.Cmd {
	if ls.all == nil || l.Query() != "" || l.tag != "" || l.from != "" || l.sortBy != SortName {
		return l.SetIndex(ls.Index)
	}
	l.install(ls.Index)
	l.seq++
	l.Apply(FilteredMsg{seq: l.seq, matches: ls.all})
	return nil
}

// KeepSelection holds the cursor on the selected entry through the next
// result: the listing is being refreshed under it.
func (l *List) KeepSelection() {
	if e, ok := l.Selected(); ok {
		l.keepPath = e.Ref.Path()
	}
}

// Loading says the catalog is being listed.
func (l *List) Loading() bool { return l.loading }

// Err is why the catalog could not be listed.
func (l *List) Err() error { return l.err }

// Index is the catalog listed (nil while loading or after an error).
func (l *List) Index() *catalog.Index { return l.ix }

// Busy says the spinner turns for the list: loading or filtering.
func (l *List) Busy() bool { return l.loading || l.pending }

// Pending says a filter run is in flight; Queued that the query changed
// since it started, so another runs when it lands.
func (l *List) Pending() bool { return l.pending }
func (l *List) Queued() bool  { return l.dirty }

// Outstanding says the selection is about to change: the catalog is
// loading or a filter run has not answered the newest query.
func (l *List) Outstanding() bool { return l.loading || l.pending || l.dirty }

// Filtering says the filter input has the keyboard.
func (l *List) Filtering() bool { return l.filtering }

// Query is what the filter input holds now.
func (l *List) Query() string { return strings.TrimSpace(l.input.Value()) }

// Applied is the query the rows answer.
func (l *List) Applied() string { return l.applied }

// Took is how long the filter run on screen took; ok is false when no
// query is applied.
func (l *List) Took() (time.Duration, bool) {
	return l.took, l.ix != nil && l.took > 0 && l.applyValid && l.applied != ""
}

// Matches are the rows listed, in order (what ordering the cursor has not
// reached may still be unordered).
func (l *List) Matches() []catalog.Match { return l.matches }

// Cursor is the row under the cursor.
func (l *List) Cursor() int { return l.cursor }

// Tag and From are the tag and source facets ("" for none).
func (l *List) Tag() string  { return l.tag }
func (l *List) From() string { return l.from }

// SortBy is the order of the list.
func (l *List) SortBy() SortKey { return l.sortBy }

// Selected returns the entry under the cursor.
func (l *List) Selected() (catalog.Entry, bool) {
	if l.ix == nil || l.cursor < 0 || l.cursor >= len(l.matches) {
		return catalog.Entry{}, false
	}
	return l.ix.Entry(l.matches[l.cursor].Index), true
}

// NoteRun remembers when the model at path last ran (the recent order).
func (l *List) NoteRun(path string, at time.Time) {
	if t, ok := l.recent[path]; !ok || at.After(t) {
		l.recent[path] = at
	}
}

// SetQuery puts q in the filter input and filters.
func (l *List) SetQuery(q string) tea.Cmd {
	l.input.SetValue(q)
	return l.filterCmd()
}

// SetTag narrows the list to a tag ("" is every tag).
func (l *List) SetTag(tag string) tea.Cmd {
	l.tag = tag
	return l.filterCmd()
}

// SetFrom narrows the list to one source's models ("" is every source).
func (l *List) SetFrom(source string) tea.Cmd {
	l.from = source
	return l.filterCmd()
}

// CycleSort moves to the next order: name, size, recent use.
func (l *List) CycleSort() tea.Cmd {
	l.sortBy = (l.sortBy + 1) % SortKey(len(sortNames))
	l.applyValid = false
	return l.filterCmd()
}

// resetFilter forgets any run in flight (the catalog is being replaced).
func (l *List) resetFilter() {
	l.seq++
	l.pending, l.dirty = false, false
}

// Apply installs a filter result unless a newer query superseded it, and
// returns the run of the query typed meanwhile. The cursor goes to the
// best match, except when the filter was cleared or the user has moved on
// to the detail pane (SetStay): then it stays on the same entry if that
// still matches, so a late result never swaps the model someone is working
// with.
func (l *List) Apply(msg FilteredMsg) (tea.Cmd, bool) {
	if msg.seq != l.seq {
		return nil, false
	}
	stay := l.stay != nil && l.stay()
	var keep string
	if e, ok := l.Selected(); ok {
		keep = e.Ref.Path()
	}
	l.pending = false
	l.matches, l.applied, l.appliedTag, l.appliedFrom, l.took = msg.matches, msg.query, msg.tag, msg.from, msg.took
	l.applyValid = true
	l.sorted = min(topK, len(l.matches))
	if msg.query == "" || msg.ordered {
		l.sorted = len(l.matches) // reference, size or recent-use order already
	}
	l.cursor = 0
	if l.keepPath != "" {
		stay, keep, l.keepPath = true, l.keepPath, ""
	}
	if (msg.query == "" || stay) && keep != "" {
		// Clearing the filter returns to where the user was.
		for i, m := range l.matches {
			if l.ix.Entry(m.Index).Ref.Path() == keep {
				l.cursor = i
				break
			}
		}
	}
	l.offset = 0
	l.clamp()
	var again tea.Cmd
	if l.dirty {
		again = l.filterCmd()
	}
	return again, true
}

// ShowAll clears the filter and the facets at once (not in a filter run),
// so that any model can be selected; a run in flight is dropped.
func (l *List) ShowAll() {
	l.input.SetValue("")
	l.tag, l.from = "", ""
	l.matches = l.ix.Search("")
	l.sorted = len(l.matches)
	l.applied, l.applyValid = "", true
	l.resetFilter()
}

// SelectPath puts the cursor on the model at path, if it is listed.
func (l *List) SelectPath(path string) bool {
	for i, mt := range l.matches {
		if l.ix.Entry(mt.Index).Ref.Path() == path {
			l.cursor = i
			l.clamp()
			return true
		}
	}
	return false
}

// SetCursor puts the cursor on row i.
func (l *List) SetCursor(i int) {
	l.cursor = i
	l.clamp()
}

// Move moves the cursor by d rows.
func (l *List) Move(d int) {
	l.cursor += d
	l.clamp()
}

func (l *List) clamp() {
	n := len(l.matches)
	l.cursor = max(0, min(l.cursor, n-1))
	h := max(1, l.PageHeight())
	l.offset = common.ScrollOffset(l.cursor, l.offset, h, n)
	if need := l.offset + h; need > l.sorted && l.sorted < n && l.ix != nil {
		// Scrolled past the ordered prefix: order the next stretch. The
		// slice may be shared with a filter run in flight, so order a copy.
		ms := slices.Clone(l.matches)
		k := min(n, max(need+topK, 2*l.sorted))
		l.ix.Order(ms, l.sorted, k)
		l.matches, l.sorted = ms, k
	}
}

// RowAt maps a y inside the list (0 = top border) to a row.
func (l *List) RowAt(y int) (int, bool) {
	row := y - l.com.Styles.Pane.GetBorderTopSize() - l.com.Styles.Pane.GetPaddingTop() - 2
	if row < 0 || row >= l.PageHeight() {
		return 0, false
	}
	i := l.offset + row
	return i, i < len(l.matches)
}

// StartFilter gives the filter input the keyboard (allowed while the
// catalog loads: the query applies when it lands).
func (l *List) StartFilter() tea.Cmd {
	l.restyle()
	l.filtering = true
	return l.input.Focus()
}

// Blur takes the keyboard from the filter input, keeping the query.
func (l *List) Blur() {
	l.filtering = false
	l.input.Blur()
}

// Perform does one of the catalog scope's actions the list owns: moving,
// filtering, clearing. Others (opening, marking, tags) are the root's.
func (l *List) Perform(id keys.Action) tea.Cmd {
	h := max(1, l.PageHeight())
	switch id {
	case keys.Up:
		l.Move(-1)
	case keys.Down:
		l.Move(1)
	case keys.PageUp:
		l.Move(-h)
	case keys.PageDown:
		l.Move(h)
	case keys.Top:
		l.Move(-len(l.matches))
	case keys.Bottom:
		l.Move(len(l.matches))
	case keys.Filter:
		return l.StartFilter()
	case keys.Clear:
		if l.input.Value() == "" && l.tag == "" && l.from == "" {
			return nil
		}
		l.input.SetValue("")
		l.tag, l.from = "", ""
		return l.filterCmd()
	case keys.Sort:
		return l.CycleSort()
	}
	return nil
}

// Update takes what the filter input gets while it has the keyboard: keys
// (enter keeps the filter, esc clears it, ↑/↓ move through the results),
// pastes and its cursor's messages. A change of the query starts a run.
func (l *List) Update(msg tea.Msg) tea.Cmd {
	if !l.filtering {
		return nil
	}
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch k.String() {
		case "esc":
			l.Blur()
			l.input.SetValue("")
			return l.filterCmd()
		case "enter":
			l.Blur()
			return nil
		case "up", "down", "pgup", "pgdown", "ctrl+n", "ctrl+p":
			// Moving through results while typing is what a filter is for.
			h := l.PageHeight()
			l.Move(map[string]int{"up": -1, "ctrl+p": -1, "down": 1, "ctrl+n": 1, "pgup": -h, "pgdown": h}[k.String()])
			return nil
		}
	}
	before := l.input.Value()
	var cmd tea.Cmd
	l.input, cmd = l.input.Update(msg)
	if l.input.Value() != before {
		return tea.Batch(cmd, l.filterCmd())
	}
	return cmd
}

// EditsQuery says a key typed into the filter changes its text or leaves
// it, rather than moving the selection.
func EditsQuery(msg tea.KeyPressMsg) bool {
	switch msg.String() {
	case "up", "down", "pgup", "pgdown", "ctrl+n", "ctrl+p":
		return false
	}
	return true
}

// ShortHelp is the footer's keys: the filter's while it is typed in, the
// catalog's bindings otherwise.
func (l *List) ShortHelp() []key.Binding {
	if l.filtering {
		return []key.Binding{key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep filter")),
			key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear")), key.NewBinding(key.WithKeys("up"), key.WithHelp("↑/↓", "move"))}
	}
	return l.com.Keys.Short(keys.ScopeCatalog,
		keys.Label{ID: keys.Filter, Desc: "filter"},
		keys.Label{ID: keys.Open, Desc: "try"},
		keys.Label{ID: keys.Tags, Desc: "filter by tag"},
		keys.Label{ID: keys.Sort, Desc: "sort name/size/recent"},
		keys.Label{ID: keys.Mark, Desc: "mark to compare"})
}

// FullHelp is every catalog binding.
func (l *List) FullHelp() [][]key.Binding {
	return l.com.Keys.FullHelp(keys.ScopeCatalog)
}
