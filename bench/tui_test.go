package bench

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
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

// BenchmarkTUIKeystroke is one filter keystroke while typing "sentiment",
// on catalogs larger than ui/components/catalog.SyncFilterMax (a smaller
// one is filtered in the key's own Update): "update" is what runs on the UI
// goroutine (the key handler, which only starts the filter); "full" adds
// the filter itself (off the UI goroutine in
// the program), installing the result and drawing the next frame, averaged
// over the word; "first" is the first letter alone (a search of the whole
// catalog) and "narrow" the last (narrowing from the previous matches).
func BenchmarkTUIKeystroke(b *testing.B) {
	const word = "sentiment"
	for _, n := range tuiSizes {
		entries := catalogOf(n)
		m := newTUI(entries)
		drive(m, tea.WindowSizeMsg{Width: 120, Height: 40})
		runCmd(m, m.Init())
		// Show the Code tab beside the list: following the selection is then
		// cheap, so the figure is the filter's (the Docs tab would add a
		// markdown render per new selection, which also runs off the UI
		// goroutine).
		drive(m, key('3'))
		drive(m, tea.KeyPressMsg{Code: tea.KeyTab})
		reset := func() {
			drive(m, tea.KeyPressMsg{Code: tea.KeyEscape})
			drive(m, key('/'))
		}
		b.Run(fmt.Sprintf("%dk/update", n/1000), func(b *testing.B) {
			var keys int
			for b.Loop() {
				b.StopTimer()
				reset()
				b.StartTimer()
				for _, r := range word {
					_, cmd := m.Update(key(r))
					keys++
					// The filter runs off the UI goroutine in the program:
					// not part of this figure.
					b.StopTimer()
					runCmd(m, cmd)
					b.StartTimer()
				}
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
		b.Run(fmt.Sprintf("%dk/first", n/1000), func(b *testing.B) {
			// The first key of a query: a search of the whole catalog, with
			// nothing to narrow from.
			var keys int
			for b.Loop() {
				b.StopTimer()
				reset()
				b.StartTimer()
				drive(m, key(rune(word[0])))
				_ = m.View()
				keys++
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(keys), "ms/key")
		})
		b.Run(fmt.Sprintf("%dk/narrow", n/1000), func(b *testing.B) {
			// One key that extends the query ("sentimen" → "sentiment"): the
			// common case while typing, answered from the previous matches.
			var keys int
			for b.Loop() {
				b.StopTimer()
				reset()
				for _, r := range word[:len(word)-1] {
					drive(m, key(r))
				}
				b.StartTimer()
				drive(m, key(rune(word[len(word)-1])))
				_ = m.View()
				keys++
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

// BenchmarkTUIProcessFirstFrame is wall time from starting the pipette
// binary (built-in catalog) in a 100×30 tmux pane to the first screen that
// lists the catalog, polled every 2 ms with capture-pane. It needs tmux and
// a binary: PIPETTE_BIN, or one built here.
func BenchmarkTUIProcessFirstFrame(b *testing.B) {
	if _, err := exec.LookPath("tmux"); err != nil {
		b.Skip("tmux is not installed")
	}
	bin, err := tuiBinary()
	if err != nil {
		b.Fatal(err)
	}
	sock := filepath.Join(b.TempDir(), "tmux.sock")
	tmux := func(args ...string) (string, error) {
		out, err := exec.Command("tmux", append([]string{"-S", sock}, args...)...).CombinedOutput()
		return string(out), err
	}
	// A session that outlives the measured ones keeps the tmux server up:
	// otherwise killing the last session stops it, racing the next start.
	if out, err := tmux("new-session", "-d", "-s", "keep", "sleep", "600"); err != nil {
		b.Fatalf("tmux: %v %s", err, out)
	}
	defer func() { _, _ = tmux("kill-server") }()
	state := b.TempDir()
	for b.Loop() {
		start := time.Now()
		if out, err := tmux("new-session", "-d", "-s", "ff", "-x", "100", "-y", "30", "env", "XDG_STATE_HOME="+state, "XDG_CONFIG_HOME="+state, "PIPETTE_API=", bin); err != nil {
			b.Fatalf("tmux: %v %s", err, out)
		}
		for {
			s, _ := tmux("capture-pane", "-p", "-t", "ff")
			if strings.Contains(s, " models ") {
				break
			}
			if time.Since(start) > 10*time.Second {
				b.Fatalf("no catalog on screen after 10 s:\n%s", s)
			}
			time.Sleep(2 * time.Millisecond)
		}
		b.StopTimer()
		_, _ = tmux("kill-session", "-t", "ff")
		b.StartTimer()
	}
}

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// tuiBinary is PIPETTE_BIN, or pipette built once per benchmark process
// (bench/run repeats each benchmark with -count).
func tuiBinary() (string, error) {
	if bin := os.Getenv("PIPETTE_BIN"); bin != "" {
		return bin, nil
	}
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "pipette-bench-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "pipette")
		if out, err := exec.Command("go", "build", "-o", binPath, "pipette").CombinedOutput(); err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	return binPath, binErr
}
