package dialog

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"pipette/catalog"
	"pipette/client"
	"pipette/internal/filestamp"
	"pipette/ui/common"
	"pipette/ui/components/params"
	"pipette/ui/history"
	"pipette/ui/internal/testcommon"
	"pipette/ui/keys"
)

// goldenAt is the clock the goldens are drawn at, in the local zone: the
// dialogs show local times, the same on every machine this way.
var goldenAt = time.Date(2026, 11, 24, 12, 0, 0, 0, time.Local)

// fakeData is a Data store of one folder: a subfolder, a text file, an
// image.
type fakeData struct{}

func (fakeData) List(_ context.Context, uri string) ([]client.DirEntry, error) {
	return []client.DirEntry{
		{URI: uri + "/photos", Name: "photos", Dir: true},
		{URI: uri + "/notes.txt", Name: "notes.txt", Size: 1834, LastModified: goldenAt.Add(-48 * time.Hour)},
		{URI: uri + "/scores.json", Name: "scores.json", Size: 2 << 20, LastModified: goldenAt.Add(-time.Hour)},
	}, nil
}

func (fakeData) Head(_ context.Context, uri string, n int) ([]byte, error) {
	return []byte("Shopping list\n- coffee\n- a longer line that runs past the width of a narrow dialog box, to be cut\n- milk\n"), nil
}

// settle runs cmd and gives the dialog the messages it leads to.
func settle(d Dialog, cmd tea.Cmd) {
	for cmd != nil {
		msg := cmd()
		if b, ok := msg.(tea.BatchMsg); ok {
			for _, c := range b {
				settle(d, c)
			}
			return
		}
		if msg == nil {
			return
		}
		_, cmd = d.Update(msg)
	}
}

// goldenDialogs are the dialogs in a state worth seeing: each made for
// com, then (sized, as the root opens it) given keys by act.
var goldenDialogs = []struct {
	name string
	make func(com *common.Common) Dialog
	act  func(d Dialog)
}{
	{"palette", func(com *common.Common) Dialog {
		models := []catalog.Entry{{Ref: catalog.MustParseRef("nlp/SentimentAnalysis/1.0.0"), Tagline: "positive or negative"}}
		return NewPalette(com, keys.ScopeCatalog, func(string) []catalog.Entry { return models })
	}, func(d Dialog) { typeInto(d, "theme") }},
	{"palette_empty", func(com *common.Common) Dialog {
		return NewPalette(com, keys.ScopeTry, func(string) []catalog.Entry { return nil })
	}, nil},
	{"tags", func(com *common.Common) Dialog {
		return NewTags(com, []catalog.TagCount{{Tag: "nlp", Count: 6}, {Tag: "image", Count: 4}, {Tag: "cv", Count: 3}, {Tag: "text", Count: 2}})
	}, nil},
	{"history", func(com *common.Common) Dialog {
		return NewHistory(com, []history.Record{
			{Ref: "nlp/SentimentAnalysis/1.0.0", Input: "what a great day", Output: `{"compound": 0.62}`, Type: "application/json", Time: goldenAt.Add(-time.Minute), Duration: 3 * time.Millisecond},
			{Ref: "image/Transform/1.0.0", Input: "iVBORw0KGgo=", Binary: true, Output: "(binary, 12 KB)", Time: goldenAt.Add(-26 * time.Hour), Duration: 41 * time.Millisecond},
			{Ref: "util/Fail/1.0.0", Input: "x", Error: "AlgorithmError", Output: "the model broke on purpose", Time: goldenAt.Add(-50 * time.Hour), Duration: time.Millisecond},
		})
	}, nil},
	{"export", func(com *common.Common) Dialog { return NewExport(com) }, nil},
	{"prompt", func(com *common.Common) Dialog {
		p := NewPrompt(com, SaveOutput, "Save the output to", "output/wordcount.json")
		p.SetError("output/ is a file; give a folder")
		return p
	}, nil},
	{"confirm", func(com *common.Common) Dialog {
		return NewConfirm(com, RestoreDraft, "Restore the chain you were building?", []string{"demo/MemeGenerator · 4 steps · saved Nov 24 11:58"},
			Option{Key: "r", Label: "restore", Choice: ChoiceRestore}, Option{Key: "d", Label: "discard", Choice: ChoiceDiscard},
			Option{Key: "l", Label: "later (kept for next time)", Choice: ChoiceNo})
	}, nil},
	{"replace", func(com *common.Common) Dialog {
		return NewReplace(com, ReplaceFile, filestamp.Changed, "examples/meme.yaml", "the chain", "", true)
	}, nil},
	{"help", func(com *common.Common) Dialog { return NewHelp(com, "/home/user/.config/pipette/config.yaml") }, nil},
	{"sources", func(com *common.Common) Dialog {
		statuses := []catalog.SourceStatus{
			{Name: "lab", Kind: "ollama", URL: "http://127.0.0.1:11434", State: catalog.SourceUp, Checked: goldenAt.Add(-2 * time.Second), Models: 3, Version: "0.5.7", Discovered: true},
			{Name: "farm", Kind: "openai", URL: "https://farm.example.com/v1", State: catalog.SourceDown, Reason: "dial tcp 203.0.113.7:443: connect: connection refused", Checked: goldenAt.Add(-4 * time.Second)},
		}
		return NewSources(com, []SourceCount{{Name: "builtin", Models: 19}}, statuses, map[string]int{"builtin": 19, "lab": 3, "farm": 2}, "lab")
	}, nil},
	{"params", func(com *common.Common) Dialog {
		return NewParams(com, "Parameters of lab/tiny-chat:1b", params.Params{System: "Answer in one sentence.", Temperature: 0.2, HasTemp: true, MaxTokens: 64})
	}, nil},
	{"data", func(com *common.Common) Dialog {
		d, cmd := NewDataBrowser(com, fakeData{}, "data://.my")
		settle(d, cmd)
		return d
	}, func(d Dialog) {
		_, cmd := d.Update(press("down"))
		settle(d, cmd)
	}},
}

// TestGolden pins every dialog's box drawn alone in every theme, in the
// terminal sizes of the whole-screen goldens.
func TestGolden(t *testing.T) {
	t.Parallel()
	var goldens []testcommon.Scene
	for _, dg := range goldenDialogs {
		goldens = append(goldens, testcommon.Scene{Name: dg.name, Draw: func(t *testing.T, com *common.Common, w, h int) string {
			com.Clock.Now = func() time.Time { return goldenAt }
			com.Width, com.Height = w, h
			d := dg.make(com)
			d.SetSize(w, h)
			if dg.act != nil {
				dg.act(d)
			}
			bw, bh := d.Size()
			if bw > w || bh > h {
				t.Errorf("a %dx%d box in a %dx%d terminal", bw, bh, w, h)
			}
			view := d.View()
			if n := strings.Count(view, "\n") + 1; n != bh {
				t.Errorf("the box is %d lines, Size says %d", n, bh)
			}
			for i, l := range strings.Split(view, "\n") {
				if lw := ansi.StringWidth(l); lw > bw {
					t.Errorf("line %d is %d wide, the box %d", i, lw, bw)
				}
			}
			return view
		}})
	}
	testcommon.Goldens(t, [][2]int{{80, 24}, {120, 40}, {200, 50}}, goldens)
}
