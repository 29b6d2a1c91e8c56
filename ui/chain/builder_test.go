package chain

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"pipette/catalog"
	"pipette/pipebuilder"
	"pipette/ui/dialog"
	"pipette/ui/internal/uitest"
)

// ran is a builder whose one step ran and gave v.
func ran(t *testing.T, v catalog.Value) *Builder {
	t.Helper()
	b := benchBuilder()
	b.c = &pipebuilder.Chain{Name: "me/Meme", Steps: []pipebuilder.Step{{ID: "caption", Algo: "image/OverlayText/1.0.0"}}}
	st := pipebuilder.StepTrace{ID: "caption", Result: v, ContentType: "image/png", Done: true}
	b.trace = &pipebuilder.Trace{Steps: []pipebuilder.StepTrace{st}}
	b.live["caption"] = st
	b.SetSize(100, 30)
	b.Prepare()
	return b
}

// w saves the selected step's result (a binary one too) to the file the
// prompt is answered with; z shows the result alone, larger.
func TestSaveAndZoomAResult(t *testing.T) {
	t.Parallel()
	png := uitest.Gradient(64, 48)
	b := ran(t, catalog.Bytes(png))
	cmd := b.Perform("chain_save_result")
	open, ok := cmd().(dialog.OpenMsg)
	if p, isPrompt := open.Dialog.(*dialog.Prompt); !ok || !isPrompt || p.Value() != "caption.png" {
		t.Fatalf("w opened %#v, want a prompt suggesting caption.png", open)
	}
	path := filepath.Join(t.TempDir(), "meme.png")
	save, err := b.HandleSubmit(dialog.SaveStepResult, path)
	if err != nil || save == nil {
		t.Fatalf("submit: %v", err)
	}
	// The write looks first (a new file in an existing folder: no question),
	// then writes.
	for msg := save(); msg != nil; {
		cmd := b.Update(msg)
		if cmd == nil {
			break
		}
		msg = cmd()
	}
	if got, err := os.ReadFile(path); err != nil || string(got) != string(png) {
		t.Errorf("saved %d bytes (%v), want the %d of the result", len(got), err, len(png))
	}

	small := strings.Count(b.View(), "▀")
	b.Perform("chain_zoom_result")
	b.Prepare()
	if big := strings.Count(b.View(), "▀"); big <= small {
		t.Errorf("zoomed preview has %d half blocks, not more than %d", big, small)
	}
	if !strings.Contains(ansi.Strip(b.View()), "result · image/png") {
		t.Errorf("the zoomed view lacks the result's header:\n%s", ansi.Strip(b.View()))
	}
	b.Perform("clear") // esc ends the zoom first
	if b.zoom {
		t.Error("esc did not end the zoom")
	}
}

// A preview answering an older edit of the mapping is dropped.
func TestStalePreviewIsDropped(t *testing.T) {
	t.Parallel()
	b := ran(t, catalog.Text("x"))
	b.editing, b.target = true, targetInput
	b.previewSeq = 5
	b.Update(previewMsg{seq: 4, err: errString("stale")})
	if b.previewErr != nil {
		t.Error("a stale preview was installed")
	}
	b.Update(previewMsg{seq: 5, value: catalog.Text("fresh")})
	if b.preview.Text != "fresh" {
		t.Errorf("the current preview was not installed: %+v", b.preview)
	}
	var _ tea.Msg = previewDueMsg{}
}

type errString string

func (e errString) Error() string { return string(e) }
