package ui

import (
	"bytes"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"pipette/client"
)

// TestProgramEndToEnd runs the real Bubble Tea program (renderer, command
// scheduling, ticks) on the test catalog: filter, open the docs, run the
// first sample, see its output, quit.
func TestProgramEndToEnd(t *testing.T) {
	reg := testRegistry()
	m := New(Options{Client: client.NewLocal(reg, reg), Theme: "dark", HistoryPath: t.TempDir() + "/h.jsonl"})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(100, 30))
	wait := func(what string) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(what)) },
			teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	}
	wait("5 models")
	// The renderer only redraws what changed, so each wait looks for text
	// that appears whole: the docs of the model the filter selected.
	tm.Type("/shout")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	tm.Type("1")
	wait("capitals")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyTab}) // docs → try
	wait("pipette")
	tm.Type("r")
	wait("HELLO PIPETTE")
	tm.Type("q")
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	if !final.quitting {
		t.Error("q did not quit")
	}
	if final.try.resp == nil || final.try.resp.Value.Text != "HELLO PIPETTE" {
		t.Errorf("final output = %+v", final.try.resp)
	}
	final.quitting = false
	assertFits(t, final)
}

// TestChainRunInTheProgram runs a chain through the real program: the run's
// progress arrives as messages read from the run's channel by the program's
// command loop, and the pipeline shows every step done.
func TestChainRunInTheProgram(t *testing.T) {
	reg := testRegistry()
	m := New(Options{Client: client.NewLocal(reg, reg), Theme: "dark", HistoryPath: t.TempDir() + "/h.jsonl", DraftPath: t.TempDir() + "/draft.yaml"})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(100, 30))
	wait := func(what string) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(what)) },
			teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	}
	wait("5 models")
	tm.Type("/shout")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	tm.Type("a")
	wait("added test/Shout")
	tm.Type("a")
	wait("shout2")
	tm.Type("c")
	wait("2 steps")
	tm.Type("r")
	wait("the chain ran")
	tm.Type("q")
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	for _, id := range []string{"shout", "shout2"} {
		if st := final.chain.live[id]; !st.Done || st.Err != nil {
			t.Errorf("step %s: %+v", id, st)
		}
	}
	if out := final.chain.trace.Output.Text; out != "HELLO PIPETTE" {
		t.Errorf("output = %q", out)
	}
}
