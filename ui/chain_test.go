package ui

import (
	"bytes"
	"fmt"
	"go/format"
	"image/png"
	"os"
	"path/filepath"
	"pipette/ui/common"
	"pipette/ui/dialog"
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
	useTestTimers(m)
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

// typeMapping opens the editor on the selected step, types the mapping
// (newlines as enter), optionally switches to `each`, and applies it.
func typeMapping(t *testing.T, m *Model, mapping string, each bool) {
	t.Helper()
	press(t, m, "i")
	if _, editing := m.builder.Editing(); !editing {
		t.Fatal("i did not open the mapping editor")
	}
	press(t, m, "ctrl+k")
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
	if _, editing := m.builder.Editing(); editing {
		t.Fatal("esc did not close the editor")
	}
}

func TestChainAddSelectReorderRenameRemove(t *testing.T) {
	m, _ := newChainModel(t, 100, 30)
	addSteps(t, m, "test/Shout", "test/WordCount", "test/Shout")
	c := m.builder.Chain()
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
	b, err := os.ReadFile(m.builder.DraftPath())
	if err != nil || !strings.Contains(string(b), "shout2") {
		t.Fatalf("draft not autosaved: %v\n%s", err, b)
	}

	press(t, m, "c")
	if m.focus != focusChain || m.scope() != keys.ScopeChain {
		t.Fatal("c did not open the builder")
	}
	assertFits(t, m)
	if m.builder.Selected() != 2 {
		t.Errorf("the newest step should be selected, got %d", m.builder.Selected())
	}
	press(t, m, "h", "h")
	if m.builder.Selected() != 0 {
		t.Errorf("h, k: selected %d", m.builder.Selected())
	}
	press(t, m, "left")
	if m.builder.Selected() != 0 {
		t.Error("left past the first step should stay")
	}
	press(t, m, "l")
	if m.builder.Selected() != 1 {
		t.Errorf("l: selected %d", m.builder.Selected())
	}
	press(t, m, "shift+left")
	if got := m.builder.Chain().Pipeline(); got != "wordcount → shout → shout2" || m.builder.Selected() != 0 {
		t.Errorf("shift+left: %q sel %d", got, m.builder.Selected())
	}
	press(t, m, "J")
	if got := m.builder.Chain().Pipeline(); got != "shout → wordcount → shout2" || m.builder.Selected() != 1 {
		t.Errorf("J: %q sel %d", got, m.builder.Selected())
	}
	press(t, m, "K")
	press(t, m, "shift+right")
	if got := m.builder.Chain().Pipeline(); got != "shout → wordcount → shout2" {
		t.Errorf("K then shift+right: %q", got)
	}

	// Rename a step: references to it follow.
	press(t, m, "l") // shout2
	typeMapping(t, m, ".steps.shout", false)
	press(t, m, "h", "h", "n")
	retype(t, m, "loud")
	if got := m.builder.Chain().Pipeline(); got != "loud → wordcount → shout2" {
		t.Errorf("rename: %q", got)
	}
	if in := m.builder.Chain().Steps[2].Input; in != ".steps.loud" {
		t.Errorf("the reference did not follow the rename: %q", in)
	}
	press(t, m, "n")
	retype(t, m, "wordcount")
	if _, ok := dialogIs[*dialog.Prompt](m); !ok || !strings.Contains(plainScreen(m), "already") {
		t.Errorf("a duplicate id should be refused in the prompt:\n%s", plainScreen(m))
	}
	press(t, m, "esc")
	press(t, m, "N")
	retype(t, m, "me/Loud/1.0.0")
	if _, ok := dialogIs[*dialog.Prompt](m); !ok || !strings.Contains(plainScreen(m), "owner/name") {
		t.Error("a chain name with a version should be refused")
	}
	retype(t, m, "me/Loud")
	if m.builder.Chain().Name != "me/Loud" {
		t.Errorf("chain name = %q", m.builder.Chain().Name)
	}

	// Remove asks first; n keeps the step, y removes it.
	press(t, m, "x")
	if _, ok := dialogIs[*dialog.Confirm](m); !ok || !strings.Contains(plainScreen(m), "Remove step loud?") {
		t.Fatalf("x did not ask:\n%s", plainScreen(m))
	}
	press(t, m, "n")
	if len(m.builder.Chain().Steps) != 3 {
		t.Fatal("n removed the step")
	}
	press(t, m, "x", "y")
	if got := m.builder.Chain().Pipeline(); got != "wordcount → shout2" {
		t.Errorf("after remove: %q", got)
	}
	// shout2 referred to the removed step: the problem shows inline.
	if len(m.builder.Problems().ForStep(1)) == 0 {
		t.Fatalf("no problem for the dangling reference: %v", m.builder.Problems())
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
	p := m.builder
	if p.Running() || p.RunErr() != nil || p.Trace() == nil {
		t.Fatalf("run: running %v err %v", p.Running(), p.RunErr())
	}
	if _, label, _ := p.Input(); label != "sample greeting of test/Shout" {
		t.Errorf("default input = %q", label)
	}
	for _, id := range []string{"shout", "wordcount"} {
		st := step(m, id)
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
	if !strings.Contains(m3.status.Text(), "step fail") {
		t.Errorf("status = %q", m3.status.Text())
	}

	// u runs up to the selected step only.
	press(t, m, "u")
	if _, ran := p.Step("wordcount"); ran || p.Trace().Output.Text != "HELLO PIPETTE" {
		t.Errorf("u ran past the step: %+v", p.Trace().Output)
	}

	// A run that does not finish is cancelled with esc; its late answer is
	// dropped.
	m2, _ := newChainModel(t, 100, 30)
	addSteps(t, m2, "test/Slow")
	press(t, m2, "c")
	_, cmd := m2.Update(keyMsg("r"))
	if !m2.builder.Running() || cmd == nil {
		t.Fatal("r did not start a run")
	}
	if !strings.Contains(plainScreen(m2), "esc cancels") {
		t.Errorf("no running state:\n%s", plainScreen(m2))
	}
	done := collect(cmd)
	press(t, m2, "esc")
	if m2.builder.Running() || m2.focus != focusChain {
		t.Fatalf("esc should cancel and stay: running %v focus %v", m2.builder.Running(), m2.focus)
	}
	if catalog.AsError(m2.builder.RunErr()).Type != "Cancelled" {
		t.Errorf("runErr = %v", m2.builder.RunErr())
	}
	for msg := range done {
		send(t, m2, msg)
	}
	if m2.builder.Running() {
		t.Error("a cancelled run's messages restarted it")
	}
}

func TestChainMappingPreview(t *testing.T) {
	m, _ := newChainModel(t, 100, 30)
	addSteps(t, m, "test/Shout", "test/WordCount")
	// Before any run, a syntax error still shows.
	press(t, m, "c", "i", "type:{text: ")
	firePreviews(t, m)
	if s := plainScreen(m); !strings.Contains(s, "jq error") {
		t.Errorf("no syntax error before a run:\n%s", s)
	}
	press(t, m, "ctrl+u", "esc", "esc")
	press(t, m, "c", "h", "u") // up to shout: WordCount's kind mismatch does not stop it
	if m.builder.Trace() == nil {
		t.Fatalf("no trace: %v", m.builder.RunErr())
	}
	press(t, m, "l", "i")
	if !strings.Contains(plainScreen(m), "preview") {
		t.Errorf("no preview line:\n%s", plainScreen(m))
	}
	press(t, m, "type:{text: .steps.shout}")
	firePreviews(t, m)
	if v, err := m.builder.Preview(); err != nil || v.Kind != catalog.KindJSON {
		t.Fatalf("preview: %v %+v", err, v)
	}
	if s := plainScreen(m); !strings.Contains(s, `"text": "HELLO PIPETTE"`) {
		t.Errorf("the preview does not show the value:\n%s", s)
	}
	press(t, m, "type: | ")
	firePreviews(t, m)
	if _, err := m.builder.Preview(); err == nil || !strings.Contains(plainScreen(m), "jq error") {
		t.Errorf("a jq syntax error is not shown inline:\n%s", plainScreen(m))
	}
	press(t, m, "backspace", "backspace", "backspace")
	press(t, m, "ctrl+r")
	if _, editing := m.builder.Editing(); editing || m.builder.RunErr() != nil {
		t.Fatalf("ctrl+r should apply and run: %v", m.builder.RunErr())
	}
	if st := step(m, "wordcount"); st.Err != nil || !st.Done {
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
	prompt(t, m) // ctrl+s on a new chain asks for a path
	retype(t, m, path)
	if m.builder.File() != path {
		t.Fatalf("file = %q (status %q)", m.builder.File(), m.status.Text())
	}
	back, err := pipebuilder.Load(path)
	if err != nil || !back.Equal(m.builder.Chain()) {
		t.Fatalf("saved chain reloads as %+v, %v", back, err)
	}
	addSteps(t, m, "test/Shout")
	press(t, m, "ctrl+s") // known file: no prompt
	if m.dialog != nil {
		t.Fatal("ctrl+s asked again")
	}
	if back, _ := pipebuilder.Load(path); len(back.Steps) != 2 {
		t.Errorf("second save: %d steps", len(back.Steps))
	}

	// Open: a good file, then a broken one that leaves the builder as it was.
	m2, _ := newChainModel(t, 100, 30)
	press(t, m2, "ctrl+o")
	retype(t, m2, path)
	if m2.builder.Chain() == nil || len(m2.builder.Chain().Steps) != 2 || m2.focus != focusChain {
		t.Fatalf("ctrl+o did not open the chain: %+v", m2.builder.Chain())
	}
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("chain: [v1\n"), 0o644)
	press(t, m2, "ctrl+o")
	retype(t, m2, bad)
	if m2.status.Kind() != common.StatusError || !strings.Contains(m2.status.Text(), "not valid YAML") || len(m2.builder.Chain().Steps) != 2 {
		t.Errorf("bad file: status %q, steps %d", m2.status.Text(), len(m2.builder.Chain().Steps))
	}

	// Export to the clipboard: the command sets it.
	press(t, m2, "e")
	if p, ok := dialogIs[*dialog.Picker](m2); !ok || !strings.Contains(ansiStrip(p.View()), "Export the chain") {
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
		if sm, ok := msg.(common.StatusMsg); ok {
			send(t, m2, sm)
		}
	}
	if !strings.Contains(clip, "algo: test/Shout/1.0.0") {
		t.Errorf("the clipboard did not get the YAML: %q", clip)
	}
	if !strings.Contains(m2.status.Text(), "copied the chain as YAML") {
		t.Errorf("status = %q", m2.status.Text())
	}
}

// TestChainDraftRestore: the draft of a pipette that exited is offered at
// the next start; restore brings it back, discard sets it aside for good.
func TestChainDraftRestore(t *testing.T) {
	m, draft := newChainModel(t, 100, 30)
	addSteps(t, m, "test/Shout", "test/WordCount")
	// Text typed in the mapping editor is in the draft once typing pauses,
	// before it is applied.
	press(t, m, "c", "i", "type:{text: .steps.shout}")
	firePreviews(t, m)
	if b, _ := os.ReadFile(m.builder.DraftPath()); !strings.Contains(string(b), "{text: .steps.shout}") {
		t.Errorf("the mapping being typed is not in the draft:\n%s", b)
	}
	// A second pipette while the first runs is not offered its draft.
	reg := testRegistry()
	if m1b := newChainModelWith(t, client.NewLocal(reg, reg), 100, 30, Options{DraftPath: draft}); m1b.dialog != nil {
		t.Fatal("a running pipette's draft was offered to another")
	}
	m.builder.Close() // the first pipette exits
	m2 := newChainModelWith(t, client.NewLocal(reg, reg), 100, 30, Options{DraftPath: draft})
	if _, ok := dialogIs[*dialog.Confirm](m2); !ok || !strings.Contains(plainScreen(m2), "Restore the chain") || !strings.Contains(plainScreen(m2), "shout → wordcount") {
		t.Fatalf("no restore offer:\n%s", plainScreen(m2))
	}
	press(t, m2, "r")
	if m2.builder.Chain() == nil || m2.builder.Chain().Pipeline() != "shout → wordcount" || m2.focus != focusChain {
		t.Fatalf("restore: %+v", m2.builder.Chain())
	}
	if in := m2.builder.Chain().Steps[1].Input; in != "{text: .steps.shout}" {
		t.Errorf("restored mapping = %q", in)
	}
	m2.builder.Close()

	m3 := newChainModelWith(t, client.NewLocal(reg, reg), 100, 30, Options{DraftPath: draft})
	press(t, m3, "d")
	if m3.builder.Chain() != nil {
		t.Error("discard installed the draft")
	}
	if !strings.Contains(m3.status.Text(), "draft discarded; a copy is in") {
		t.Errorf("status after discard: %q", m3.status.Text())
	}
	m3.builder.Close()
	m4 := newChainModelWith(t, client.NewLocal(reg, reg), 100, 30, Options{DraftPath: draft})
	if m4.dialog != nil {
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
	if m.builder.Chain() == nil || m.builder.Chain().Name != "me/Loud" || m.focus != focusChain || m.dialog != nil {
		t.Fatalf("good file: %+v focus %v", m.builder.Chain(), m.focus)
	}

	half := filepath.Join(dir, "half.yaml")
	src := "chain: v1\nname: me/Half\nversion: 1.0.0\ninput: text\nsteps:\n  - id: loud\n    algo: test/Shout/1.0.0\n    input: '{text: .steps.nope'\n    colour: red\n"
	os.WriteFile(half, []byte(src), 0o644)
	m = newChainModelWith(t, client.NewLocal(reg, reg), 100, 30, Options{ChainFile: half})
	if m.builder.Chain() == nil || len(m.builder.Problems()) == 0 || m.status.Kind() == common.StatusInfo || !strings.Contains(m.status.Text(), "half.yaml:") {
		t.Fatalf("malformed file: chain %+v problems %v status %q", m.builder.Chain(), m.builder.Problems(), m.status.Text())
	}
	assertFits(t, m)
	if s := plainScreen(m); !strings.Contains(s, "2 problems") || !strings.Contains(s, "unknown field `colour`") {
		t.Errorf("the file's problems (jq error, unknown field) are not both shown:\n%s", s)
	}

	broken := filepath.Join(dir, "broken.yaml")
	os.WriteFile(broken, []byte("steps: [\n"), 0o644)
	m = newChainModelWith(t, client.NewLocal(reg, reg), 100, 30, Options{ChainFile: broken})
	if m.builder.Chain() != nil || m.status.Kind() != common.StatusError || m.builder.File() != "" {
		t.Fatalf("unreadable file: chain %+v status %q", m.builder.Chain(), m.status.Text())
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

// TestMemeChainBuiltWithKeys builds examples/face_meme.yaml step by step with
// keys on the built-in catalog, runs it on the astronaut, and exports it.
func TestMemeChainBuiltWithKeys(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the neural face model")
	}
	reg := builtin.Registry()
	m := newChainModelWith(t, client.NewLocal(reg, reg), 120, 40, Options{DraftPath: filepath.Join(t.TempDir(), "draft.yaml")})
	want, err := pipebuilder.Load("../examples/face_meme.yaml")
	if err != nil {
		t.Fatal(err)
	}
	addSteps(t, m, "cv/FaceExpression", "text/Search", "nlp/SentimentAnalysis", "image/OverlayText")
	press(t, m, "c")
	if m.builder.Chain().Input != catalog.KindBinary {
		t.Errorf("the chain's input kind = %s, want binary (FaceExpression's sample)", m.builder.Chain().Input)
	}
	press(t, m, "N")
	retype(t, m, want.Name)
	for i, ws := range want.Steps {
		m.builder.Select(i)
		press(t, m, "n")
		retype(t, m, ws.ID)
		switch {
		case ws.Input != "":
			typeMapping(t, m, strings.TrimSpace(ws.Input), false)
		case ws.Each != "":
			typeMapping(t, m, strings.TrimSpace(ws.Each), true)
		}
	}
	c := m.builder.Chain()
	for i, ws := range want.Steps {
		got := c.Steps[i]
		if got.ID != ws.ID || got.Algo != ws.Algo || got.Input != strings.TrimSpace(ws.Input) || got.Each != strings.TrimSpace(ws.Each) {
			t.Errorf("step %d = %+v, want %+v", i, got, ws)
		}
	}
	if len(m.builder.Problems()) > 0 {
		t.Fatalf("problems: %v", m.builder.Problems())
	}

	press(t, m, "o")
	retype(t, m, "../algorithms/testdata/images/astronaut.png")
	if in, _, set := m.builder.Input(); !set || in.Kind != catalog.KindBinary {
		t.Fatalf("input not loaded: %q", m.status.Text())
	}
	press(t, m, "r")
	if m.builder.RunErr() != nil {
		t.Fatalf("run: %v", m.builder.RunErr())
	}
	for _, ws := range want.Steps {
		st, ok := m.builder.Step(ws.ID)
		if !ok || !st.Done || st.Err != nil {
			t.Errorf("step %s: %+v", ws.ID, st)
		}
	}
	out := m.builder.Trace().Output
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
			t.Fatalf("export to %s: %v (status %q)", path, err, m.status.Text())
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
	h, ok := dialogIs[*dialog.Help](m)
	if !ok {
		t.Fatal("? did not open the help")
	}
	h.SetSize(200, 200)
	if s := ansiStrip(h.View()); !strings.Contains(s, "run up to this step") || !strings.Contains(s, "shift+left/K") {
		t.Errorf("help lacks the chain keys:\n%s", s)
	}
	press(t, m, "esc", "ctrl+p", "type:run up to")
	if s := plainScreen(m); !strings.Contains(s, "chain: run up to this step") {
		t.Errorf("palette lacks the chain keys:\n%s", s)
	}
	press(t, m, "esc")
	addSteps(t, m, "test/Shout")
	press(t, m, "ctrl+p", "type:rename the chain", "enter")
	if p, ok := dialogIs[*dialog.Prompt](m); m.focus != focusChain || !ok || p.Purpose() != dialog.RenameChain {
		t.Errorf("the palette entry did not open the rename prompt: focus %v dialog %T", m.focus, m.dialog)
	}
	press(t, m, "esc")
	// A click outside the restore/remove question does not dismiss it.
	press(t, m, "x")
	send(t, m, tea.MouseClickMsg{X: 1, Y: 1, Button: tea.MouseLeft})
	if _, ok := dialogIs[*dialog.Confirm](m); !ok {
		t.Error("a click dismissed the question")
	}
}

func TestChainInputCopyAndChainProblems(t *testing.T) {
	m, _ := newChainModel(t, 100, 30)
	addSteps(t, m, "test/Shout")
	press(t, m, "c", "I")
	if target, editing := m.builder.Editing(); !editing || target != "chain input" {
		t.Fatal("I did not open the input editor")
	}
	press(t, m, "type:typed by hand", "ctrl+r")
	if _, editing := m.builder.Editing(); editing || m.builder.Trace() == nil || m.builder.Trace().Output.Text != "TYPED BY HAND" {
		t.Fatalf("run on the typed input: %+v %v", m.builder.Trace(), m.builder.RunErr())
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
	if _, _, set := m.builder.Input(); m.builder.Chain().Input != catalog.KindJSON || set {
		t.Errorf("t: kind %s, input kept %v", m.builder.Chain().Input, set)
	}
	press(t, m, "t", "t")
	if m.builder.Chain().Input != catalog.KindText {
		t.Errorf("t three times: %s", m.builder.Chain().Input)
	}

	// A problem of the chain itself (its output mapping) shows in the builder.
	out := filepath.Join(t.TempDir(), "out.yaml")
	os.WriteFile(out, []byte("chain: v1\nname: me/Loud\nversion: 1.0.0\ninput: text\nsteps:\n  - id: loud\n    algo: test/Shout/1.0.0\noutput: .steps.nope\n"), 0o644)
	press(t, m, "ctrl+o")
	retype(t, m, out)
	if s := plainScreen(m); !strings.Contains(s, "✗ ") || !strings.Contains(s, "nope") {
		t.Errorf("the chain's own problem is not shown:\n%s", s)
	}
	assertFits(t, m)
}

// TestChainRestoreOfferWithAFile: pipette FILE.yaml with a draft left
// behind offers it, keeping the file being the default (enter).
func TestChainRestoreOfferWithAFile(t *testing.T) {
	reg := testRegistry()
	dir := t.TempDir()
	file := filepath.Join(dir, "loud.yaml")
	os.WriteFile(file, []byte("chain: v1\nname: me/Loud\nversion: 1.0.0\ninput: text\nsteps:\n  - id: loud\n    algo: test/Shout/1.0.0\n"), 0o644)
	draft := filepath.Join(dir, "draft.yaml") // as older versions left it
	// The same chain as the file: nothing to offer.
	os.WriteFile(draft, []byte("chain: v1\nname: me/Loud\nversion: 1.0.0\ninput: text\nsteps:\n  - id: loud\n    algo: test/Shout/1.0.0\n"), 0o644)
	m := newChainModelWith(t, client.NewLocal(reg, reg), 100, 30, Options{ChainFile: file, DraftPath: draft})
	if m.dialog != nil {
		t.Fatal("a draft equal to the file was offered")
	}
	m.builder.Close()
	// A different draft is offered, the file first.
	dir2 := t.TempDir()
	draft = filepath.Join(dir2, "draft.yaml")
	os.WriteFile(draft, []byte("chain: v1\nname: me/Other\nversion: 1.0.0\ninput: text\nsteps:\n  - id: other\n    algo: test/Shout/1.0.0\n"), 0o644)
	m = newChainModelWith(t, client.NewLocal(reg, reg), 100, 30, Options{ChainFile: file, DraftPath: draft})
	if _, ok := dialogIs[*dialog.Confirm](m); !ok || !strings.Contains(plainScreen(m), "restoring replaces") {
		t.Fatalf("no offer:\n%s", plainScreen(m))
	}
	if !strings.Contains(plainScreen(m), "k keep loud.yaml · r restore · d discard · enter keep loud.yaml") {
		t.Errorf("the footer does not say how to answer, keeping the file first:\n%s", plainScreen(m))
	}
	press(t, m, "enter")
	if m.builder.Chain().Name != "me/Loud" || m.dialog != nil {
		t.Errorf("enter replaced the file's chain: %s", m.builder.Chain().Name)
	}
	m.builder.Close()
	m2 := newChainModelWith(t, client.NewLocal(reg, reg), 100, 30, Options{ChainFile: file, DraftPath: draft})
	press(t, m2, "r", "ctrl+s")
	if p, ok := dialogIs[*dialog.Prompt](m2); m2.builder.Chain().Name != "me/Other" || !ok || p.Value() != file {
		t.Fatalf("after restoring beside a file, ctrl+s should offer the file, not overwrite it: %T", m2.dialog)
	}
	press(t, m2, "esc")
}

func TestChainMouse(t *testing.T) {
	m, _ := newChainModel(t, 100, 30)
	addSteps(t, m, "test/Shout", "test/WordCount", "test/Pixels")
	// A click on the strip opens the builder.
	send(t, m, tea.MouseClickMsg{X: 10, Y: m.com.Height - 3, Button: tea.MouseLeft})
	if m.focus != focusChain {
		t.Fatalf("a click on the strip did not open the builder")
	}
	// "shout → wordcount → pixels": the border and padding are 2 cells, "shout → " 8.
	send(t, m, tea.MouseClickMsg{X: 2 + 8 + 3, Y: 2, Button: tea.MouseLeft})
	if m.builder.Selected() != 1 {
		t.Errorf("click on wordcount selected %d", m.builder.Selected())
	}
	send(t, m, tea.MouseClickMsg{X: 2, Y: 2, Button: tea.MouseLeft})
	if m.builder.Selected() != 0 {
		t.Errorf("click on shout selected %d", m.builder.Selected())
	}
	send(t, m, tea.MouseWheelMsg{X: 5, Y: 10, Button: tea.MouseWheelDown})
}

// TestChainEditBeforeTheDraftIsRead: a step added before the drafts left
// behind have been read is saved once they have, whatever the answer.
func TestChainEditBeforeTheDraftIsRead(t *testing.T) {
	reg := testRegistry()
	draft := filepath.Join(t.TempDir(), "draft.yaml")
	old := "chain: v1\nname: me/Old\nversion: 1.0.0\ninput: text\nsteps:\n  - id: old\n    algo: test/Shout/1.0.0\n"
	os.WriteFile(draft, []byte(old), 0o600)
	m := New(Options{Client: client.NewLocal(reg, reg), Theme: "dark", DraftPath: draft, Now: func() time.Time { return testTime }})
	useTestTimers(m)
	send(t, m, tea.WindowSizeMsg{Width: 100, Height: 30})
	// The late start has begun: its builder.Init is in flight while the
	// user types.
	m.lateStarted = true
	start := m.builder.Init()
	run(t, m, m.loadCatalog())
	selectRef(t, m, "test/Shout")
	press(t, m, "a")
	if b, _ := os.ReadFile(draft); string(b) != old {
		t.Fatalf("the old draft was overwritten before it was read:\n%s", b)
	}
	run(t, m, start)
	if _, ok := dialogIs[*dialog.Confirm](m); !ok {
		t.Fatal("the old draft was not offered")
	}
	press(t, m, "d")
	if b, _ := os.ReadFile(m.builder.DraftPath()); !strings.Contains(string(b), "me/Untitled") {
		t.Errorf("after discarding, the chain being built should be the draft:\n%s", b)
	}
}
