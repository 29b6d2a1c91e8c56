package ui

import (
	"pipette/ui/components/try"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"pipette/catalog"
	"pipette/themes"
	"pipette/ui/chain"
	"pipette/ui/common"
	cataloglist "pipette/ui/components/catalog"
	"pipette/ui/components/compare"
	"pipette/ui/components/docs"
	"pipette/ui/components/sources"
	"pipette/ui/components/stream"
	"pipette/ui/dialog"
	"pipette/ui/history"
	"pipette/ui/keys"
)

// graphicsSettle is how long a resize must pause before images are sent.
const graphicsSettle = 150 * time.Millisecond

// Update routes a message, then prepares the frame: the layout, and what
// the visible components render ahead of View (images included, whose
// transmissions go out as a command with this update, never from View).
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	gfx := m.com.Graphics
	epoch := gfx.Epoch()
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.EnvMsg:
		cmd = gfx.SetEnv(msg.Getenv)
	case graphicsFlushMsg:
	case try.EditorDoneMsg, tea.ResumeMsg:
		// Bubble Tea re-entered the alternate screen: send images again.
		gfx.Lost()
		cmd = m.update(msg)
	default:
		if _, ok := gfx.Handle(msg); !ok {
			cmd = m.update(msg)
		}
	}
	if gfx.Epoch() != epoch {
		m.try.Prepare()
	}
	m.prepare()
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		// While the window is being resized, wait for the size to settle:
		// only the last size's images are sent.
		if gfx.Pending() {
			m.gfxFlushGen++
			gen := m.gfxFlushGen
			return m, tea.Batch(cmd, m.com.Clock.After(graphicsSettle, func(time.Time) tea.Msg { return graphicsFlushMsg{gen: gen} }))
		}
	case graphicsFlushMsg:
		if msg.gen != m.gfxFlushGen {
			return m, cmd
		}
	}
	return m, tea.Batch(cmd, gfx.Flush())
}

// prepare lays the frame out and has the visible components render what
// View will draw.
func (m *Model) prepare() {
	if m.quitting {
		return
	}
	m.relayout()
	if m.focus == focusChain {
		m.builder.Prepare()
	}
	if m.lay.bar.H > 0 {
		m.bar.SetChain(m.builder.Snapshot())
	}
}

// update routes msg: the components' own messages, then the terminal's
// (keys, mouse, paste, size, colour), then the program's, then whatever is
// left to the focused input.
func (m *Model) update(msg tea.Msg) tea.Cmd {
	if sources.Handles(msg) {
		return m.sourcesChecked(msg)
	}
	if docs.Handles(msg) {
		return m.docs.Update(msg)
	}
	if stream.Handles(msg) {
		return tea.Batch(m.try.Update(msg), m.compare.Update(msg))
	}
	if cmd, ok := m.terminalMsg(msg); ok {
		return cmd
	}
	if cmd, ok := m.programMsg(msg); ok {
		return cmd
	}
	return m.passOn(msg)
}

// terminalMsg handles what the terminal sends: keys, mouse, pastes, a
// resize, its background colour. ok is false for any other message.
func (m *Model) terminalMsg(msg tea.Msg) (cmd tea.Cmd, ok bool) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		return m.handleKey(msg), true
	case tea.MouseClickMsg:
		return m.handleClick(msg.Mouse()), true
	case tea.MouseWheelMsg:
		return m.handleWheel(msg), true
	case tea.PasteMsg:
		return m.paste(msg), true
	case tea.WindowSizeMsg:
		m.com.Width, m.com.Height = msg.Width, msg.Height
		if m.dialog != nil {
			m.dialog.SetSize(msg.Width, msg.Height)
		}
		m.relayout()
		return m.refreshDetail(), true
	case tea.BackgroundColorMsg:
		if m.followsTerminal() {
			m.dark = msg.IsDark()
			pal, _ := themes.ByName(m.themeName, m.dark)
			return m.setTheme(pal), true
		}
		return nil, true
	}
	return nil, false
}

// paste gives pasted text to whatever takes text: a dialog, the chain's
// or the comparison's editor, else the focused input.
func (m *Model) paste(msg tea.PasteMsg) tea.Cmd {
	switch {
	case m.dialog != nil:
		return m.dialogMsg(msg)
	case m.focus == focusChain && m.builder.TextFocused():
		return m.builder.Update(msg)
	case m.focus == focusCompare && m.compare.Editing():
		return m.compare.Update(msg)
	}
	return m.routeText(msg)
}

// programMsg handles the program's own messages: loads, runs, ticks,
// statuses, actions, dialogs and moves of the focus. ok is false for any
// other message, and for a check the Try tab did not ask for.
func (m *Model) programMsg(msg tea.Msg) (cmd tea.Cmd, ok bool) {
	switch msg := msg.(type) {
	case catalogLoadedMsg:
		return m.catalogLoaded(msg), true
	case lateStartMsg:
		return m.startLate(), true
	case cataloglist.FilteredMsg:
		return m.filtered(msg), true
	case entryLoadedMsg:
		return m.entryLoaded(msg), true
	case try.FinishedMsg:
		return m.finished(msg), true
	case tickMsg:
		return m.frameTick(msg), true
	case common.StatusMsg:
		return m.setStatus(msg.Text, msg.Kind), true
	case historyLoadedMsg:
		return m.historyLoaded(msg), true
	case historySavedMsg:
		if msg.err != nil {
			return m.setStatus(msg.err.Error(), common.StatusWarn), true
		}
		return nil, true
	case common.Checked:
		return m.try.Checked(msg)
	case actionMsg:
		return m.do(msg.id), true
	case dialog.OpenMsg:
		return m.openDialog(msg.Dialog), true
	case chain.FocusMsg:
		m.focusChain()
		return nil, true
	case chain.LeaveMsg:
		m.focus = m.chainReturn
		return m.refreshDetail(), true
	case compare.LeaveMsg:
		m.focus = focusCatalog
		return m.refreshDetail(), true
	}
	return nil, false
}

// frameTick advances the spinners and progress by a frame, and keeps ticking
// while something runs.
func (m *Model) frameTick(msg tickMsg) tea.Cmd {
	if msg.gen != m.tickGen {
		return nil
	}
	m.com.Frame++
	m.try.Tick(msg.at)
	m.builder.Tick(msg.at)
	m.compare.Tick(msg.at)
	if !m.busy() {
		m.ticking = false
		return nil
	}
	return m.tick()
}

// passOn gives a message no one above handled to the builder (its runs,
// previews, files), then to cursor blinks and the like of whichever input
// is focused.
func (m *Model) passOn(msg tea.Msg) tea.Cmd {
	m.status.Update(msg)
	if cmd := m.builder.Update(msg); cmd != nil {
		return cmd
	}
	if cmd := m.try.Update(msg); cmd != nil {
		return cmd
	}
	if m.dialog != nil {
		return m.dialogMsg(msg)
	}
	return m.routeText(msg)
}

func (m *Model) filtered(msg cataloglist.FilteredMsg) tea.Cmd {
	again, ok := m.cat.Apply(msg)
	if !ok {
		return nil
	}
	sel := m.selectionChanged()
	return tea.Batch(again, sel, m.drainKeys())
}

// entryLoaded keeps an entry's full details fetched with Get.
func (m *Model) entryLoaded(msg entryLoadedMsg) tea.Cmd {
	delete(m.fetching, msg.path)
	if msg.err != nil {
		return m.setStatus("cannot fetch "+msg.path+": "+common.OneLine(msg.err.Error()), common.StatusError)
	}
	m.details[msg.path] = msg.entry
	if m.hasSel && m.selected.Ref.Path() == msg.path {
		return m.selectionChanged()
	}
	return nil
}

func (m *Model) catalogLoaded(msg catalogLoadedMsg) tea.Cmd {
	m.lastLoad = msg.took
	if msg.refresh {
		m.refreshing = false
		if msg.err != nil || m.cat.Loading() {
			return nil // the listing on screen stays; the watch tries again
		}
		m.cat.KeepSelection()
	}
	if m.srcs != nil && msg.err == nil {
		m.srcs.Listed(msg.statuses)
	}
	if msg.err != nil {
		m.cat.SetError(msg.err)
		return tea.Batch(m.setStatus(common.OneLine(msg.err.Error())+" · R retries", common.StatusError), m.drainKeys())
	}
	filter := m.cat.SetListing(msg.listing)
	if m.status.Kind() == common.StatusError && strings.HasPrefix(m.status.Text(), "cannot load the catalog") {
		m.status.Clear()
	}
	var sel, late tea.Cmd
	if !m.cat.Pending() {
		// Listed at once: the detail follows the cursor now.
		sel = m.selectionChanged()
	}
	switch {
	case !m.lateStarted:
		// This frame has the catalog: the rest starts once it is on screen.
		late = m.lateStart(frameSettle)
	case msg.known && m.discovering():
		late = m.refreshCatalog() // listed while the late start was looking
	}
	return tea.Batch(filter, sel, late, m.startTicking(), m.drainKeys())
}

func (m *Model) historyLoaded(msg historyLoadedMsg) tea.Cmd {
	if msg.err != nil {
		return m.setStatus(msg.err.Error(), common.StatusWarn)
	}
	m.history = append(m.history, msg.records...)
	if len(m.history) > history.Limit {
		m.history = m.history[:history.Limit]
	}
	var compact tea.Cmd
	if len(msg.records) > history.Limit && m.opt.HistoryPath != "" {
		// Runs are appended; the file is trimmed here, once a session,
		// to the newest records it holds when the trim runs.
		store := history.Store{Path: m.opt.HistoryPath}
		compact = func() tea.Msg { return historySavedMsg{err: store.Trim(history.Limit)} }
	}
	for _, r := range m.history {
		if ref, err := catalog.ParseRef(r.Ref); err == nil {
			m.cat.NoteRun(ref.Path(), r.Time)
		}
	}
	return compact
}

// routeText passes a non-key message to the focused text input.
func (m *Model) routeText(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	switch {
	case m.cat.Filtering():
		return m.catalogUpdate(msg)
	case m.docs.Searching():
		cmd = m.docs.Update(msg)
	case m.try.Editing():
		cmd = m.try.Update(msg)
	}
	return cmd
}

// textFocused reports whether a text input has the keyboard, in which case
// printable keys are text, not commands.
func (m *Model) textFocused() bool {
	return m.cat.Filtering() || m.docs.Searching() || m.try.Editing() || (m.focus == focusChain && m.builder.TextFocused()) ||
		(m.focus == focusCompare && m.compare.Editing())
}

func (m *Model) scope() keys.Scope {
	switch m.focus {
	case focusCatalog:
		return keys.ScopeCatalog
	case focusChain:
		return keys.ScopeChain
	case focusCompare:
		return keys.ScopeCompare
	}
	return [...]keys.Scope{keys.ScopeDocs, keys.ScopeTry, keys.ScopeCode}[m.tab]
}

// handleKey acts on a key, unless it must wait for the filter's result:
// keys typed after a filter query act on what that query selects, however
// fast they come ("/shout⏎a" adds Shout, not whatever was selected before
// the result landed).
func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	if msg.String() == "ctrl+c" {
		return m.quit()
	}
	if m.deferKey(msg) {
		return nil
	}
	return m.actOnKey(msg)
}

// filterOutstanding says the catalog's selection is about to change: the
// catalog is loading or a filter run has not answered the newest query.
func (m *Model) filterOutstanding() bool { return m.cat.Outstanding() }

// deferKey holds msg back while the filter's result is outstanding (and
// behind keys already held, to keep their order). Keys that edit the
// filter's query go through at once: they are what the result answers.
func (m *Model) deferKey(msg tea.KeyPressMsg) bool {
	if id, ok := m.com.Keys.Lookup(keys.ScopeGlobal, msg); ok && id == keys.Quit && !m.textFocused() && m.dialog == nil {
		m.deferred = nil // a slow catalog never keeps anyone from quitting
		return false
	}
	if len(m.deferred) == 0 {
		if !m.filterOutstanding() || m.dialog != nil {
			return false
		}
		if m.cat.Filtering() && cataloglist.EditsQuery(msg) {
			return false
		}
	}
	m.deferred = append(m.deferred, msg)
	return true
}

// drainKeys acts on the held keys once the filter has answered, stopping
// again if one of them starts another filter run.
func (m *Model) drainKeys() tea.Cmd {
	var cmds []tea.Cmd
	for len(m.deferred) > 0 && !m.filterOutstanding() {
		k := m.deferred[0]
		m.deferred = m.deferred[1:]
		cmds = append(cmds, m.actOnKey(k))
	}
	return tea.Batch(cmds...)
}

// actOnKey gives a key to the dialog, the text input that has the
// keyboard, or the binding it is in the focused scope (then globally).
func (m *Model) actOnKey(msg tea.KeyPressMsg) tea.Cmd {
	km := m.com.Keys
	switch {
	case m.dialog != nil:
		return m.dialogMsg(msg)
	case m.cat.Filtering():
		return m.catalogUpdate(msg)
	case m.docs.Searching():
		return m.docs.Update(msg)
	case m.focus == focusChain && m.builder.TextFocused():
		return m.builder.Update(msg)
	case m.focus == focusCompare && m.compare.Editing():
		return m.compare.Update(msg)
	case m.try.Editing():
		return m.try.Update(msg)
	}
	if id, ok := km.Lookup(m.scope(), msg); ok {
		return m.do(id)
	}
	if m.focus == focusCatalog && msg.Text != "" && msg.Mod == 0 {
		// A letter no binding takes starts the filter with it.
		return tea.Batch(m.cat.StartFilter(), m.catalogUpdate(msg))
	}
	return nil
}

// catalogUpdate gives msg to the catalog list while its filter has the
// keyboard, then follows what the list did: a filter run keeps the spinner
// turning, a moved cursor changes the detail.
func (m *Model) catalogUpdate(msg tea.Msg) tea.Cmd {
	cmd := m.cat.Update(msg)
	return tea.Batch(cmd, m.catalogFollow())
}

// catalogFollow is what the root does after the list acted: the spinner
// turns while it filters, and the detail follows its cursor.
func (m *Model) catalogFollow() tea.Cmd {
	var tick tea.Cmd
	if m.cat.Busy() {
		tick = m.startTicking()
	}
	if e, ok := m.cat.Selected(); ok != m.hasSel || ok && e.Ref.Path() != m.selected.Ref.Path() {
		return tea.Batch(tick, m.selectionChanged())
	}
	return tick
}

// selectionChanged follows the catalog cursor: the detail panes show the
// entry under it, fetching its full details when the listing omitted them.
func (m *Model) selectionChanged() tea.Cmd {
	e, ok := m.cat.Selected()
	if !ok {
		m.hasSel = false
		return nil
	}
	path := e.Ref.Path()
	var fetch tea.Cmd
	if d, ok := m.details[path]; ok {
		d.Unavailable = e.Unavailable // the listing knows whether its source is down now
		e = d
	} else if e.Docs == "" && !m.fetching[path] && m.opt.Client != nil {
		// A listing leaves the docs out (a remote model's come from its
		// server): fetch them once.
		m.fetching[path] = true
		src, ref := m.opt.Client.Source(), e.Ref
		fetch = fetchEntry(src, ref)
	}
	m.selected, m.hasSel = e, true
	m.try.Show(e)
	return tea.Batch(fetch, m.refreshDetail())
}

// refreshDetail brings the visible tab up to date; only the visible tab does
// work, so scrolling the catalog stays cheap.
func (m *Model) refreshDetail() tea.Cmd {
	if !m.hasSel || m.com.Width == 0 {
		return nil
	}
	switch m.tab {
	case tabDocs:
		return m.docs.Show(m.selected)
	case tabCode:
		m.refreshCode()
	case tabTry:
		m.try.Prepare()
	}
	return nil
}
