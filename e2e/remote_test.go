package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"pipette/internal/itest"
)

// shot keeps the screen with its colours as NAME.ans in the folder
// $PIPETTE_E2E_SHOTS names, to be looked at as a picture (freeze turns an
// .ans into an SVG); nothing when it is unset.
func (tm *term) shot(name string) {
	tm.t.Helper()
	dir := os.Getenv("PIPETTE_E2E_SHOTS")
	if dir == "" {
		return
	}
	if err := os.WriteFile(filepath.Join(dir, name+".ans"), []byte(tm.tmux("capture-pane", "-e", "-p", "-t", "e2e")), 0o644); err != nil {
		tm.t.Error(err)
	}
}

// TestTUIRemoteSources: the TUI with two sources, the built-ins and a real
// llama-server — the remote model is found by the filter, streams a chat
// answer with its timing, is compared with a built-in, runs as a step of
// a chain after a built-in, shows as down when the server stops and comes
// back by itself when it starts again.
func TestTUIRemoteSources(t *testing.T) {
	bin := binary(t)
	ls := itest.LlamaServer(t, itest.LlamaOptions{})
	tm := newTerm(t, 120, 40, "PIPETTE_DISCOVER=0 "+bin+" --source llamacpp=openai="+ls.URL)
	tm.waitFor("llamacpp ✓", "? help")

	// Filter to the remote model and stream a chat answer, with parameters.
	tm.keys("/")
	tm.typeText("pipette-tiny")
	tm.waitFor("▸ llamacpp/pipette-tiny", "chat")
	tm.keys("Enter", "2")
	tm.waitFor("input · any", "In one sentence")
	tm.keys("p")
	tm.waitFor("Parameters · llamacpp/pipette-tiny")
	tm.typeText("Answer briefly.")
	tm.keys("Tab")
	tm.typeText("0")
	tm.keys("Tab")
	tm.typeText("24")
	tm.keys("C-s")
	tm.waitFor("parameters: temp 0 · max 24")
	tm.keys("r")
	s := tm.waitFor("✓ first token", "tok/s", " tokens")
	// max tokens reached llama-server: it generated at most 24.
	m := regexp.MustCompile(`(\d+) tokens`).FindStringSubmatch(s)
	if n, err := strconv.Atoi(m[1]); err != nil || n < 1 || n > 24 {
		t.Errorf("max tokens 24 did not hold:\n%s", s)
	}
	tm.shot("try_stream")
	assertFooter(t, s, 40)

	// Compare it with a built-in, on the same input.
	tm.keys("Escape")
	tm.waitFor("/ pipette-tiny")
	tm.keys("m")
	tm.waitFor("marked llamacpp/pipette-tiny")
	tm.keys("Escape")
	tm.waitFor("/ filter")
	tm.keys("/")
	tm.typeText("summarize")
	tm.waitFor("▸ nlp/Summarize")
	tm.keys("Enter", "m")
	tm.waitFor("C compares them")
	tm.keys("Escape")
	tm.waitFor("/ filter")
	tm.keys("/")
	tm.typeText("pipette-tiny")
	tm.waitFor("▸•llamacpp/pipette-tiny")
	tm.keys("Enter", "C")
	tm.waitFor("Compare · 2 models", "In one sentence")
	tm.keys("r")
	s = tm.waitFor("✓ TTFT", "tok/s", "run all") // the footer says run all once every model has answered
	if strings.Count(s, "✓") < 2 {
		t.Errorf("both models should have answered:\n%s", s)
	}
	tm.shot("compare")
	tm.keys("Escape")
	tm.waitFor("/ pipette-tiny")
	tm.keys("Escape")
	tm.waitFor(" models · llamacpp")

	// A chain across sources: the remote model, then a built-in on its
	// answer, run in the builder with every step's result shown.
	tm.keys("/")
	tm.typeText("pipette-tiny")
	tm.waitFor("▸•llamacpp/pipette-tiny") // still marked for compare
	tm.keys("Enter", "Enter", "a")
	tm.waitFor("added llamacpp/pipette-tiny")
	tm.keys("Escape")
	tm.waitFor("/ pipette-tiny")
	tm.keys("Escape")
	tm.waitFor(" models · llamacpp") // the whole catalog again
	tm.addStep("sentimentanalysis", "nlp/SentimentAnalysis")
	tm.keys("c")
	tm.waitFor("2 steps")
	tm.keys("I")
	tm.typeText("Say something kind about pipettes.")
	tm.keys("C-r")
	s = tm.waitFor("compound")
	tm.shot("chain")
	if strings.Contains(s, "✗") {
		t.Errorf("a step failed:\n%s", s)
	}
	tm.keys("Escape")
	tm.waitFor("llamacpp ✓")

	// The server stops: the source shows as down, with why, and the
	// built-ins go on; it starts again: the source comes back by itself.
	ls.Stop()
	tm.waitFor("llamacpp ✗", "llamacpp is down")
	tm.shot("down")
	tm.keys("S")
	tm.waitFor("Sources", "1 down", "cannot reach")
	tm.shot("sources_down")
	tm.keys("Escape")
	start := time.Now()
	ls.Start("/health")
	tm.waitFor("llamacpp ✓")
	t.Logf("back on screen %s after the server answered", time.Since(start).Round(100*time.Millisecond))
	tm.shot("back")
	tm.keys("q")
	tm.waitExited(0)
}
