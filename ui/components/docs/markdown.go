package docs

import (
	"fmt"
	"regexp"
	"strings"

	"charm.land/glamour/v2"
	"charm.land/glamour/v2/ansi"
	xansi "github.com/charmbracelet/x/ansi"

	"pipette/catalog"
)

// renderMarkdown is glamour at one width in one style.
func renderMarkdown(md string, width int, style ansi.StyleConfig) (string, error) {
	// glamour wraps at hyphens (a URL comes out in pieces) and drops a list
	// item's indentation on its next lines: it renders unwrapped here, and
	// rewrap wraps at spaces only, with a hanging indent. Tables are
	// rendered apart (tables.go): they must fit the width as tables.
	body, tables := takeTables(joinListLines(md))
	r, err := glamour.NewTermRenderer(glamour.WithStyles(style), glamour.WithWordWrap(0), glamour.WithInlineTableLinks(true))
	if err != nil {
		return "", fmt.Errorf("markdown renderer: %w", err)
	}
	out, err := r.Render(body)
	if err != nil {
		return "", fmt.Errorf("render markdown: %w", err)
	}
	out = rewrap(out, width)
	if len(tables) == 0 {
		return out, nil
	}
	return putTables(out, tables, width, style)
}

// breakLine splits a styled line at the last space that leaves at most w
// cells before it, or at w when a word (a URL) is longer than that: never
// at a hyphen. The space is dropped; styles carry over.
func breakLine(s string, w int) (string, string) {
	plain := xansi.Strip(s)
	total := xansi.StringWidth(plain)
	if total <= w {
		return s, ""
	}
	brk, cell := -1, 0
	for _, r := range plain {
		if cell > w {
			break
		}
		if r == ' ' && cell > 0 {
			brk = cell
		}
		cell += xansi.StringWidth(string(r))
	}
	if brk <= 0 {
		return xansi.Cut(s, 0, w), strings.TrimLeft(xansi.Cut(s, w, total), " ")
	}
	return strings.TrimRight(xansi.Cut(s, 0, brk), " "), strings.TrimLeft(xansi.Cut(s, brk+1, total), " ")
}

// listMarker is a rendered list item's start: its indentation and its
// bullet or number.
var listMarker = regexp.MustCompile(`^(\s*)([•*-]|\d+\.) `)

// rewrap wraps rendered markdown to w cells at spaces only (a long word or
// URL is cut at the edge, never at a hyphen), continuing a list item under
// its text rather than under its bullet.
func rewrap(s string, w int) string {
	var out []string
	for _, line := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		line = strings.TrimRightFunc(line, func(r rune) bool { return r == ' ' })
		plain := xansi.Strip(line)
		if xansi.StringWidth(plain) <= w || strings.ContainsAny(plain, "│┼") {
			// A line drawn with box characters (a diagram in a code block,
			// a table in a quote) is kept whole: wrapped, it falls apart.
			out = append(out, line)
			continue
		}
		indent := len(plain) - len(strings.TrimLeft(plain, " "))
		if m := listMarker.FindString(plain); m != "" {
			indent = xansi.StringWidth(m)
		}
		if indent > w/2 {
			indent = 0
		}
		first := true
		for rest := line; rest != ""; first = false {
			width := w
			if !first {
				width = w - indent
			}
			head, tail := breakLine(rest, width)
			if !first {
				head = strings.Repeat(" ", indent) + head
			}
			out = append(out, head)
			rest = tail
		}
	}
	return strings.Join(out, "\n")
}

// docsMarkdown is the entry's docs, or a sentence saying there are none.
func docsMarkdown(e catalog.Entry) string {
	md := strings.TrimSpace(e.Docs)
	if md == "" {
		md = "# " + e.Ref.Path() + "\n\n" + e.Tagline + "\n\n*This model has no documentation.*"
	}
	if e.SampleOutput != "" && len(e.Samples) > 0 && !strings.Contains(md, e.SampleOutput) {
		in := e.Samples[0].Input.Summary(400)
		md += "\n\n## Example\n\nInput:\n\n```\n" + in + "\n```\n\nOutput:\n\n```\n" + e.SampleOutput + "\n```\n"
	}
	return md
}
