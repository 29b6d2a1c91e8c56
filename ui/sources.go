package ui

// The remote sources: their status as the watch reports it, and the
// source facet.

import (
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"

	"pipette/catalog"
	"pipette/ui/common"
	"pipette/ui/components/sources"
	"pipette/ui/dialog"
)

// sourcesChecked takes the watch's messages: a new status shows at once
// (the header, the sources dialog, a sentence on the status line when a
// source went down or came back), and a listing that no longer matches the
// statuses is refreshed behind the one on screen.
func (m *Model) sourcesChecked(msg tea.Msg) tea.Cmd {
	if m.srcs == nil {
		return nil
	}
	before := slices.Clone(m.srcs.Statuses())
	changed, cmd := m.srcs.Update(msg)
	after := m.srcs.Statuses()
	if d, ok := m.dialog.(*dialog.Sources); ok {
		d.SetStatuses(after, m.sourceCounts())
	}
	var note tea.Cmd
	if s, down := sources.Transition(before, after); s != "" {
		kind := common.StatusInfo
		if down {
			kind = common.StatusWarn
		}
		note = m.setStatus(s, kind)
	}
	var refresh tea.Cmd
	if changed {
		refresh = m.refreshCatalog()
	}
	return tea.Batch(cmd, note, refresh, m.startTicking())
}

// sourceCounts is how many listed models each source has.
func (m *Model) sourceCounts() map[string]int {
	out := map[string]int{}
	if m.cat.Index() == nil {
		return out
	}
	for _, e := range m.cat.Index().Entries() {
		out[e.Source]++
	}
	return out
}

// openSources opens the sources dialog.
func (m *Model) openSources() tea.Cmd {
	counts := m.sourceCounts()
	var base []dialog.SourceCount
	remote := map[string]bool{}
	var statuses []catalog.SourceStatus
	if m.srcs != nil {
		statuses = m.srcs.Statuses()
	}
	for _, s := range statuses {
		remote[s.Name] = true
	}
	for name, n := range counts {
		if !remote[name] {
			base = append(base, dialog.SourceCount{Name: name, Models: n})
		}
	}
	slices.SortFunc(base, func(a, b dialog.SourceCount) int { return strings.Compare(a.Name, b.Name) })
	if len(base) == 0 && len(statuses) == 0 {
		return m.setStatus("the catalog has no sources to show yet", common.StatusInfo)
	}
	return m.openDialog(dialog.NewSources(m.com, base, statuses, counts, m.cat.From()))
}

// pickSource narrows the catalog to one source's models ("" is all).
func (m *Model) pickSource(name string) tea.Cmd {
	m.focus = focusCatalog
	m.zoom = false
	what := "every source"
	if name != "" {
		what = name
	}
	return tea.Batch(m.cat.SetFrom(name), m.catalogFollow(), m.setStatus("showing "+what, common.StatusInfo))
}
