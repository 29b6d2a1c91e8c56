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
	add := func(filter, ref string) {
		tm.keys("/")
		tm.typeText(filter)
		tm.waitFor("▸ " + ref)
		tm.keys("Enter", "a")
		tm.waitFor("added " + ref)
		tm.keys("Escape")
	}
	add("sentiment", "nlp/SentimentAnalysis")
	add("keyword", "nlp/KeywordExtraction")
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
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if b, _ := os.ReadFile(ownDraft(state)); strings.Contains(string(b), "{text: .input}") {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}

	b, err := os.ReadFile(ownDraft(state))
	if err != nil || !strings.Contains(string(b), "id: keys") || !strings.Contains(string(b), "{text: .input}") {
		t.Fatalf("no draft with the renamed step before the kill: %v\n%s", err, b)
	}
	pid := tm.childPID()
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatalf("kill %d: %v", pid, err)
	}
	tm.waitFor("EXITED 137")

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

// ownDraft is the draft the only pipette running on state writes.
func ownDraft(state string) string {
	found, _ := filepath.Glob(filepath.Join(state, "pipette", "drafts", "*.draft.yaml"))
	if len(found) != 1 {
		return filepath.Join(state, "pipette", "drafts", "none.draft.yaml")
	}
	return found[0]
}
