package docs

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"pipette/catalog"
	"pipette/themes"
	"pipette/ui/internal/testcommon"
)

var shout = catalog.Entry{
	Ref:     catalog.MustParseRef("test/Shout/1.0.0"),
	Tagline: "Upper-case a text, loudly",
	Docs:    "# Shout\n\nShout turns a text into capitals. The needle is here.\n\n## Details\n\nAnother needle, and one more needle at the end.\n",
}

func newTestDocs(w, h int) *Docs {
	d := New(testcommon.New(themes.Dark()))
	d.SetSize(w, h)
	return d
}

// show selects e and installs its render, as the program would once the
// model has stayed selected (the test's clock fires at once).
func show(t testing.TB, d *Docs, e catalog.Entry) {
	t.Helper()
	d.com.Clock.Tick = func(_ time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
		return func() tea.Msg { return fn(time.Time{}) }
	}
	for cmd := d.Show(e); cmd != nil; {
		cmd = d.Update(cmd())
	}
}

// press sends keys one by one; "type:" text is typed rune by rune.
func press(d *Docs, ks ...string) {
	special := map[string]rune{"enter": tea.KeyEnter, "esc": tea.KeyEscape}
	for _, k := range ks {
		if text, ok := strings.CutPrefix(k, "type:"); ok {
			for _, r := range text {
				d.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
			}
			continue
		}
		if r, ok := special[k]; ok {
			d.Update(tea.KeyPressMsg{Code: r})
			continue
		}
		d.Update(tea.KeyPressMsg{Code: []rune(k)[0], Text: k})
	}
}

func TestDocsRenderAndSearch(t *testing.T) {
	t.Parallel()
	d := newTestDocs(60, 20)
	show(t, d, shout)
	if !strings.Contains(ansi.Strip(d.View()), "Shout turns a text into capitals") {
		t.Fatalf("docs not rendered:\n%s", ansi.Strip(d.View()))
	}
	press(d, "/", "type:needle", "enter")
	if _, n := d.Matches(); n != 3 {
		t.Fatalf("hits = %d, want 3", n)
	}
	if !strings.Contains(ansi.Strip(d.View()), `"needle" 1/3`) {
		t.Errorf("search position not shown:\n%s", ansi.Strip(d.View()))
	}
	press(d, "n")
	if hit, _ := d.Matches(); hit != 2 {
		t.Errorf("n: hit %d", hit-1)
	}
	press(d, "N", "N")
	if hit, _ := d.Matches(); hit != 3 {
		t.Errorf("N wraps: hit %d", hit-1)
	}
	if !strings.Contains(d.View(), d.com.Styles.SearchCurrent.Render("needle")) {
		t.Error("current match not highlighted")
	}
	press(d, "esc")
	if _, n := d.Matches(); n != 0 {
		t.Error("esc should clear the search")
	}
}

func TestDocsCachedPerWidth(t *testing.T) {
	t.Parallel()
	d := newTestDocs(60, 20)
	show(t, d, shout)
	n := len(d.cache)
	for _, w := range []int{90, 60} {
		d.SetSize(w, 20)
		show(t, d, shout)
	}
	if len(d.cache) != n+1 {
		t.Errorf("cache has %d renders, want %d (one per width)", len(d.cache), n+1)
	}
}

// A model's docs are rendered only once it has stayed selected: moving on
// before RenderDelay drops its render (typing a filter changes the
// selection at every key), and docs already rendered show at once.
func TestDocsRenderWhenTheSelectionSettles(t *testing.T) {
	t.Parallel()
	d := newTestDocs(60, 20)
	var due []time.Duration
	d.com.Clock.Tick = func(after time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
		due = append(due, after)
		return func() tea.Msg { return fn(time.Time{}) }
	}
	other := shout
	other.Ref = catalog.MustParseRef("test/Other/1.0.0")
	first, second := d.Show(shout), d.Show(other)
	if first == nil || second == nil || len(due) != 2 || due[0] != RenderDelay {
		t.Fatalf("no delayed render: %v", due)
	}
	if cmd := d.Update(first()); cmd != nil {
		t.Error("the docs of a model no longer selected were rendered")
	}
	render := d.Update(second())
	if render == nil {
		t.Fatal("the selected model's docs were not rendered")
	}
	d.Update(render())
	if !strings.Contains(ansi.Strip(d.View()), "Shout turns a text") {
		t.Errorf("not rendered:\n%s", ansi.Strip(d.View()))
	}
	// Back and forth: the render is cached, shown without a delay.
	d.Show(shout)
	if cmd := d.Show(other); cmd != nil || !strings.Contains(ansi.Strip(d.View()), "Shout turns a text") {
		t.Error("a cached render waited")
	}
}
