package ui

// Opening dialogs and acting on what the user chose in them.

import (
	tea "charm.land/bubbletea/v2"

	"pipette/catalog"
	"pipette/ui/common"
	"pipette/ui/dialog"
	"pipette/ui/keys"
)

// searchModels is the palette's model rows for a query.
func (m *Model) searchModels(q string) []catalog.Entry {
	ix := m.cat.Index()
	if ix == nil {
		return nil
	}
	n := 30
	if q == "" {
		n = 10
	}
	var out []catalog.Entry
	for _, mt := range ix.SearchTop(q, n) {
		out = append(out, ix.Entry(mt.Index))
		if len(out) == n {
			break
		}
	}
	return out
}

// openDialog puts d on top of the panes.
func (m *Model) openDialog(d dialog.Dialog) tea.Cmd {
	m.dialog = d
	d.SetSize(m.com.Width, m.com.Height)
	return nil
}

// dialogMsg gives msg to the dialog and acts on what the user chose.
func (m *Model) dialogMsg(msg tea.Msg) tea.Cmd {
	a, cmd := m.dialog.Update(msg)
	return tea.Batch(cmd, m.act(a))
}

// act performs a dialog's action; the dialog closes unless a prompt's
// answer was refused.
func (m *Model) act(a dialog.Action) tea.Cmd {
	if a == nil {
		return nil
	}
	d := m.dialog
	m.dialog = nil
	switch a := a.(type) {
	case dialog.RunCommand:
		switch a.Scope {
		case keys.ScopeCatalog:
			m.focus = focusCatalog
		case keys.ScopeChain:
			m.focusChain()
		case keys.ScopeCompare:
			if len(m.compare.Models()) == 0 {
				return m.openCompare() // says what to mark first
			}
			m.focus = focusCompare
		case keys.ScopeDocs, keys.ScopeTry, keys.ScopeCode:
			m.focus = focusDetail
			m.tab = map[keys.Scope]tabID{keys.ScopeDocs: tabDocs, keys.ScopeTry: tabTry, keys.ScopeCode: tabCode}[a.Scope]
		}
		id := a.ID
		return func() tea.Msg { return actionMsg{id: id} }
	case dialog.JumpToModel:
		return m.jumpTo(a.Path)
	case dialog.SetParams:
		return m.setParams(a.Params)
	case dialog.PickSource:
		return m.pickSource(a.Source)
	case dialog.PickTag:
		return tea.Batch(m.cat.SetTag(a.Tag), m.catalogFollow())
	case dialog.Replay:
		return m.replay(a.Record)
	case dialog.UseDataFile:
		return m.useDataFile(a.URI)
	case dialog.Export:
		return m.builder.HandleExport(a)
	case dialog.Answer:
		if a.Question == dialog.ReplaceOutput {
			return m.try.AnswerReplace(a.Choice == dialog.ChoiceYes)
		}
		return m.builder.HandleAnswer(a.Question, a.Choice)
	case dialog.Submit:
		cmd, err := m.submit(a)
		if p, ok := d.(*dialog.Prompt); ok && err != nil {
			p.SetError(err.Error())
			m.dialog = d
			return nil
		}
		return cmd
	}
	return nil
}

// submit acts on a prompt's answer.
func (m *Model) submit(a dialog.Submit) (tea.Cmd, error) {
	switch a.Purpose {
	case dialog.LoadInputFile, dialog.SaveOutput:
		return m.try.HandleSubmit(a.Purpose, a.Value), nil
	}
	return m.builder.HandleSubmit(a.Purpose, a.Value)
}

// jumpTo selects the model at path, clearing the filter so it is listed.
func (m *Model) jumpTo(path string) tea.Cmd {
	if m.cat.Index() == nil {
		return m.setStatus(path+" is not in this catalog", common.StatusError)
	}
	m.cat.ShowAll()
	if !m.cat.SelectPath(path) {
		return m.setStatus(path+" is not in this catalog", common.StatusError)
	}
	if m.focus == focusChain {
		m.focus = focusCatalog
	}
	return m.selectionChanged()
}
