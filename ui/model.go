// Package ui is pipette's terminal workbench: a Bubble Tea program that
// browses a catalog, renders a model's docs, runs it on a sample or the
// user's input, shows how to call it from code, and builds chains of
// models. It talks to models only through *client.Client, so the same UI
// works in-process and against a `pipette serve`.
//
// The root model (this package) owns the focus, the layout and the dialog
// on top, and routes messages: window sizes to every component, keys to
// the dialog or the focused component, results of commands to whoever
// asked. The components (ui/components/…, the chain builder in ui/chain)
// share one context, ui/common.Common. Update never does I/O: commands do
// it and report back with typed messages; View only draws what Update
// prepared.
//
// The root is split by concern: model.go (state, start), update.go
// (routing, keys), actions.go (what actions and dialog answers do),
// layout.go (one layout per frame, for drawing and for the mouse),
// view.go (drawing), mouse.go (clicks and the wheel).
package ui

import (
	"path/filepath"
	"pipette/ui/components/code"
	"pipette/ui/components/statusline"
	"pipette/ui/components/try"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"pipette/catalog"
	"pipette/client"
	"pipette/themes"
	"pipette/ui/chain"
	"pipette/ui/chain/draft"
	"pipette/ui/common"
	cataloglist "pipette/ui/components/catalog"
	"pipette/ui/components/chainbar"
	"pipette/ui/components/compare"
	"pipette/ui/components/docs"
	"pipette/ui/components/graphics"
	"pipette/ui/components/sources"
	"pipette/ui/dialog"
	"pipette/ui/history"
	"pipette/ui/keys"
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
	// DraftPath is the single draft of older versions; the builder keeps
	// its drafts in a "drafts" folder beside it. "" saves nothing (tests).
	DraftPath string
	// Images is how image results are previewed: graphics.ImagesAuto
	// (kitty graphics when the terminal surely draws them, else half
	// blocks), ImagesKitty, ImagesHalfBlocks or ImagesOff; "" is auto.
	Images string
	// Debug shows figures meant for pipette's developers (filter times).
	Debug bool
	// Tick schedules a timed message (spinner frames, status expiry); nil
	// means tea.Tick. Tests and benchmarks drive the model without a clock.
	Tick func(time.Duration, func(time.Time) tea.Msg) tea.Cmd
}

type focusArea int

const (
	focusCatalog focusArea = iota
	focusDetail
	focusChain   // the chain builder fills the body
	focusCompare // the compare view fills the body
)

type tabID int

const (
	tabDocs tabID = iota
	tabTry
	tabCode
)

var tabNames = []string{"Docs", "Try", "Code"}

// Model is the root model.
type Model struct {
	opt Options
	com *common.Common
	// gfxFlushGen names the newest pending graphics flush after a resize.
	gfxFlushGen int

	dark      bool
	themeName string

	focus       focusArea
	chainReturn focusArea // where esc in the builder goes back to
	tab         tabID
	zoom        bool // the detail pane fills the screen

	cat     *cataloglist.List
	srcs    *sources.Watch // the remote sources' status
	compare *compare.Compare
	// refreshing is a listing under way that replaces the one on screen
	// without clearing it (a source went down or came back).
	refreshing bool
	docs       *docs.Docs
	try        *try.Try
	code       *code.Code
	builder    *chain.Builder
	bar        *chainbar.Bar // the chain under the panes

	selected catalog.Entry
	hasSel   bool
	details  map[string]catalog.Entry // full entries fetched with Get
	fetching map[string]bool

	dialog dialog.Dialog // on top of the panes; nil when none

	status *statusline.Line

	tickGen  int
	ticking  bool
	history  []history.Record
	started  time.Time
	lastLoad time.Duration
	quitting bool
	// lateStarted is set once what the first frame does not need has been
	// started (start.go).
	lateStarted bool
	// deferred are keys waiting for the filter's result (see handleKey).
	deferred []tea.KeyPressMsg

	// detailFrame draws the detail pane's border (kept between frames).
	detailFrame common.Frame

	// lay is this frame's layout: View draws with it, the mouse hits it.
	lay layout
}

// New builds the UI.
func New(opt Options) *Model {
	mode, modeErr := graphics.ParseImageMode(opt.Images)
	if modeErr != nil {
		mode = graphics.ImagesHalfBlocks
	}
	c := &common.Common{Keys: keys.Default(), Graphics: graphics.New(mode), Clock: common.Clock{Now: opt.Now, Tick: opt.Tick}, Debug: opt.Debug}
	m := &Model{opt: opt, com: c, status: statusline.New(c), dark: opt.Dark, details: map[string]catalog.Entry{}, fetching: map[string]bool{}}
	m.themeName = opt.Theme
	if opt.Plain {
		m.themeName = "plain"
	}
	pal, err := themes.ByName(m.themeName, m.dark)
	if err != nil {
		pal, _ = themes.ByName("auto", m.dark)
		m.setStatus(err.Error(), common.StatusError)
	}
	c.Styles = themes.New(pal)
	source := "catalog"
	if opt.Client != nil {
		source = opt.Client.Source().Name()
	}
	m.cat = cataloglist.New(c, source)
	if opt.Client != nil {
		m.srcs = sources.New(c, opt.Client.Source())
		m.cat.SetSources(m.srcs)
	}
	m.docs = docs.New(c)
	m.bar = chainbar.New(c)
	m.try = try.New(c, opt.Client)
	m.code = code.New(c, opt.ServerURL, opt.APIKey)
	m.compare = compare.New(c, opt.Client)
	m.cat.SetMarked(m.compare.Marked)
	m.cat.SetStay(func() bool { return m.focus != focusCatalog })
	var drafts chain.Drafts
	if opt.DraftPath != "" {
		drafts = draft.New(filepath.Join(filepath.Dir(opt.DraftPath), "drafts"), opt.DraftPath)
	}
	m.builder = chain.New(c, chain.Options{Client: opt.Client, ServerURL: opt.ServerURL, File: opt.ChainFile, Drafts: drafts})
	if modeErr != nil {
		m.setStatus("images setting: "+modeErr.Error()+"; previews use half blocks", common.StatusError)
	}
	if err := c.Keys.Remap(opt.Keys); err != nil {
		m.setStatus(err.Error(), common.StatusError)
	}
	if opt.Notice != nil {
		m.setStatus(opt.Notice.Error(), common.StatusError)
	}
	m.started = c.Clock.Time()
	return m
}

func (m *Model) followsTerminal() bool {
	t := strings.ToLower(m.themeName)
	return t == "" || t == "auto" || t == "ansi"
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
	return m.cat.Busy() || m.try.Running() || m.builder.Running() || m.srcs.Checking() || m.compare.Running()
}

func (m *Model) setStatus(s string, k common.StatusKind) tea.Cmd { return m.status.Set(s, k) }

// setTheme switches the palette (one assignment every component reads)
// and returns what brings the visible tab's renders up to date: docs
// rendered in the old theme are rendered again.
func (m *Model) setTheme(pal themes.Palette) tea.Cmd {
	m.com.Styles = themes.New(pal)
	return m.refreshDetail()
}

func (m *Model) quit() tea.Cmd {
	m.try.Stop()
	m.compare.Stop()
	m.builder.Stop()
	m.builder.Close()
	m.quitting = true
	if del := m.com.Graphics.Cleanup(); del != "" {
		// Delete the images while still on the alternate screen: give
		// Bubble Tea a couple of frames to write them before it leaves.
		return tea.Sequence(tea.Raw(del), func() tea.Msg { time.Sleep(40 * time.Millisecond); return nil }, tea.Quit)
	}
	return tea.Quit
}
