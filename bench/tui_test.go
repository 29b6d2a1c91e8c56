package bench

import (
	"context"
	"fmt"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"pipette/catalog"
	"pipette/client"
	"pipette/ui"
)

// genSource is a catalog.Source over generated entries.
type genSource struct{ entries []catalog.Entry }

func (s genSource) Name() string { return "generated" }
func (s genSource) List(context.Context) ([]catalog.Entry, error) {
	return s.entries, nil
}
func (s genSource) Get(_ context.Context, ref catalog.Ref) (catalog.Entry, error) {
	for _, e := range s.entries {
		if e.Ref.Path() == ref.Path() {
			return e, nil
		}
	}
	return catalog.Entry{}, catalog.NotFound("%s not found", ref)
}

// noTicks keeps the clock out: spinner frames and status expiry never fire.
func noTicks(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil }

// drive delivers msg and runs the commands it returns synchronously, as the
// program would on its own goroutines.
func drive(m tea.Model, msg tea.Msg) {
	_, cmd := m.Update(msg)
	runCmd(m, cmd)
}

func runCmd(m tea.Model, cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			runCmd(m, c)
		}
	default:
		drive(m, msg)
	}
}

func key(r rune) tea.KeyPressMsg { return tea.KeyPressMsg{Code: r, Text: string(r)} }

var tuiSizes = []int{1_000, 10_000, 100_000}

func newTUI(entries []catalog.Entry) *ui.Model {
	src := genSource{entries}
	return ui.New(ui.Options{Client: client.NewLocal(nil, src), Theme: "dark", Tick: noTicks})
}

// BenchmarkTUIFirstFrame is the work between start and the first frame that
// shows the catalog: build the model, size it, list the source, index and
// sort the entries, draw.
func BenchmarkTUIFirstFrame(b *testing.B) {
	for _, n := range tuiSizes {
		entries := catalogOf(n)
		b.Run(fmt.Sprintf("%dk", n/1000), func(b *testing.B) {
			for b.Loop() {
				m := newTUI(entries)
				drive(m, tea.WindowSizeMsg{Width: 120, Height: 40})
				runCmd(m, m.Init())
				_ = m.View()
			}
		})
	}
}

// BenchmarkTUIKeystroke is one filter keystroke while typing "sentiment":
// "update" is what runs on the UI goroutine (the key handler, which only
// starts the filter); "full" adds the filter itself (off the UI goroutine in
// the program), installing the result and drawing the next frame. Each
// iteration types the whole word; the figure reported is per key.
func BenchmarkTUIKeystroke(b *testing.B) {
	const word = "sentiment"
	for _, n := range tuiSizes {
		entries := catalogOf(n)
		m := newTUI(entries)
		drive(m, tea.WindowSizeMsg{Width: 120, Height: 40})
		runCmd(m, m.Init())
		reset := func() {
			drive(m, tea.KeyPressMsg{Code: tea.KeyEscape})
			drive(m, key('/'))
		}
		b.Run(fmt.Sprintf("%dk/update", n/1000), func(b *testing.B) {
			reset()
			var keys int
			for b.Loop() {
				for _, r := range word {
					m.Update(key(r)) // the filter command is not run
					keys++
				}
				b.StopTimer()
				reset()
				b.StartTimer()
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(keys), "µs/key")
		})
		b.Run(fmt.Sprintf("%dk/full", n/1000), func(b *testing.B) {
			var keys int
			for b.Loop() {
				b.StopTimer()
				reset()
				b.StartTimer()
				for _, r := range word {
					drive(m, key(r))
					_ = m.View()
					keys++
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(keys), "ms/key")
		})
	}
}

// BenchmarkTUIView is one frame with the whole catalog listed: it must not
// grow with the catalog, since only visible rows are drawn.
func BenchmarkTUIView(b *testing.B) {
	for _, n := range tuiSizes {
		m := newTUI(catalogOf(n))
		drive(m, tea.WindowSizeMsg{Width: 120, Height: 40})
		runCmd(m, m.Init())
		b.Run(fmt.Sprintf("%dk", n/1000), func(b *testing.B) {
			for b.Loop() {
				_ = m.View()
			}
		})
	}
}
