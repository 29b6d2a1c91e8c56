package ui

import (
	"bytes"
	"fmt"
	"go/format"
	"image/png"
	"os"
	"path/filepath"
	"pipette/ui/keys"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"pipette/algorithms/builtin"
	"pipette/catalog"
	"pipette/client"
	"pipette/pipebuilder"
)

// newChainModel is a model on the test catalog whose drafts go to a temp
// state directory.
func newChainModel(t *testing.T, w, h int) (*Model, string) {
	t.Helper()
	reg := testRegistry()
	draft := filepath.Join(t.TempDir(), "state", "draft.yaml")
	m := newChainModelWith(t, client.NewLocal(reg, reg), w, h, Options{DraftPath: draft})
	return m, draft
}

func newChainModelWith(t *testing.T, c *client.Client, w, h int, opt Options) *Model {
	t.Helper()
	opt.Client, opt.Theme, opt.Dark = c, "dark", true
	opt.Now = func() time.Time { return testTime }
	opt.HistoryPath = filepath.Join(t.TempDir(), "history.jsonl")
	m := New(opt)
	m.com.Clock.Tick = func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil }
	send(t, m, tea.WindowSizeMsg{Width: w, Height: h})
	run(t, m, m.Init())
	return m
}

// addSteps selects each model and presses a.
func addSteps(t *testing.T, m *Model, refs ...string) {
	t.Helper()
	for _, r := range refs {
		selectRef(t, m, r)
		press(t, m, "a")
	}
}

// retype replaces a prompt's text.
func retype(t *testing.T, m *Model, text string) {
	t.Helper()
	if m.prompt == nil {
		t.Fatal("no prompt open")
	}
	m.prompt.input.SetValue("")
	press(t, m, "type:"+text, "enter")
}

// typeMapping opens the editor on the selected step, types the mapping
// (newlines as enter), optionally switches to `each`, and applies it.
func typeMapping(t *testing.T, m *Model, mapping string, each bool) {
	t.Helper()
	press(t, m, "i")
	if !m.chain.editing {
		t.Fatal("i did not open the mapping editor")
	}
	m.chain.editor.SetValue("")
	if each {
		press(t, m, "ctrl+t")
	}
	for i, line := range strings.Split(mapping, "\n") {
		if i > 0 {
			press(t, m, "enter")
		}
		press(t, m, "type:"+line)
	}
	press(t, m, "esc")
	if m.chain.editing {
		t.Fatal("esc did not close the editor")
	}
}

func TestChainAddSelectReorderRenameRemove(t *testing.T) {
	m, draft := newChainModel(t, 100, 30)
	addSteps(t, m, "test/Shout", "test/WordCount", "test/Shout")
	c := m.chain.c
	if c == nil || c.Name != "me/Untitled" || len(c.Steps) != 3 || c.Input != catalog.KindText {
		t.Fatalf("chain after three a's: %+v", c)
	}
	if got := c.Pipeline(); got != "shout → wordcount → shout2" {
		t.Errorf("pipeline = %q", got)
	}
	if !strings.Contains(plainScreen(m), "shout → wordcount → shout2") {
		t.Errorf("strip does not show the pipeline:\n%s", plainScreen(m))
	}
	// The draft is on disk after every change.
	b, err := os.ReadFile(draft)
	if err != nil || !strings.Contains(string(b), "shout2") {
		t.Fatalf("draft not autosaved: %v\n%s", err, b)
	}

	press(t, m, "c")
	if m.focus != focusChain || m.scope() != keys.ScopeChain {
		t.Fatal("c did not open the builder")
	}
	assertFits(t, m)
	if m.chain.sel != 2 {
		t.Errorf("the newest step should be selected, got %d", m.chain.sel)
	}
	press(t, m, "h", "k")
	if m.chain.sel != 0 {
		t.Errorf("h, k: selected %d", m.chain.sel)
	}
	press(t, m, "left")
	if m.chain.sel != 0 {
		t.Error("left past the first step should stay")
	}
	press(t, m, "l")
	if m.chain.sel != 1 {
		t.Errorf("l: selected %d", m.chain.sel)
	}
	press(t, m, "shift+left")
	if got := m.chain.c.Pipeline(); got != "wordcount → shout → shout2" || m.chain.sel != 0 {
		t.Errorf("shift+left: %q sel %d", got, m.chain.sel)
	}
	press(t, m, "J")
	if got := m.chain.c.Pipeline(); got != "shout → wordcount → shout2" || m.chain.sel != 1 {
		t.Errorf("J: %q sel %d", got, m.chain.sel)
	}
	press(t, m, "K")
	press(t, m, "shift+right")
	if got := m.chain.c.Pipeline(); got != "shout → wordcount → shout2" {
		t.Errorf("K then shift+right: %q", got)
	}

	// Rename a step: references to it follow.
	press(t, m, "l") // shout2
	typeMapping(t, m, ".steps.shout", false)
	press(t, m, "h", "h", "n")
	retype(t, m, "loud")
	if got := m.chain.c.Pipeline(); got != "loud → wordcount → shout2" {
		t.Errorf("rename: %q", got)
	}
	if in := m.chain.c.Steps[2].Input; in != ".steps.loud" {
		t.Errorf("the reference did not follow the rename: %q", in)
	}
	press(t, m, "n")
	retype(t, m, "wordcount")
	if m.prompt == nil || !strings.Contains(m.prompt.err, "already") {
		t.Errorf("a duplicate id should be refused in the prompt: %+v", m.prompt)
	}
	press(t, m, "esc")
	press(t, m, "N")
	retype(t, m, "me/Loud/1.0.0")
	if m.prompt == nil || m.prompt.err == "" {
		t.Error("a chain name with a version should be refused")
	}
	retype(t, m, "me/Loud")
	if m.chain.c.Name != "me/Loud" {
		t.Errorf("chain name = %q", m.chain.c.Name)
	}

	// Remove asks first; n keeps the step, y removes it.
	press(t, m, "x")
	if m.overlay != overlayConfirm || !strings.Contains(plainScreen(m), "Remove step loud?") {
		t.Fatalf("x did not ask:\n%s", plainScreen(m))
	}
	press(t, m, "n")
	if len(m.chain.c.Steps) != 3 {
		t.Fatal("n removed the step")
	}
	press(t, m, "x", "y")
	if got := m.chain.c.Pipeline(); got != "wordcount → shout2" {
		t.Errorf("after remove: %q", got)
	}
	// shout2 referred to the removed step: the problem shows inline.
	if len(m.chain.problems.ForStep(1)) == 0 {
		t.Fatalf("no problem for the dangling reference: %v", m.chain.problems)
	}
	press(t, m, "l")
	if s := plainScreen(m); !strings.Contains(s, "✗ ") || !strings.Contains(s, "1 problem") {
		t.Errorf("the problem is not shown inline:\n%s", s)
	}
	press(t, m, "esc")
	if m.focus == focusChain {
		t.Error("esc should leave the builder")
	}
}

func TestChainRunShowsEveryStepAndCancel(t *testing.T) {
	m, _ := newChainModel(t, 100, 30)
	addSteps(t, m, "test/Shout", "test/WordCount")
	press(t, m, "c", "l")
	typeMapping(t, m, "{text: .steps.shout}", false)
	press(t, m, "r")
	p := &m.chain
	if p.running || p.runErr != nil || p.trace == nil {
		t.Fatalf("run: running %v err %v", p.running, p.runErr)
	}
	if p.inputLabel != "sample greeting of test/Shout" {
		t.Errorf("default input = %q", p.inputLabel)
	}
	for _, id := range []string{"shout", "wordcount"} {
		st := p.live[id]
		if !st.Done || st.Err != nil {
			t.Errorf("step %s: %+v", id, st)
		}
	}
	s := plainScreen(m)
	for _, want := range []string{"shout ✓", "wordcount ✓", "result · json", `"words": 2`, `"text": "HELLO PIPETTE"`} {
		if !strings.Contains(s, want) {
			t.Errorf("screen lacks %q:\n%s", want, s)
		}
	}
	press(t, m, "h")
	if s := plainScreen(m); !strings.Contains(s, "HELLO PIPETTE") || !strings.Contains(s, "result · text") {
		t.Errorf("the first step's result is not shown:\n%s", s)
	}
	// A failing step shows its error type in the pipeline and its error.
	m3, _ := newChainModel(t, 100, 30)
	addSteps(t, m3, "test/Shout", "util/Fail")
	press(t, m3, "c", "r")
	if s := plainScreen(m3); !strings.Contains(s, "fail ✗ AlgorithmError") || !strings.Contains(s, "the model broke on purpose") || !strings.Contains(s, "✓") {
		t.Errorf("a failed step is not shown:\n%s", s)
	}
	if !strings.Contains(m3.status, "step fail") {
		t.Errorf("status = %q", m3.status)
	}

	// u runs up to the selected step only.
	press(t, m, "u")
	if _, ran := p.live["wordcount"]; ran || p.trace.Output.Text != "HELLO PIPETTE" {
		t.Errorf("u ran past the step: %+v", p.trace.Output)
	}

	// A run that does not finish is cancelled with esc; its late answer is
	// dropped.
	m2, _ := newChainModel(t, 100, 30)
	addSteps(t, m2, "test/Slow")
	press(t, m2, "c")
	_, cmd := m2.Update(keyMsg("r"))
	if !m2.chain.running || cmd == nil {
		t.Fatal("r did not start a run")
	}
	if !strings.Contains(plainScreen(m2), "esc cancels") {
		t.Errorf("no running state:\n%s", plainScreen(m2))
	}
	done := collect(cmd)
	press(t, m2, "esc")
	if m2.chain.running || m2.focus != focusChain {
		t.Fatalf("esc should cancel and stay: running %v focus %v", m2.chain.running, m2.focus)
	}
	if catalog.AsError(m2.chain.runErr).Type != "Cancelled" {
		t.Errorf("runErr = %v", m2.chain.runErr)
	}
	for msg := range done {
		send(t, m2, msg)
	}
	if m2.chain.running {
		t.Error("a cancelled run's messages restarted it")
	}
}

func TestChainMappingPreview(t *testing.T) {
	m, _ := newChainModel(t, 100, 30)
	addSteps(t, m, "test/Shout", "test/WordCount")
	// Before any run, a syntax error still shows.
	press(t, m, "c", "i", "type:{text: ")
	send(t, m, previewDueMsg{seq: m.chain.previewSeq})
	if s := plainScreen(m); !strings.Contains(s, "jq error") {
		t.Errorf("no syntax error before a run:\n%s", s)
	}
	m.chain.editor.SetValue("")
	press(t, m, "esc", "esc")
	press(t, m, "c", "h", "u") // up to shout: WordCount's kind mismatch does not stop it
	if m.chain.trace == nil {
		t.Fatalf("no trace: %v", m.chain.runErr)
	}
	press(t, m, "l", "i")
	if !strings.Contains(plainScreen(m), "preview") {
		t.Errorf("no preview line:\n%s", plainScreen(m))
	}
	press(t, m, "type:{text: .steps.shout}")
	send(t, m, previewDueMsg{seq: m.chain.previewSeq})
	if m.chain.previewErr != nil || m.chain.preview.Kind != catalog.KindJSON {
		t.Fatalf("preview: %v %+v", m.chain.previewErr, m.chain.preview)
	}
	if s := plainScreen(m); !strings.Contains(s, `"text": "HELLO PIPETTE"`) {
		t.Errorf("the preview does not show the value:\n%s", s)
	}
	// A stale preview (an older seq) is dropped.
	send(t, m, previewMsg{seq: m.chain.previewSeq - 1, err: errorString("stale")})
	if m.chain.previewErr != nil {
		t.Error("a stale preview was installed")
	}
	press(t, m, "type: | ")
	send(t, m, previewDueMsg{seq: m.chain.previewSeq})
	if m.chain.previewErr == nil || !strings.Contains(plainScreen(m), "jq error") {
		t.Errorf("a jq syntax error is not shown inline:\n%s", plainScreen(m))
	}
	press(t, m, "backspace", "backspace", "backspace")
	press(t, m, "ctrl+r")
	if m.chain.editing || m.chain.runErr != nil {
		t.Fatalf("ctrl+r should apply and run: %v", m.chain.runErr)
	}
	if st := m.chain.live["wordcount"]; st.Err != nil || !st.Done {
		t.Errorf("wordcount after mapping: %+v", st)
	}
	assertFits(t, m)
}

type errorString string

func (e errorString) Error() string { return string(e) }

func TestChainSaveOpenExportClipboard(t *testing.T) {
	m, _ := newChainModel(t, 100, 30)
	addSteps(t, m, "test/Shout")
	dir := t.TempDir()
	path := filepath.Join(dir, "loud.yaml")
	press(t, m, "ctrl+s")
	if m.overlay != overlayPrompt {
		t.Fatal("ctrl+s on a new chain should ask for a path")
	}
	retype(t, m, path)
	if m.chain.file != path {
		t.Fatalf("file = %q (status %q)", m.chain.file, m.status)
	}
	back, err := pipebuilder.Load(path)
	if err != nil || !back.Equal(m.chain.c) {
		t.Fatalf("saved chain reloads as %+v, %v", back, err)
	}
	addSteps(t, m, "test/Shout")
	press(t, m, "ctrl+s") // known file: no prompt
	if m.overlay != overlayNone {
		t.Fatal("ctrl+s asked again")
	}
	if back, _ := pipebuilder.Load(path); len(back.Steps) != 2 {
		t.Errorf("second save: %d steps", len(back.Steps))
	}

	// Open: a good file, then a broken one that leaves the builder as it was.
	m2, _ := newChainModel(t, 100, 30)
	press(t, m2, "ctrl+o")
	retype(t, m2, path)
	if m2.chain.c == nil || len(m2.chain.c.Steps) != 2 || m2.focus != focusChain {
		t.Fatalf("ctrl+o did not open the chain: %+v", m2.chain.c)
	}
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("chain: [v1\n"), 0o644)
	press(t, m2, "ctrl+o")
	retype(t, m2, bad)
	if m2.statusKind != statusError || !strings.Contains(m2.status, "not valid YAML") || len(m2.chain.c.Steps) != 2 {
		t.Errorf("bad file: status %q, steps %d", m2.status, len(m2.chain.c.Steps))
	}

	// Export to the clipboard: the command sets it.
	press(t, m2, "e")
	if m2.overlay != overlayExport {
		t.Fatal("e did not open the export picker")
	}
	_, cmd := m2.Update(keyMsg("down")) // YAML to the clipboard
	run(t, m2, cmd)
	_, cmd = m2.Update(keyMsg("enter"))
	var got []tea.Msg
	for msg := range collect(cmd) {
		got = append(got, msg)
	}
	if len(got) != 1 {
		t.Fatalf("export gave %v", got)
	}
	_, cmd = m2.Update(got[0])
	var clip string
	for msg := range collect(cmd) {
		// tea.SetClipboard's message is the text itself.
		if s := fmt.Sprint(msg); strings.Contains(s, "chain: v1") {
			clip = s
		}
	}
	if !strings.Contains(clip, "algo: test/Shout/1.0.0") {
		t.Errorf("the clipboard did not get the YAML: %q", clip)
	}
	if !strings.Contains(m2.status, "copied the chain as YAML") {
		t.Errorf("status = %q", m2.status)
	}
}

// TestChainDraftRestore: an autosaved draft is offered at the next start;
// restore brings it back, discard keeps a .bak.
func TestChainDraftRestore(t *testing.T) {
	m, draft := newChainModel(t, 100, 30)
	addSteps(t, m, "test/Shout", "test/WordCount")
	// Text typed in the mapping editor is in the draft once typing pauses,
	// before it is applied.
	press(t, m, "c", "i", "type:{text: .steps.shout}")
	send(t, m, previewDueMsg{seq: m.chain.previewSeq})
	if b, _ := os.ReadFile(draft); !strings.Contains(string(b), "{text: .steps.shout}") {
		t.Errorf("the mapping being typed is not in the draft:\n%s", b)
	}
	reg := testRegistry()
	m2 := newChainModelWith(t, client.NewLocal(reg, reg), 100, 30, Options{DraftPath: draft})
	if m2.overlay != overlayConfirm || !strings.Contains(plainScreen(m2), "Restore the chain") || !strings.Contains(plainScreen(m2), "shout → wordcount") {
		t.Fatalf("no restore offer:\n%s", plainScreen(m2))
	}
	press(t, m2, "r")
	if m2.chain.c == nil || m2.chain.c.Pipeline() != "shout → wordcount" || m2.focus != focusChain {
		t.Fatalf("restore: %+v", m2.chain.c)
	}
	if in := m2.chain.c.Steps[1].Input; in != "{text: .steps.shout}" {
		t.Errorf("restored mapping = %q", in)
	}

	m3 := newChainModelWith(t, client.NewLocal(reg, reg), 100, 30, Options{DraftPath: draft})
	press(t, m3, "d")
	if m3.chain.c != nil {
		t.Error("discard installed the draft")
	}
	if _, err := os.Stat(draft + ".bak"); err != nil {
		t.Errorf("discard kept no .bak: %v", err)
	}
	if _, err := os.Stat(draft); err == nil {
		t.Error("the draft is still there after discard")
	}
	m4 := newChainModelWith(t, client.NewLocal(reg, reg), 100, 30, Options{DraftPath: draft})
	if m4.overlay != overlayNone {
		t.Error("a discarded draft was offered again")
	}
}

// TestChainFileAtStart: pipette chain.yaml opens it; a malformed one opens
// the TUI with the problems and leaves the file alone.
func TestChainFileAtStart(t *testing.T) {
	reg := testRegistry()
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	os.WriteFile(good, []byte("chain: v1\nname: me/Loud\nversion: 1.0.0\ninput: text\nsteps:\n  - id: loud\n    algo: test/Shout/1.0.0\n"), 0o644)
	m := newChainModelWith(t, client.NewLocal(reg, reg), 100, 30, Options{ChainFile: good, DraftPath: filepath.Join(dir, "draft.yaml")})
	if m.chain.c == nil || m.chain.c.Name != "me/Loud" || m.focus != focusChain || m.overlay != overlayNone {
		t.Fatalf("good file: %+v focus %v", m.chain.c, m.focus)
	}

	half := filepath.Join(dir, "half.yaml")
	src := "chain: v1\nname: me/Half\nversion: 1.0.0\ninput: text\nsteps:\n  - id: loud\n    algo: test/Shout/1.0.0\n    input: '{text: .steps.nope'\n    colour: red\n"
	os.WriteFile(half, []byte(src), 0o644)
	m = newChainModelWith(t, client.NewLocal(reg, reg), 100, 30, Options{ChainFile: half})
	if m.chain.c == nil || len(m.chain.problems) == 0 || m.statusKind == statusInfo || !strings.Contains(m.status, "half.yaml:") {
		t.Fatalf("malformed file: chain %+v problems %v status %q", m.chain.c, m.chain.problems, m.status)
	}
	assertFits(t, m)
	if s := plainScreen(m); !strings.Contains(s, "2 problems") || !strings.Contains(s, "unknown field `colour`") {
		t.Errorf("the file's problems (jq error, unknown field) are not both shown:\n%s", s)
	}

	broken := filepath.Join(dir, "broken.yaml")
	os.WriteFile(broken, []byte("steps: [\n"), 0o644)
	m = newChainModelWith(t, client.NewLocal(reg, reg), 100, 30, Options{ChainFile: broken})
	if m.chain.c != nil || m.statusKind != statusError || m.chain.file != "" {
		t.Fatalf("unreadable file: chain %+v status %q", m.chain.c, m.status)
	}
	if b, _ := os.ReadFile(broken); string(b) != "steps: [\n" {
		t.Error("the unreadable file was changed")
	}
}

func TestChainLayoutFits(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {100, 30}, {160, 48}, {40, 12}, {99, 20}, {200, 60}, {30, 8}} {
		m, _ := newChainModel(t, sz[0], sz[1])
		addSteps(t, m, "test/Pixels", "test/Shout", "test/WordCount", "util/Fail")
		for _, k := range []string{"c", "h", "h", "h", "r", "l", "i", "esc", "e", "esc", "x", "n", "?", "esc", "c"} {
			press(t, m, k)
			assertFits(t, m)
		}
	}
}

// TestMemeChainBuiltWithKeys builds examples/meme.yaml step by step with
// keys on the built-in catalog, runs it on the astronaut, and exports it.
func TestMemeChainBuiltWithKeys(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the neural face model")
	}
	reg := builtin.Registry()
	m := newChainModelWith(t, client.NewLocal(reg, reg), 120, 40, Options{DraftPath: filepath.Join(t.TempDir(), "draft.yaml")})
	want, err := pipebuilder.Load("../examples/meme.yaml")
	if err != nil {
		t.Fatal(err)
	}
	addSteps(t, m, "cv/FaceExpression", "text/Search", "nlp/SentimentAnalysis", "image/OverlayText")
	press(t, m, "c")
	if m.chain.c.Input != catalog.KindBinary {
		t.Errorf("the chain's input kind = %s, want binary (FaceExpression's sample)", m.chain.c.Input)
	}
	press(t, m, "N")
	retype(t, m, want.Name)
	for i, ws := range want.Steps {
		m.chain.sel = i
		press(t, m, "n")
		retype(t, m, ws.ID)
		switch {
		case ws.Input != "":
			typeMapping(t, m, strings.TrimSpace(ws.Input), false)
		case ws.Each != "":
			typeMapping(t, m, strings.TrimSpace(ws.Each), true)
		}
	}
	c := m.chain.c
	for i, ws := range want.Steps {
		got := c.Steps[i]
		if got.ID != ws.ID || got.Algo != ws.Algo || got.Input != strings.TrimSpace(ws.Input) || got.Each != strings.TrimSpace(ws.Each) {
			t.Errorf("step %d = %+v, want %+v", i, got, ws)
		}
	}
	if len(m.chain.problems) > 0 {
		t.Fatalf("problems: %v", m.chain.problems)
	}

	press(t, m, "o")
	retype(t, m, "../algorithms/testdata/images/astronaut.png")
	if !m.chain.inputSet || m.chain.input.Kind != catalog.KindBinary {
		t.Fatalf("input not loaded: %q", m.status)
	}
	press(t, m, "r")
	if m.chain.runErr != nil {
		t.Fatalf("run: %v", m.chain.runErr)
	}
	for _, ws := range want.Steps {
		st, ok := m.chain.live[ws.ID]
		if !ok || !st.Done || st.Err != nil {
			t.Errorf("step %s: %+v", ws.ID, st)
		}
	}
	out := m.chain.trace.Output
	if out.Kind != catalog.KindBinary {
		t.Fatalf("output kind %s", out.Kind)
	}
	if _, err := png.Decode(bytes.NewReader(out.Bytes)); err != nil {
		t.Errorf("the meme is not a PNG: %v", err)
	}
	s := plainScreen(m)
	for _, id := range []string{"faces ✓", "lines ✓", "mood[] ✓", "caption ✓", "PNG image"} {
		if !strings.Contains(s, id) {
			t.Errorf("screen lacks %q:\n%s", id, s)
		}
	}
	assertFits(t, m)

	// Export: YAML to a file reloads equal; Go is gofmt'ed.
	dir := t.TempDir()
	exportTo := func(downs int, path string) []byte {
		t.Helper()
		press(t, m, "e")
		for range downs {
			press(t, m, "down")
		}
		press(t, m, "enter")
		retype(t, m, path)
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("export to %s: %v (status %q)", path, err, m.status)
		}
		return b
	}
	yml := exportTo(0, filepath.Join(dir, "meme.yaml"))
	back, err := pipebuilder.Parse("meme.yaml", yml)
	if err != nil || !back.Equal(c) {
		t.Errorf("exported YAML reloads as %+v, %v", back, err)
	}
	goSrc := exportTo(2, filepath.Join(dir, "main.go"))
	if !bytes.Contains(goSrc, []byte("package main")) {
		t.Error("Go export is not a program")
	}
	if f, err := format.Source(goSrc); err != nil || !bytes.Equal(f, goSrc) {
		t.Errorf("Go export is not gofmt'ed: %v", err)
	}
	sh := exportTo(4, filepath.Join(dir, "meme.sh"))
	if !bytes.Contains(sh, []byte("curl")) {
		t.Error("shell export has no curl")
	}
}

func TestChainKeysInHelpAndPalette(t *testing.T) {
	m, _ := newChainModel(t, 120, 40)
	press(t, m, "?")
	if m.overlay != overlayHelp {
		t.Fatal("? did not open the help")
	}
	if s, _ := helpView(m.com.Styles, m.com.Keys, 200, 200, 0); !strings.Contains(plainScreenOf(s), "run up to this step") || !strings.Contains(plainScreenOf(s), "shift+left/K") {
		t.Errorf("help lacks the chain keys:\n%s", plainScreenOf(s))
	}
	press(t, m, "esc", "ctrl+p", "type:run up to")
	if s := plainScreen(m); !strings.Contains(s, "chain: run up to this step") {
		t.Errorf("palette lacks the chain keys:\n%s", s)
	}
	press(t, m, "esc")
	addSteps(t, m, "test/Shout")
	press(t, m, "ctrl+p", "type:rename the chain", "enter")
	if m.focus != focusChain || m.overlay != overlayPrompt || m.prompt.purpose != promptRenameChain {
		t.Errorf("the palette entry did not open the rename prompt: focus %v overlay %v", m.focus, m.overlay)
	}
	press(t, m, "esc")
	// A click outside the restore/remove question does not dismiss it.
	press(t, m, "x")
	send(t, m, tea.MouseClickMsg{X: 1, Y: 1, Button: tea.MouseLeft})
	if m.overlay != overlayConfirm {
		t.Error("a click dismissed the question")
	}
}

func TestChainInputCopyAndChainProblems(t *testing.T) {
	m, _ := newChainModel(t, 100, 30)
	addSteps(t, m, "test/Shout")
	press(t, m, "c", "I")
	if !m.chain.editing || m.chain.target != "chain input" {
		t.Fatal("I did not open the input editor")
	}
	press(t, m, "type:typed by hand", "ctrl+r")
	if m.chain.editing || m.chain.trace == nil || m.chain.trace.Output.Text != "TYPED BY HAND" {
		t.Fatalf("run on the typed input: %+v %v", m.chain.trace, m.chain.runErr)
	}
	if !strings.Contains(plainScreen(m), `typed "typed by hand"`) {
		t.Errorf("the input line does not say where the input is from:\n%s", plainScreen(m))
	}
	_, cmd := m.Update(keyMsg("y"))
	var clip string
	for msg := range collect(cmd) {
		if s := fmt.Sprint(msg); s == "TYPED BY HAND" {
			clip = s
		}
	}
	if clip == "" {
		t.Error("y did not copy the step's result")
	}

	// t cycles the chain's input kind; a typed input of the old kind is dropped.
	press(t, m, "t")
	if m.chain.c.Input != catalog.KindJSON || m.chain.inputSet {
		t.Errorf("t: kind %s, input kept %v", m.chain.c.Input, m.chain.inputSet)
	}
	press(t, m, "t", "t")
	if m.chain.c.Input != catalog.KindText {
		t.Errorf("t three times: %s", m.chain.c.Input)
	}

	// A problem of the chain itself (its output mapping) shows in the builder.
	m.chain.c.Output = ".steps.nope"
	run(t, m, m.edited(m.chain.c.Compile()))
	if s := plainScreen(m); !strings.Contains(s, "✗ ") || !strings.Contains(s, "nope") {
		t.Errorf("the chain's own problem is not shown:\n%s", s)
	}
	assertFits(t, m)
}

func TestChainRestoreOfferWithAFile(t *testing.T) {
	reg := testRegistry()
	dir := t.TempDir()
	file := filepath.Join(dir, "loud.yaml")
	os.WriteFile(file, []byte("chain: v1\nname: me/Loud\nversion: 1.0.0\ninput: text\nsteps:\n  - id: loud\n    algo: test/Shout/1.0.0\n"), 0o644)
	draft := filepath.Join(dir, "draft.yaml")
	// The same chain as the file: nothing to offer.
	os.WriteFile(draft, []byte("chain: v1\nname: me/Loud\nversion: 1.0.0\ninput: text\nsteps:\n  - id: loud\n    algo: test/Shout/1.0.0\n"), 0o644)
	m := newChainModelWith(t, client.NewLocal(reg, reg), 100, 30, Options{ChainFile: file, DraftPath: draft})
	if m.overlay != overlayNone {
		t.Fatal("a draft equal to the file was offered")
	}
	// A different draft is offered; keeping the file sets the draft aside.
	os.WriteFile(draft, []byte("chain: v1\nname: me/Other\nversion: 1.0.0\ninput: text\nsteps:\n  - id: other\n    algo: test/Shout/1.0.0\n"), 0o644)
	m = newChainModelWith(t, client.NewLocal(reg, reg), 100, 30, Options{ChainFile: file, DraftPath: draft})
	if m.overlay != overlayConfirm || !strings.Contains(plainScreen(m), "restoring replaces") {
		t.Fatalf("no offer:\n%s", plainScreen(m))
	}
	if !strings.Contains(plainScreen(m), "r restore · d discard") {
		t.Errorf("the footer does not say how to answer:\n%s", plainScreen(m))
	}
	m2 := newChainModelWith(t, client.NewLocal(reg, reg), 100, 30, Options{ChainFile: file, DraftPath: draft})
	press(t, m2, "r", "ctrl+s")
	if m2.chain.c.Name != "me/Other" || m2.overlay != overlayPrompt || m2.prompt.input.Value() != file {
		t.Fatalf("after restoring beside a file, ctrl+s should offer the file, not overwrite it: %+v", m2.prompt)
	}
	press(t, m2, "esc")
	press(t, m, "d")
	if m.chain.c.Name != "me/Loud" {
		t.Errorf("discard replaced the file's chain: %s", m.chain.c.Name)
	}
	if b, err := os.ReadFile(draft + ".bak"); err != nil || !strings.Contains(string(b), "me/Other") {
		t.Errorf(".bak: %v %s", err, b)
	}
	if b, _ := os.ReadFile(draft); !strings.Contains(string(b), "me/Loud") {
		t.Errorf("after discard the draft should be the open chain:\n%s", b)
	}
}

func TestChainMouse(t *testing.T) {
	m, _ := newChainModel(t, 100, 30)
	addSteps(t, m, "test/Shout", "test/WordCount", "test/Pixels")
	// A click on the strip opens the builder.
	send(t, m, tea.MouseClickMsg{X: 10, Y: m.h - 3, Button: tea.MouseLeft})
	if m.focus != focusChain {
		t.Fatalf("a click on the strip did not open the builder")
	}
	// "shout → wordcount → pixels": the border and padding are 2 cells, "shout → " 8.
	send(t, m, tea.MouseClickMsg{X: 2 + 8 + 3, Y: 2, Button: tea.MouseLeft})
	if m.chain.sel != 1 {
		t.Errorf("click on wordcount selected %d", m.chain.sel)
	}
	send(t, m, tea.MouseClickMsg{X: 2, Y: 2, Button: tea.MouseLeft})
	if m.chain.sel != 0 {
		t.Errorf("click on shout selected %d", m.chain.sel)
	}
	send(t, m, tea.MouseWheelMsg{X: 5, Y: 10, Button: tea.MouseWheelDown})
}

// TestChainEditBeforeTheDraftIsRead: a step added before the previous draft
// has been read must not overwrite it.
func TestChainEditBeforeTheDraftIsRead(t *testing.T) {
	reg := testRegistry()
	draft := filepath.Join(t.TempDir(), "draft.yaml")
	old := "chain: v1\nname: me/Old\nversion: 1.0.0\ninput: text\nsteps:\n  - id: old\n    algo: test/Shout/1.0.0\n"
	os.WriteFile(draft, []byte(old), 0o600)
	m := New(Options{Client: client.NewLocal(reg, reg), Theme: "dark", DraftPath: draft, Now: func() time.Time { return testTime }})
	m.com.Clock.Tick = func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil }
	send(t, m, tea.WindowSizeMsg{Width: 100, Height: 30})
	start := m.startChain() // in flight while the user types
	run(t, m, m.loadCatalog())
	selectRef(t, m, "test/Shout")
	press(t, m, "a")
	if b, _ := os.ReadFile(draft); string(b) != old {
		t.Fatalf("the old draft was overwritten before it was read:\n%s", b)
	}
	run(t, m, start)
	if m.overlay != overlayConfirm {
		t.Fatal("the old draft was not offered")
	}
	press(t, m, "d")
	if b, _ := os.ReadFile(draft); !strings.Contains(string(b), "me/Untitled") {
		t.Errorf("after discarding, the chain being built should be the draft:\n%s", b)
	}
}
