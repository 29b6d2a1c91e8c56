package e2e

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// childPID is the pid of the only child of the tmux pane's shell: pipette.
func (tm *term) childPID() int {
	tm.t.Helper()
	shell := strings.TrimSpace(tm.tmux("display-message", "-p", "-t", "e2e", "#{pane_pid}"))
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		b, err := os.ReadFile(filepath.Join("/proc", shell, "task", shell, "children"))
		if err == nil {
			if f := strings.Fields(string(b)); len(f) == 1 {
				pid, err := strconv.Atoi(f[0])
				if err == nil {
					return pid
				}
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	tm.t.Fatalf("cannot find pipette's pid under the shell %s", shell)
	return 0
}

// addStep filters the catalog to ref and adds it to the chain. esc clears
// the filter, and the next key waits until it has: a "/" sent hard on an
// esc reads as alt+/ on a loaded machine.
func (tm *term) addStep(filter, ref string) {
	tm.t.Helper()
	tm.keys("/")
	tm.typeText(filter)
	tm.waitFor("▸ " + ref)
	tm.keys("Enter", "a")
	tm.waitFor("added " + ref)
	tm.keys("Escape")
	tm.waitFor("/ filter")
}

// waitExited waits for the shell's "EXITED code" line, which may wrap: a
// killed pipette leaves the cursor wherever it was.
func (tm *term) waitExited(code int) {
	tm.t.Helper()
	want := "EXITED" + strconv.Itoa(code)
	deadline := time.Now().Add(20 * time.Second)
	var s string
	for time.Now().Before(deadline) {
		s = tm.screen()
		if strings.Contains(strings.Join(strings.Fields(s), ""), want) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	tm.t.Fatalf("pipette did not exit with %d:\n%s", code, s)
}

// waitForDraft waits until one draft in the state directory holds every
// string, and returns its path.
func waitForDraft(t *testing.T, state string, holds ...string) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var seen []string
	for time.Now().Before(deadline) {
		seen = seen[:0]
		paths, _ := filepath.Glob(filepath.Join(state, "pipette", "drafts", "*.draft.yaml"))
		for _, path := range paths {
			b, _ := os.ReadFile(path)
			seen = append(seen, path+":\n"+string(b))
			if containsAll(string(b), holds...) {
				return path
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no draft holds %q; the drafts:\n%s", holds, strings.Join(seen, "\n"))
	return ""
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

// TestChainDraftSurvivesSIGKILL builds a chain in the TUI, kills pipette with
// SIGKILL in the middle of editing a mapping, starts it again on the same
// state directory, accepts the restore offer and finds the steps back.
func TestChainDraftSurvivesSIGKILL(t *testing.T) {
	bin := binary(t)
	if _, err := os.Stat("/proc/self/task"); err != nil {
		t.Skip("needs /proc to find the process to kill")
	}
	state := filepath.Join(t.TempDir(), "state")
	command := "XDG_STATE_HOME=" + state + " " + bin

	tm := newTerm(t, 100, 30, command)
	tm.waitFor("models", "? help")
	tm.addStep("sentiment", "nlp/SentimentAnalysis")
	tm.addStep("keyword", "nlp/KeywordExtraction")
	tm.waitFor("sentimentanalysis → keywordextraction")
	tm.keys("c")
	tm.waitFor("chain · me/Untitled", "2 steps")
	tm.keys("n")
	tm.waitFor("Rename step keywordextraction")
	tm.keys("C-u")
	tm.typeText("keys")
	tm.keys("Enter")
	tm.waitFor("sentimentanalysis → keys")
	// Mid-edit: the mapping editor is open with text typed in it.
	tm.keys("i")
	tm.waitFor("editing `input`")
	tm.typeText("{text: .input}")
	tm.waitFor("{text: .input}")
	// The draft catches up once typing pauses.
	waitForDraft(t, state, "id: keys", "{text: .input}")
	pid := tm.childPID()
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatalf("kill %d: %v", pid, err)
	}
	tm.waitExited(137)

	tm2 := newTerm(t, 100, 30, command)
	s := tm2.waitFor("Restore the chain you were building?", "sentimentanalysis → keys")
	if !strings.Contains(s, "me/Untitled · 2 steps") {
		t.Errorf("the offer does not describe the draft:\n%s", s)
	}
	tm2.keys("r")
	s = tm2.waitFor("chain · me/Untitled", "restored the draft")
	if !strings.Contains(s, "sentimentanalysis → keys") {
		t.Errorf("steps not back after restoring:\n%s", s)
	}
	assertFooter(t, s, 30)
	// The mapping typed but not applied when pipette was killed is back too.
	tm2.keys("l")
	tm2.waitFor("input {text: .input}")
	tm2.keys("r")
	tm2.waitFor("sentimentanalysis ✓", "keys ✓")
	tm2.keys("q")
	tm2.waitFor("EXITED 0")
}

// TestTwoBuildersKeepTheirDrafts runs two pipettes on one state directory:
// each keeps its own draft and neither clobbers the other's nor offers it
// while it runs; after one is killed, a third pipette offers its draft (and
// only its: the other still runs), and restores it.
func TestTwoBuildersKeepTheirDrafts(t *testing.T) {
	bin := binary(t)
	if _, err := os.Stat("/proc/self/task"); err != nil {
		t.Skip("needs /proc to find the process to kill")
	}
	state := filepath.Join(t.TempDir(), "state")
	command := "XDG_STATE_HOME=" + state + " " + bin

	first := newTerm(t, 100, 30, command)
	first.waitFor("models", "? help")
	first.addStep("sentiment", "nlp/SentimentAnalysis")
	firstDraft := waitForDraft(t, state, "nlp/SentimentAnalysis")

	second := newTerm(t, 100, 30, command)
	s := second.waitFor("models", "? help")
	if strings.Contains(s, "Restore") {
		t.Fatalf("the second pipette offered the first one's draft while it runs:\n%s", s)
	}
	second.addStep("keyword", "nlp/KeywordExtraction")
	secondDraft := waitForDraft(t, state, "nlp/KeywordExtraction")
	if secondDraft == firstDraft {
		t.Fatalf("both pipettes write %s", firstDraft)
	}
	// The first edits again: its draft only.
	first.addStep("summar", "nlp/Summarize")
	waitForDraft(t, state, "nlp/SentimentAnalysis", "nlp/Summarize")
	if b, _ := os.ReadFile(secondDraft); strings.Contains(string(b), "SentimentAnalysis") || !strings.Contains(string(b), "KeywordExtraction") {
		t.Fatalf("the second pipette's draft was clobbered:\n%s", b)
	}

	if err := syscall.Kill(first.childPID(), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	first.waitExited(137)

	third := newTerm(t, 100, 30, command)
	s = third.waitFor("Restore the chain you were building?", "sentimentanalysis → summarize")
	if strings.Contains(s, "keywordextraction") {
		t.Errorf("the running second pipette's draft was offered:\n%s", s)
	}
	third.keys("r")
	s = third.waitFor("chain · me/Untitled", "restored the draft")
	if !strings.Contains(s, "sentimentanalysis → summarize") {
		t.Errorf("the killed pipette's steps are not back:\n%s", s)
	}
	second.keys("q")
	second.waitFor("EXITED 0")
	third.keys("q")
	third.waitFor("EXITED 0")
	if b, _ := os.ReadFile(secondDraft); !strings.Contains(string(b), "KeywordExtraction") {
		t.Errorf("the second pipette's draft is gone after it quit:\n%s", b)
	}
}

// TestChainSaveOverACommentedFile opens a commented chain file, renames a
// step and saves: the comments stay. Then the file is changed behind the
// builder's back: ctrl+s asks, n leaves it, y replaces it.
func TestChainSaveOverACommentedFile(t *testing.T) {
	bin := binary(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "mood.yaml")
	const src = "# How a text feels.\nchain: v1\nname: me/Mood   # published as\nversion: 1.0.0\ninput: text\nsteps:\n  # VADER, offline.\n  - id: mood\n    algo: nlp/SentimentAnalysis/1.0.0\n# The end.\n"
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	tm := newTerm(t, 100, 30, "XDG_STATE_HOME="+filepath.Join(dir, "state")+" "+bin+" "+file)
	tm.waitFor("chain · me/Mood")
	rename := func(from, to string) {
		tm.keys("n")
		tm.waitFor("Rename step " + from)
		tm.keys("C-u")
		tm.typeText(to)
		tm.keys("Enter")
		tm.waitFor(to)
	}
	rename("mood", "feel")
	tm.keys("C-s")
	tm.waitFor("saved the chain to " + file)
	want := strings.Replace(src, "id: mood", "id: feel", 1)
	if b, _ := os.ReadFile(file); string(b) != want {
		t.Fatalf("saved:\n%s\nwant:\n%s", b, want)
	}

	changed := want + "# Edited elsewhere.\n"
	if err := os.WriteFile(file, []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	rename("feel", "tone")
	tm.keys("C-s")
	tm.waitFor("changed on disk since it was opened")
	tm.keys("n")
	tm.waitFor("not written")
	if b, _ := os.ReadFile(file); string(b) != changed {
		t.Fatalf("n wrote the file:\n%s", b)
	}
	tm.keys("C-s")
	tm.waitFor("changed on disk since it was opened")
	tm.keys("y")
	tm.waitFor("saved the chain to " + file)
	if b, _ := os.ReadFile(file); !strings.Contains(string(b), "id: tone") || !strings.Contains(string(b), "# VADER, offline.") {
		t.Errorf("y did not write the chain with its comments:\n%s", b)
	}
	tm.keys("q")
	tm.waitExited(0)
}

// TestBrokenDraftSetAside leaves a draft cut short by a crash in the state
// directory: pipette starts, says on the status line where it set the
// draft aside, and an edit does not write over it.
func TestBrokenDraftSetAside(t *testing.T) {
	bin := binary(t)
	state := filepath.Join(t.TempDir(), "state")
	drafts := filepath.Join(state, "pipette", "drafts")
	if err := os.MkdirAll(drafts, 0o700); err != nil {
		t.Fatal(err)
	}
	const broken = "chain: v1\nsteps: [\n  - id: cut"
	if err := os.WriteFile(filepath.Join(drafts, "x.draft.yaml"), []byte(broken), 0o600); err != nil {
		t.Fatal(err)
	}
	tm := newTerm(t, 200, 30, "XDG_STATE_HOME="+state+" "+bin)
	s := tm.waitFor("a draft that could not be read was set aside as")
	aside, _ := filepath.Glob(filepath.Join(drafts, "x.unreadable-*.yaml"))
	if len(aside) != 1 || !strings.Contains(strings.Join(strings.Fields(s), ""), aside[0]) {
		t.Fatalf("set aside as %v; the screen:\n%s", aside, s)
	}
	tm.addStep("sentiment", "nlp/SentimentAnalysis")
	waitForDraft(t, state, "nlp/SentimentAnalysis")
	if b, _ := os.ReadFile(aside[0]); string(b) != broken {
		t.Errorf("the broken draft changed:\n%s", b)
	}
	tm.keys("q")
	tm.waitExited(0)
}
