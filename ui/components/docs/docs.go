// Package docs is the Docs tab: a model's markdown rendered by glamour,
// wrapped at spaces only (a URL is never broken at a hyphen, a list item
// continues under its text), searchable with / n N. Renders are cached per
// (entry, width, theme) and run in a command, off the UI goroutine, so
// resizing back and forth or returning to a model costs nothing.
package docs

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	xansi "github.com/charmbracelet/x/ansi"

	"pipette/catalog"
	"pipette/themes"
	"pipette/ui/common"
	"pipette/ui/components/editor"
	"pipette/ui/keys"
)

// Docs is the Docs tab.
type Docs struct {
	com    *common.Common
	styled *themes.Styles // what the input was styled with
	w, h   int            // content size
	vp     viewport.Model
	entry  catalog.Entry
	has    bool

	cache   map[string]string
	want    string // cache key of what should be on screen
	content string // the rendered docs, without search highlights
	lines   []string

	input     textinput.Model
	searching bool
	query     string
	hits      []docHit
	hit       int

	gen      int // counts the contents put in the viewport
	drawnKey bodyKey
	drawn    string // the viewport's view for drawnKey
}

// docHit is one search match: a line and a cell range within it.
type docHit struct{ line, start, end int }

// New makes an empty Docs tab.
func New(c *common.Common) *Docs {
	vp := viewport.New()
	vp.MouseWheelEnabled = true
	vp.SoftWrap = false
	in := textinput.New()
	in.Prompt = "search: "
	in.Placeholder = "text in the docs"
	d := &Docs{com: c, vp: vp, input: in, cache: map[string]string{}}
	d.restyle()
	return d
}

// restyle styles the search input from the theme when the theme changed.
func (d *Docs) restyle() {
	if d.styled != d.com.Styles {
		d.styled = d.com.Styles
		d.input.SetStyles(editor.InputStyles(d.com))
		d.want = "" // rendered again in the new style
	}
}

func (d *Docs) SetSize(w, h int) {
	d.w, d.h = w, h
	d.vp.SetWidth(w)
	d.vp.SetHeight(max(1, h-1))
	d.input.SetWidth(max(1, w-len(d.input.Prompt)-2))
}

// key names one render: the same entry at the same width in the same theme
// renders identically.
func (d *Docs) key(e catalog.Entry) string {
	// The docs' length too: a remote model's docs arrive after its listing.
	return fmt.Sprintf("%s@%s|%d|%s|%d", e.Ref.Path(), e.Ref.Version, d.w, d.com.Styles.Palette.Name+fmt.Sprint(d.com.Styles.Palette.Dark), len(e.Docs))
}

// RenderDelay is how long a model stays selected before its docs are
// rendered. Glamour takes a few milliseconds of CPU a render, which must
// not compete with the frame a key asked for: typing a filter or holding
// down a key changes the selection at every key, and at start the first
// frame (the catalog) must not wait behind the first model's docs. Docs
// already rendered (the cache) show at once.
const RenderDelay = 80 * time.Millisecond

// renderDueMsg says the docs under key have stayed selected RenderDelay.
type renderDueMsg struct{ key string }

// Handles says msg is one of the tab's own (a render that is due or done).
func Handles(msg tea.Msg) bool {
	switch msg.(type) {
	case renderDueMsg, RenderedMsg:
		return true
	}
	return false
}

// Show selects e and returns the command that renders its docs, after
// RenderDelay, if they are not cached yet.
func (d *Docs) Show(e catalog.Entry) tea.Cmd {
	d.restyle()
	changed := !d.has || e.Ref != d.entry.Ref
	d.entry, d.has = e, true
	k := d.key(e)
	if k == d.want && !changed {
		return nil
	}
	d.want = k
	if out, ok := d.cache[k]; ok {
		d.setContent(out, changed)
		return nil
	}
	if changed {
		d.setContent("", true)
	}
	return d.com.Clock.After(RenderDelay, func(time.Time) tea.Msg { return renderDueMsg{key: k} })
}

// render is the command that renders the docs wanted, when they still are
// (key) once the delay is over.
func (d *Docs) render(key string) tea.Cmd {
	if key != d.want {
		return nil // another model, width or theme since
	}
	md, width, style := docsMarkdown(d.entry), max(20, d.w-1), d.com.Styles.Glamour
	return func() tea.Msg {
		out, err := renderMarkdown(md, width, style)
		return RenderedMsg{key: key, out: out, err: err, width: width}
	}
}

// rendered installs a finished render.
func (d *Docs) rendered(msg RenderedMsg) {
	out := msg.out
	if msg.err != nil {
		// Fall back to the raw markdown: still readable, and the reason shows.
		out = d.com.Styles.Error.Render("could not render the docs: "+msg.err.Error()) + "\n\n" + common.WrapText(docsMarkdown(d.entry), d.w)
	}
	d.cache[msg.key] = out
	if msg.key == d.want {
		d.setContent(out, false)
	}
}

func (d *Docs) setContent(s string, top bool) {
	d.content = strings.TrimRight(s, "\n")
	d.lines = strings.Split(d.content, "\n")
	d.findHits()
	d.refresh()
	if top {
		d.vp.GotoTop()
	}
}

// RenderedMsg is a model's docs rendered at one width.
type RenderedMsg struct {
	key   string // ref + width + theme: what the render is for
	out   string
	err   error
	width int
}

func (d *Docs) Init() tea.Cmd { return nil }

// Update takes the tab's renders and, when it has the focus, keys: the
// search input's while it is typed in, the docs scope's bindings otherwise.
func (d *Docs) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case RenderedMsg:
		d.rendered(msg)
		return nil
	case renderDueMsg:
		return d.render(msg.key)
	}
	if d.searching {
		if k, ok := msg.(tea.KeyPressMsg); ok {
			return d.updateSearch(k)
		}
		var cmd tea.Cmd
		d.input, cmd = d.input.Update(msg)
		return cmd
	}
	if k, ok := msg.(tea.KeyPressMsg); ok {
		if id, ok := d.com.Keys.Lookup(keys.ScopeDocs, k); ok {
			return d.Perform(id)
		}
	}
	return nil
}

// Perform does one of the docs scope's actions: scrolling, searching.
// Clear ends a search; with none, it is the root's (back to the list).
func (d *Docs) Perform(id keys.Action) tea.Cmd {
	switch id {
	case keys.Up:
		d.vp.ScrollUp(1)
	case keys.Down:
		d.vp.ScrollDown(1)
	case keys.PageUp:
		d.vp.PageUp()
	case keys.PageDown:
		d.vp.PageDown()
	case keys.Top:
		d.vp.GotoTop()
	case keys.Bottom:
		d.vp.GotoBottom()
	case keys.Filter:
		return d.startSearch()
	case keys.SearchNext:
		d.step(1)
	case keys.SearchPrev:
		d.step(-1)
	case keys.Clear:
		d.clearSearch()
	}
	return nil
}

// Searching says the search input has the keyboard.
func (d *Docs) Searching() bool { return d.searching }

// HasQuery says a search is shown (esc clears it rather than going back).
func (d *Docs) HasQuery() bool { return d.query != "" }

// Matches is the current match (from 1; 0 for none) and how many there
// are.
func (d *Docs) Matches() (current, total int) {
	if len(d.hits) == 0 {
		return 0, 0
	}
	return d.hit + 1, len(d.hits)
}

// Blur takes the keyboard from the search input, keeping the query.
func (d *Docs) Blur() {
	d.searching = false
	d.input.Blur()
}

// Scroll moves the docs by n lines (the mouse wheel).
func (d *Docs) Scroll(n int) {
	if n < 0 {
		d.vp.ScrollUp(-n)
	} else {
		d.vp.ScrollDown(n)
	}
}

// ShortHelp is the footer's keys: the search's while it is typed in, the
// docs' bindings otherwise.
func (d *Docs) ShortHelp() []key.Binding {
	if d.searching {
		return []key.Binding{key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep search")), key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear"))}
	}
	return d.com.Keys.Short(keys.ScopeDocs,
		keys.Label{ID: keys.Filter, Desc: "search docs"},
		keys.Label{ID: keys.SearchNext, Desc: "next match"},
		keys.Label{ID: keys.Clear, Desc: "back"})
}

// FullHelp is every docs binding.
func (d *Docs) FullHelp() [][]key.Binding { return d.com.Keys.FullHelp(keys.ScopeDocs) }

// startSearch focuses the search input.
func (d *Docs) startSearch() tea.Cmd {
	d.searching = true
	d.input.SetValue(d.query)
	d.input.CursorEnd()
	return d.input.Focus()
}

// updateSearch handles a key while the search input has focus; every
// keystroke re-runs the search so matches show as the user types.
func (d *Docs) updateSearch(msg tea.KeyPressMsg) tea.Cmd {
	switch msg.String() {
	case "enter":
		d.searching = false
		d.input.Blur()
		return nil
	case "esc":
		d.searching = false
		d.input.Blur()
		d.query = ""
		d.findHits()
		d.refresh()
		return nil
	}
	var cmd tea.Cmd
	d.input, cmd = d.input.Update(msg)
	d.query = d.input.Value()
	d.findHits()
	d.hit = d.firstHitFrom(d.vp.YOffset())
	d.refresh()
	d.reveal()
	return cmd
}

func (d *Docs) clearSearch() {
	if d.query == "" {
		return
	}
	d.query = ""
	d.input.SetValue("")
	d.findHits()
	d.refresh()
}

// findHits finds the query (case-insensitive) in the rendered text.
func (d *Docs) findHits() {
	d.hits = d.hits[:0]
	q := strings.ToLower(d.query)
	if q == "" {
		return
	}
	qw := xansi.StringWidth(q)
	for i, l := range d.lines {
		plain := strings.ToLower(xansi.Strip(l))
		from := 0
		for {
			j := strings.Index(plain[from:], q)
			if j < 0 {
				break
			}
			start := xansi.StringWidth(plain[:from+j])
			d.hits = append(d.hits, docHit{line: i, start: start, end: start + qw})
			from += j + len(q)
		}
	}
	if d.hit >= len(d.hits) {
		d.hit = 0
	}
}

func (d *Docs) firstHitFrom(line int) int {
	for i, h := range d.hits {
		if h.line >= line {
			return i
		}
	}
	return 0
}

// step moves to the next (+1) or previous (-1) match, wrapping around.
func (d *Docs) step(dir int) {
	if len(d.hits) == 0 {
		return
	}
	d.hit = (d.hit + dir + len(d.hits)) % len(d.hits)
	d.refresh()
	d.reveal()
}

func (d *Docs) reveal() {
	if len(d.hits) == 0 {
		return
	}
	l := d.hits[d.hit].line
	if l < d.vp.YOffset() || l >= d.vp.YOffset()+d.vp.Height() {
		d.vp.SetYOffset(max(0, l-d.vp.Height()/3))
	}
}

// refresh puts the content with search highlights into the viewport.
// lipgloss.StyleRanges keeps glamour's own styling around the matches.
func (d *Docs) refresh() {
	d.gen++
	if len(d.hits) == 0 {
		y := d.vp.YOffset()
		d.vp.SetContent(d.content)
		d.vp.SetYOffset(y)
		return
	}
	lines := make([]string, len(d.lines))
	copy(lines, d.lines)
	byLine := map[int][]lipgloss.Range{}
	for i, h := range d.hits {
		st := d.com.Styles.SearchHit
		if i == d.hit {
			st = d.com.Styles.SearchCurrent
		}
		byLine[h.line] = append(byLine[h.line], lipgloss.NewRange(h.start, h.end, st))
	}
	for l, rs := range byLine {
		lines[l] = lipgloss.StyleRanges(lines[l], rs...)
	}
	y := d.vp.YOffset()
	d.vp.SetContent(strings.Join(lines, "\n"))
	d.vp.SetYOffset(y)
}

// body is the viewport's lines on screen, drawn again only when they
// changed: the docs stay put while keys go to the catalog's filter, whose
// every frame draws the detail pane too.
func (d *Docs) body() string {
	k := bodyKey{d.gen, d.vp.YOffset(), d.vp.Width(), d.vp.Height()}
	if k != d.drawnKey {
		d.drawnKey, d.drawn = k, d.vp.View()
	}
	return d.drawn
}

// bodyKey is what the viewport's view depends on.
type bodyKey struct{ gen, y, w, h int }

func (d *Docs) View() string {
	var foot string
	switch {
	case d.searching:
		foot = d.input.View()
		if d.query != "" {
			foot += d.com.Styles.Muted.Render(fmt.Sprintf("  %d matches", len(d.hits)))
		}
	case d.query != "":
		pos := 0
		if len(d.hits) > 0 {
			pos = d.hit + 1
		}
		foot = d.com.Styles.Muted.Render(fmt.Sprintf("%q %d/%d · n next · N previous · esc clear", d.query, pos, len(d.hits)))
	case !d.has:
		foot = ""
	default:
		pct := int(d.vp.ScrollPercent() * 100)
		if len(d.lines) <= d.vp.Height() {
			pct = 100
		}
		foot = d.com.Styles.Muted.Render(fmt.Sprintf("%d%% · / search", pct))
	}
	body := d.body()
	if d.has && d.content == "" {
		body = d.com.Styles.Muted.Render("rendering" + d.com.Styles.Ellipsis)
		body = lipgloss.NewStyle().Height(d.vp.Height()).Render(body)
	}
	return body + "\n" + xansi.Truncate(foot, d.w, d.com.Styles.Ellipsis)
}
