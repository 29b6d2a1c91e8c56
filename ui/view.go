package ui

import (
	"fmt"
	"pipette/themes"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"pipette/catalog"
	"pipette/ui/common"
	"pipette/ui/components/modelinfo"
	"pipette/ui/keys"
)

// View draws the frame Update prepared, with the layout Update computed.
func (m *Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.WindowTitle = "pipette"
	if m.opt.Mouse {
		v.MouseMode = tea.MouseModeCellMotion
	}
	return v
}

func (m *Model) render() string {
	return m.com.Shown(m.renderScreen())
}

func (m *Model) renderScreen() string {
	l := m.lay
	if l.w == 0 || l.h == 0 || m.quitting {
		return ""
	}
	if l.tooSmall {
		return tooSmall(l.w, l.h)
	}
	var body string
	switch {
	case l.builder.W > 0:
		body = m.builder.View()
	case l.compare.W > 0:
		body = m.compare.View()
	case l.catalog.W == 0:
		body = m.detailView()
	case l.wide:
		body = besides(m.cat.View(), m.detailView())
	default:
		body = m.cat.View() + "\n" + m.detailView() // both as wide as the screen
	}
	if l.bar.H > 0 {
		body += "\n" + m.bar.View()
	}
	screen := body + "\n" + m.footer() + "\n" + m.statusLine()
	if m.dialog == nil {
		return screen
	}
	return lipgloss.NewCompositor(
		lipgloss.NewLayer(screen),
		lipgloss.NewLayer(m.dialog.View()).X(l.dialog.X).Y(l.dialog.Y).Z(1),
	).Render()
}

// besides puts two panes of the same height side by side, line by line
// (lipgloss.JoinHorizontal measures and pads every line first).
func besides(left, right string) string {
	ls, rs := strings.Split(left, "\n"), strings.Split(right, "\n")
	if len(ls) != len(rs) {
		return lipgloss.JoinHorizontal(lipgloss.Top, left, right)
	}
	var b strings.Builder
	b.Grow(len(left) + len(right))
	for i := range ls {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(ls[i])
		b.WriteString(rs[i])
	}
	return b.String()
}

// frameOf names a pane's frame style for common.Frame's cache.
type frameOf struct {
	styles  *themes.Styles
	focused bool
}

// tooSmall is the sentence for a terminal smaller than the panes need,
// wrapped to fit the terminal it is shown in.
func tooSmall(w, h int) string {
	msg := fmt.Sprintf("pipette needs at least %d×%d; this terminal is %d×%d. Make it larger, or q quits.", minW, minH, w, h)
	lines := strings.Split(common.WrapText(msg, w), "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, w, "")
	}
	return strings.Join(lines, "\n")
}

// detailView is the detail pane: the title and tabs, the model's kinds and
// tags, and the tab's content.
func (m *Model) detailView() string {
	st, l := m.com.Styles, m.lay
	w, h := l.detail.W, l.detail.H
	frame, focused := st.Pane, m.focus == focusDetail && m.dialog == nil
	if focused {
		frame = st.PaneFocused
	}
	iw := max(1, w-frame.GetHorizontalFrameSize())
	var tabs []string
	for i, n := range tabNames {
		if tabID(i) == m.tab {
			tabs = append(tabs, st.TabActive.Render(n))
		} else {
			tabs = append(tabs, st.Tab.Render(n))
		}
	}
	tabBar := strings.Join(tabs, "")
	var lines []string
	if !m.hasSel {
		lines = append(lines, common.FitRow(st.Muted.Render("no model selected"), tabBar, iw), "")
		msg := "pick a model on the left"
		if !l.wide {
			msg = "pick a model above"
		}
		if m.cat.Loading() {
			msg = m.com.Spinner() + " loading the catalog" + st.Ellipsis
		}
		lines = append(lines, st.Muted.Render(msg))
	} else {
		e := m.selected
		title := st.Title.Render(e.Ref.Path()) + " " + st.Muted.Render(e.Ref.Version)
		if l.detailHead == 1 {
			title += " " + m.metaLine(e)
		}
		lines = append(lines, common.FitRow(title, tabBar, iw))
		if l.detailHead > 1 {
			lines = append(lines, ansi.Truncate(m.metaLine(e), iw, st.Ellipsis))
		}
		switch m.tab {
		case tabDocs:
			lines = append(lines, m.docs.View())
		case tabTry:
			lines = append(lines, m.try.View())
		case tabCode:
			lines = append(lines, m.code.View())
		}
	}
	ih := max(1, h-frame.GetVerticalFrameSize())
	content := common.Clip(strings.Join(lines, "\n"), iw, ih)
	return m.detailFrame.Render(frameOf{st, focused}, frame, w, h, strings.Split(content, "\n"))
}

// metaLine is the header under the title: kinds, versions, license, tags.
func (m *Model) metaLine(e catalog.Entry) string {
	st := m.com.Styles
	var parts []string
	switch {
	case e.Model != nil:
		parts = modelinfo.Meta(e.Model)
	case e.InputKind != "" || e.OutputKind != "":
		parts = append(parts, string(e.InputKind)+" → "+string(e.OutputKind))
	}
	if n := len(e.Versions); n > 1 {
		parts = append(parts, fmt.Sprintf("%d versions", n))
	}
	if e.License != "" {
		parts = append(parts, e.License)
	}
	if len(e.Tags) > 0 {
		parts = append(parts, "#"+strings.Join(e.Tags, " #"))
	}
	s := st.Muted.Render(strings.Join(parts, " "+st.Dot+" "))
	if e.Unavailable != "" {
		s = st.StatusWarn.Render("unavailable: "+e.Unavailable) + "  " + s
	}
	return s
}

// footer is the short help of what has the keyboard, from the bindings as
// they are (a remapped key shows as remapped), then the global keys.
func (m *Model) footer() string {
	if m.dialog != nil {
		return m.helpLine(m.dialog.ShortHelp(), nil)
	}
	km := m.com.Keys
	find := func(sc keys.Scope, id keys.Action, desc string) []key.Binding {
		if b := km.Find(sc, id); b != nil && b.Enabled() {
			return []key.Binding{keys.Relabel(b, desc)}
		}
		return nil
	}
	var own []key.Binding
	sc := m.scope()
	switch {
	case m.cat.Filtering():
		return m.helpLine(m.cat.ShortHelp(), []key.Binding{key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit"))})
	case m.docs.Searching():
		return m.helpLine(m.docs.ShortHelp(), nil)
	case m.try.Editing():
		return m.helpLine(m.try.ShortHelp(), []key.Binding{key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit"))})
	case sc == keys.ScopeCompare:
		if m.compare.Editing() {
			return m.helpLine(m.compare.ShortHelp(), []key.Binding{key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit"))})
		}
		own = m.compare.ShortHelp()
	case sc == keys.ScopeChain:
		if m.builder.TextFocused() {
			return m.helpLine(m.builder.ShortHelp(), []key.Binding{key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit"))})
		}
		own = m.builder.ShortHelp()
	case sc == keys.ScopeCatalog:
		own = m.cat.ShortHelp()
	case sc == keys.ScopeDocs:
		own = m.docs.ShortHelp()
	case sc == keys.ScopeTry:
		own = m.try.ShortHelp()
	case sc == keys.ScopeCode:
		own = m.code.ShortHelp()
	}
	if sc != keys.ScopeChain && sc != keys.ScopeCompare {
		own = append(own, find(keys.ScopeGlobal, keys.FocusNext, "next pane")...)
		if m.hasSel {
			own = append(append(own, find(keys.ScopeGlobal, keys.ChainAdd, "add to chain")...), find(keys.ScopeGlobal, keys.ChainFocus, "chain")...)
		}
		if sc != keys.ScopeCatalog {
			zoom := "zoom"
			if m.zoom {
				zoom = "unzoom"
			}
			own = append(own, find(keys.ScopeGlobal, keys.Zoom, zoom)...)
		}
	}
	var tail []key.Binding
	for _, id := range []keys.Action{keys.Palette, keys.Help, keys.Quit} {
		if b := km.Find(keys.ScopeGlobal, id); b != nil && b.Enabled() {
			first := b.Keys()[0]
			tail = append(tail, key.NewBinding(key.WithKeys(first), key.WithHelp(first, b.Help().Desc)))
		}
	}
	return m.helpLine(own, tail)
}

// helpLine renders bindings on one line. When they do not fit, the
// component's own are dropped from their end, so the tail (commands,
// help, quit) always stays on screen.
func (m *Model) helpLine(own, tail []key.Binding) string {
	st := m.com.Styles
	sep := st.HelpSep.Render(" " + st.Dot + " ")
	render := func(bs []key.Binding) string {
		items := make([]string, 0, len(bs))
		for _, b := range bs {
			items = append(items, st.HelpKey.Render(b.Help().Key)+" "+st.HelpDesc.Render(b.Help().Desc))
		}
		return " " + strings.Join(items, sep)
	}
	for {
		out := render(append(append([]key.Binding(nil), own...), tail...))
		switch {
		case ansi.StringWidth(out) <= m.lay.w:
			return out
		case len(own) > 0:
			own = own[:len(own)-1]
		case len(tail) > 0:
			tail = tail[:len(tail)-1]
		default:
			return ""
		}
	}
}

func (m *Model) statusLine() string {
	st := m.com.Styles
	spin := m.com.Spinner()
	// Idle, nothing: the header names the catalog, the line above shows
	// the keys.
	left := ""
	switch {
	case m.try.Running():
		left = st.Accent.Render(spin + " running " + m.try.Entry().Ref.Path())
	case m.compare.Running():
		left = st.Accent.Render(spin + " comparing " + fmt.Sprint(len(m.compare.Models())) + " models")
	case m.builder.Running():
		left = st.Accent.Render(spin + " running the chain " + m.builder.Chain().Name)
	}
	right := ""
	if took, ok := m.cat.Took(); m.com.Debug && ok {
		right = st.Muted.Render(fmt.Sprintf("filter %s", m.com.Duration(took)))
	}
	return m.status.View(m.lay.w, left, right)
}
