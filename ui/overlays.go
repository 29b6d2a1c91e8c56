package ui

import (
	"fmt"
	"pipette/ui/keys"
	"strings"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/sahilm/fuzzy"

	"pipette/themes"
)

// overlayKind names what floats above the panes.
type overlayKind int

const (
	overlayNone overlayKind = iota
	overlayPalette
	overlayHelp
	overlayHistory
	overlayTags
	overlayPrompt
	overlayConfirm
	overlayExport
)

// pickItem is one row of a picker.
type pickItem struct {
	title  string // searched and shown
	detail string // shown dimmed
	key    string // shown right-aligned (palette: the key)
	value  any
}

// picker is a filterable list in a floating box: the command palette, the
// tag facet and the history all use it.
type picker struct {
	st     *themes.Styles
	title  string
	items  []pickItem
	input  textinput.Model
	shown  []int
	cursor int
	offset int
	w, h   int // box size
}

func newPicker(st *themes.Styles, title, placeholder string, items []pickItem) *picker {
	in := textinput.New()
	in.Prompt = "> "
	in.Placeholder = placeholder
	s := textinput.DefaultStyles(st.Palette.Dark)
	s.Cursor.Blink = false // a steady cursor: calmer, and screen readers track it
	s.Focused.Prompt = st.Accent
	s.Focused.Text = st.Text
	s.Focused.Placeholder = st.Muted
	in.SetStyles(s)
	p := &picker{st: st, title: title, items: items, input: in}
	p.filter()
	return p
}

func (p *picker) focus() tea.Cmd { return p.input.Focus() }

func (p *picker) setSize(w, h int) {
	p.w, p.h = w, h
	p.input.SetWidth(max(1, w-p.st.Overlay.GetHorizontalFrameSize()-3))
	p.clamp()
}

func (p *picker) listHeight() int { return max(1, p.h-p.st.Overlay.GetVerticalFrameSize()-3) }

func (p *picker) filter() {
	q := p.input.Value()
	p.shown = p.shown[:0]
	if strings.TrimSpace(q) == "" {
		for i := range p.items {
			p.shown = append(p.shown, i)
		}
	} else {
		hay := make([]string, len(p.items))
		for i, it := range p.items {
			hay[i] = it.title + " " + it.key + " " + it.detail
		}
		for _, m := range fuzzy.Find(q, hay) {
			p.shown = append(p.shown, m.Index)
		}
	}
	p.cursor, p.offset = 0, 0
}

func (p *picker) clamp() {
	p.cursor = max(0, min(p.cursor, len(p.shown)-1))
	h := p.listHeight()
	if p.cursor < p.offset {
		p.offset = p.cursor
	}
	if p.cursor >= p.offset+h {
		p.offset = p.cursor - h + 1
	}
}

// update handles a key; it returns the chosen item when enter is pressed.
func (p *picker) update(msg tea.KeyPressMsg) (chosen *pickItem, cmd tea.Cmd) {
	switch msg.String() {
	case "up", "ctrl+k", "ctrl+p":
		p.cursor--
		p.clamp()
		return nil, nil
	case "down", "ctrl+j", "ctrl+n":
		p.cursor++
		p.clamp()
		return nil, nil
	case "pgup":
		p.cursor -= p.listHeight()
		p.clamp()
		return nil, nil
	case "pgdown":
		p.cursor += p.listHeight()
		p.clamp()
		return nil, nil
	case "enter":
		if p.cursor < len(p.shown) {
			it := p.items[p.shown[p.cursor]]
			return &it, nil
		}
		return nil, nil
	}
	before := p.input.Value()
	p.input, cmd = p.input.Update(msg)
	if p.input.Value() != before {
		p.filter()
	}
	return nil, cmd
}

// clickRow maps a y inside the box to an item.
func (p *picker) clickRow(y int) (*pickItem, bool) {
	row := y - p.st.Overlay.GetBorderTopSize() - 2
	if row < 0 || row >= p.listHeight() {
		return nil, false
	}
	i := p.offset + row
	if i >= len(p.shown) {
		return nil, false
	}
	it := p.items[p.shown[i]]
	return &it, true
}

func (p *picker) View() string {
	iw := max(1, p.w-p.st.Overlay.GetHorizontalFrameSize())
	lines := []string{
		ansi.Truncate(p.st.Title.Render(p.title)+p.st.Muted.Render(fmt.Sprintf("  %d", len(p.shown))), iw, ""),
		p.input.View(),
	}
	end := min(len(p.shown), p.offset+p.listHeight())
	for i := p.offset; i < end; i++ {
		it := p.items[p.shown[i]]
		sel := i == p.cursor
		st := func(s lipgloss.Style) lipgloss.Style {
			if sel {
				return s.Inherit(p.st.Selected)
			}
			return s
		}
		left := it.title
		right := it.key
		lw := iw - ansi.StringWidth(right) - 1
		row := st(p.st.Text).Render(ansi.Truncate(left, max(1, lw), p.st.Ellipsis))
		used := ansi.StringWidth(ansi.Truncate(left, max(1, lw), p.st.Ellipsis))
		if it.detail != "" && lw-used > 6 {
			d := ansi.Truncate("  "+it.detail, lw-used, p.st.Ellipsis)
			row += st(p.st.Muted).Render(d)
			used += ansi.StringWidth(d)
		}
		if right != "" {
			row += st(lipgloss.NewStyle()).Render(strings.Repeat(" ", max(1, iw-used-ansi.StringWidth(right))))
			row += st(p.st.HelpKey).Render(right)
		} else if sel {
			row += st(lipgloss.NewStyle()).Render(strings.Repeat(" ", max(0, iw-used)))
		}
		lines = append(lines, row)
	}
	if len(p.shown) == 0 {
		lines = append(lines, p.st.Muted.Render("nothing matches"))
	}
	return p.st.Overlay.Width(p.w).Height(p.h).Render(strings.Join(lines, "\n"))
}

// promptPurpose says what a path prompt is for.
type promptPurpose int

const (
	promptLoadFile promptPurpose = iota
	promptSaveOutput
	// The chain builder's prompts; confirmChainPrompt answers them.
	promptRenameStep
	promptRenameChain
	promptSaveChain
	promptOpenChain
	promptExportChain
	promptChainInput
)

// prompt asks for one line (a file path).
type prompt struct {
	purpose promptPurpose
	title   string
	input   textinput.Model
	err     string
}

func newPrompt(st *themes.Styles, purpose promptPurpose, title, value string) *prompt {
	in := textinput.New()
	in.Prompt = "> "
	in.SetValue(value)
	in.CursorEnd()
	s := textinput.DefaultStyles(st.Palette.Dark)
	s.Cursor.Blink = false // a steady cursor: calmer, and screen readers track it
	s.Focused.Prompt = st.Accent
	s.Focused.Text = st.Text
	in.SetStyles(s)
	return &prompt{purpose: purpose, title: title, input: in}
}

func (p *prompt) View(st *themes.Styles, w int) string {
	p.input.SetWidth(max(1, w-st.Overlay.GetHorizontalFrameSize()-3))
	lines := []string{st.Title.Render(p.title), p.input.View()}
	if p.err != "" {
		lines = append(lines, st.Error.Render(ansi.Truncate(p.err, w-4, st.Ellipsis)))
	}
	lines = append(lines, st.Muted.Render("enter confirm · esc cancel · ~ is your home"))
	return st.Overlay.Width(w).Render(strings.Join(lines, "\n"))
}

// helpView is the full help: every binding by scope, in as many columns as
// fit, scrolled by off lines when taller than the screen. It returns the box
// and the largest useful offset.
func helpView(st *themes.Styles, km *keys.KeyMap, w, h, off int) (string, int) {
	keyW := 0
	for _, b := range km.All() {
		keyW = max(keyW, ansi.StringWidth(b.Help().Key))
	}
	var cols []string
	for _, sc := range []keys.Scope{keys.ScopeGlobal, keys.ScopeCatalog, keys.ScopeDocs, keys.ScopeTry, keys.ScopeCode, keys.ScopeChain} {
		lines := []string{st.Title.Render(sc.String())}
		for _, b := range km.InScope(sc) {
			if !b.Enabled() {
				continue
			}
			k := b.Help().Key
			lines = append(lines, st.HelpKey.Render(k)+strings.Repeat(" ", keyW-ansi.StringWidth(k)+1)+st.HelpDesc.Render(b.Help().Desc))
		}
		cols = append(cols, strings.Join(lines, "\n"))
	}
	iw := w - st.Overlay.GetHorizontalFrameSize()
	var rows []string
	var row []string
	rowW := 0
	for _, c := range cols {
		cw := lipgloss.Width(c) + 3
		if rowW+cw > iw && len(row) > 0 {
			rows = append(rows, lipgloss.JoinHorizontal(lipgloss.Top, row...))
			row, rowW = nil, 0
		}
		row = append(row, lipgloss.NewStyle().PaddingRight(3).Render(c))
		rowW += cw
	}
	if len(row) > 0 {
		rows = append(rows, lipgloss.JoinHorizontal(lipgloss.Top, row...))
	}
	body := strings.Join(rows, "\n\n") + "\n\n" + st.Muted.Render("keys can be remapped in "+ConfigPath()+" · ctrl+p searches them")
	lines := strings.Split(body, "\n")
	ih := max(1, h-st.Overlay.GetVerticalFrameSize()-1) // one line for the hint
	maxOff := max(0, len(lines)-ih)
	off = max(0, min(off, maxOff))
	lines = lines[off:min(len(lines), off+ih)]
	hint := "esc closes"
	if maxOff > 0 {
		hint = fmt.Sprintf("↑/↓ scroll (%d/%d) · esc closes", off, maxOff)
	}
	lines = append(lines, st.Muted.Render(hint))
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, iw, "")
	}
	return st.Overlay.Width(w).Render(strings.Join(lines, "\n")), maxOff
}
