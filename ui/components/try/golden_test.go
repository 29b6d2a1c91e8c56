package try

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"pipette/algorithms"
	"pipette/catalog"
	"pipette/client"
	"pipette/ui/common"
	"pipette/ui/history"
	"pipette/ui/internal/testcommon"
	"pipette/ui/keys"
)

// goldenSizes are the tab's content sizes in the whole screen's layouts
// (80×24, 120×40, 200×50).
var goldenSizes = [][2]int{{78, 10}, {64, 34}, {108, 44}}

// goldenRegistry runs the models the goldens show: one answering text,
// one JSON, one that fails.
func goldenRegistry() *algorithms.Registry {
	reg := algorithms.NewRegistry("testcat")
	entry := func(ref string, in, out catalog.Kind, samples ...catalog.Sample) catalog.Entry {
		return catalog.Entry{Ref: catalog.MustParseRef(ref), InputKind: in, OutputKind: out, Samples: samples}
	}
	reg.Register(
		algorithms.Algorithm{
			Entry: entry("test/Shout/1.0.0", catalog.KindText, catalog.KindText,
				catalog.Sample{Name: "greeting", Input: catalog.Text("hello pipette")}, catalog.Sample{Name: "question", Input: catalog.Text("anyone there?")}),
			Run: func(ctx context.Context, in catalog.Value, _ io.Writer) (catalog.Value, error) {
				return catalog.Text(strings.ToUpper(in.Text)), nil
			},
		},
		algorithms.Algorithm{
			Entry: entry("test/WordCount/1.0.0", catalog.KindJSON, catalog.KindJSON,
				catalog.Sample{Name: "two words", Input: catalog.JSON(map[string]any{"text": "two words"})}),
			Run: func(ctx context.Context, in catalog.Value, _ io.Writer) (catalog.Value, error) {
				return catalog.JSON(map[string]any{"words": 2, "chars": 9, "lines": []any{"two words"}}), nil
			},
		},
		algorithms.Algorithm{
			Entry: entry("util/Fail/1.0.0", catalog.KindText, catalog.KindText, catalog.Sample{Name: "any", Input: catalog.Text("x")}),
			Run: func(ctx context.Context, in catalog.Value, _ io.Writer) (catalog.Value, error) {
				return catalog.Value{}, catalog.Errorf(catalog.AlgorithmError, "the model broke on purpose")
			},
		},
	)
	return reg
}

// drive runs cmd and gives the tab what it leads to, as the program would.
func drive(t *Try, cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case nil, FinishedMsg:
	case tea.BatchMsg:
		for _, c := range msg {
			drive(t, c)
		}
	default:
		drive(t, t.Update(msg))
	}
}

func typeKeys(t *Try, s string) {
	for _, r := range s {
		drive(t, t.Update(tea.KeyPressMsg{Code: r, Text: string(r)}))
	}
}

// TestGolden pins the tab drawn alone in every theme at the sizes it has
// on screen: a model's sample, a JSON answer, a failure, the input being
// edited (its output marked stale), a run replayed from the history.
func TestGolden(t *testing.T) {
	t.Parallel()
	reg := goldenRegistry()
	c := client.NewLocal(reg, reg)
	model := func(path string) catalog.Entry {
		e, err := reg.Get(context.Background(), catalog.MustParseRef(path))
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	// In the local zone, so that the screen (which shows local times) is the
	// same on every machine.
	at := time.Date(2026, 11, 24, 12, 0, 0, 0, time.Local)
	scenes := []struct {
		name string
		do   func(tr *Try)
	}{
		{"sample", func(tr *Try) { tr.Show(model("test/Shout")) }},
		{"json", func(tr *Try) { tr.Show(model("test/WordCount")); drive(tr, tr.Perform(keys.Run)) }},
		{"error", func(tr *Try) { tr.Show(model("util/Fail")); drive(tr, tr.Perform(keys.Run)) }},
		{"editing_stale", func(tr *Try) {
			tr.Show(model("test/Shout"))
			drive(tr, tr.Perform(keys.Run))
			drive(tr, tr.Perform(keys.Edit))
			typeKeys(tr, ", and goodbye")
		}},
		{"history", func(tr *Try) {
			tr.Show(model("test/WordCount"))
			tr.SetInput(catalog.Text(`{"text": "three more words"}`), true)
			tr.ShowRecord(history.Record{Ref: "test/WordCount/1.0.0", Input: `{"text": "three more words"}`, Output: `{"words": 3}`,
				Type: "application/json", Time: at.Add(-time.Hour), Duration: 2 * time.Millisecond})
		}},
	}
	var goldens []testcommon.Scene
	for _, sc := range scenes {
		goldens = append(goldens, testcommon.Scene{Name: sc.name, Draw: func(t *testing.T, com *common.Common, w, h int) string {
			com.Clock.Now = func() time.Time { return at }
			com.Clock.Fixed = 3 * time.Millisecond
			tr := New(com, c)
			tr.SetSize(w, h)
			sc.do(tr)
			tr.Prepare()
			return tr.View()
		}})
	}
	testcommon.Goldens(t, goldenSizes, goldens)
}
