package ui

import (
	"strings"

	tea "charm.land/bubbletea/v2"
	"testing"
	"time"

	"pipette/catalog"
	"pipette/ui/dialog"
)

// A chat model's answer streams into the Try output piece by piece, with
// its timing; the parameters from the form go with the call.
func TestTryStreamsAChat(t *testing.T) {
	t.Parallel()
	f := newFakeServer("lab")
	m := newTestModelWith(t, newFakeCatalog(t, f), 120, 40, "dark")
	selectRef(t, m, "lab/tiny-chat:1b")
	press(t, m, "2", "p")
	if _, ok := dialogIs[*dialog.Params](m); !ok {
		t.Fatalf("p opened %T", m.dialog)
	}
	press(t, m, "type:be brief", "tab", "type:3", "enter", "ctrl+s")
	if d, ok := dialogIs[*dialog.Params](m); !ok || !strings.Contains(plainScreenOf(d.View()), `temperature "3" is not a number from 0 to 2`) {
		t.Fatalf("a temperature of 3 should be refused in the form (dialog %T)", m.dialog)
	}
	press(t, m, "shift+tab", "backspace", "type:0.5", "tab", "type:64", "ctrl+s")
	if m.dialog != nil || m.try.Params().Summary() != "temp 0.5 · max 64 · system: be brief" {
		t.Fatalf("params: %q (dialog %T)", m.try.Params().Summary(), m.dialog)
	}

	// The first pieces are drawn before the answer is whole.
	f.every = 30 * time.Millisecond
	_, cmd := m.Update(keyMsg("r"))
	next := pumpOnce(m, cmd)
	if s := plainScreen(m); !m.try.Running() || !strings.Contains(s, "streaming · first token") || !strings.Contains(s, "The ") || strings.Contains(s, "blue light.") {
		t.Errorf("no piece on screen while streaming:\n%s", s)
	}
	run(t, m, next)
	s := plainScreen(m)
	if !strings.Contains(s, "The sky is blue because air scatters blue light.") || !strings.Contains(s, "✓ first token 3 ms · 42.0 tok/s") {
		t.Fatalf("the finished answer and its timing:\n%s", s)
	}
	if len(f.inputs) != 1 || f.inputs[0].Kind != catalog.KindJSON {
		t.Fatalf("sent %+v", f.inputs)
	}
	in := f.inputs[0].JSON.(map[string]any)
	if in["system"] != "be brief" || in["options"].(map[string]any)["max_tokens"] != float64(64) {
		t.Errorf("the parameters did not go with the call: %v", in)
	}
	assertFits(t, m)
}

// pumpOnce runs cmd (a batch: each of its commands) once and delivers what
// it gives to the model, returning the commands that gives back, not run:
// a test sees the frame between two batches of pieces.
func pumpOnce(m *Model, cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	if b, ok := msg.(tea.BatchMsg); ok {
		var next []tea.Cmd
		for _, c := range b {
			next = append(next, pumpOnce(m, c))
		}
		return tea.Batch(next...)
	}
	if msg == nil {
		return nil
	}
	_, next := m.Update(msg)
	return next
}

// esc while a chat streams closes the call (the server sees its request
// end and stops generating); what arrived stays, marked cancelled.
func TestTryStreamCancel(t *testing.T) {
	t.Parallel()
	f := newFakeServer("lab")
	f.every = 40 * time.Millisecond
	m := newTestModelWith(t, newFakeCatalog(t, f), 100, 30, "dark")
	selectRef(t, m, "lab/big-chat:8b")
	press(t, m, "2")
	_, cmd := m.Update(keyMsg("r"))
	next := pumpOnce(m, cmd) // the first piece
	press(t, m, "esc")
	deadline := time.Now().Add(3 * time.Second)
	for _, c := f.counts(); c < 1 && time.Now().Before(deadline); _, c = f.counts() {
		time.Sleep(5 * time.Millisecond)
	}
	if _, c := f.counts(); c != 1 {
		t.Fatalf("the server's generation was not cancelled")
	}
	run(t, m, next) // the read ends with the cancel; nothing changes
	s := plainScreen(m)
	if m.try.Running() || !strings.Contains(s, "✗ Cancelled") || !strings.Contains(s, "The ") || strings.Contains(s, "blue light.") {
		t.Errorf("after esc:\n%s", s)
	}
}

// An embedding model's answer shows its dimensions and the start of the
// vector above the JSON.
func TestTryEmbedding(t *testing.T) {
	t.Parallel()
	m := newTestModelWith(t, newFakeCatalog(t, newFakeServer("lab")), 100, 30, "dark")
	selectRef(t, m, "lab/embed-text")
	press(t, m, "2", "r")
	if s := plainScreen(m); !strings.Contains(s, "8 dimensions") || !strings.Contains(s, "[0.0000, 0.1000, 0.2000") {
		t.Errorf("embedding:\n%s", s)
	}
}

// An OIP model's listing has no sample; its details bring one made from
// its tensors' metadata, which becomes the Try input.
func TestTryTensorSample(t *testing.T) {
	t.Parallel()
	f := newFakeServer("kserve")
	f.models = []catalog.Model{{ID: "iris", Kind: catalog.ModelTensor, Family: "sklearn",
		Inputs: []catalog.Tensor{{Name: "input-0", Datatype: "FP32", Shape: []int64{-1, 4}}}, Outputs: []catalog.Tensor{{Name: "output-0", Datatype: "INT64", Shape: []int64{-1}}}}}
	m := newTestModelWith(t, newFakeCatalog(t, f), 100, 30, "dark")
	selectRef(t, m, "kserve/iris")
	press(t, m, "2")
	s := plainScreen(m)
	if !strings.Contains(s, "from the tensor metadata") || !strings.Contains(s, `"inputs": [`) || !strings.Contains(s, `"data": [`) {
		t.Errorf("the tensor sample is not the input:\n%s", s)
	}
	press(t, m, "r")
	if len(f.inputs) != 1 || f.inputs[0].Kind != catalog.KindJSON {
		t.Errorf("sent %+v", f.inputs)
	}
}
