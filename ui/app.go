// Package ui is pipette's terminal workbench: a Bubble Tea program that
// browses a catalog, renders a model's docs, runs it on a sample or the
// user's input, and shows how to call it from code. It talks to models only
// through *client.Client, so the same UI works in-process and against a
// `pipette serve`.
//
// One root Model (this file) owns focus, layout and overlays; panes are plain
// structs with SetSize and View. Update never does I/O: commands do it and
// report back with the typed messages of msgs.go.
package ui

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"pipette/client/snippet"
	"pipette/internal/human"
	"pipette/ui/common"
	"pipette/ui/components/graphics"
	"pipette/ui/keys"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"pipette/catalog"
	"pipette/client"
	"pipette/internal/atomicfile"
	"pipette/themes"
	"pipette/ui/history"
)

// Options configure the UI.
type Options struct {
	Client *client.Client
	// Theme is a themes.Names entry; "" or "auto" follows the terminal.
	Theme string
	// Plain forces the plain theme (no colour, ASCII borders).
	Plain bool
	// Mouse turns on mouse clicks and the wheel.
	Mouse bool
	// Keys remaps bindings (from the config file).
	Keys map[string][]string
	// Notice is shown in the status line at start (a config error).
	Notice error
	// HistoryPath is the run history file; "" keeps no history.
	HistoryPath string
	// ServerURL is the server the client talks to ("" in-process); the Code
	// tab's snippets call it.
	ServerURL string
	// APIKey says whether the client sends a key (the snippets then do too).
	APIKey bool
	// Dark is the assumed background until the terminal reports its own.
	Dark bool
	// Now is the clock (tests pin it).
	Now func() time.Time
	// ChainFile is a chain file to open in the builder at start.
	ChainFile string
	// DraftPath is where the chain being built is autosaved; "" saves
	// nothing (tests).
	DraftPath string
	// Images is how image results are previewed: graphics.ImagesAuto (kitty
	// graphics when the terminal surely draws them, else half blocks),
	// graphics.ImagesKitty, graphics.ImagesHalfBlocks or graphics.ImagesOff; "" is auto.
	Images string
	// Tick schedules a timed message (spinner frames, status expiry); nil
	// means tea.Tick. Tests and benchmarks drive the model without a clock.
	Tick func(time.Duration, func(time.Time) tea.Msg) tea.Cmd
}

type focusArea int

const (
	focusCatalog focusArea = iota
	focusDetail
	focusChain // the chain builder fills the body
)

type tabID int

const (
	tabDocs tabID = iota
	tabTry
	tabCode
)

var tabNames = []string{"Docs", "Try", "Code"}

// statusKind is the tone of a status message.
type statusKind int

const (
	statusInfo statusKind = iota
	statusWarn
	statusError
)

// statusTTL is how long a message stays; errors stay until replaced.
const statusTTL = 4 * time.Second

// wideWidth is the width from which the panes sit side by side.
const wideWidth = 100

// Model is the root model.
type Model struct {
	opt Options
	com *common.Common
	// gfxFlushGen names the newest pending graphics flush after a resize.
	gfxFlushGen int

	dark      bool
	themeName string
	w, h      int

	focus focusArea
	tab   tabID

	cat  catalogPane
	docs docsPane
	try  tryPane
	code codePane

	chain        chainPane
	chainReturn  focusArea // where esc in the builder goes back to
	confirm      *confirmBox
	drafts       *draftSaver
	draftGen     int
	draftRead    bool // the previous draft has been read (or there is none)
	draftPending bool // an edit came before that: save once it has been
	exportFormat string

	selected catalog.Entry
	hasSel   bool
	details  map[string]catalog.Entry // full entries fetched with Get
	fetching map[string]bool

	overlay overlayKind
	helpOff int  // scroll position of the full help
	zoom    bool // the detail pane fills the screen
	picker  *picker
	prompt  *prompt

	status     string
	statusKind statusKind
	statusID   int

	spin     int
	tickGen  int
	ticking  bool
	history  []history.Record
	started  time.Time
	lastLoad time.Duration
	quitting bool
	// deferred are keys waiting for the filter's result (see handleKey).
	deferred []tea.KeyPressMsg
}

// New builds the UI.
func New(opt Options) *Model {
	mode, modeErr := graphics.ParseImageMode(opt.Images)
	if modeErr != nil {
		mode = graphics.ImagesHalfBlocks
	}
	c := &common.Common{Keys: keys.Default(), Graphics: graphics.New(mode), Clock: common.Clock{Now: opt.Now, Tick: opt.Tick}}
	m := &Model{opt: opt, com: c, dark: opt.Dark, details: map[string]catalog.Entry{}, fetching: map[string]bool{}}
	m.themeName = opt.Theme
	if opt.Plain {
		m.themeName = "plain"
	}
	pal, err := themes.ByName(m.themeName, m.dark)
	if err != nil {
		pal, _ = themes.ByName("auto", m.dark)
		m.setStatus(err.Error(), statusError)
	}
	m.com.Styles = themes.New(pal)
	source := "catalog"
	if opt.Client != nil {
		source = opt.Client.Source().Name()
	}
	m.cat = newCatalogPane(c, source)
	m.docs = newDocsPane(c)
	m.try = newTryPane(c)
	m.code = newCodePane(c)
	m.chain = newChainPane(c)
	if modeErr != nil {
		m.setStatus("images setting: "+modeErr.Error()+"; previews use half blocks", statusError)
	}
	m.drafts = &draftSaver{path: opt.DraftPath}
	if err := m.com.Keys.Remap(opt.Keys); err != nil {
		m.setStatus(err.Error(), statusError)
	}
	if opt.Notice != nil {
		m.setStatus(opt.Notice.Error(), statusError)
	}
	m.started = m.com.Clock.Time()
	return m
}

// Init starts loading the catalog and the history, and asks the terminal
// for its background colour.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{m.loadCatalog(), m.startTicking(), m.startChain()}
	if m.followsTerminal() {
		cmds = append(cmds, tea.RequestBackgroundColor)
	}
	if m.opt.HistoryPath != "" {
		path := m.opt.HistoryPath
		cmds = append(cmds, func() tea.Msg {
			recs, err := history.Store{Path: path}.Load()
			return historyLoadedMsg{records: recs, err: err}
		})
	}
	return tea.Batch(cmds...)
}

func (m *Model) followsTerminal() bool {
	t := strings.ToLower(m.themeName)
	return t == "" || t == "auto" || t == "ansi"
}

func (m *Model) loadCatalog() tea.Cmd {
	m.cat.loading, m.cat.err = true, nil
	c := m.opt.Client
	return func() tea.Msg {
		start := time.Now()
		if c == nil {
			return catalogLoadedMsg{err: fmt.Errorf("no catalog client")}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		es, err := c.Source().List(ctx)
		if err != nil {
			return catalogLoadedMsg{err: fmt.Errorf("cannot load the catalog: %w", err), took: time.Since(start)}
		}
		// Indexing a large catalog takes a while: do it here, not in Update.
		ix := catalog.NewIndex(sortByRef(es))
		return catalogLoadedMsg{ix: ix, took: time.Since(start)}
	}
}

// startTicking runs the spinner while something is busy.
func (m *Model) startTicking() tea.Cmd {
	if m.ticking {
		return nil
	}
	m.ticking = true
	m.tickGen++
	return m.tick()
}

func (m *Model) tick() tea.Cmd {
	gen := m.tickGen
	return m.com.Clock.After(100*time.Millisecond, func(t time.Time) tea.Msg { return tickMsg{gen: gen, at: t} })
}

func (m *Model) busy() bool {
	return m.cat.loading || m.cat.pending || m.try.running || m.chain.running
}

func (m *Model) setStatus(s string, k statusKind) tea.Cmd {
	m.statusID++
	m.status, m.statusKind = s, k
	if k == statusError {
		return nil
	}
	id := m.statusID
	return m.com.Clock.After(statusTTL, func(time.Time) tea.Msg { return statusExpiredMsg{id: id} })
}

func (m *Model) setTheme(pal themes.Palette) {
	m.com.Styles = themes.New(pal)
	m.cat.setStyles()
	m.docs.setStyles()
	m.try.setStyles()
	m.chain.setStyles()
	m.code.shown = ""
	m.layout()
	if m.hasSel {
		// Docs are re-rendered in the new style (the cache key has the theme).
		m.docs.want = ""
	}
}

// Update routes messages: window size to every pane, keys to the overlay or
// the focused pane, results of commands to whoever asked. Image
// transmissions the new screen needs go out with the result.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	epoch := m.com.Graphics.Epoch()
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.EnvMsg:
		cmd = m.com.Graphics.SetEnv(msg.Getenv)
	case graphicsFlushMsg:
	case editorDoneMsg, tea.ResumeMsg:
		// Bubble Tea re-entered the alternate screen: send images again.
		m.com.Graphics.Lost()
		_, cmd = m.update(msg)
	default:
		if _, ok := m.com.Graphics.Handle(msg); !ok {
			_, cmd = m.update(msg)
		}
	}
	if m.com.Graphics.Epoch() != epoch {
		m.try.refreshOutput()
	}
	if m.com.Graphics.Kind() == graphics.KindKitty && m.focus == focusChain && !m.quitting {
		// The builder draws its images while rendering: render now so the
		// images it shows are transmitted with this update, not the next.
		_ = m.View()
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		// While the window is being resized, wait for the size to settle:
		// only the last size's images are sent.
		if m.com.Graphics.Pending() {
			m.gfxFlushGen++
			gen := m.gfxFlushGen
			return m, tea.Batch(cmd, m.com.Clock.After(graphicsSettle, func(time.Time) tea.Msg { return graphicsFlushMsg{gen: gen} }))
		}
	case graphicsFlushMsg:
		if msg.gen != m.gfxFlushGen {
			return m, cmd
		}
	}
	return m, tea.Batch(cmd, m.com.Graphics.Flush())
}

// graphicsSettle is how long a resize must pause before images are sent.
const graphicsSettle = 150 * time.Millisecond

func (m *Model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if cmd, ok := m.chainMsg(msg); ok {
		return m, cmd
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
		m.layout()
		return m, m.refreshDetail()

	case tea.BackgroundColorMsg:
		if m.followsTerminal() {
			m.dark = msg.IsDark()
			pal, _ := themes.ByName(m.themeName, m.dark)
			m.setTheme(pal)
			return m, m.refreshDetail()
		}
		return m, nil

	case catalogLoadedMsg:
		m.lastLoad = msg.took
		if msg.err != nil {
			m.cat.loading, m.cat.err = false, msg.err
			return m, tea.Batch(m.setStatus(common.OneLine(msg.err.Error())+" · R retries", statusError), m.drainKeys())
		}
		m.cat.resetFilter()
		m.cat.setIndex(msg.ix)
		if m.statusKind == statusError && strings.HasPrefix(m.status, "cannot load the catalog") {
			m.status = ""
		}
		filter := m.cat.filterCmd()
		return m, tea.Batch(filter, m.startTicking(), m.drainKeys())

	case filterDoneMsg:
		if !m.cat.applyFilter(msg, m.focus != focusCatalog) {
			return m, nil
		}
		var again tea.Cmd
		if m.cat.dirty {
			again = m.cat.filterCmd()
		}
		sel := m.selectionChanged()
		return m, tea.Batch(again, sel, m.drainKeys())

	case entryLoadedMsg:
		delete(m.fetching, msg.path)
		if msg.err != nil {
			return m, m.setStatus("cannot fetch "+msg.path+": "+common.OneLine(msg.err.Error()), statusError)
		}
		m.details[msg.path] = msg.entry
		if m.hasSel && m.selected.Ref.Path() == msg.path {
			return m, m.selectionChanged()
		}
		return m, nil

	case docsRenderedMsg:
		m.docs.rendered(msg)
		return m, nil

	case runDoneMsg:
		if !m.try.done(msg) {
			return m, nil
		}
		return m, m.recordRun(msg)

	case tickMsg:
		if msg.gen != m.tickGen {
			return m, nil
		}
		m.spin++
		if m.try.running {
			m.try.elapsed = msg.at.Sub(m.try.started)
		}
		if m.chain.running {
			m.chain.elapsed = msg.at.Sub(m.chain.started)
		}
		if !m.busy() {
			m.ticking = false
			return m, nil
		}
		return m, m.tick()

	case statusExpiredMsg:
		if msg.id == m.statusID {
			m.status = ""
		}
		return m, nil

	case historyLoadedMsg:
		if msg.err != nil {
			return m, m.setStatus(msg.err.Error(), statusWarn)
		}
		m.history = append(m.history, msg.records...)
		var compact tea.Cmd
		if len(m.history) > history.Limit {
			m.history = m.history[:history.Limit]
		}
		if len(msg.records) > history.Limit && m.opt.HistoryPath != "" {
			// Runs are appended; the file is trimmed here, once a session,
			// to the newest records it holds when the trim runs.
			store := history.Store{Path: m.opt.HistoryPath}
			compact = func() tea.Msg { return historySavedMsg{err: store.Trim(history.Limit)} }
		}
		for _, r := range m.history {
			if ref, err := catalog.ParseRef(r.Ref); err == nil {
				if _, seen := m.cat.recent[ref.Path()]; !seen {
					m.cat.recent[ref.Path()] = r.Time
				}
			}
		}
		return m, compact

	case historySavedMsg:
		if msg.err != nil {
			return m, m.setStatus(msg.err.Error(), statusWarn)
		}
		return m, nil

	case fileLoadedMsg:
		if msg.chain {
			return m, m.chainInputLoaded(msg)
		}
		if msg.err != nil {
			return m, m.setStatus(msg.err.Error(), statusError)
		}
		if looksText(msg.data) && m.selected.InputKind != catalog.KindBinary {
			m.try.setInput(catalog.Text(string(msg.data)), "")
		} else {
			m.try.setInput(catalog.Bytes(msg.data), filepath.Base(msg.path))
		}
		m.refreshCode()
		return m, m.setStatus("loaded "+msg.path, statusInfo)

	case fileSavedMsg:
		if msg.err != nil {
			return m, m.setStatus(msg.err.Error(), statusError)
		}
		return m, m.setStatus("saved "+msg.path, statusInfo)

	case editorReadyMsg:
		return m, m.runEditor(msg)

	case editorDoneMsg:
		if msg.err != nil {
			return m, m.setStatus(msg.err.Error(), statusError)
		}
		m.try.setInput(catalog.Text(msg.text), "")
		m.refreshCode()
		return m, m.setStatus("input updated from the editor", statusInfo)

	case actionMsg:
		return m, m.do(msg.id)

	case tea.PasteMsg:
		return m, m.routeText(msg)

	case tea.KeyPressMsg:
		return m, m.handleKey(msg)

	case tea.MouseClickMsg:
		return m, m.handleClick(msg.Mouse())

	case tea.MouseWheelMsg:
		return m, m.handleWheel(msg)
	}
	// Cursor blinks and the like go to whichever input is focused.
	return m, m.routeText(msg)
}

// routeText passes a non-key message to the focused text input.
func (m *Model) routeText(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	switch {
	case m.overlay == overlayPrompt && m.prompt != nil:
		m.prompt.input, cmd = m.prompt.input.Update(msg)
	case m.picker != nil && m.overlay != overlayNone && m.overlay != overlayHelp:
		m.picker.input, cmd = m.picker.input.Update(msg)
	case m.cat.filtering:
		before := m.cat.input.Value()
		m.cat.input, cmd = m.cat.input.Update(msg)
		if m.cat.input.Value() != before {
			return tea.Batch(cmd, m.cat.filterCmd(), m.startTicking())
		}
	case m.docs.searching:
		m.docs.input, cmd = m.docs.input.Update(msg)
	case m.try.editing:
		m.try.editor, cmd = m.try.editor.Update(msg)
	case m.chain.editing:
		m.chain.editor, cmd = m.chain.editor.Update(msg)
	}
	return cmd
}

// textFocused reports whether a text input has the keyboard, in which case
// printable keys are text, not commands.
func (m *Model) textFocused() bool {
	return m.cat.filtering || m.docs.searching || m.try.editing || m.chain.editing
}

func (m *Model) scope() keys.Scope {
	switch m.focus {
	case focusCatalog:
		return keys.ScopeCatalog
	case focusChain:
		return keys.ScopeChain
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
func (m *Model) filterOutstanding() bool { return m.cat.loading || m.cat.pending || m.cat.dirty }

// deferKey holds msg back while the filter's result is outstanding (and
// behind keys already held, to keep their order). Keys that edit the
// filter's query go through at once: they are what the result answers.
func (m *Model) deferKey(msg tea.KeyPressMsg) bool {
	if id, ok := m.com.Keys.Lookup(keys.ScopeGlobal, msg); ok && id == keys.Quit && !m.textFocused() {
		m.deferred = nil // a slow catalog never keeps anyone from quitting
		return false
	}
	if len(m.deferred) == 0 {
		if !m.filterOutstanding() || m.overlay != overlayNone {
			return false
		}
		if m.cat.filtering && editsQuery(msg) {
			return false
		}
	}
	m.deferred = append(m.deferred, msg)
	return true
}

// editsQuery says a key typed into the filter changes its text or leaves
// it, rather than moving the selection.
func editsQuery(msg tea.KeyPressMsg) bool {
	switch msg.String() {
	case "up", "down", "pgup", "pgdown", "ctrl+n", "ctrl+p":
		return false
	}
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

func (m *Model) actOnKey(msg tea.KeyPressMsg) tea.Cmd {
	if m.overlay != overlayNone {
		return m.overlayKey(msg)
	}
	switch {
	case m.cat.filtering:
		switch msg.String() {
		case "esc":
			m.cat.filtering = false
			m.cat.input.Blur()
			m.cat.input.SetValue("")
			return tea.Batch(m.cat.filterCmd(), m.startTicking())
		case "enter":
			m.cat.filtering = false
			m.cat.input.Blur()
			return nil
		case "up", "down", "pgup", "pgdown", "ctrl+n", "ctrl+p":
			// Moving through results while typing is what a filter is for.
			d := map[string]int{"up": -1, "ctrl+p": -1, "down": 1, "ctrl+n": 1, "pgup": -m.cat.listHeight(), "pgdown": m.cat.listHeight()}[msg.String()]
			m.cat.move(d)
			return m.selectionChanged()
		}
		return m.routeText(msg)
	case m.docs.searching:
		return m.docs.updateSearch(msg)
	case m.chain.editing:
		return m.chainEditKey(msg)
	case m.try.editing:
		switch msg.String() {
		case "esc":
			m.try.editing = false
			m.try.editor.Blur()
			m.refreshCode()
			return nil
		case "ctrl+r":
			m.try.editing = false
			m.try.editor.Blur()
			m.refreshCode()
			return m.do(keys.Run)
		}
		if id, ok := m.com.Keys.Lookup(keys.ScopeTry, msg); ok && id == keys.Run && msg.String() != "r" {
			m.try.editing = false
			m.try.editor.Blur()
			return m.do(keys.Run)
		}
		return m.routeText(msg)
	}
	if id, ok := m.com.Keys.Lookup(m.scope(), msg); ok {
		return m.do(id)
	}
	return nil
}

func (m *Model) overlayKey(msg tea.KeyPressMsg) tea.Cmd {
	switch m.overlay {
	case overlayHelp:
		switch msg.String() {
		case "esc", "?", "q", "enter":
			m.overlay = overlayNone
		case "up", "k":
			m.helpOff--
		case "down", "j":
			m.helpOff++
		case "pgup":
			m.helpOff -= m.h / 2
		case "pgdown", "space":
			m.helpOff += m.h / 2
		}
		_, maxOff := helpView(m.com.Styles, m.com.Keys, min(m.w-2, 120), m.h-2, m.helpOff)
		m.helpOff = max(0, min(m.helpOff, maxOff))
		return nil
	case overlayPrompt:
		switch msg.String() {
		case "esc":
			m.overlay, m.prompt = overlayNone, nil
			return nil
		case "enter":
			return m.confirmPrompt()
		}
		var cmd tea.Cmd
		m.prompt.input, cmd = m.prompt.input.Update(msg)
		return cmd
	case overlayConfirm:
		return m.confirmKey(msg)
	}
	if msg.String() == "esc" {
		m.overlay, m.picker = overlayNone, nil
		return nil
	}
	chosen, cmd := m.picker.update(msg)
	if chosen == nil {
		return cmd
	}
	return m.pick(chosen)
}

// pick acts on a picker's choice.
func (m *Model) pick(it *pickItem) tea.Cmd {
	kind := m.overlay
	m.overlay, m.picker = overlayNone, nil
	switch kind {
	case overlayPalette:
		p := it.value.(paletteEntry)
		if p.scope == keys.ScopeCatalog {
			m.focus = focusCatalog
		} else if p.scope == keys.ScopeChain {
			m.focusChain()
		} else if p.scope != keys.ScopeGlobal {
			m.focus = focusDetail
			m.tab = map[keys.Scope]tabID{keys.ScopeDocs: tabDocs, keys.ScopeTry: tabTry, keys.ScopeCode: tabCode}[p.scope]
		}
		return func() tea.Msg { return actionMsg{id: p.id} }
	case overlayTags:
		m.cat.tag = it.value.(string)
		return tea.Batch(m.cat.filterCmd(), m.startTicking())
	case overlayHistory:
		return m.replay(it.value.(history.Record))
	case overlayExport:
		return m.exportChain(it.value.(exportChoice))
	}
	return nil
}

// paletteEntry is what a palette row runs.
type paletteEntry struct {
	id    keys.Action
	scope keys.Scope
}

func (m *Model) openPalette() tea.Cmd {
	var items []pickItem
	seen := map[string]bool{}
	for _, sc := range []keys.Scope{m.scope(), keys.ScopeGlobal, keys.ScopeCatalog, keys.ScopeDocs, keys.ScopeTry, keys.ScopeCode, keys.ScopeChain} {
		for _, b := range m.com.Keys.InScope(sc) {
			k := sc.String() + "." + string(b.ID)
			if seen[k] || !b.Enabled() {
				continue
			}
			seen[k] = true
			title := b.Help().Desc
			if sc != keys.ScopeGlobal {
				title = sc.String() + ": " + title
			}
			items = append(items, pickItem{title: title, key: b.Help().Key, value: paletteEntry{id: b.ID, scope: sc}})
		}
	}
	m.picker = newPicker(m.com.Styles, "Commands", "type a command or a key", items)
	m.overlay = overlayPalette
	m.sizeOverlay()
	return m.picker.focus()
}

func (m *Model) openTags() tea.Cmd {
	if m.cat.ix == nil {
		return nil
	}
	items := []pickItem{{title: "all models", detail: "no tag filter", value: ""}}
	for _, t := range catalog.Tags(m.cat.ix.Entries()) {
		items = append(items, pickItem{title: "#" + t.Tag, key: fmt.Sprint(t.Count), value: t.Tag})
	}
	m.picker = newPicker(m.com.Styles, "Filter by tag", "tag", items)
	m.overlay = overlayTags
	m.sizeOverlay()
	return m.picker.focus()
}

func (m *Model) openHistory() tea.Cmd {
	if len(m.history) == 0 {
		return m.setStatus("no runs yet: run a model in the Try tab (r)", statusInfo)
	}
	var items []pickItem
	for _, r := range m.history {
		detail := r.Output
		if r.Error != "" {
			detail = r.Error + ": " + r.Output
		}
		items = append(items, pickItem{
			title:  r.Ref + "  " + common.OneLine(summarise(r.Input, r.Binary, 40)),
			detail: "→ " + common.OneLine(detail),
			key:    r.Time.Local().Format("Jan 2 15:04") + " " + human.Duration(r.Duration),
			value:  r,
		})
	}
	m.picker = newPicker(m.com.Styles, "Run history", "model or input", items)
	m.overlay = overlayHistory
	m.sizeOverlay()
	return m.picker.focus()
}

func summarise(in string, binary bool, n int) string {
	if binary {
		return "(binary input)"
	}
	if len([]rune(in)) > n {
		return string([]rune(in)[:n]) + "…"
	}
	return in
}

// replay selects the record's model and puts its input in the Try tab.
func (m *Model) replay(r history.Record) tea.Cmd {
	ref, err := catalog.ParseRef(r.Ref)
	if err != nil || m.cat.ix == nil {
		return m.setStatus("cannot replay: "+r.Ref+" is not in this catalog", statusError)
	}
	// Clear the filter so the model is reachable, then select it.
	m.cat.input.SetValue("")
	m.cat.tag = ""
	m.cat.matches = m.cat.ix.Search("")
	m.cat.sorted = len(m.cat.matches)
	m.cat.applied = ""
	m.cat.seq++ // a filter run in flight is now stale
	found := false
	for i, mt := range m.cat.matches {
		if m.cat.ix.Entry(mt.Index).Ref.Path() == ref.Path() {
			m.cat.cursor = i
			found = true
			break
		}
	}
	if !found {
		return m.setStatus("cannot replay: "+ref.Path()+" is not in this catalog", statusError)
	}
	m.cat.clamp()
	cmd := m.selectionChanged()
	if r.Binary {
		b, err := base64.StdEncoding.DecodeString(r.Input)
		if err != nil || len(b) == 0 {
			return tea.Batch(cmd, m.setStatus("this run's binary input was too large to keep; load the file again (o)", statusWarn))
		}
		m.try.setInput(catalog.Bytes(b), "from history")
	} else {
		m.try.setInput(catalog.Text(r.Input), "")
	}
	m.focus, m.tab = focusDetail, tabTry
	m.refreshCode()
	return tea.Batch(cmd, m.setStatus("input from "+r.Time.Local().Format("Jan 2 15:04")+" · r runs it", statusInfo))
}

func (m *Model) openPrompt(p promptPurpose) tea.Cmd {
	switch p {
	case promptLoadFile:
		m.prompt = newPrompt(m.com.Styles, p, "Load a file as input", "")
	case promptSaveOutput:
		if m.try.resp == nil {
			return m.setStatus("nothing to save yet: run the model first (r)", statusWarn)
		}
		name := strings.ReplaceAll(m.try.ranRef.Name, "/", "_") + ".out"
		switch m.try.resp.Value.Kind {
		case catalog.KindJSON:
			name = m.try.ranRef.Name + ".json"
		case catalog.KindText:
			name = m.try.ranRef.Name + ".txt"
		case catalog.KindBinary:
			if info, ok := graphics.Sniff(m.try.resp.Value.Bytes); ok {
				name = m.try.ranRef.Name + "." + info.Format
			}
		}
		m.prompt = newPrompt(m.com.Styles, p, "Save the output to", name)
	}
	m.overlay = overlayPrompt
	return m.prompt.input.Focus()
}

func expandHome(p string) string {
	if p == "~" || strings.HasPrefix(p, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, p[1:])
		}
	}
	return p
}

// maxInputFile bounds a loaded file; the server's default body limit is 10 MiB.
const maxInputFile = 32 << 20

func (m *Model) confirmPrompt() tea.Cmd {
	if m.prompt.purpose >= promptRenameStep {
		return m.confirmChainPrompt(m.prompt.purpose, m.prompt.input.Value())
	}
	path := expandHome(strings.TrimSpace(m.prompt.input.Value()))
	if path == "" {
		m.prompt.err = "type a path, or esc to cancel"
		return nil
	}
	purpose := m.prompt.purpose
	m.overlay, m.prompt = overlayNone, nil
	switch purpose {
	case promptLoadFile:
		return loadInputFile(path, false)
	case promptSaveOutput:
		data := outputBytes(m.try.resp)
		return func() tea.Msg {
			if err := atomicfile.Write(path, data, 0o644); err != nil {
				return fileSavedMsg{path: path, err: fmt.Errorf("cannot save %s: %w", path, human.FileError(err))}
			}
			return fileSavedMsg{path: path}
		}
	}
	return nil
}

// openEditor edits the input in $VISUAL or $EDITOR. The temp file is
// written by a command (editorReadyMsg), and read back by the exec callback,
// never in Update.
func (m *Model) openEditor() tea.Cmd {
	if m.try.bin != nil {
		return m.setStatus("the input is binary; load a text file (o) or type text (i) first", statusWarn)
	}
	editor := os.Getenv("VISUAL")
	if editor == "" {
		editor = os.Getenv("EDITOR")
	}
	if strings.TrimSpace(editor) == "" {
		return m.setStatus("set $EDITOR (or $VISUAL) to edit the input in your editor", statusWarn)
	}
	text := m.try.editor.Value()
	ext := ".txt"
	if m.selected.InputKind == catalog.KindJSON {
		ext = ".json"
	}
	return func() tea.Msg {
		f, err := os.CreateTemp("", "pipette-input-*"+ext)
		if err != nil {
			return editorDoneMsg{err: fmt.Errorf("cannot create a temp file for the editor: %w", err)}
		}
		_, werr := f.WriteString(text)
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			os.Remove(f.Name())
			return editorDoneMsg{err: fmt.Errorf("cannot write a temp file for the editor: %w", werr)}
		}
		return editorReadyMsg{path: f.Name(), editor: strings.Fields(editor)}
	}
}

// runEditor hands the terminal to the editor.
func (m *Model) runEditor(msg editorReadyMsg) tea.Cmd {
	path, args := msg.path, msg.editor
	c := exec.Command(args[0], append(args[1:], path)...)
	return tea.ExecProcess(c, func(err error) tea.Msg {
		defer os.Remove(path)
		if err != nil {
			return editorDoneMsg{err: fmt.Errorf("%s exited: %w", args[0], err)}
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return editorDoneMsg{err: fmt.Errorf("read the edited input: %w", err)}
		}
		return editorDoneMsg{text: strings.TrimSuffix(string(b), "\n")}
	})
}

// recordRun adds a finished run to the history and saves it.
func (m *Model) recordRun(msg runDoneMsg) tea.Cmd {
	r := history.Record{Time: m.com.Clock.Time(), Ref: msg.ref.String(), Input: msg.input, Binary: msg.binary, Duration: msg.elapsed}
	if msg.err != nil {
		e := catalog.AsError(msg.err)
		r.Error, r.Output = e.Type, common.OneLine(e.Message)
	} else if msg.resp != nil {
		r.Type = msg.resp.ContentType
		r.Output = common.OneLine(msg.resp.Value.Summary(120))
		r.Duration = msg.resp.Duration
	}
	m.history = append([]history.Record{r}, m.history...)
	if len(m.history) > history.Limit {
		m.history = m.history[:history.Limit]
	}
	m.cat.recent[msg.ref.Path()] = r.Time
	var cmds []tea.Cmd
	if msg.err != nil {
		cmds = append(cmds, m.setStatus(msg.ref.Path()+" failed: "+catalog.AsError(msg.err).Type+": "+common.OneLine(catalog.AsError(msg.err).Message), statusWarn))
	}
	if m.opt.HistoryPath != "" {
		store := history.Store{Path: m.opt.HistoryPath}
		cmds = append(cmds, func() tea.Msg { return historySavedMsg{err: store.Append(r)} })
	}
	return tea.Batch(cmds...)
}

// loadInputFile reads a file to use as an input, for the Try tab or (chain)
// for the chain builder, refusing a directory or a file over maxInputFile.
func loadInputFile(path string, chain bool) tea.Cmd {
	return func() tea.Msg {
		fail := func(err error) tea.Msg { return fileLoadedMsg{path: path, err: err, chain: chain} }
		st, err := os.Stat(path)
		if err != nil {
			return fail(fmt.Errorf("cannot load %s: %w", path, human.FileError(err)))
		}
		if st.IsDir() {
			return fail(fmt.Errorf("%s is a directory; give a file", path))
		}
		if st.Size() > maxInputFile {
			return fail(fmt.Errorf("%s is %s; inputs are limited to %s", path, human.Bytes(st.Size()), human.Bytes(int64(maxInputFile))))
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return fail(fmt.Errorf("cannot load %s: %w", path, human.FileError(err)))
		}
		return fileLoadedMsg{path: path, data: b, chain: chain}
	}
}

func (m *Model) quit() tea.Cmd {
	if m.try.cancel != nil {
		m.try.cancel()
	}
	if m.chain.cancel != nil {
		m.chain.cancel()
	}
	m.quitting = true
	if del := m.com.Graphics.Cleanup(); del != "" {
		// Delete the images while still on the alternate screen: give
		// Bubble Tea a couple of frames to write them before it leaves.
		return tea.Sequence(tea.Raw(del), func() tea.Msg { time.Sleep(40 * time.Millisecond); return nil }, tea.Quit)
	}
	return tea.Quit
}

// do performs an action in the current scope.
func (m *Model) do(id keys.Action) tea.Cmd {
	switch id {
	case keys.Quit:
		return m.quit()
	case keys.Help:
		m.overlay, m.helpOff = overlayHelp, 0
		return nil
	case keys.Palette:
		return m.openPalette()
	case keys.FocusNext, keys.FocusPrev:
		m.cycleFocus(id == keys.FocusNext)
		return m.refreshDetail()
	case keys.TabDocs, keys.TabTry, keys.TabCode:
		m.tab = map[keys.Action]tabID{keys.TabDocs: tabDocs, keys.TabTry: tabTry, keys.TabCode: tabCode}[id]
		m.focus = focusDetail
		return m.refreshDetail()
	case keys.History:
		return m.openHistory()
	case keys.Zoom:
		m.setZoom(!m.zoom)
		if m.zoom {
			m.focus = focusDetail
		}
		return m.refreshDetail()
	case keys.Reload:
		m.cat.ix, m.cat.matches = nil, nil
		m.cat.resetFilter()
		return tea.Batch(m.loadCatalog(), m.startTicking())
	case keys.ChainAdd:
		return m.addStep()
	case keys.ChainFocus:
		if m.focus == focusChain {
			m.focus = m.chainReturn
			m.layout()
			return m.refreshDetail()
		}
		m.focusChain()
		return nil
	case keys.ChainSave:
		return m.saveChain()
	case keys.ChainOpen:
		return m.openChainPrompt(promptOpenChain, "Open a chain file", m.chain.file)
	case keys.Theme:
		pal := themes.Light()
		if !m.com.Styles.Palette.Dark || m.com.Styles.Palette.Plain {
			pal = themes.Dark()
		}
		m.themeName = pal.Name
		m.setTheme(pal)
		return tea.Batch(m.refreshDetail(), m.setStatus("theme: "+pal.Name, statusInfo))
	}
	switch m.scope() {
	case keys.ScopeCatalog:
		return m.doCatalog(id)
	case keys.ScopeDocs:
		return m.doDocs(id)
	case keys.ScopeTry:
		return m.doTry(id)
	case keys.ScopeCode:
		return m.doCode(id)
	case keys.ScopeChain:
		return m.doChain(id)
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
	m.layout()
}

func (m *Model) cycleFocus(next bool) {
	// The ring is: catalog, docs, try, code.
	pos := 0
	switch m.focus {
	case focusDetail:
		pos = 1 + int(m.tab)
	case focusChain:
		// The builder sits between the code tab and the catalog.
		pos = 3
		if !next {
			pos = 0
		}
		m.focus = focusDetail
		m.layout()
	}
	if next {
		pos = (pos + 1) % 4
	} else {
		pos = (pos + 3) % 4
	}
	if pos == 0 {
		m.focus = focusCatalog
		m.setZoom(false) // the catalog comes back with the focus
		return
	}
	m.focus, m.tab = focusDetail, tabID(pos-1)
}

func (m *Model) doCatalog(id keys.Action) tea.Cmd {
	h := max(1, m.cat.listHeight())
	switch id {
	case keys.Up:
		m.cat.move(-1)
	case keys.Down:
		m.cat.move(1)
	case keys.PageUp:
		m.cat.move(-h)
	case keys.PageDown:
		m.cat.move(h)
	case keys.Top:
		m.cat.move(-len(m.cat.matches))
	case keys.Bottom:
		m.cat.move(len(m.cat.matches))
	case keys.Filter:
		// Allowed while the catalog loads: the query applies when it lands.
		m.cat.filtering = true
		return m.cat.input.Focus()
	case keys.Clear:
		if m.cat.input.Value() == "" && m.cat.tag == "" {
			return nil
		}
		m.cat.input.SetValue("")
		m.cat.tag = ""
		return tea.Batch(m.cat.filterCmd(), m.startTicking())
	case keys.Tags:
		return m.openTags()
	case keys.Sort:
		m.cat.sortRecent = !m.cat.sortRecent
		m.cat.applied = "\x00"
		what := "by name"
		if m.cat.sortRecent {
			what = "by recent use"
		}
		return tea.Batch(m.cat.filterCmd(), m.setStatus("sorted "+what, statusInfo))
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

func (m *Model) doDocs(id keys.Action) tea.Cmd {
	vp := &m.docs.vp
	switch id {
	case keys.Up:
		vp.ScrollUp(1)
	case keys.Down:
		vp.ScrollDown(1)
	case keys.PageUp:
		vp.PageUp()
	case keys.PageDown:
		vp.PageDown()
	case keys.Top:
		vp.GotoTop()
	case keys.Bottom:
		vp.GotoBottom()
	case keys.Filter:
		return m.docs.startSearch()
	case keys.SearchNext:
		m.docs.step(1)
	case keys.SearchPrev:
		m.docs.step(-1)
	case keys.Clear:
		m.docs.clearSearch()
	}
	return nil
}

func (m *Model) doTry(id keys.Action) tea.Cmd {
	switch id {
	case keys.Run:
		if m.try.running {
			return m.setStatus("already running; esc cancels", statusInfo)
		}
		if m.selected.Unavailable != "" {
			return m.setStatus(m.selected.Unavailable, statusWarn)
		}
		cmd := m.try.run(m.opt.Client, m.com.Clock.Time())
		if cmd == nil {
			return nil
		}
		return tea.Batch(cmd, m.startTicking())
	case keys.Clear:
		if m.try.stop() {
			return m.setStatus("cancelled", statusInfo)
		}
	case keys.Edit:
		if m.try.bin != nil {
			m.try.bin, m.try.binLabel = nil, ""
			m.try.editor.Placeholder = "type the input (" + string(m.selected.InputKind) + ")"
		}
		m.try.editing = true
		return m.try.editor.Focus()
	case keys.NextSample, keys.PrevSample:
		d := 1
		if id == keys.PrevSample {
			d = -1
		}
		if !m.try.cycleSample(d) {
			return m.setStatus("this model has one sample", statusInfo)
		}
		m.refreshCode()
	case keys.LoadFile:
		return m.openPrompt(promptLoadFile)
	case keys.Save:
		return m.openPrompt(promptSaveOutput)
	case keys.Editor:
		return m.openEditor()
	case keys.Copy:
		if m.try.err != nil {
			e := catalog.AsError(m.try.err)
			return tea.Batch(tea.SetClipboard(e.Type+": "+e.Message), m.setStatus("copied the error", statusInfo))
		}
		s, ok := plainOutput(m.try.resp)
		if !ok {
			if m.try.resp == nil {
				return m.setStatus("nothing to copy yet: run the model first (r)", statusWarn)
			}
			return m.setStatus("binary output cannot go to the clipboard; w saves it", statusWarn)
		}
		return tea.Batch(tea.SetClipboard(s), m.setStatus(fmt.Sprintf("copied %s of output", human.Bytes(int64(len(s)))), statusInfo))
	case keys.Up:
		m.try.out.ScrollUp(1)
	case keys.Down:
		m.try.out.ScrollDown(1)
	}
	return nil
}

func (m *Model) doCode(id keys.Action) tea.Cmd {
	switch id {
	case keys.NextLang:
		m.code.lang = (m.code.lang + 1) % len(languages)
		m.refreshCode()
	case keys.PrevLang:
		m.code.lang = (m.code.lang + len(languages) - 1) % len(languages)
		m.refreshCode()
	case keys.Copy:
		return tea.Batch(tea.SetClipboard(m.code.text), m.setStatus("copied the "+languages[m.code.lang]+" snippet", statusInfo))
	case keys.Up:
		m.code.vp.ScrollUp(1)
	case keys.Down:
		m.code.vp.ScrollDown(1)
	}
	return nil
}

// selectionChanged follows the catalog cursor: the detail panes show the
// entry under it, fetching its full details when the listing omitted them.
func (m *Model) selectionChanged() tea.Cmd {
	e, ok := m.cat.selected()
	if !ok {
		m.hasSel = false
		return nil
	}
	path := e.Ref.Path()
	var fetch tea.Cmd
	if d, ok := m.details[path]; ok {
		e = d
	} else if e.Docs == "" && len(e.Samples) == 0 && !m.fetching[path] && m.opt.Client != nil {
		m.fetching[path] = true
		src, ref := m.opt.Client.Source(), e.Ref
		fetch = func() tea.Msg {
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			full, err := src.Get(ctx, ref)
			return entryLoadedMsg{path: ref.Path(), entry: full, err: err}
		}
	}
	m.selected, m.hasSel = e, true
	m.try.show(e)
	return tea.Batch(fetch, m.refreshDetail())
}

// refreshDetail brings the visible tab up to date; only the visible tab does
// work, so scrolling the catalog stays cheap.
func (m *Model) refreshDetail() tea.Cmd {
	if !m.hasSel || m.w == 0 {
		return nil
	}
	switch m.tab {
	case tabDocs:
		return m.docs.show(m.selected)
	case tabCode:
		m.refreshCode()
	case tabTry:
		m.try.refreshOutput()
	}
	return nil
}

func (m *Model) refreshCode() {
	if !m.hasSel || m.tab != tabCode {
		return
	}
	t := codeTarget{Target: snippet.Target{Base: m.opt.ServerURL, Auth: m.opt.APIKey}}
	if t.Base == "" {
		t.Base, t.local = "http://127.0.0.1:8080", true
	}
	in := snippet.Input{Kind: m.selected.InputKind, Text: m.try.editor.Value()}
	if m.try.bin != nil {
		in.Kind = catalog.KindBinary
		in.File = "input.bin"
		if info, ok := graphics.Sniff(m.try.bin); ok {
			in.File = "input." + info.Format
		}
		if m.try.binLabel != "" && strings.Contains(m.try.binLabel, ".") && !strings.Contains(m.try.binLabel, " ") {
			in.File = m.try.binLabel
		}
	} else if in.Kind == catalog.KindAny || in.Kind == "" {
		in.Kind = catalog.KindText
		if v, err := catalog.DecodeJSON([]byte(in.Text)); err == nil && v != nil {
			in.Kind = catalog.KindJSON
		}
	}
	m.code.set(snippet.Write(languages[m.code.lang], t.Target, m.selected.Ref, in), t)
}

// setZoom shows the detail pane alone (for a big image or long docs on a
// small terminal) or brings the catalog back.
func (m *Model) setZoom(on bool) {
	if m.zoom == on {
		return
	}
	m.zoom = on
	m.layout()
}

// layout sizes every pane for the window.
func (m *Model) layout() {
	if m.w == 0 || m.h == 0 {
		return
	}
	catW, catH, detW, detH := m.paneSizes()
	if !m.zoom {
		m.cat.SetSize(catW, catH)
	}
	if m.focus == focusChain {
		m.chain.SetSize(m.w, max(4, m.h-2))
	} else {
		m.chain.SetSize(m.w, stripHeight)
	}
	iw := max(1, detW-m.com.Styles.Pane.GetHorizontalFrameSize())
	ih := max(1, detH-m.com.Styles.Pane.GetVerticalFrameSize()-2)
	m.docs.SetSize(iw, ih)
	m.try.SetSize(iw, ih)
	m.code.SetSize(iw, ih)
	m.sizeOverlay()
}

// paneSizes splits the body: side by side from wideWidth columns, stacked
// below it. Two lines at the bottom hold the short help and the status.
func (m *Model) paneSizes() (catW, catH, detW, detH int) {
	bodyH := max(4, m.h-2)
	if m.showStrip() {
		bodyH -= stripHeight
	}
	if m.zoom {
		return 0, 0, m.w, bodyH
	}
	if m.w >= wideWidth {
		catW = min(64, max(36, m.w*9/20))
		return catW, bodyH, m.w - catW, bodyH
	}
	catH = max(5, min(bodyH/2, bodyH*2/5))
	return m.w, catH, m.w, bodyH - catH
}

// showStrip says whether the chain strip sits under the panes: not while
// zoomed or in the builder, and not on a terminal too short to spare it.
func (m *Model) showStrip() bool {
	return !m.zoom && m.focus != focusChain && m.h >= 16
}

func (m *Model) sizeOverlay() {
	if m.picker != nil {
		// As tall as its items need, up to most of the screen.
		frame := m.com.Styles.Overlay.GetVerticalFrameSize() + 3
		m.picker.setSize(min(m.w-4, 80), max(6, min(m.h-4, 24, len(m.picker.items)+frame)))
	}
}

// minimum usable terminal.
const minW, minH = 40, 12

// View draws the screen.
func (m *Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.WindowTitle = "pipette"
	if m.opt.Mouse {
		v.MouseMode = tea.MouseModeCellMotion
	}
	return v
}

// plainGlyphs maps the UI's one-cell symbols to one-cell ASCII for --plain,
// so dumb terminals and screen readers get plain text with the same layout.
var plainGlyphs = strings.NewReplacer("·", "-", "→", ">", "←", "<", "…", "~", "✓", "+", "✗", "x", "×", "x",
	"▸", ">", "↑", "^", "↓", "v", "—", "-", "–", "-", "µ", "u", "•", "*", "─", "-", "│", "|", "“", "\"", "”", "\"", "’", "'")

func (m *Model) render() string {
	s := m.renderScreen()
	if m.com.Styles.Palette.Plain {
		s = plainGlyphs.Replace(s)
	}
	return s
}

func (m *Model) renderScreen() string {
	if m.w == 0 || m.h == 0 {
		return ""
	}
	if m.quitting {
		return ""
	}
	if m.w < minW || m.h < minH {
		return ansi.Truncate(fmt.Sprintf("pipette needs at least %d×%d; this terminal is %d×%d", minW, minH, m.w, m.h), m.w, "")
	}
	spin := m.com.Styles.SpinnerFrames[m.spin%len(m.com.Styles.SpinnerFrames)]
	var body string
	if m.focus == focusChain {
		body = m.chain.View(spin)
	} else if detView := m.detailView(spin); m.zoom {
		body = detView
	} else if catView := m.cat.View(m.focus == focusCatalog && m.overlay == overlayNone, spin); m.w >= wideWidth {
		body = lipgloss.JoinHorizontal(lipgloss.Top, catView, detView)
	} else {
		body = lipgloss.JoinVertical(lipgloss.Left, catView, detView)
	}
	if m.showStrip() {
		body += "\n" + m.chain.StripView(spin)
	}
	screen := body + "\n" + m.footer() + "\n" + m.statusLine(spin)
	if m.overlay == overlayNone {
		return screen
	}
	box := m.overlayView()
	bw, bh := lipgloss.Size(box)
	x, y := max(0, (m.w-bw)/2), max(0, (m.h-bh)/3)
	return lipgloss.NewCompositor(
		lipgloss.NewLayer(screen),
		lipgloss.NewLayer(box).X(x).Y(y).Z(1),
	).Render()
}

func (m *Model) overlayView() string {
	switch m.overlay {
	case overlayHelp:
		box, _ := helpView(m.com.Styles, m.com.Keys, min(m.w-2, 120), m.h-2, m.helpOff)
		return box
	case overlayPrompt:
		return m.prompt.View(m.com.Styles, min(m.w-4, 70))
	case overlayConfirm:
		return m.confirm.View(m, min(m.w-4, 70))
	}
	if m.picker != nil {
		return m.picker.View()
	}
	return ""
}

func (m *Model) detailView(spin string) string {
	_, _, w, h := m.paneSizes()
	frame := m.com.Styles.Pane
	if m.focus == focusDetail && m.overlay == overlayNone {
		frame = m.com.Styles.PaneFocused
	}
	iw := max(1, w-frame.GetHorizontalFrameSize())
	var tabs []string
	for i, n := range tabNames {
		if tabID(i) == m.tab {
			tabs = append(tabs, m.com.Styles.TabActive.Render(n))
		} else {
			tabs = append(tabs, m.com.Styles.Tab.Render(n))
		}
	}
	tabBar := strings.Join(tabs, "")
	var lines []string
	if !m.hasSel {
		title := m.com.Styles.Muted.Render("no model selected")
		lines = append(lines, common.FitRow(title, tabBar, iw), "")
		msg := "pick a model on the left"
		if m.w < wideWidth {
			msg = "pick a model above"
		}
		if m.cat.loading {
			msg = spin + " loading the catalog" + m.com.Styles.Ellipsis
		}
		lines = append(lines, m.com.Styles.Muted.Render(msg))
	} else {
		e := m.selected
		title := m.com.Styles.Title.Render(e.Ref.Path()) + " " + m.com.Styles.Muted.Render(e.Ref.Version)
		lines = append(lines, common.FitRow(title, tabBar, iw))
		lines = append(lines, ansi.Truncate(m.metaLine(e), iw, m.com.Styles.Ellipsis))
		var content string
		switch m.tab {
		case tabDocs:
			content = m.docs.View()
		case tabTry:
			content = m.try.View(spin)
		case tabCode:
			content = m.code.View()
		}
		lines = append(lines, content)
	}
	body := strings.Join(lines, "\n")
	// Never let a pane push the screen taller than it is.
	ih := max(1, h-frame.GetVerticalFrameSize())
	bl := strings.Split(body, "\n")
	if len(bl) > ih {
		bl = bl[:ih]
	}
	for i, l := range bl {
		if ansi.StringWidth(l) > iw {
			bl[i] = ansi.Truncate(l, iw, "")
		}
	}
	return frame.Width(w).Height(h).Render(strings.Join(bl, "\n"))
}

// metaLine is the header under the title: kinds, versions, license, tags.
func (m *Model) metaLine(e catalog.Entry) string {
	parts := []string{}
	if e.InputKind != "" || e.OutputKind != "" {
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
	s := m.com.Styles.Muted.Render(strings.Join(parts, " "+m.com.Styles.Dot+" "))
	if e.Unavailable != "" {
		s = m.com.Styles.StatusWarn.Render("unavailable: "+e.Unavailable) + "  " + s
	}
	return s
}

// footer is the short help for where the focus is.
func (m *Model) footer() string {
	var ids []keys.Action
	sc := m.scope()
	switch {
	case m.overlay == overlayConfirm && m.confirm != nil:
		var pairs [][2]string
		for _, c := range m.confirm.choices {
			pairs = append(pairs, [2]string{c.key, strings.SplitN(c.label, " (", 2)[0]})
		}
		return m.helpLine(append(pairs, [2]string{"enter", m.confirm.choices[0].label}))
	case m.overlay != overlayNone:
		return m.helpLine([][2]string{{"esc", "close"}, {"enter", "choose"}, {"↑/↓", "move"}})
	case m.cat.filtering:
		return m.helpLine([][2]string{{"enter", "keep filter"}, {"esc", "clear"}, {"↑/↓", "move"}, {"ctrl+c", "quit"}})
	case m.docs.searching:
		return m.helpLine([][2]string{{"enter", "keep search"}, {"esc", "clear"}})
	case m.try.editing:
		return m.helpLine([][2]string{{"esc", "done editing"}, {"ctrl+r", "run"}, {"ctrl+c", "quit"}})
	case m.chain.editing:
		return m.helpLine([][2]string{{"esc", "done editing"}, {"ctrl+r", "run to here"}, {"ctrl+t", "input/each"}, {"ctrl+c", "quit"}})
	case sc == keys.ScopeChain && m.chain.running:
		return m.helpLine([][2]string{{"esc", "cancel"}, {"←/→", "step"}, {"ctrl+p", "commands"}, {"?", "help"}})
	case sc == keys.ScopeChain:
		return m.helpLine([][2]string{{"r", "run"}, {"u", "run to step"}, {"i", "edit mapping"}, {"K/J", "move"}, {"n", "rename"},
			{"x", "remove"}, {"e", "export"}, {"ctrl+s", "save"}, {"esc", "back"}, {"?", "help"}, {"q", "quit"}})
	case sc == keys.ScopeCatalog:
		ids = []keys.Action{keys.Filter, keys.Open, keys.Tags, keys.Sort, keys.FocusNext}
	case sc == keys.ScopeDocs:
		ids = []keys.Action{keys.Filter, keys.SearchNext, keys.TabTry, keys.FocusNext}
	case sc == keys.ScopeTry:
		ids = []keys.Action{keys.Run, keys.Edit, keys.NextSample, keys.LoadFile, keys.Copy}
		if m.try.running {
			ids = []keys.Action{keys.Clear}
		}
	case sc == keys.ScopeCode:
		ids = []keys.Action{keys.NextLang, keys.Copy}
	}
	var pairs [][2]string
	for _, id := range ids {
		if b := m.com.Keys.Find(sc, id); b != nil && b.Enabled() {
			pairs = append(pairs, [2]string{b.Help().Key, b.Help().Desc})
		}
	}
	for _, id := range []keys.Action{keys.ChainAdd, keys.ChainFocus} {
		if b := m.com.Keys.Find(keys.ScopeGlobal, id); b != nil && b.Enabled() && m.hasSel {
			desc := map[keys.Action]string{keys.ChainAdd: "add to chain", keys.ChainFocus: "chain"}[id]
			pairs = append(pairs, [2]string{b.Help().Key, desc})
		}
	}
	if sc != keys.ScopeCatalog {
		if b := m.com.Keys.Find(keys.ScopeGlobal, keys.Zoom); b != nil && b.Enabled() {
			desc := "zoom"
			if m.zoom {
				desc = "unzoom"
			}
			pairs = append(pairs, [2]string{b.Help().Key, desc})
		}
	}
	for _, id := range []keys.Action{keys.Palette, keys.Help, keys.Quit} {
		if b := m.com.Keys.Find(keys.ScopeGlobal, id); b != nil {
			pairs = append(pairs, [2]string{strings.Split(b.Help().Key, "/")[0], b.Help().Desc})
		}
	}
	return m.helpLine(pairs)
}

// helpLine renders key/description pairs on one line. When they do not fit,
// pairs are dropped from the middle so the last ones (commands, help, quit)
// always stay on screen.
func (m *Model) helpLine(pairs [][2]string) string {
	sep := m.com.Styles.HelpSep.Render(" " + m.com.Styles.Dot + " ")
	render := func(ps [][2]string) string {
		items := make([]string, len(ps))
		for i, p := range ps {
			items[i] = m.com.Styles.HelpKey.Render(p[0]) + " " + m.com.Styles.HelpDesc.Render(p[1])
		}
		return " " + strings.Join(items, sep)
	}
	keep := 3 // the global tail: commands, help, quit
	for len(pairs) > 0 {
		out := render(pairs)
		if ansi.StringWidth(out) <= m.w {
			return out
		}
		if len(pairs) > keep {
			pairs = append(pairs[:len(pairs)-keep-1], pairs[len(pairs)-keep:]...)
		} else {
			pairs = pairs[:len(pairs)-1]
			keep = max(0, keep-1)
		}
	}
	return ""
}

func (m *Model) statusLine(spin string) string {
	var left string
	switch {
	case m.status != "":
		st := map[statusKind]lipgloss.Style{statusInfo: m.com.Styles.StatusInfo, statusWarn: m.com.Styles.StatusWarn, statusError: m.com.Styles.StatusError}[m.statusKind]
		left = st.Render(m.status)
	case m.try.running:
		left = m.com.Styles.Accent.Render(spin + " running " + m.try.entry.Ref.Path())
	case m.chain.running:
		left = m.com.Styles.Accent.Render(spin + " running the chain " + m.chain.c.Name)
	default:
		left = m.com.Styles.Muted.Render(m.cat.source)
	}
	right := ""
	if m.cat.ix != nil && m.cat.took > 0 && m.cat.applied != "" && m.cat.applied != "\x00" {
		right = m.com.Styles.Subtle.Render(fmt.Sprintf("filter %s", human.Duration(m.cat.took)))
	}
	return " " + common.FitRow(left, right, m.w-2)
}

// handleClick focuses what was clicked: a catalog row, a tab, a pane, or a
// picker row.
func (m *Model) handleClick(ms tea.Mouse) tea.Cmd {
	if ms.Button != tea.MouseLeft {
		return nil
	}
	if m.overlay != overlayNone {
		if m.picker != nil {
			bw, bh := m.picker.w, m.picker.h
			x, y := max(0, (m.w-bw)/2), max(0, (m.h-bh)/3)
			if ms.X >= x && ms.X < x+bw && ms.Y >= y && ms.Y < y+bh {
				if it, ok := m.picker.clickRow(ms.Y - y); ok {
					return m.pick(it)
				}
				return nil
			}
		}
		if m.overlay == overlayConfirm {
			return nil // a question is answered with a key, not dismissed by a stray click
		}
		m.overlay, m.picker, m.prompt = overlayNone, nil, nil
		return nil
	}
	if m.textFocused() {
		m.blurInputs()
	}
	if m.focus == focusChain {
		// The pipeline is the second inner line: a click selects a step.
		if i, ok := m.chain.stepAt(ms.X-1-m.com.Styles.Pane.GetPaddingLeft(), ms.Y-1); ok {
			m.chain.sel = i
			m.chain.vp.GotoTop()
		}
		return nil
	}
	if m.showStrip() && ms.Y >= m.h-2-stripHeight && ms.Y < m.h-2 {
		m.focusChain()
		return nil
	}
	catW, catH, _, _ := m.paneSizes()
	wide := m.w >= wideWidth
	inCat := (wide && ms.X < catW) || (!wide && ms.Y < catH)
	if inCat {
		m.focus = focusCatalog
		if i, ok := m.cat.rowAt(ms.Y); ok {
			m.cat.cursor = i
			m.cat.clamp()
			return m.selectionChanged()
		}
		return nil
	}
	m.focus = focusDetail
	// The tab bar is the first inner line of the detail pane, right-aligned.
	x0, y0 := 0, catH
	if wide {
		x0, y0 = catW, 0
	}
	if ms.Y == y0+1 {
		_, _, w, _ := m.paneSizes()
		iw := w - m.com.Styles.Pane.GetHorizontalFrameSize()
		pos := x0 + 1 + iw
		for i := len(tabNames) - 1; i >= 0; i-- {
			tw := ansi.StringWidth(m.com.Styles.Tab.Render(tabNames[i]))
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
	m.cat.filtering = false
	m.cat.input.Blur()
	m.docs.searching = false
	m.docs.input.Blur()
	m.try.editing = false
	m.try.editor.Blur()
	if m.chain.editing {
		m.chain.editing = false
		m.chain.editor.Blur()
		m.layout()
	}
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
	if m.overlay != overlayNone {
		if m.picker != nil {
			m.picker.cursor += d
			m.picker.clamp()
		}
		if m.overlay == overlayHelp {
			_, maxOff := helpView(m.com.Styles, m.com.Keys, min(m.w-2, 120), m.h-2, m.helpOff)
			m.helpOff = max(0, min(m.helpOff+d, maxOff))
		}
		return nil
	}
	if m.focus == focusChain {
		if d < 0 {
			m.chain.vp.ScrollUp(-d)
		} else {
			m.chain.vp.ScrollDown(d)
		}
		return nil
	}
	catW, catH, _, _ := m.paneSizes()
	wide := m.w >= wideWidth
	if (wide && ms.X < catW) || (!wide && ms.Y < catH) {
		m.cat.move(d)
		return m.selectionChanged()
	}
	switch m.tab {
	case tabDocs:
		if d < 0 {
			m.docs.vp.ScrollUp(-d)
		} else {
			m.docs.vp.ScrollDown(d)
		}
	case tabTry:
		if d < 0 {
			m.try.out.ScrollUp(-d)
		} else {
			m.try.out.ScrollDown(d)
		}
	case tabCode:
		if d < 0 {
			m.code.vp.ScrollUp(-d)
		} else {
			m.code.vp.ScrollDown(d)
		}
	}
	return nil
}
