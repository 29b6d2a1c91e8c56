package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"pipette/pipebuilder"
	"pipette/ui/dialog"
	"pipette/ui/internal/uitest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"pipette/algorithms"
	"pipette/catalog"
	"pipette/client"
)

// testRegistry is a small, deterministic catalog for UI tests.
func testRegistry() *algorithms.Registry {
	reg := algorithms.NewRegistry("testcat")
	entry := func(ref, tagline string, in, out catalog.Kind, tags []string, docs string, samples ...catalog.Sample) catalog.Entry {
		return catalog.Entry{Ref: catalog.MustParseRef(ref), Tagline: tagline, InputKind: in, OutputKind: out, Tags: tags, Docs: docs, Samples: samples, License: "MIT"}
	}
	reg.Register(
		algorithms.Algorithm{
			Entry: entry("test/Shout/1.0.0", "Upper-case a text, loudly", catalog.KindText, catalog.KindText, []string{"text", "demo"},
				"# Shout\n\nShout turns a text into capitals. The needle is here.\n\n## Details\n\nAnother needle, and one more needle at the end.\n",
				catalog.Sample{Name: "greeting", Input: catalog.Text("hello pipette")},
				catalog.Sample{Name: "question", Input: catalog.Text("anyone there?")}),
			Run: func(ctx context.Context, in catalog.Value, stdout io.Writer) (catalog.Value, error) {
				return catalog.Text(strings.ToUpper(in.Text)), nil
			},
		},
		algorithms.Algorithm{
			Entry: entry("test/WordCount/1.0.0", "Count the words of a text", catalog.KindJSON, catalog.KindJSON, []string{"text", "stats"},
				"# Word count\n\nSend `{\"text\": \"...\"}`; get `{\"words\": n}`.\n",
				catalog.Sample{Name: "two words", Input: catalog.JSON(map[string]any{"text": "two words"})}),
			Run: func(ctx context.Context, in catalog.Value, stdout io.Writer) (catalog.Value, error) {
				var req struct {
					Text string `json:"text"`
				}
				if err := algorithms.DecodeJSONInput(in, &req, "{\"text\": string}"); err != nil {
					return catalog.Value{}, err
				}
				return catalog.JSON(map[string]any{"words": len(strings.Fields(req.Text))}), nil
			},
		},
		algorithms.Algorithm{
			Entry: entry("test/Pixels/1.0.0", "Draw a tiny gradient image", catalog.KindJSON, catalog.KindBinary, []string{"image", "demo"},
				"# Pixels\n\nReturns a 4×4 PNG.\n", catalog.Sample{Name: "default", Input: catalog.JSON(map[string]any{})}),
			Run: func(ctx context.Context, in catalog.Value, stdout io.Writer) (catalog.Value, error) {
				return catalog.Bytes(testPNG()), nil
			},
		},
		algorithms.Algorithm{
			Entry: entry("test/Slow/1.0.0", "Wait until cancelled", catalog.KindText, catalog.KindText, []string{"demo"},
				"# Slow\n\nNever finishes on its own.\n", catalog.Sample{Name: "wait", Input: catalog.Text("zzz")}),
			Run: func(ctx context.Context, in catalog.Value, stdout io.Writer) (catalog.Value, error) {
				select {
				case <-ctx.Done():
					return catalog.Value{}, ctx.Err()
				case <-time.After(10 * time.Second):
					return catalog.Text("woke up"), nil
				}
			},
		},
		algorithms.Algorithm{
			Entry: entry("util/Fail/1.0.0", "Always fails with an AlgorithmError", catalog.KindText, catalog.KindText, []string{"demo"},
				"# Fail\n\nFor testing error display.\n", catalog.Sample{Name: "any", Input: catalog.Text("x")}),
			Run: func(ctx context.Context, in catalog.Value, stdout io.Writer) (catalog.Value, error) {
				return catalog.Value{}, catalog.Errorf(catalog.AlgorithmError, "the model broke on purpose")
			},
		},
	)
	return reg
}

func testPNG() []byte { return uitest.Gradient(4, 4) }

// flakySource fails List while down is set, like a stopped server.
type flakySource struct {
	catalog.Source
	down atomic.Bool
}

func (f *flakySource) List(ctx context.Context) ([]catalog.Entry, error) {
	if f.down.Load() {
		return nil, errors.New("dial tcp 127.0.0.1:1: connection refused")
	}
	return f.Source.List(ctx)
}

var testTime = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

// newTestModel is a model on the test catalog, sized, loaded and filtered,
// with time frozen so that screens are deterministic.
func newTestModel(t testing.TB, w, h int, theme string) *Model {
	t.Helper()
	reg := testRegistry()
	return newTestModelWith(t, client.NewLocal(reg, reg), w, h, theme)
}

func newTestModelWith(t testing.TB, c *client.Client, w, h int, theme string) *Model {
	t.Helper()
	m := New(Options{Client: c, Theme: theme, HistoryPath: t.TempDir() + "/history.jsonl", Now: func() time.Time { return testTime }, Dark: true, Mouse: true})
	useTestTimers(m)
	send(t, m, tea.WindowSizeMsg{Width: w, Height: h})
	run(t, m, m.Init())
	return m
}

// send delivers msg and runs every command it returns, recursively, the way
// the program would (synchronously here).
func send(t testing.TB, m *Model, msg tea.Msg) {
	t.Helper()
	_, cmd := m.Update(msg)
	run(t, m, cmd)
}

func run(t testing.TB, m *Model, cmd tea.Cmd) {
	t.Helper()
	if cmd == nil {
		return
	}
	msg := cmd()
	switch msg := msg.(type) {
	case nil:
		return
	case tea.BatchMsg:
		for _, c := range msg {
			run(t, m, c)
		}
		return
	case tea.QuitMsg:
		return
	}
	send(t, m, msg)
}

// keyMsg builds the key press a terminal would send for s ("a", "enter",
// "ctrl+p", "shift+tab").
func keyMsg(s string) tea.KeyPressMsg {
	special := map[string]rune{"enter": tea.KeyEnter, "esc": tea.KeyEscape, "tab": tea.KeyTab, "up": tea.KeyUp, "down": tea.KeyDown,
		"left": tea.KeyLeft, "right": tea.KeyRight, "backspace": tea.KeyBackspace, "pgdown": tea.KeyPgDown, "pgup": tea.KeyPgUp, "space": tea.KeySpace}
	var mod tea.KeyMod
	base := s
	if strings.HasPrefix(s, "ctrl+") {
		mod, base = tea.ModCtrl, strings.TrimPrefix(s, "ctrl+")
	} else if strings.HasPrefix(s, "shift+") {
		mod, base = tea.ModShift, strings.TrimPrefix(s, "shift+")
	}
	if r, ok := special[base]; ok {
		return tea.KeyPressMsg{Code: r, Mod: mod}
	}
	r := []rune(base)[0]
	if mod != 0 {
		return tea.KeyPressMsg{Code: r, Mod: mod}
	}
	return tea.KeyPressMsg{Code: r, Text: base}
}

// press sends keys one by one; "/sh" style strings are typed rune by rune
// when prefixed with "type:".
func press(t testing.TB, m *Model, keys ...string) {
	t.Helper()
	for _, k := range keys {
		if text, ok := strings.CutPrefix(k, "type:"); ok {
			for _, r := range text {
				send(t, m, keyMsg(string(r)))
			}
			continue
		}
		send(t, m, keyMsg(k))
	}
}

func screen(m *Model) string { return m.View().Content }

func plainScreen(m *Model) string { return ansi.Strip(screen(m)) }

// assertFits fails when the view is taller or wider than the terminal.
func assertFits(t testing.TB, m *Model) {
	t.Helper()
	lines := strings.Split(screen(m), "\n")
	if len(lines) > m.com.Height {
		t.Errorf("%dx%d: view has %d lines", m.com.Width, m.com.Height, len(lines))
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w > m.com.Width {
			t.Errorf("%dx%d: line %d is %d wide: %q", m.com.Width, m.com.Height, i, w, ansi.Strip(l))
		}
	}
}

func plainScreenOf(s string) string { return ansi.Strip(s) }

// testTimers holds the timed messages a test model scheduled: nothing
// fires by itself; firePreviews fires the builder's preview debounces.
var testTimers = struct {
	sync.Mutex
	byModel map[*Model][]func(time.Time) tea.Msg
}{byModel: map[*Model][]func(time.Time) tea.Msg{}}

func useTestTimers(m *Model) {
	m.com.Clock.Tick = func(_ time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
		switch msg := fn(testTime); fmt.Sprintf("%T", msg) {
		case "docs.renderDueMsg", "ui.lateStartMsg":
			// Docs render as if the model had stayed selected, and the
			// late start starts with the first frame.
			return func() tea.Msg { return msg }
		}
		testTimers.Lock()
		defer testTimers.Unlock()
		testTimers.byModel[m] = append(testTimers.byModel[m], fn)
		return nil
	}
	m.com.Clock.Fixed = 3 * time.Millisecond
}

// firePreviews delivers the builder's pending preview debounces, as if
// typing had paused.
func firePreviews(t testing.TB, m *Model) {
	t.Helper()
	testTimers.Lock()
	fns := testTimers.byModel[m]
	testTimers.byModel[m] = nil
	testTimers.Unlock()
	for _, fn := range fns {
		if msg := fn(testTime); fmt.Sprintf("%T", msg) == "chain.previewDueMsg" {
			send(t, m, msg)
		}
	}
}

// step is the builder's newest progress or result of the step with id.
func step(m *Model, id string) pipebuilder.StepTrace {
	st, _ := m.builder.Step(id)
	return st
}

// dialogIs returns the open dialog as a T.
func dialogIs[T dialog.Dialog](m *Model) (T, bool) {
	d, ok := m.dialog.(T)
	return d, ok
}

// prompt is the open prompt, or fails the test.
func prompt(t testing.TB, m *Model) *dialog.Prompt {
	t.Helper()
	p, ok := dialogIs[*dialog.Prompt](m)
	if !ok {
		t.Fatalf("no prompt open (dialog %T)", m.dialog)
	}
	return p
}

// retype answers the open prompt with text, replacing what it holds.
func retype(t testing.TB, m *Model, text string) {
	t.Helper()
	prompt(t, m)
	press(t, m, "ctrl+u", "type:"+text, "enter")
}
