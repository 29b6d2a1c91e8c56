package ui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"pipette/catalog"
	"pipette/themes"
	"pipette/ui/common"
	"pipette/ui/dialog"
	"pipette/ui/keys"
)

// do performs an action: a global one here, the others in the focused scope.
func (m *Model) do(id keys.Action) tea.Cmd {
	switch id {
	case keys.Quit:
		return m.quit()
	case keys.Help:
		return m.openDialog(dialog.NewHelp(m.com, ConfigPath()))
	case keys.Palette:
		return m.openDialog(dialog.NewPalette(m.com, m.scope(), m.searchModels))
	case keys.FocusNext, keys.FocusPrev:
		m.cycleFocus(id == keys.FocusNext)
		return m.refreshDetail()
	case keys.TabDocs, keys.TabTry, keys.TabCode:
		m.tab = map[keys.Action]tabID{keys.TabDocs: tabDocs, keys.TabTry: tabTry, keys.TabCode: tabCode}[id]
		m.focus = focusDetail
		return m.refreshDetail()
	case keys.History:
		if len(m.history) == 0 {
			return m.setStatus("no runs yet: run a model in the Try tab (r)", common.StatusInfo)
		}
		return m.openDialog(dialog.NewHistory(m.com, m.history))
	case keys.DataFiles:
		return m.openData()
	case keys.Zoom:
		m.zoom = !m.zoom
		if m.zoom {
			m.focus = focusDetail
		}
		return m.refreshDetail()
	case keys.Reload:
		return tea.Batch(m.loadCatalog(), m.startTicking())
	case keys.ChainAdd:
		if m.focus == focusChain {
			return nil // in the builder a stray a adds nothing
		}
		if !m.hasSel {
			return m.setStatus("no model selected: pick one in the catalog, then press a", common.StatusInfo)
		}
		return m.builder.Add(m.selected)
	case keys.ChainFocus:
		if m.focus == focusChain {
			m.focus = m.chainReturn
			return m.refreshDetail()
		}
		m.focusChain()
		return nil
	case keys.Sources:
		return m.openSources()
	case keys.Compare:
		return m.openCompare()
	case keys.ChainSave:
		return m.builder.Save()
	case keys.ChainOpen:
		return m.builder.Open()
	case keys.Theme:
		pal := themes.Light()
		if !m.com.Styles.Palette.Dark || m.com.Styles.Palette.Plain {
			pal = themes.Dark()
		}
		m.themeName = pal.Name
		return tea.Batch(m.setTheme(pal), m.setStatus("theme: "+pal.Name, common.StatusInfo))
	case keys.Filter:
		if sc := m.scope(); sc != keys.ScopeCatalog && sc != keys.ScopeDocs {
			// A filter from a pane without a search of its own goes to the
			// catalog, never to the pane's single-letter keys.
			m.focus = focusCatalog
			m.zoom = false
			return m.doCatalog(keys.Filter)
		}
	}
	switch m.scope() {
	case keys.ScopeCatalog:
		return m.doCatalog(id)
	case keys.ScopeDocs:
		if id == keys.Clear && !m.docs.HasQuery() {
			return m.back()
		}
		return m.docs.Perform(id)
	case keys.ScopeTry:
		if id == keys.Clear && !m.try.Running() {
			return m.back()
		}
		return m.ticked(m.try.Perform(id))
	case keys.ScopeCode:
		return m.doCode(id)
	case keys.ScopeChain:
		return m.builder.Perform(id)
	case keys.ScopeCompare:
		return m.ticked(m.compare.Perform(id))
	}
	return nil
}

// focusChain opens the builder, remembering where esc goes back to.
func (m *Model) focusChain() {
	if m.focus != focusChain {
		m.chainReturn = m.focus
	}
	m.focus = focusChain
	m.zoom = false
}

// cycleFocus moves along the panes: the catalog, the detail, the chain
// (when there is one), and round.
func (m *Model) cycleFocus(next bool) {
	ring := []focusArea{focusCatalog, focusDetail}
	if m.builder.Chain() != nil {
		ring = append(ring, focusChain)
	}
	pos := 0
	for i, f := range ring {
		if f == m.focus {
			pos = i
		}
	}
	d := 1
	if !next {
		d = len(ring) - 1
	}
	switch to := ring[(pos+d)%len(ring)]; to {
	case focusChain:
		m.focusChain()
	case focusCatalog:
		m.focus = to
		m.zoom = false // the catalog comes back with the focus
	default:
		m.focus = to
	}
}

// back is esc outside any input: one step toward the catalog.
func (m *Model) back() tea.Cmd {
	m.focus = focusCatalog
	m.zoom = false
	return nil
}

func (m *Model) doCatalog(id keys.Action) tea.Cmd {
	switch id {
	case keys.Up, keys.Down, keys.PageUp, keys.PageDown, keys.Top, keys.Bottom:
		m.cat.Perform(id)
	case keys.Filter:
		return m.cat.Perform(id)
	case keys.Clear:
		return tea.Batch(m.cat.Perform(id), m.catalogFollow())
	case keys.Tags:
		if m.cat.Index() == nil {
			return nil
		}
		return m.openDialog(dialog.NewTags(m.com, catalog.Tags(m.cat.Index().Entries())))
	case keys.Sort:
		return tea.Batch(m.cat.Perform(id), m.catalogFollow(), m.setStatus("sorted "+m.cat.SortBy().String(), common.StatusInfo))
	case keys.Mark:
		if !m.hasSel {
			return nil
		}
		return m.setStatus(m.compare.Toggle(m.selected), common.StatusInfo)
	case keys.Open:
		if !m.hasSel {
			return nil
		}
		m.focus, m.tab = focusDetail, tabTry
		return m.refreshDetail()
	default:
		return nil
	}
	return m.selectionChanged()
}

func (m *Model) doCode(id keys.Action) tea.Cmd {
	if id == keys.Clear {
		return m.back()
	}
	cmd := m.code.Perform(id)
	if id == keys.NextLang || id == keys.PrevLang {
		m.refreshCode()
	}
	return cmd
}

// fetchEntry gets an entry's full details (docs, samples).
func fetchEntry(src catalog.Source, ref catalog.Ref) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		full, err := src.Get(ctx, ref)
		return entryLoadedMsg{path: ref.Path(), entry: full, err: err}
	}
}
