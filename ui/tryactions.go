package ui

// The Try and Code tabs' actions: runs, inputs from files, history and
// $EDITOR, outputs to the clipboard and to files, snippets.

import (
	"encoding/base64"
	"pipette/ui/components/try"

	tea "charm.land/bubbletea/v2"

	"pipette/catalog"
	"pipette/ui/common"
	"pipette/ui/history"
)

func (m *Model) refreshCode() {
	if m.hasSel && m.tab == tabCode {
		m.code.Show(m.selected.Ref, m.try.SnippetInput())
	}
}

// replay selects the record's model and puts its input in the Try tab,
// with the output it gave beside it.
func (m *Model) replay(r history.Record) tea.Cmd {
	ref, err := catalog.ParseRef(r.Ref)
	if err != nil || m.cat.Index() == nil {
		return m.setStatus("cannot replay: "+r.Ref+" is not in this catalog", common.StatusError)
	}
	m.cat.ShowAll()
	if !m.cat.SelectPath(ref.Path()) {
		return m.setStatus("cannot replay: "+ref.Path()+" is not in this catalog", common.StatusError)
	}
	cmd := m.selectionChanged()
	if r.Binary {
		b, err := base64.StdEncoding.DecodeString(r.Input)
		if err != nil || len(b) == 0 {
			return tea.Batch(cmd, m.setStatus("this run's binary input was too large to keep; load the file again (o)", common.StatusWarn))
		}
		m.try.SetInput(catalog.Bytes(b), true)
	} else {
		m.try.SetInput(catalog.Text(r.Input), true)
	}
	m.try.ShowRecord(r)
	m.focus, m.tab = focusDetail, tabTry
	m.refreshCode()
	return tea.Batch(cmd, m.setStatus("input from "+r.Time.Local().Format("Jan 2 15:04")+" · r runs it", common.StatusInfo))
}

// finished adds a run the Try tab finished to the history, and saves it.
func (m *Model) finished(msg try.FinishedMsg) tea.Cmd {
	r := msg.Record
	m.history = append([]history.Record{r}, m.history...)
	if len(m.history) > history.Limit {
		m.history = m.history[:history.Limit]
	}
	if ref, err := catalog.ParseRef(r.Ref); err == nil {
		m.cat.NoteRun(ref.Path(), r.Time)
	}
	var cmds []tea.Cmd
	if msg.Err != nil {
		e := catalog.AsError(msg.Err)
		cmds = append(cmds, m.setStatus(m.try.Entry().Ref.Path()+" failed: "+e.Type+": "+common.OneLine(e.Message), common.StatusWarn))
	}
	if m.opt.HistoryPath != "" {
		store := history.Store{Path: m.opt.HistoryPath}
		cmds = append(cmds, func() tea.Msg { return historySavedMsg{err: store.Append(r)} })
	}
	return tea.Batch(cmds...)
}
