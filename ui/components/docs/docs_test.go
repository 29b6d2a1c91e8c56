package docs

import (
	"strings"
	"testing"

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

// show selects e and installs its render, as the program would.
func show(t testing.TB, d *Docs, e catalog.Entry) {
	t.Helper()
	if cmd := d.Show(e); cmd != nil {
		d.Update(cmd())
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
