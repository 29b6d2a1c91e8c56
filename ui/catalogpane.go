package ui

import (
	"fmt"
	"pipette/ui/common"
	"pipette/ui/components/editor"
	"pipette/ui/components/modelinfo"
	"pipette/ui/components/sources"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"pipette/catalog"
)

// catalogPane is the list of models: a fuzzy filter, a tag facet and a
// cursor. It keeps the whole match list but renders only the rows on screen,
// so drawing costs the same at 100 entries and at 100 000.
type catalogPane struct {
	com    *common.Common
	w, h   int // outer size, border included
	source string

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
	// keepPath holds the cursor on that entry through the next result (the
	// listing was refreshed under it).
	keepPath string
	seq      int  // newest filter run
	pending  bool // a filter run is in flight
	dirty    bool // the query changed while it ran: run again when it lands
	took     time.Duration

	sortBy sortKey
	recent map[string]time.Time // ref path → last run

	cursor, offset int
}

// sortKey is the order of the list when nothing is typed; the sort key
// cycles through them.
type sortKey int

const (
	sortName   sortKey = iota // reference order
	sortSize                  // smallest model first
	sortRecent                // recently run first
)

var sortNames = [...]string{"by name", "by size", "by recent use"}

func newCatalogPane(c *common.Common, source string) catalogPane {
	in := textinput.New()
	in.Prompt = "/ "
	in.Placeholder = "filter"
	in.CharLimit = 200
	p := catalogPane{com: c, source: source, input: in, loading: true, recent: map[string]time.Time{}}
	p.setStyles()
	return p
}

func (p *catalogPane) setStyles() { p.input.SetStyles(editor.InputStyles(p.com)) }

func (p *catalogPane) SetSize(w, h int) {
	p.w, p.h = w, h
	p.input.SetWidth(max(1, w-p.com.Styles.Pane.GetHorizontalFrameSize()-3))
	p.clamp()
}

// listHeight is the number of rows available for entries.
func (p *catalogPane) listHeight() int {
	return max(0, p.h-p.com.Styles.Pane.GetVerticalFrameSize()-2)
}

// setIndex installs a freshly loaded catalog, indexed off the UI goroutine.
func (p *catalogPane) setIndex(ix *catalog.Index) {
	p.loading, p.err = false, nil
	p.ix = ix
	p.matches = nil
	p.applyValid = false // nothing applied yet: the next filter is a full search
}

// selected returns the entry under the cursor.
func (p *catalogPane) selected() (catalog.Entry, bool) {
	if p.ix == nil || p.cursor < 0 || p.cursor >= len(p.matches) {
		return catalog.Entry{}, false
	}
	return p.ix.Entry(p.matches[p.cursor].Index), true
}

// query is what the filter input holds now.
func (p *catalogPane) query() string { return strings.TrimSpace(p.input.Value()) }

// filterCmd starts a filter run for the current query and tag. The run
// happens off the UI goroutine, one at a time: while one is in flight, a new
// keystroke only marks the query dirty, and the next run starts when the
// current one lands — narrowing from its result when the query only grew.
// So fast typing on a huge catalog never piles up searches on the cores, and
// seq still drops a result that a reload made meaningless.
func (p *catalogPane) filterCmd() tea.Cmd {
	if p.ix == nil {
		return nil
	}
	if p.pending {
		p.dirty = true
		return nil
	}
	p.seq++
	p.pending, p.dirty = true, false
	f := facets{tag: p.tag, from: p.from, sortBy: p.sortBy, recent: p.recent}
	seq, q, ix := p.seq, p.query(), p.ix
	var prev []catalog.Match
	if f.tag == p.appliedTag && f.from == p.appliedFrom && f.sortBy == sortName && p.applyValid && p.applied != "" && q != p.applied && strings.HasPrefix(q, p.applied) {
		prev = p.matches
	}
	return func() tea.Msg {
		start := time.Now()
		ms := runFilter(ix, q, f, prev)
		return filterDoneMsg{seq: seq, query: q, tag: f.tag, from: f.from, ordered: f.sortBy == sortSize, matches: ms, took: time.Since(start)}
	}
}

// resetFilter forgets any run in flight (the catalog is being replaced).
func (p *catalogPane) resetFilter() {
	p.seq++
	p.pending, p.dirty = false, false
}

// topK is how many matches a filter run orders: a few screens' worth. The
// rest are ordered on demand when the cursor gets there.
const topK = 256

// facets are what narrows and orders the list besides the query.
type facets struct {
	tag, from string
	sortBy    sortKey
	recent    map[string]time.Time // ref path → last run
}

// has says e passes the tag and source facets.
func (f facets) has(e catalog.Entry) bool {
	return (f.tag == "" || slices.ContainsFunc(e.Tags, func(t string) bool { return strings.EqualFold(t, f.tag) })) &&
		(f.from == "" || e.Source == f.from)
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
	if f.sortBy == sortSize {
		ix.Order(ms, min(topK, len(ms)), len(ms))
		slices.SortStableFunc(ms, func(a, b catalog.Match) int { return modelinfo.BySize(ix.Entry(a.Index), ix.Entry(b.Index)) })
	}
	recent := f.recent
	if q == "" && f.sortBy == sortRecent && len(recent) > 0 {
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

// sortByRef returns entries in reference order (the catalog's natural order
// when nothing is typed).
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

// applyFilter installs a filter result unless a newer query superseded it.
// The cursor goes to the best match, except when the filter was cleared or
// the user has moved on to the detail pane (stay): then it stays on the same
// entry if that still matches, so a late result never swaps the model
// someone is working with.
func (p *catalogPane) applyFilter(msg filterDoneMsg, stay bool) bool {
	if msg.seq != p.seq {
		return false
	}
	var keep string
	if e, ok := p.selected(); ok {
		keep = e.Ref.Path()
	}
	p.pending = false
	p.matches, p.applied, p.appliedTag, p.appliedFrom, p.took = msg.matches, msg.query, msg.tag, msg.from, msg.took
	p.applyValid = true
	p.sorted = min(topK, len(p.matches))
	if msg.query == "" || msg.ordered {
		p.sorted = len(p.matches) // reference, size or recent-use order already
	}
	p.cursor = 0
	if p.keepPath != "" {
		stay, keep, p.keepPath = true, p.keepPath, ""
	}
	if (msg.query == "" || stay) && keep != "" {
		// Clearing the filter returns to where the user was.
		for i, m := range p.matches {
			if p.ix.Entry(m.Index).Ref.Path() == keep {
				p.cursor = i
				break
			}
		}
	}
	p.offset = 0
	p.clamp()
	return true
}

// showAll clears the filter and the tag at once (not in a filter run), so
// that any model can be selected; a run in flight is dropped.
func (p *catalogPane) showAll() {
	p.input.SetValue("")
	p.tag, p.from = "", ""
	p.matches = p.ix.Search("")
	p.sorted = len(p.matches)
	p.applied, p.applyValid = "", true
	p.seq++
	p.pending, p.dirty = false, false
}

// selectPath puts the cursor on the model at path, if it is listed.
func (p *catalogPane) selectPath(path string) bool {
	for i, mt := range p.matches {
		if p.ix.Entry(mt.Index).Ref.Path() == path {
			p.cursor = i
			p.clamp()
			return true
		}
	}
	return false
}

func (p *catalogPane) move(d int) {
	p.cursor += d
	p.clamp()
}

func (p *catalogPane) clamp() {
	n := len(p.matches)
	p.cursor = max(0, min(p.cursor, n-1))
	h := max(1, p.listHeight())
	if p.cursor < p.offset {
		p.offset = p.cursor
	}
	if p.cursor >= p.offset+h {
		p.offset = p.cursor - h + 1
	}
	p.offset = max(0, min(p.offset, n-h))
	if need := p.offset + h; need > p.sorted && p.sorted < n && p.ix != nil {
		// Scrolled past the ordered prefix: order the next stretch. The
		// slice may be shared with a filter run in flight, so order a copy.
		ms := slices.Clone(p.matches)
		k := min(n, max(need+topK, 2*p.sorted))
		p.ix.Order(ms, p.sorted, k)
		p.matches, p.sorted = ms, k
	}
}

// rowAt maps a y inside the pane (0 = top border) to a match index.
func (p *catalogPane) rowAt(y int) (int, bool) {
	row := y - p.com.Styles.Pane.GetBorderTopSize() - p.com.Styles.Pane.GetPaddingTop() - 2
	if row < 0 || row >= p.listHeight() {
		return 0, false
	}
	i := p.offset + row
	return i, i < len(p.matches)
}

func (p *catalogPane) View(focused bool) string {
	spin := p.com.Spinner()
	frame := p.com.Styles.Pane
	if focused {
		frame = p.com.Styles.PaneFocused
	}
	iw := max(1, p.w-frame.GetHorizontalFrameSize())
	ih := max(1, p.h-frame.GetVerticalFrameSize())
	lines := make([]string, 0, ih)

	// The count comes before the source name so that a narrow pane cuts
	// the (long) server address, not the number.
	title := p.com.Styles.Title.Render("pipette")
	switch {
	case p.loading:
		title += p.com.Styles.Muted.Render(" " + p.com.Styles.Dot + " " + spin + " loading")
	case p.ix != nil:
		count := fmt.Sprintf("%d models", p.ix.Len())
		if p.applyValid && p.applied != "" || p.tag != "" || p.from != "" {
			count = fmt.Sprintf("%d of %d", len(p.matches), p.ix.Len())
		}
		title += p.com.Styles.Muted.Render(" " + p.com.Styles.Dot + " " + count)
		if p.sortBy != sortName {
			title += p.com.Styles.Muted.Render(" " + p.com.Styles.Dot + " " + strings.TrimPrefix(sortNames[p.sortBy], "by "))
		}
	}
	if s := p.srcs.Summary(iw); s != "" {
		// The sources with their status stand for the catalog's long name.
		title += p.com.Styles.Muted.Render(" "+p.com.Styles.Dot+" ") + s
	} else {
		title += p.com.Styles.Muted.Render(" " + p.com.Styles.Dot + " " + p.source)
	}
	lines = append(lines, ansi.Truncate(title, iw, p.com.Styles.Ellipsis))

	filter := ""
	switch {
	case p.filtering || p.input.Value() != "":
		filter = p.input.View()
	default:
		filter = p.com.Styles.Muted.Render("/ filter")
	}
	if p.tag != "" {
		filter = p.com.Styles.Tag.Render("#"+p.tag) + " " + filter
	}
	if p.from != "" {
		filter = p.com.Styles.Tag.Render("@"+p.from) + " " + filter
	}
	if p.pending && !p.loading {
		filter += " " + p.com.Styles.Muted.Render(spin)
	}
	lines = append(lines, ansi.Truncate(filter, iw, ""))

	switch {
	case p.loading:
		lines = append(lines, p.com.Styles.Muted.Render(spin+" fetching the catalog"+p.com.Styles.Ellipsis))
	case p.err != nil:
		for _, l := range strings.Split(common.WrapText(p.err.Error(), iw), "\n") {
			lines = append(lines, p.com.Styles.Error.Render(l))
		}
		lines = append(lines, p.com.Styles.Muted.Render("press R to retry"))
	case len(p.matches) == 0 && p.applyValid:
		lines = append(lines, p.com.Styles.Muted.Render("no model matches; esc clears the filter"))
	default:
		end := min(len(p.matches), p.offset+p.listHeight())
		refW := 0
		for i := p.offset; i < end; i++ {
			refW = max(refW, len(p.ix.Entry(p.matches[i].Index).Ref.Path()))
		}
		// The ref is what identifies a model: it gets the room first, and the
		// tagline what is left.
		refW = min(refW, max(12, iw-2-16))
		for i := p.offset; i < end; i++ {
			lines = append(lines, p.row(i, iw, refW, focused))
		}
	}
	if len(lines) > ih {
		lines = lines[:ih]
	}
	return frame.Width(p.w).Height(p.h).Render(strings.Join(lines, "\n"))
}

// row renders one entry: marker, ref, tagline and kind badge, with the
// matched characters highlighted, cut to width w.
func (p *catalogPane) row(i, w, refW int, focused bool) string {
	m := p.matches[i]
	e := p.ix.Entry(m.Index)
	sel := i == p.cursor
	style := func(s lipgloss.Style) lipgloss.Style {
		if sel {
			return s.Inherit(p.com.Styles.Selected)
		}
		return s
	}
	marker := "  "
	if p.marked != nil && p.marked(e.Ref.Path()) {
		marker = style(p.com.Styles.Accent).Render("• ")
	}
	if sel {
		marker = style(p.com.Styles.Cursor).Render(p.com.Styles.Arrow + " ")
		if p.marked != nil && p.marked(e.Ref.Path()) {
			marker = style(p.com.Styles.Cursor).Render(p.com.Styles.Arrow + "•")
		}
	}
	badge := kindBadge(e)
	tagline, inTag := e.Tagline, m.InTag
	if e.Model != nil {
		// A model's facts in columns, and its kind as the badge.
		badge, tagline, inTag = string(e.Model.Kind), "-", nil
	}
	badgeStyle := p.com.Styles.Badge
	if e.Unavailable != "" {
		// It is listed (its docs are worth reading) but cannot run here.
		badge, badgeStyle = "unavailable", p.com.Styles.StatusWarn
	}
	showBadge := w >= 48 && badge != ""
	rest := w - 2
	ref := e.Ref.Path()
	out := marker + highlight(ref, m.InRef, min(refW, rest), style(p.com.Styles.Text), style(p.com.Styles.Match), p.com.Styles.Ellipsis)
	used := 2 + min(ansi.StringWidth(ref), min(refW, rest))
	pad := func(n int) string {
		if n <= 0 {
			return ""
		}
		return style(lipgloss.NewStyle()).Render(strings.Repeat(" ", n))
	}
	tagW := w - used - 2
	if showBadge {
		tagW -= ansi.StringWidth(badge) + 1
	}
	if tagW >= 8 && tagline != "" {
		out += pad(refW - (used - 2) + 2)
		used = 2 + refW + 2
		tagW = w - used
		if showBadge {
			tagW -= ansi.StringWidth(badge) + 1
		}
		if e.Model != nil {
			tagline = modelinfo.Row(e.Model, tagW)
		}
		t := highlight(tagline, inTag, tagW, style(p.com.Styles.Muted), style(p.com.Styles.Match), p.com.Styles.Ellipsis)
		out += t
		used += ansi.StringWidth(t)
	}
	if showBadge && w-used >= ansi.StringWidth(badge)+1 {
		out += pad(w - used - ansi.StringWidth(badge))
		out += style(badgeStyle).Render(badge)
		used = w
	}
	if sel {
		out += pad(w - used)
	}
	return out
}

// kindBadge is "text→json" for an entry's input and output kinds.
func kindBadge(e catalog.Entry) string {
	if e.InputKind == "" && e.OutputKind == "" {
		return ""
	}
	short := func(k catalog.Kind) string {
		switch k {
		case catalog.KindBinary:
			return "bin"
		case "":
			return "?"
		}
		return string(k)
	}
	return short(e.InputKind) + "→" + short(e.OutputKind)
}

// highlight renders s cut to w cells with the bytes at positions (sorted byte
// offsets, as catalog.Match gives them) in hi and the rest in base.
func highlight(s string, positions []int, w int, base, hi lipgloss.Style, tail string) string {
	if w <= 0 {
		return ""
	}
	if ansi.StringWidth(s) > w {
		cut := w - ansi.StringWidth(tail)
		if cut <= 0 {
			return base.Render(ansi.Truncate(s, w, ""))
		}
		s = ansi.Truncate(s, cut, "") + tail
	}
	if len(positions) == 0 {
		return base.Render(s)
	}
	var b strings.Builder
	var run strings.Builder
	runHi := false
	flush := func() {
		if run.Len() == 0 {
			return
		}
		if runHi {
			b.WriteString(hi.Render(run.String()))
		} else {
			b.WriteString(base.Render(run.String()))
		}
		run.Reset()
	}
	pi := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		for pi < len(positions) && positions[pi] < i {
			pi++
		}
		isHi := pi < len(positions) && positions[pi] == i
		if isHi != runHi {
			flush()
			runHi = isHi
		}
		run.WriteRune(r)
		i += size
	}
	flush()
	return b.String()
}
