package docs

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"pipette/algorithms/builtin"
	"pipette/themes"
)

// TestListItemsKeepTheirIndent renders every built-in model's docs, whose
// list items are written over several source lines with inline code in
// them, and checks that every line of an item after its first starts
// under the item's text, and that no URL is broken where the pane is wide
// enough for it.
func TestListItemsKeepTheirIndent(t *testing.T) {
	t.Parallel()
	entries, err := builtin.Registry().List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	type run struct {
		pal   themes.Palette
		width int
	}
	runs := []run{{themes.Dark(), 40}, {themes.Dark(), 63}, {themes.Dark(), 107}, {themes.Light(), 63}, {themes.Plain(), 63}}
	for _, e := range entries {
		if !strings.Contains(e.Docs, "\n* ") && !strings.Contains(e.Docs, "\n- ") {
			continue
		}
		for _, r := range runs {
			t.Run(fmt.Sprintf("%s/%s_%d", e.Ref.Path(), r.pal.Name, r.width), func(t *testing.T) {
				out, err := renderMarkdown(docsMarkdown(e), r.width, themes.New(r.pal).Glamour)
				if err != nil {
					t.Fatal(err)
				}
				checkListIndent(t, ansi.Strip(out))
				checkURLsWhole(t, e.Docs, ansi.Strip(out), r.width)
			})
		}
	}
}

// TestJoinListLines: a tight item's source lines join; a paragraph, a loose
// item's paragraph, code and a quote's markers stay as written.
func TestJoinListLines(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"* one\n  two `code`\n  three\n* four\n", "* one two `code` three\n* four\n"},
		{"1. one\n   two\n   1. nested\n      more\n", "1. one two\n   1. nested more\n"},
		{"para\ngraph\n", "para\ngraph\n"},
		{"* a `co\n  de` b\n", "* a `co\n  de` b\n"},
		{"> * quoted\n>   item\n", "> * quoted\n>   item\n"},
		{"* *em\n  phasis*\n", "* *em phasis*\n"},
		{"* hard  \n  break\n", "* hard  \n  break\n"},
		{"```\n* not\n  a list\n```\n", "```\n* not\n  a list\n```\n"},
	} {
		if got := joinListLines(tc.in); got != tc.want {
			t.Errorf("joinListLines(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

var itemStart = regexp.MustCompile(`^(\s*)([•*-]|\d+\.) `)

// checkListIndent fails when a line that continues a list item (the lines
// after an item's first, up to a blank line or the next item) does not
// start where the item's text does.
func checkListIndent(t *testing.T, out string) {
	t.Helper()
	indent := -1 // the current item's text column; -1 outside a list
	for i, line := range strings.Split(out, "\n") {
		switch m := itemStart.FindString(line); {
		case strings.TrimSpace(line) == "":
			indent = -1
		case m != "":
			indent = ansi.StringWidth(m)
		case indent >= 0:
			if got := len(line) - len(strings.TrimLeft(line, " ")); got != indent {
				t.Errorf("line %d continues a list item at column %d, not under its text (%d): %q\n%s", i, got, indent, line, out)
				return
			}
		}
	}
}

var urlPattern = regexp.MustCompile(`https?://[^\s)>\]]+`)

// checkURLsWhole fails when a URL of the docs that fits the width is not
// on one line of the rendering.
func checkURLsWhole(t *testing.T, md, out string, width int) {
	t.Helper()
	for _, u := range urlPattern.FindAllString(md, -1) {
		u = strings.TrimRight(u, ".,;:")
		if len(u) > width-8 {
			continue
		}
		if strings.Contains(out, strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://")) {
			continue
		}
		t.Errorf("URL %s is broken across lines:\n%s", u, out)
	}
}
