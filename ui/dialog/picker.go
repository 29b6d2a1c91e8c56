package dialog

import (
	"fmt"
	"pipette/ui/components/editor"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/sahilm/fuzzy"

	"pipette/ui/common"
)

// Item is one row of a picker.
type Item struct {
	Title  string // searched and shown
	Detail string // searched, shown dimmed
	Key    string // shown right-aligned (the palette: the key)
	// Also are more words the row is found by, never shown (synonyms).
	Also   string
	Action Action // what choosing the row does
}

// Picker is a filterable list in a box: the palette, the tags, the
// history and the export menu are pickers.
type Picker struct {
	com    *common.Common
	title  string
	items  []Item
	more   func(q string) []Item // rows found elsewhere for a query (models)
	input  textinput.Model
	shown  []Item
	cursor int
	offset int
	w, h   int // box size
}

// NewPicker makes a picker over items; more, when set, adds the rows it
// finds for the query after the items' matches.
func NewPicker(com *common.Common, title, placeholder string, items []Item, more func(string) []Item) *Picker {
	in := textinput.New()
	in.Prompt = "> "
	in.Placeholder = placeholder
	in.SetStyles(editor.InputStyles(com))
	in.Focus()
	p := &Picker{com: com, title: title, items: items, more: more, input: in}
	p.filter()
	return p
}

// SetSize sizes the box: as tall as its rows need, up to most of the screen.
func (p *Picker) SetSize(w, h int) {
	frame := p.com.Styles.Overlay.GetVerticalFrameSize() + 3
	rows := len(p.items)
	if p.more != nil {
		rows = 24
	}
	p.w, p.h = max(1, min(w-4, 80)), max(6, min(h-4, 24, rows+frame))
	p.input.SetWidth(max(1, p.w-p.com.Styles.Overlay.GetHorizontalFrameSize()-3))
	p.clamp()
}

func (p *Picker) Size() (int, int) { return p.w, p.h }
func (p *Picker) Modal() bool      { return false }

func (p *Picker) listHeight() int {
	return max(1, p.h-p.com.Styles.Overlay.GetVerticalFrameSize()-3)
}

func (p *Picker) filter() {
	q := strings.TrimSpace(p.input.Value())
	p.shown = p.shown[:0]
	if q == "" {
		p.shown = append(p.shown, p.items...)
	} else {
		p.shown = append(p.shown, rank(q, p.items)...)
	}
	if p.more != nil {
		p.shown = append(p.shown, p.more(q)...)
	}
	p.cursor, p.offset = 0, 0
}

// rank orders the items q finds: the title is q (exact), starts with q
// (prefix), has a word starting with each word of q, holds every word of q
// anywhere; then those with a word (title, synonyms, key, detail) starting
// with each; then fuzzy matches, best scored first — so "theme" finds
// "switch dark/light" by its synonym before the many titles its letters
// are scattered in, and "run" finds "run the model" before "rerun".
func rank(q string, items []Item) []Item {
	q = strings.ToLower(q)
	words := strings.Fields(q)
	const (
		exact = iota
		prefix
		titleWord
		inTitle
		byWord
		tiers
	)
	var tier [tiers][]Item
	hay := make([]string, len(items))
	taken := make([]bool, len(items))
	split := func(s string) []string {
		return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return r == ' ' || r == '/' || r == ':' })
	}
	startsOne := func(ws []string) func(string) bool {
		return func(w string) bool {
			return slices.ContainsFunc(ws, func(a string) bool { return strings.HasPrefix(a, w) })
		}
	}
	for i, it := range items {
		hay[i] = it.Title + " " + it.Key + " " + it.Detail + " " + it.Also
		title := strings.ToLower(it.Title)
		t := -1
		switch {
		case title == q:
			t = exact
		case strings.HasPrefix(title, q):
			t = prefix
		case every(words, startsOne(split(title))):
			t = titleWord
		case every(words, func(w string) bool { return strings.Contains(title, w) }):
			t = inTitle
		case every(words, startsOne(split(hay[i]))):
			t = byWord
		}
		if t >= 0 {
			tier[t], taken[i] = append(tier[t], it), true
		}
	}
	out := slices.Concat(tier[:]...)
	for _, m := range fuzzy.Find(q, hay) {
		if !taken[m.Index] {
			out = append(out, items[m.Index])
		}
	}
	return out
}

func every(words []string, ok func(string) bool) bool {
	for _, w := range words {
		if !ok(w) {
			return false
		}
	}
	return true
}

func (p *Picker) clamp() {
	p.cursor = max(0, min(p.cursor, len(p.shown)-1))
	p.offset = common.ScrollOffset(p.cursor, p.offset, p.listHeight(), len(p.shown))
}

// Update moves through the rows, types into the filter and chooses.
func (p *Picker) Update(msg tea.Msg) (Action, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch k.String() {
		case "esc":
			return Close{}, nil
		case "up", "ctrl+k", "ctrl+p":
			p.Scroll(-1)
			return nil, nil
		case "down", "ctrl+j", "ctrl+n":
			p.Scroll(1)
			return nil, nil
		case "pgup":
			p.Scroll(-p.listHeight())
			return nil, nil
		case "pgdown":
			p.Scroll(p.listHeight())
			return nil, nil
		case "enter":
			if p.cursor < len(p.shown) {
				return p.shown[p.cursor].Action, nil
			}
			return nil, nil
		}
	}
	before := p.input.Value()
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	if p.input.Value() != before {
		p.filter()
	}
	return nil, cmd
}

// Scroll moves the cursor by d rows.
func (p *Picker) Scroll(d int) {
	p.cursor += d
	p.clamp()
}

// Click chooses the row under y.
func (p *Picker) Click(_, y int) Action {
	row := y - p.com.Styles.Overlay.GetBorderTopSize() - 2
	if row < 0 || row >= p.listHeight() {
		return nil
	}
	if i := p.offset + row; i < len(p.shown) {
		return p.shown[i].Action
	}
	return nil
}

// Shown is the rows the filter shows, in order.
func (p *Picker) Shown() []Item { return p.shown }

func (p *Picker) View() string {
	st := p.com.Styles
	iw := max(1, p.w-st.Overlay.GetHorizontalFrameSize())
	count := fmt.Sprintf("  %d", len(p.shown))
	if len(p.shown) > p.listHeight() {
		count = fmt.Sprintf("  %d/%d", p.cursor+1, len(p.shown))
	}
	lines := []string{ansi.Truncate(st.Title.Render(p.title)+st.Muted.Render(count), iw, ""), p.input.View()}
	end := min(len(p.shown), p.offset+p.listHeight())
	for i := p.offset; i < end; i++ {
		lines = append(lines, p.row(p.shown[i], i == p.cursor, iw))
	}
	if len(p.shown) == 0 {
		lines = append(lines, st.Muted.Render("nothing matches"))
	}
	return st.Overlay.Width(p.w).Height(p.h).Render(strings.Join(lines, "\n"))
}

func (p *Picker) row(it Item, sel bool, iw int) string {
	st := p.com.Styles
	style := func(s lipgloss.Style) lipgloss.Style {
		if sel {
			return s.Inherit(st.Selected)
		}
		return s
	}
	lw := iw - ansi.StringWidth(it.Key) - 1
	title := ansi.Truncate(it.Title, max(1, lw), st.Ellipsis)
	row := style(st.Text).Render(title)
	used := ansi.StringWidth(title)
	if it.Detail != "" && lw-used > 6 {
		d := ansi.Truncate("  "+it.Detail, lw-used, st.Ellipsis)
		row += style(st.Muted).Render(d)
		used += ansi.StringWidth(d)
	}
	switch {
	case it.Key != "":
		row += style(lipgloss.NewStyle()).Render(strings.Repeat(" ", max(1, iw-used-ansi.StringWidth(it.Key))))
		row += style(st.HelpKey).Render(it.Key)
	case sel:
		row += style(lipgloss.NewStyle()).Render(strings.Repeat(" ", max(0, iw-used)))
	}
	return row
}

func (p *Picker) ShortHelp() []key.Binding  { return []key.Binding{closeKey, chooseKey, moveKey} }
func (p *Picker) FullHelp() [][]key.Binding { return [][]key.Binding{p.ShortHelp()} }
