package ui

import (
	"fmt"
	"pipette/ui/common"
	"pipette/ui/components/editor"
	"regexp"
	"strings"

	"charm.land/bubbles/v2/textinput"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/glamour/v2"
	"charm.land/glamour/v2/ansi"
	"charm.land/lipgloss/v2"
	xansi "github.com/charmbracelet/x/ansi"

	"pipette/catalog"
)

// docsPane shows an entry's markdown rendered by glamour. Renders are cached
// per (entry, width, theme), so resizing back and forth or returning to a
// model costs nothing, and rendering runs in a command, off the UI goroutine.
type docsPane struct {
	com   *common.Common
	w, h  int // content size
	vp    viewport.Model
	entry catalog.Entry
	has   bool

	cache   map[string]string
	want    string // cache key of what should be on screen
	content string // the rendered docs, without search highlights
	lines   []string

	input     textinput.Model
	searching bool
	query     string
	hits      []docHit
	hit       int
}

// docHit is one search match: a line and a cell range within it.
type docHit struct{ line, start, end int }

func newDocsPane(c *common.Common) docsPane {
	vp := viewport.New()
	vp.MouseWheelEnabled = true
	vp.SoftWrap = false
	in := textinput.New()
	in.Prompt = "search: "
	in.Placeholder = "text in the docs"
	d := docsPane{com: c, vp: vp, input: in, cache: map[string]string{}}
	d.setStyles()
	return d
}

func (d *docsPane) setStyles() { d.input.SetStyles(editor.InputStyles(d.com)) }

func (d *docsPane) SetSize(w, h int) {
	d.w, d.h = w, h
	d.vp.SetWidth(w)
	d.vp.SetHeight(max(1, h-1))
	d.input.SetWidth(max(1, w-len(d.input.Prompt)-2))
}

// key names one render: the same entry at the same width in the same theme
// renders identically.
func (d *docsPane) key(e catalog.Entry) string {
	// The docs' length too: a remote model's docs arrive after its listing.
	return fmt.Sprintf("%s@%s|%d|%s|%d", e.Ref.Path(), e.Ref.Version, d.w, d.com.Styles.Palette.Name+fmt.Sprint(d.com.Styles.Palette.Dark), len(e.Docs))
}

// show selects e and returns the command that renders its docs if they are
// not cached yet.
func (d *docsPane) show(e catalog.Entry) tea.Cmd {
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
	md, width, style := docsMarkdown(e), max(20, d.w-1), d.com.Styles.Glamour
	return func() tea.Msg {
		out, err := renderMarkdown(md, width, style)
		return docsRenderedMsg{key: k, out: out, err: err, width: width}
	}
}

// rendered installs a finished render.
func (d *docsPane) rendered(msg docsRenderedMsg) {
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

func (d *docsPane) setContent(s string, top bool) {
	d.content = strings.TrimRight(s, "\n")
	d.lines = strings.Split(d.content, "\n")
	d.findHits()
	d.refresh()
	if top {
		d.vp.GotoTop()
	}
}

// renderMarkdown is glamour at one width in one style.
func renderMarkdown(md string, width int, style ansi.StyleConfig) (string, error) {
	// glamour wraps at hyphens (a URL comes out in pieces) and drops a list
	// item's indentation on its next lines: it renders unwrapped here, and
	// rewrap wraps at spaces only, with a hanging indent.
	r, err := glamour.NewTermRenderer(glamour.WithStyles(style), glamour.WithWordWrap(0))
	if err != nil {
		return "", fmt.Errorf("markdown renderer: %w", err)
	}
	out, err := r.Render(md)
	if err != nil {
		return "", fmt.Errorf("render markdown: %w", err)
	}
	return rewrap(out, width), nil
}

// breakLine splits a styled line at the last space that leaves at most w
// cells before it, or at w when a word (a URL) is longer than that: never
// at a hyphen. The space is dropped; styles carry over.
func breakLine(s string, w int) (string, string) {
	plain := xansi.Strip(s)
	total := xansi.StringWidth(plain)
	if total <= w {
		return s, ""
	}
	brk, cell := -1, 0
	for _, r := range plain {
		if cell > w {
			break
		}
		if r == ' ' && cell > 0 {
			brk = cell
		}
		cell += xansi.StringWidth(string(r))
	}
	if brk <= 0 {
		return xansi.Cut(s, 0, w), strings.TrimLeft(xansi.Cut(s, w, total), " ")
	}
	return strings.TrimRight(xansi.Cut(s, 0, brk), " "), strings.TrimLeft(xansi.Cut(s, brk+1, total), " ")
}

// listMarker is a rendered list item's start: its indentation and its
// bullet or number.
var listMarker = regexp.MustCompile(`^(\s*)([•*-]|\d+\.) `)

// rewrap wraps rendered markdown to w cells at spaces only (a long word or
// URL is cut at the edge, never at a hyphen), continuing a list item under
// its text rather than under its bullet.
func rewrap(s string, w int) string {
	var out []string
	for _, line := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		line = strings.TrimRightFunc(line, func(r rune) bool { return r == ' ' })
		plain := xansi.Strip(line)
		if xansi.StringWidth(plain) <= w || strings.ContainsAny(plain, "│┼") {
			// A table row is kept whole: wrapped, its columns would be lost.
			out = append(out, line)
			continue
		}
		indent := len(plain) - len(strings.TrimLeft(plain, " "))
		if m := listMarker.FindString(plain); m != "" {
			indent = xansi.StringWidth(m)
		}
		if indent > w/2 {
			indent = 0
		}
		first := true
		for rest := line; rest != ""; first = false {
			width := w
			if !first {
				width = w - indent
			}
			head, tail := breakLine(rest, width)
			if !first {
				head = strings.Repeat(" ", indent) + head
			}
			out = append(out, head)
			rest = tail
		}
	}
	return strings.Join(out, "\n")
}

// docsMarkdown is the entry's docs, or a sentence saying there are none.
func docsMarkdown(e catalog.Entry) string {
	md := strings.TrimSpace(e.Docs)
	if md == "" {
		md = "# " + e.Ref.Path() + "\n\n" + e.Tagline + "\n\n*This model has no documentation.*"
	}
	if e.SampleOutput != "" && len(e.Samples) > 0 && !strings.Contains(md, e.SampleOutput) {
		in := e.Samples[0].Input.Summary(400)
		md += "\n\n## Example\n\nInput:\n\n```\n" + in + "\n```\n\nOutput:\n\n```\n" + e.SampleOutput + "\n```\n"
	}
	return md
}

// startSearch focuses the search input.
func (d *docsPane) startSearch() tea.Cmd {
	d.searching = true
	d.input.SetValue(d.query)
	d.input.CursorEnd()
	return d.input.Focus()
}

// updateSearch handles a key while the search input has focus; every
// keystroke re-runs the search so matches show as the user types.
func (d *docsPane) updateSearch(msg tea.KeyPressMsg) tea.Cmd {
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

func (d *docsPane) clearSearch() {
	d.query = ""
	d.input.SetValue("")
	d.findHits()
	d.refresh()
}

// findHits finds the query (case-insensitive) in the rendered text.
func (d *docsPane) findHits() {
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

func (d *docsPane) firstHitFrom(line int) int {
	for i, h := range d.hits {
		if h.line >= line {
			return i
		}
	}
	return 0
}

// step moves to the next (+1) or previous (-1) match, wrapping around.
func (d *docsPane) step(dir int) {
	if len(d.hits) == 0 {
		return
	}
	d.hit = (d.hit + dir + len(d.hits)) % len(d.hits)
	d.refresh()
	d.reveal()
}

func (d *docsPane) reveal() {
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
func (d *docsPane) refresh() {
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

func (d *docsPane) View() string {
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
	body := d.vp.View()
	if d.has && d.content == "" {
		body = d.com.Styles.Muted.Render("rendering" + d.com.Styles.Ellipsis)
		body = lipgloss.NewStyle().Height(d.vp.Height()).Render(body)
	}
	return body + "\n" + xansi.Truncate(foot, d.w, d.com.Styles.Ellipsis)
}
