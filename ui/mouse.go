package ui

import (
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// handleClick focuses what was clicked: a catalog row, a tab, a pane, a
// step of the pipeline, or a dialog's row. Where things are is this
// frame's layout, the one View drew.
func (m *Model) handleClick(ms tea.Mouse) tea.Cmd {
	if ms.Button != tea.MouseLeft {
		return nil
	}
	l := m.lay
	if m.dialog != nil {
		if l.dialog.contains(ms.X, ms.Y) {
			return m.act(m.dialog.Click(ms.X-l.dialog.X, ms.Y-l.dialog.Y))
		}
		if !m.dialog.Modal() {
			m.dialog = nil
		}
		return nil // a question is answered with a key, not dismissed by a stray click
	}
	if m.textFocused() {
		m.blurInputs()
	}
	st := m.com.Styles
	switch {
	case l.builder.contains(ms.X, ms.Y):
		// The pipeline is the second inner line of the builder.
		top := l.builder.Y + st.PaneFocused.GetBorderTopSize() + st.PaneFocused.GetPaddingTop()
		left := l.builder.X + st.PaneFocused.GetBorderLeftSize() + st.PaneFocused.GetPaddingLeft()
		if ms.Y == top+1 {
			if i, ok := m.builder.StepAt(ms.X - left); ok {
				m.builder.Select(i)
			}
		}
		return nil
	case l.bar.contains(ms.X, ms.Y):
		m.focusChain()
		return nil
	case l.catalog.contains(ms.X, ms.Y):
		m.focus = focusCatalog
		if i, ok := m.cat.RowAt(ms.Y - l.catalog.Y); ok {
			m.cat.SetCursor(i)
			return m.selectionChanged()
		}
		return nil
	case l.detail.contains(ms.X, ms.Y):
		m.focus = focusDetail
		// The tabs are the right end of the detail pane's first inner line.
		if ms.Y != l.detail.Y+st.Pane.GetBorderTopSize() {
			return nil
		}
		pos := l.detail.X + l.detail.W - st.Pane.GetBorderRightSize() - st.Pane.GetPaddingRight()
		for i := len(tabNames) - 1; i >= 0; i-- {
			tw := ansi.StringWidth(st.Tab.Render(tabNames[i]))
			if ms.X >= pos-tw && ms.X < pos {
				m.tab = tabID(i)
				return m.refreshDetail()
			}
			pos -= tw
		}
	}
	return nil
}

func (m *Model) blurInputs() {
	m.cat.Blur()
	m.docs.Blur()
	m.try.Blur()
}

// handleWheel scrolls whatever is under the pointer.
func (m *Model) handleWheel(msg tea.MouseWheelMsg) tea.Cmd {
	ms := msg.Mouse()
	d := 0
	switch ms.Button {
	case tea.MouseWheelUp:
		d = -3
	case tea.MouseWheelDown:
		d = 3
	default:
		return nil
	}
	l := m.lay
	switch {
	case m.dialog != nil:
		m.dialog.Scroll(d)
	case l.builder.contains(ms.X, ms.Y):
		m.builder.Scroll(d)
	case l.catalog.contains(ms.X, ms.Y):
		m.cat.Move(d)
		return m.selectionChanged()
	case l.detail.contains(ms.X, ms.Y):
		switch m.tab {
		case tabTry:
			m.try.Scroll(d)
			return nil
		case tabCode:
			m.code.Scroll(d)
			return nil
		}
		m.docs.Scroll(d)
	}
	return nil
}
