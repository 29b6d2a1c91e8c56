package docs

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"pipette/themes"
	"pipette/ui/internal/testcommon"
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

// TestTablesFitThePane: a table keeps its natural width when it fits the
// pane and is wrapped inside its cells when it does not, never cut at the
// pane's edge or torn apart by the wrapping of text; a link in a cell
// shows its URL.
func TestTablesFitThePane(t *testing.T) {
	t.Parallel()
	md := "Before.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n" +
		"| field | meaning |\n|---|---|\n| `compound` | overall polarity, from −1 (most negative) to +1 (most positive) |\n" +
		"| `link` | [the spec](https://example.com/a-spec) |\n\nAfter.\n"
	for _, p := range []themes.Palette{themes.Dark(), themes.Light(), themes.Plain()} {
		for _, w := range []int{40, 63, 120} {
			out, err := renderMarkdown(md, w, themes.New(p).Glamour)
			if err != nil {
				t.Fatal(err)
			}
			plain := ansi.Strip(out)
			lines := strings.Split(plain, "\n")
			for _, l := range lines {
				if ansi.StringWidth(l) > w {
					t.Errorf("%s at %d: line wider than the pane: %q", p.Name, w, l)
				}
			}
			small := lineWith(lines, " 1 ")
			if small == "" || ansi.StringWidth(strings.TrimRight(small, " ")) > 8 {
				t.Errorf("%s at %d: the small table is stretched: %q", p.Name, w, small)
			}
			if !strings.Contains(plain, "https://example.com/a-spec") {
				t.Errorf("%s at %d: the link's URL is not shown:\n%s", p.Name, w, plain)
			}
			for _, want := range []string{"Before.", "After.", "compound", "positive)"} {
				if !strings.Contains(plain, want) {
					t.Errorf("%s at %d: %q lost:\n%s", p.Name, w, want, plain)
				}
			}
			if strings.Contains(plain, tableMark) {
				t.Errorf("%s at %d: a table's mark is left:\n%s", p.Name, w, plain)
			}
		}
	}
}

// lineWith is the first line containing s.
func lineWith(lines []string, s string) string {
	for _, l := range lines {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}

// TestPlainMarkdown renders every markdown element in --plain: no colour
// at all, no markup left (no ** or `), and nothing but ASCII in what the
// renderer draws (borders, bullets, rules) once the screen's symbols are
// swapped for ASCII.
func TestPlainMarkdown(t *testing.T) {
	t.Parallel()
	md := "# H1 title\n\n## H2 **bold** title\n\n### H3\n\n#### H4\n\n##### H5\n\n###### H6\n\n" +
		"Text with **strong**, __strong too__, *em*, _em too_, ***both***, ~~struck~~, `code`, a [link](https://example.com/a-b), " +
		"an autolink https://example.com/x-y, <https://example.com/z>, an image ![alt text](https://example.com/i.png), and <b>html</b>.\n\n" +
		"> A quote with **bold**\n> on two lines.\n\n" +
		"- item **one**\n- item `two`\n  written on two lines\n  - nested *three*\n\n1. first\n2. second\n\n- [x] done\n- [ ] todo\n\n" +
		"| a | **b** | `c` |\n|:--|:-:|--:|\n| 1 | *2* | [3](https://example.com) |\n\n" +
		"| wide | table |\n|---|---|\n| `compound` | overall polarity, from most negative to most positive, and more words |\n\n" +
		"```go\nfunc main() {}\n```\n\n    indented code\n\n---\n\nTerm\n: definition\n\nLast line.\n"
	com := testcommon.New(themes.Plain())
	for _, w := range []int{40, 80} {
		out, err := renderMarkdown(md, w, com.Styles.Glamour)
		if err != nil {
			t.Fatal(err)
		}
		shown := com.Shown(out)
		if c := testcommon.Colours(shown); len(c) > 0 {
			t.Errorf("at %d: colours %v in:\n%s", w, c, shown)
		}
		plain := ansi.Strip(shown)
		for _, markup := range []string{"**", "__", "~~", "`", "<b>"} {
			if strings.Contains(plain, markup) {
				t.Errorf("at %d: markup %q left in:\n%s", w, markup, plain)
			}
		}
		for i, r := range plain {
			if r > 127 {
				t.Errorf("at %d: %q is not ASCII, at %q", w, r, plain[max(0, i-20):min(len(plain), i+20)])
			}
		}
		for _, want := range []string{"H1 title", "strong too", "struck", "code", "A quote with bold on two lines.", "[x] done", "func main() {}", "definition", "Last line."} {
			if !strings.Contains(plain, want) {
				t.Errorf("at %d: %q lost in:\n%s", w, want, plain)
			}
		}
	}
}
