package code

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"pipette/catalog"
	"pipette/client/snippet"
	"pipette/themes"
	"pipette/ui/common"
	"pipette/ui/components/graphics"
	"pipette/ui/keys"
)

func press(c *Code, k string) {
	special := map[string]rune{"right": tea.KeyRight, "left": tea.KeyLeft}
	if r, ok := special[k]; ok {
		c.Update(tea.KeyPressMsg{Code: r})
		return
	}
	c.Update(tea.KeyPressMsg{Code: []rune(k)[0], Text: k})
}

// A snippet is never wrapped in the middle of a word: a long line is cut
// at the pane's edge and scrolls sideways, so what is shown can be copied.
func TestSnippetsScrollSidewaysInsteadOfWrapping(t *testing.T) {
	t.Parallel()
	com := &common.Common{Styles: themes.New(themes.Dark()), Keys: keys.Default(), Graphics: graphics.New(graphics.ImagesOff)}
	c := New(com, "", false)
	c.SetSize(40, 20)
	ref := catalog.MustParseRef("test/WordCount/1.0.0")
	c.Show(ref, snippet.Input{Kind: catalog.KindJSON, Text: `{"text": "a longer text than the pane is wide, with words"}`})
	view := ansi.Strip(c.View())
	lines := strings.Split(view, "\n")
	if len(lines) != 20 {
		t.Fatalf("%d lines, want 20", len(lines))
	}
	for _, l := range lines {
		if ansi.StringWidth(l) > 40 {
			t.Errorf("a line is wider than the pane: %q", l)
		}
	}
	// The curl line with the URL is cut, not wrapped onto the next line.
	if !strings.Contains(view, "curl -sS -X POST 'http://127.0.0.1:80") || strings.Contains(view, "\n80/v1/algo") {
		t.Errorf("the URL was wrapped:\n%s", view)
	}
	for range 4 {
		press(c, "right")
	}
	if v := ansi.Strip(c.View()); !strings.Contains(v, "algo/test/WordCount") || !strings.Contains(v, "col 33") {
		t.Errorf("→ did not scroll sideways:\n%s", v)
	}
	press(c, "]")
	if c.Lang() != "Go" {
		t.Errorf("] gave %s", c.Lang())
	}
}
