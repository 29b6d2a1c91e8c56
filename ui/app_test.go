package ui

import (
	"context"
	"os"
	"path/filepath"
	"pipette/ui/common"
	cataloglist "pipette/ui/components/catalog"
	"pipette/ui/dialog"
	"pipette/ui/keys"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"pipette/catalog"
	"pipette/client"
)

// collect runs cmd on another goroutine and returns its leaf messages.
func collect(cmd tea.Cmd) <-chan tea.Msg {
	ch := make(chan tea.Msg, 16)
	var walk func(tea.Cmd)
	walk = func(c tea.Cmd) {
		if c == nil {
			return
		}
		switch msg := c().(type) {
		case nil:
		case tea.BatchMsg:
			for _, c := range msg {
				walk(c)
			}
		default:
			ch <- msg
		}
	}
	go func() { walk(cmd); close(ch) }()
	return ch
}

func TestCatalogLoadsSorted(t *testing.T) {
	m := newTestModel(t, 100, 30, "dark")
	if m.cat.Loading() || m.cat.Index() == nil {
		t.Fatal("catalog not loaded")
	}
	s := plainScreen(m)
	for _, want := range []string{"5 models · testcat", "test/Pixels", "util/Fail", "Upper-case a text"} {
		if !strings.Contains(s, want) {
			t.Errorf("screen lacks %q:\n%s", want, s)
		}
	}
	if e, _ := m.cat.Selected(); e.Ref.Path() != "test/Pixels" {
		t.Errorf("first row = %s, want test/Pixels (sorted by name)", e.Ref.Path())
	}
}

func TestGlobalKeysAreTextWhileTyping(t *testing.T) {
	m := newTestModel(t, 100, 30, "dark")
	press(t, m, "/", "type:q?1")
	if m.quitting || m.dialog != nil || m.tab != tabDocs {
		t.Fatal("q, ? or 1 acted as commands while the filter had focus")
	}
	if m.cat.Query() != "q?1" {
		t.Errorf("filter = %q", m.cat.Query())
	}
}

func TestTagFacetAndSort(t *testing.T) {
	m := newTestModel(t, 100, 30, "dark")
	press(t, m, "#")
	if p, ok := dialogIs[*dialog.Picker](m); !ok || !strings.Contains(ansiStrip(p.View()), "Filter by tag") {
		t.Fatal("# did not open the tag picker")
	}
	press(t, m, "type:stats", "enter")
	if m.cat.Tag() != "stats" || len(m.cat.Matches()) != 1 {
		t.Fatalf("tag filter: tag %q, %d rows", m.cat.Tag(), len(m.cat.Matches()))
	}
	press(t, m, "esc")
	if m.cat.Tag() != "" {
		t.Error("esc should clear the tag")
	}
	// Run Shout so it becomes the most recent, then sort by recent use.
	selectRef(t, m, "test/Shout")
	press(t, m, "2", "r", "esc")
	press(t, m, "s", "s") // name → size → recent
	if e, _ := m.cat.Selected(); m.cat.SortBy() != cataloglist.SortRecent || m.cat.Index().Entry(m.cat.Matches()[0].Index).Ref.Path() != "test/Shout" {
		t.Errorf("sort by recent: first row %s (selected %s)", m.cat.Index().Entry(m.cat.Matches()[0].Index).Ref.Path(), e.Ref.Path())
	}
}

// selectRef moves the catalog cursor to ref.
func selectRef(t testing.TB, m *Model, path string) {
	t.Helper()
	m.focus = focusCatalog
	for i, mt := range m.cat.Matches() {
		if m.cat.Index().Entry(mt.Index).Ref.Path() == path {
			m.cat.SetCursor(i)
			run(t, m, m.selectionChanged())
			return
		}
	}
	t.Fatalf("%s not in the list", path)
}

func TestTryRunsFirstSample(t *testing.T) {
	m := newTestModel(t, 100, 30, "dark")
	selectRef(t, m, "test/Shout")
	press(t, m, "enter")
	if m.focus != focusDetail || m.tab != tabTry {
		t.Fatal("enter should open the Try tab")
	}
	if m.try.InputText() != "hello pipette" {
		t.Fatalf("editor = %q, want the first sample", m.try.InputText())
	}
	press(t, m, "r")
	s := plainScreen(m)
	if !strings.Contains(s, "HELLO PIPETTE") || !strings.Contains(s, "✓ text") {
		t.Errorf("output not shown:\n%s", s)
	}
	press(t, m, "]")
	if m.try.InputText() != "anyone there?" {
		t.Errorf("] should load the next sample, got %q", m.try.InputText())
	}
	press(t, m, "[")
	if m.try.InputText() != "hello pipette" {
		t.Errorf("[ should go back, got %q", m.try.InputText())
	}
}

func TestTryEditAndRunWithCtrlR(t *testing.T) {
	m := newTestModel(t, 100, 30, "dark")
	selectRef(t, m, "test/Shout")
	press(t, m, "enter", "i", "ctrl+k")
	press(t, m, "type:quiet q", "ctrl+r")
	if m.try.Editing() {
		t.Error("ctrl+r should leave the editor")
	}
	if m.quitting {
		t.Fatal("q typed in the editor quit")
	}
	if resp, _ := m.try.Result(); resp == nil || resp.Value.Text != "QUIET Q" {
		t.Fatalf("resp = %+v", resp)
	}
}

func TestTryInvalidJSONIsAnInputError(t *testing.T) {
	m := newTestModel(t, 100, 30, "dark")
	selectRef(t, m, "test/WordCount")
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte("{not json"), 0o600)
	press(t, m, "enter", "o")
	retype(t, m, bad)
	press(t, m, "r")
	if _, err := m.try.Result(); catalog.ErrorType(err) != catalog.InputError {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(plainScreen(m), "not valid JSON") {
		t.Errorf("error not shown:\n%s", plainScreen(m))
	}
}

func TestTryModelErrorShowsType(t *testing.T) {
	m := newTestModel(t, 100, 30, "dark")
	selectRef(t, m, "util/Fail")
	press(t, m, "enter", "r")
	s := plainScreen(m)
	if !strings.Contains(s, "AlgorithmError") || !strings.Contains(s, "the model broke on purpose") {
		t.Errorf("model error not shown:\n%s", s)
	}
}

func TestTryImageOutputPreview(t *testing.T) {
	m := newTestModel(t, 100, 30, "dark")
	selectRef(t, m, "test/Pixels")
	press(t, m, "enter", "r")
	s := screen(m)
	if !strings.Contains(ansiStrip(s), "PNG image · 4×4") || !strings.Contains(s, "▀") || !strings.Contains(s, "38;2;") {
		t.Errorf("image not previewed in truecolor half blocks:\n%s", ansiStrip(s))
	}
	press(t, m, "y")
	if !strings.Contains(m.status.Text(), "w saves it") {
		t.Errorf("copying binary: status %q", m.status.Text())
	}
}

func ansiStrip(s string) string { return plainScreenOf(s) }

func TestTryCancel(t *testing.T) {
	m := newTestModel(t, 100, 30, "dark")
	selectRef(t, m, "test/Slow")
	press(t, m, "enter")
	_, cmd := m.Update(keyMsg("r"))
	if !m.try.Running() {
		t.Fatal("not running")
	}
	late := collect(cmd)
	if !strings.Contains(plainScreen(m), "esc cancels") {
		t.Error("running state not shown")
	}
	press(t, m, "esc")
	if m.try.Running() || !strings.Contains(m.status.Text(), "cancelled") {
		t.Fatalf("esc did not cancel: running=%v status=%q", m.try.Running(), m.status.Text())
	}
	select {
	case msg := <-late:
		send(t, m, msg) // the cancelled call's answer must be ignored
	case <-time.After(5 * time.Second):
		t.Fatal("the call did not stop after cancel")
	}
	if _, err := m.try.Result(); catalog.ErrorType(err) != "Cancelled" {
		t.Errorf("err after late answer = %v", err)
	}
}

func TestHistoryIsSavedAndReplayed(t *testing.T) {
	m := newTestModel(t, 100, 30, "dark")
	selectRef(t, m, "test/Shout")
	press(t, m, "enter", "i", "ctrl+k", "type:from history", "esc", "r")
	data, err := os.ReadFile(m.opt.HistoryPath)
	if err != nil || !strings.Contains(string(data), `"input":"from history"`) {
		t.Fatalf("history file: %v %s", err, data)
	}

	// A new session reads the file; H lists it; enter replays the input.
	reg := testRegistry()
	m2 := New(Options{Client: client.NewLocal(reg, reg), Theme: "dark", HistoryPath: m.opt.HistoryPath, Now: func() time.Time { return testTime }})
	m2.com.Clock.Tick = m.com.Clock.Tick
	send(t, m2, tea.WindowSizeMsg{Width: 100, Height: 30})
	run(t, m2, m2.Init())
	press(t, m2, "H")
	if _, ok := dialogIs[*dialog.Picker](m2); !ok || !strings.Contains(plainScreen(m2), "test/Shout/1.0.0") {
		t.Fatalf("history overlay:\n%s", plainScreen(m2))
	}
	press(t, m2, "enter")
	if m2.tab != tabTry || m2.selected.Ref.Path() != "test/Shout" || m2.try.InputText() != "from history" {
		t.Errorf("replay: tab %v, model %s, input %q", m2.tab, m2.selected.Ref.Path(), m2.try.InputText())
	}
}

func TestCodeTab(t *testing.T) {
	m := newTestModel(t, 120, 40, "dark")
	selectRef(t, m, "test/WordCount")
	press(t, m, "3")
	s := plainScreen(m)
	if !strings.Contains(m.code.Text(), "curl -sS -X POST 'http://127.0.0.1:8080/v1/algo/test/WordCount/1.0.0'") || !strings.Contains(s, "application/json") {
		t.Fatalf("curl snippet:\n%s", s)
	}
	for _, want := range []string{"net/http", "requests.post", "await fetch"} {
		press(t, m, "]")
		if !strings.Contains(m.code.Text(), want) {
			t.Errorf("%s snippet lacks %q", m.code.Lang(), want)
		}
	}
	press(t, m, "y")
	if !strings.Contains(m.status.Text(), "copied the JavaScript snippet") {
		t.Errorf("status %q", m.status.Text())
	}
}

func TestPaletteRunsActions(t *testing.T) {
	m := newTestModel(t, 100, 30, "dark")
	press(t, m, "ctrl+p")
	if p, ok := dialogIs[*dialog.Picker](m); !ok || !strings.Contains(ansiStrip(p.View()), "Commands") {
		t.Fatal("ctrl+p did not open the palette")
	}
	if !strings.Contains(plainScreen(m), "filter by tag") {
		t.Errorf("palette does not list keys:\n%s", plainScreen(m))
	}
	press(t, m, "type:code tab", "enter")
	if m.tab != tabCode || m.dialog != nil {
		t.Errorf("palette entry did not switch to the code tab: tab %v dialog %T", m.tab, m.dialog)
	}
}

func TestHelpOverlay(t *testing.T) {
	m := newTestModel(t, 120, 40, "dark")
	press(t, m, "?")
	s := plainScreen(m)
	if _, ok := dialogIs[*dialog.Help](m); !ok || !strings.Contains(s, "search docs") || !strings.Contains(s, "cancel run") {
		t.Fatalf("help overlay:\n%s", s)
	}
	press(t, m, "esc")
	if m.dialog != nil {
		t.Error("esc did not close the help")
	}
}

// TestFocusWalk: Tab and shift+Tab go round the panes (the chain only once
// there is one), 1/2/3 pick tabs, esc goes back toward the list.
func TestFocusWalk(t *testing.T) {
	m := newTestModel(t, 120, 40, "dark")
	walk := func(key string, focus focusArea, tab tabID) {
		t.Helper()
		press(t, m, key)
		if m.focus != focus || (focus == focusDetail && m.tab != tab) {
			t.Errorf("after %s: focus %v tab %v, want %v %v", key, m.focus, m.tab, focus, tab)
		}
	}
	walk("tab", focusDetail, tabDocs)
	walk("tab", focusCatalog, 0) // no chain yet: the ring is catalog, detail
	walk("shift+tab", focusDetail, tabDocs)
	walk("2", focusDetail, tabTry)
	walk("3", focusDetail, tabCode)
	walk("esc", focusCatalog, 0)
	walk("1", focusDetail, tabDocs)
	walk("esc", focusCatalog, 0)
	press(t, m, "a") // a chain: it joins the ring
	walk("tab", focusDetail, tabDocs)
	walk("tab", focusChain, 0)
	walk("tab", focusCatalog, 0)
	walk("shift+tab", focusChain, 0)
	walk("esc", focusCatalog, 0) // back where the builder was entered from
	walk("2", focusDetail, tabTry)
	walk("c", focusChain, 0)
	walk("esc", focusDetail, tabTry)
}

func TestMouseClicks(t *testing.T) {
	m := newTestModel(t, 100, 30, "dark")
	// Rows start under the border, the title and the filter line.
	send(t, m, tea.MouseClickMsg{X: 5, Y: 4, Button: tea.MouseLeft})
	if e, _ := m.cat.Selected(); e.Ref.Path() != "test/Shout" {
		t.Errorf("click on the 2nd row selected %s", e.Ref.Path())
	}
	// Click the "Code" tab label at the right end of the detail header.
	d := m.lay.detail
	send(t, m, tea.MouseClickMsg{X: d.X + d.W - 4, Y: d.Y + 1, Button: tea.MouseLeft})
	if m.tab != tabCode || m.focus != focusDetail {
		t.Errorf("click on Code: tab %v focus %v", m.tab, m.focus)
	}
	send(t, m, tea.MouseWheelMsg{X: 2, Y: 5, Button: tea.MouseWheelDown})
	if m.cat.Cursor() != 4 {
		t.Errorf("wheel over the catalog: cursor %d", m.cat.Cursor())
	}
}

func TestCatalogErrorAndRetry(t *testing.T) {
	reg := testRegistry()
	src := &flakySource{Source: reg}
	src.down.Store(true)
	m := newTestModelWith(t, client.NewLocal(reg, src), 100, 30, "dark")
	s := plainScreen(m)
	if !strings.Contains(s, "cannot load the catalog") || !strings.Contains(s, "press R to retry") {
		t.Fatalf("error not shown:\n%s", s)
	}
	assertFits(t, m)
	src.down.Store(false)
	press(t, m, "R")
	if m.cat.Err() != nil || m.cat.Index() == nil || m.cat.Index().Len() != 5 {
		t.Fatalf("retry did not recover: %v", m.cat.Err())
	}
}

func TestLayoutFitsEverySize(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {100, 30}, {160, 48}, {40, 12}, {99, 20}, {200, 60}, {30, 8}} {
		m := newTestModel(t, sz[0], sz[1], "dark")
		selectRef(t, m, "test/Pixels")
		for _, k := range []string{"1", "2", "r", "3", "z", "?", "esc", "ctrl+p", "esc", "z"} {
			press(t, m, k)
			assertFits(t, m)
		}
	}
}

func TestThemes(t *testing.T) {
	for _, theme := range []string{"dark", "light", "ansi", "plain"} {
		m := newTestModel(t, 100, 30, theme)
		selectRef(t, m, "test/Shout")
		s := screen(m)
		if theme == "plain" {
			if strings.Contains(s, "38;") || strings.Contains(s, "╭") {
				t.Errorf("plain theme has colour or rounded borders")
			}
			for _, r := range ansiStrip(s) {
				if r > 127 {
					t.Errorf("plain theme draws %q", r)
					break
				}
			}
			continue
		}
		if !strings.Contains(s, "\x1b[") {
			t.Errorf("%s: no styling", theme)
		}
	}
	// The terminal's background picks the palette under "auto".
	m := newTestModel(t, 100, 30, "auto")
	send(t, m, tea.BackgroundColorMsg{Color: lightBG{}})
	if m.com.Styles.Palette.Name != "light" {
		t.Errorf("light background gave %s", m.com.Styles.Palette.Name)
	}
}

type lightBG struct{}

func (lightBG) RGBA() (r, g, b, a uint32) { return 0xffff, 0xffff, 0xffff, 0xffff }

func TestConfig(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte("theme: light\nmouse: false\nkeys:\n  quit: ctrl+q\n  try.run: [ctrl+r, F5]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := LoadConfig(path)
	if err != nil || c.Theme != "light" || c.MouseEnabled() {
		t.Fatalf("config = %+v, %v", c, err)
	}
	km := keys.Default()
	if err := km.Remap(c.KeyOverrides()); err != nil {
		t.Fatal(err)
	}
	if id, ok := km.Lookup(keys.ScopeCatalog, keyMsg("ctrl+q")); !ok || id != keys.Quit {
		t.Error("quit not remapped to ctrl+q")
	}
	if _, ok := km.Lookup(keys.ScopeCatalog, keyMsg("q")); ok {
		t.Error("q still quits after remapping")
	}
	if err := km.Remap(map[string][]string{"nope": {"x"}}); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("unknown binding: %v", err)
	}

	if err := os.WriteFile(path, []byte("theme: dark\nmouse: [true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = LoadConfig(path)
	if err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("malformed config error = %v, want the line", err)
	}
	// An unknown theme keeps the rest of the file and names the line.
	if err := os.WriteFile(path, []byte("mouse: false\ntheme: purple\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err = LoadConfig(path)
	if err == nil || !strings.Contains(err.Error(), "line 2") || !strings.Contains(err.Error(), `unknown theme "purple"`) ||
		c.Theme != "" || c.MouseEnabled() {
		t.Errorf("unknown theme: config %+v, error %v; want the line, no theme, mouse still off", c, err)
	}
	if c, err := LoadConfig(filepath.Join(dir, "missing.yaml")); err != nil || c.Theme != "" {
		t.Errorf("missing config: %v", err)
	}

	// A bad config starts the UI with defaults and says so in the status line.
	reg := testRegistry()
	m := New(Options{Client: client.NewLocal(reg, reg), Notice: err2("config x line 2: bad")})
	send(t, m, tea.WindowSizeMsg{Width: 100, Height: 30})
	if !strings.Contains(plainScreen(m), "config x line 2: bad") {
		t.Error("config error not in the status line")
	}
}

type err2 string

func (e err2) Error() string { return string(e) }

func TestLoadFileAndSaveOutput(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.txt")
	if err := os.WriteFile(in, []byte("from a file"), 0o600); err != nil {
		t.Fatal(err)
	}
	m := newTestModel(t, 100, 30, "dark")
	selectRef(t, m, "test/Shout")
	press(t, m, "enter", "o")
	retype(t, m, in)
	if m.try.InputText() != "from a file" {
		t.Fatalf("editor = %q", m.try.InputText())
	}
	press(t, m, "r", "w")
	out := filepath.Join(dir, "out.txt")
	retype(t, m, out)
	if b, err := os.ReadFile(out); err != nil || string(b) != "FROM A FILE" {
		t.Errorf("saved %q, %v", b, err)
	}
	// A binary file becomes a binary input.
	png := filepath.Join(dir, "p.png")
	_ = os.WriteFile(png, testPNG(), 0o600)
	press(t, m, "o")
	retype(t, m, png)
	if m.try.InputText() != "" || !strings.Contains(plainScreen(m), "PNG image 4×4") {
		t.Error("a PNG should load as binary input")
	}
	press(t, m, "o")
	retype(t, m, filepath.Join(dir, "nope"))
	if m.status.Kind() != common.StatusError || !strings.Contains(m.status.Text(), "no such file") {
		t.Errorf("missing file: %q", m.status.Text())
	}
}

func TestQuitRestores(t *testing.T) {
	m := newTestModel(t, 100, 30, "dark")
	_, cmd := m.Update(keyMsg("q"))
	if cmd == nil {
		t.Fatal("q returned no command")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Error("q did not quit")
	}
	_ = context.Background()
}

func TestFilterTypedWhileLoading(t *testing.T) {
	reg := testRegistry()
	m := New(Options{Client: client.NewLocal(reg, reg), Theme: "dark", Tick: func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil }})
	send(t, m, tea.WindowSizeMsg{Width: 100, Height: 30})
	press(t, m, "/", "type:wordc")
	if !strings.Contains(plainScreen(m), "loading") {
		t.Errorf("no loading state:\n%s", plainScreen(m))
	}
	run(t, m, m.Init())
	if e, _ := m.cat.Selected(); e.Ref.Path() != "test/WordCount" {
		t.Errorf("query typed during load not applied: %s", e.Ref.Path())
	}
}

func TestLateFilterResultKeepsTheModelInUse(t *testing.T) {
	m := newTestModel(t, 100, 30, "dark")
	selectRef(t, m, "test/Shout")
	press(t, m, "enter", "i", "type: edited")
	run(t, m, m.cat.SetQuery("t")) // lands while the user edits the input
	if m.selected.Ref.Path() != "test/Shout" || !strings.Contains(m.try.InputText(), " edited") {
		t.Errorf("a late filter result replaced the model in use: %s, %q", m.selected.Ref.Path(), m.try.InputText())
	}
}

func TestZoomGivesTheDetailTheScreen(t *testing.T) {
	m := newTestModel(t, 80, 24, "dark")
	selectRef(t, m, "test/Pixels")
	press(t, m, "2", "r")
	before := strings.Count(plainScreen(m), "▀")
	press(t, m, "z")
	s := plainScreen(m)
	if strings.Contains(s, "pipette ·") || !m.zoom || m.focus != focusDetail {
		t.Fatalf("zoom still shows the catalog:\n%s", s)
	}
	assertFits(t, m)
	if after := strings.Count(s, "▀"); after < before {
		t.Errorf("zoomed preview has %d half blocks, fewer than %d", after, before)
	}
	press(t, m, "tab") // try → code
	press(t, m, "tab") // code → catalog: the catalog comes back
	if m.zoom || !strings.Contains(plainScreen(m), "pipette ·") {
		t.Error("focusing the catalog should end the zoom")
	}
	press(t, m, "z", "z")
	if m.zoom {
		t.Error("z should toggle")
	}
}

// Keys typed faster than the filter answers act on what the filter selects
// (issue 9: "/shout⏎a" typed fast added whatever was selected before).
func TestKeysWaitForTheFilterResult(t *testing.T) {
	m, _ := newChainModel(t, 100, 30)
	// As on a catalog larger than SyncFilterMax: every run in a command.
	m.cat.SetSyncFilterMax(0)
	var held []tea.Cmd
	for _, k := range []string{"/", "s", "h", "o", "u", "t", "enter", "a"} {
		_, cmd := m.Update(keyMsg(k))
		held = append(held, cmd) // the filter runs are still in flight
	}
	if m.builder.Chain() != nil {
		t.Fatalf("a step was added before the filter answered: %s", m.builder.Chain().Pipeline())
	}
	for _, cmd := range held {
		run(t, m, cmd)
	}
	if m.builder.Chain() == nil || m.builder.Chain().Pipeline() != "shout" {
		t.Fatalf("after the filter answered: %+v (status %q)", m.builder.Chain(), m.status.Text())
	}
	// q still quits at once while a result is outstanding.
	m.cat.SetQuery("x") // its run never lands
	_, cmd := m.Update(keyMsg("q"))
	if cmd == nil || !m.quitting {
		t.Error("q waited for the filter")
	}
}

// On a small catalog (the built-ins) a filter key's answer is in the
// key's own update, and the keys after it act on it at once.
func TestSmallCatalogFiltersInTheKeysUpdate(t *testing.T) {
	m, _ := newChainModel(t, 100, 30)
	for _, k := range []string{"/", "s", "h", "o", "u", "t"} {
		if _, cmd := m.Update(keyMsg(k)); m.cat.Pending() {
			t.Fatalf("%s left a filter run pending (%v)", k, cmd != nil)
		}
	}
	if e, _ := m.cat.Selected(); e.Ref.Path() != "test/Shout" || m.selected.Ref.Path() != "test/Shout" || !strings.Contains(plainScreen(m), "1 of 5") {
		t.Fatalf("after typing: selected %s, detail %s:\n%s", e.Ref.Path(), m.selected.Ref.Path(), plainScreen(m))
	}
	press(t, m, "enter", "a")
	if m.builder.Chain() == nil || m.builder.Chain().Pipeline() != "shout" {
		t.Errorf("a added %+v", m.builder.Chain())
	}
}

// TestIdleStatusLineIsBlank: the status line says only what is happening
// (a run, a message); idle it does not repeat the catalog's name, which the
// header shows, nor the key hints, which the line above it shows.
func TestIdleStatusLineIsBlank(t *testing.T) {
	t.Parallel()
	m := newTestModel(t, 100, 30, "plain")
	lines := strings.Split(plainScreen(m), "\n")
	if status := lines[len(lines)-1]; strings.TrimSpace(status) != "" {
		t.Errorf("the idle status line reads %q", status)
	}
	if header := lines[1]; !strings.Contains(header, m.cat.Source()) {
		t.Errorf("the header does not name the catalog %q: %q", m.cat.Source(), header)
	}
	press(t, m, "3", "y")
	if lines := strings.Split(plainScreen(m), "\n"); !strings.Contains(lines[len(lines)-1], m.status.Text()) || m.status.Text() == "" {
		t.Errorf("a message is not shown on the status line: %q", lines[len(lines)-1])
	}
}
