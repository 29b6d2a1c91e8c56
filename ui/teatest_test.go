package ui

import (
	"bytes"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"pipette/client"
)

// programOutput keeps everything a teatest program printed, and its waits
// look at all of it. teatest.WaitFor starts from nothing on each call, so
// text that one wait read past was lost to the next, and the diffing renderer
// never prints unchanged text again: that wait timed out (rarely, under
// load). So each text waited for must be one that can only appear after the
// keys sent before its wait.
type programOutput struct {
	tm  *teatest.TestModel
	out bytes.Buffer
}

func (s *programOutput) waitFor(t *testing.T) func(what string) {
	return func(what string) {
		t.Helper()
		var read []byte // all this wait has read so far
		teatest.WaitFor(t, s.tm.Output(), func(b []byte) bool {
			read = b
			return bytes.Contains(s.out.Bytes(), []byte(what)) || bytes.Contains(b, []byte(what))
		}, teatest.WithDuration(15*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
		s.out.Write(read)
	}
}

// TestProgramEndToEnd runs the real Bubble Tea program (renderer, command
// scheduling, ticks) on the test catalog: filter, open the docs, run the
// first sample, see its output, quit.
func TestProgramEndToEnd(t *testing.T) {
	reg := testRegistry()
	m := New(Options{Client: client.NewLocal(reg, reg), Theme: "dark", HistoryPath: t.TempDir() + "/h.jsonl"})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(100, 30))
	scr := &programOutput{tm: tm}
	wait := scr.waitFor(t)
	wait("5 models")
	// The renderer only redraws what changed, so each wait looks for text
	// that appears whole: the docs of the model the filter selected.
	tm.Type("/shout")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	tm.Type("1")
	wait("capitals")
	tm.Type("2")       // the Try tab
	wait("ctrl+r run") // its footer
	tm.Type("r")
	wait("HELLO PIPETTE")
	tm.Type("q")
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	if !final.quitting {
		t.Error("q did not quit")
	}
	if resp, _ := final.try.Result(); resp == nil || resp.Value.Text != "HELLO PIPETTE" {
		t.Errorf("final output = %+v", resp)
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
	scr := &programOutput{tm: tm}
	wait := scr.waitFor(t)
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
		if st := step(final, id); !st.Done || st.Err != nil {
			t.Errorf("step %s: %+v", id, st)
		}
	}
	if out := final.builder.Trace().Output.Text; out != "HELLO PIPETTE" {
		t.Errorf("output = %q", out)
	}
}
