package docs

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"pipette/themes"
)

// TestDocsWrapping: list items wrap under their text, a URL is never
// broken at a hyphen (it moves to a line of its own, cut only at the edge
// when longer than the pane), and --plain shows no markdown markup.
func TestDocsWrapping(t *testing.T) {
	md := "Some **bold** and *em* text with `code`.\n\n" +
		"- a list item that is long enough to wrap around the width of the pane\n" +
		"  1. a nested numbered item that also wraps because it is long enough\n\n" +
		"See https://example.com/a-hyphenated-path for more.\n"
	for _, p := range []themes.Palette{themes.Dark(), themes.Light(), themes.Plain()} {
		out, err := renderMarkdown(md, 44, themes.New(p).Glamour)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(ansi.Strip(out), "\n")
		// A list item's next line starts under its text.
		for i, l := range lines[:len(lines)-1] {
			for _, item := range []string{"a list item", "a nested"} {
				if at := strings.Index(l, item); at >= 0 {
					if next := lines[i+1]; len(next)-len(strings.TrimLeft(next, " ")) != ansi.StringWidth(l[:at]) {
						t.Errorf("%s: %q continues as %q", p.Name, l, next)
					}
				}
			}
		}
		for _, want := range []string{"https://example.com/a-hyphenated-path"} {
			found := false
			for _, l := range lines {
				found = found || strings.HasPrefix(l, want) || strings.HasPrefix(want, "https") && strings.Contains(l, want)
			}
			if !found {
				t.Errorf("%s: no line %q in:\n%s", p.Name, want, ansi.Strip(out))
			}
		}
		for _, l := range lines {
			if ansi.StringWidth(l) > 44 {
				t.Errorf("%s: line wider than 44: %q", p.Name, l)
			}
		}
		if p.Plain && (strings.Contains(out, "**") || strings.Contains(out, "*em*") || strings.Contains(out, "`")) {
			t.Errorf("plain docs show markup:\n%s", out)
		}
	}
}
