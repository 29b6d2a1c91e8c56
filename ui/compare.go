package ui

// The compare view: models marked in the catalog, side by side.

import (
	tea "charm.land/bubbletea/v2"
	"pipette/catalog"

	"pipette/ui/common"
	"pipette/ui/components/params"
)

// openCompare shows the marked models side by side (the selected one too
// when only one is marked), on the Try tab's input.
func (m *Model) openCompare() tea.Cmd {
	extra := m.selectedPtr()
	ok, why := m.compare.Open(extra, m.try.InputText())
	if !ok {
		return m.setStatus(why, common.StatusInfo)
	}
	m.focus, m.zoom = focusCompare, false
	m.relayout()
	return nil
}

func (m *Model) selectedPtr() *catalog.Entry {
	if !m.hasSel {
		return nil
	}
	e := m.selected
	return &e
}

// setParams gives the parameters chosen in the form to whoever asked: the
// compare view, or the Try tab.
func (m *Model) setParams(p params.Params) tea.Cmd {
	if m.focus == focusCompare {
		m.compare.SetParams(p)
	} else {
		m.try.SetParams(p)
	}
	if p.IsZero() {
		return m.setStatus("parameters: the model's own", common.StatusInfo)
	}
	return m.setStatus("parameters: "+p.Summary(), common.StatusInfo)
}

// ticked is cmd, and the spinner's ticks when it started something (a
// run, a stream): the spinner and the elapsed times move until it ends.
func (m *Model) ticked(cmd tea.Cmd) tea.Cmd {
	if m.busy() {
		return tea.Batch(cmd, m.startTicking())
	}
	return cmd
}
