package docs

import (
	"fmt"
	"strconv"
	"strings"

	"charm.land/glamour/v2"
	"charm.land/glamour/v2/ansi"
	xansi "github.com/charmbracelet/x/ansi"
	"github.com/yuin/goldmark/ast"
	astext "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
)

// Tables are rendered apart from the rest of the docs. The rest renders
// unwrapped and rewrap wraps it at spaces; a table cannot be wrapped after
// rendering (its columns would fall apart), and glamour stretches a table
// rendered at a width to fill that width. So a table keeps its natural
// width when that fits the pane and is rendered at the pane's width, its
// cells wrapped, only when it does not.

// tableMark is the line that stands in a table's place while the rest of
// the docs renders; the table's number follows it.
const tableMark = "PIPETTETABLEPLACEHOLDER"

// docTable is a table taken out of the docs: its markdown.
type docTable struct{ src string }

// takeTables replaces every top-level table of md by a line of its own
// holding tableMark and its number. A table in a list item or a quote
// renders in place: glamour runs a list item's blocks together, so a
// mark there would not be a line of its own.
func takeTables(md string) (string, []docTable) {
	src := []byte(md)
	type span struct{ from, to int }
	var spans []span
	var tables []docTable
	_ = ast.Walk(markdownParser.Parse(text.NewReader(src)), func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering || n.Kind() != astext.KindTable {
			return ast.WalkContinue, nil
		}
		if n.Parent() == nil || n.Parent().Kind() != ast.KindDocument {
			return ast.WalkSkipChildren, nil
		}
		from, to, ok := sourceLines(n, src)
		if !ok {
			return ast.WalkSkipChildren, nil
		}
		spans = append(spans, span{from, to})
		tables = append(tables, docTable{src: string(src[from:to])})
		return ast.WalkSkipChildren, nil
	})
	if len(tables) == 0 {
		return md, nil
	}
	var b strings.Builder
	at := 0
	for i, s := range spans {
		b.Write(src[at:s.from])
		fmt.Fprintf(&b, "\n%s%d\n\n", tableMark, i)
		at = s.to
	}
	b.Write(src[at:])
	return b.String(), tables
}

// sourceLines is the range of whole source lines a table's cells are on.
func sourceLines(n ast.Node, src []byte) (from, to int, ok bool) {
	from, to = len(src), -1
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering && c.Kind() == astext.KindTableCell {
			lines := c.Lines()
			for i := 0; i < lines.Len(); i++ {
				from, to = min(from, lines.At(i).Start), max(to, lines.At(i).Stop)
			}
		}
		return ast.WalkContinue, nil
	})
	if to < from {
		return 0, 0, false
	}
	for from > 0 && src[from-1] != '\n' {
		from--
	}
	for to < len(src) && src[to] != '\n' {
		to++
	}
	return from, to, true
}

// putTables puts the tables back in the rendered docs, each where its mark
// is: at its natural width when that fits w, else rendered at w.
func putTables(out string, tables []docTable, w int, style ansi.StyleConfig) (string, error) {
	natural, err := renderTables(tables, 0, style)
	if err != nil {
		return "", err
	}
	lines := strings.Split(out, "\n")
	var b []string
	for _, line := range lines {
		i, ok := tableAt(line, len(tables))
		if !ok {
			b = append(b, line)
			continue
		}
		table := natural[i]
		if widest(table) > w {
			wrapped, err := renderTables(tables[i:i+1], w, style)
			if err != nil {
				return "", err
			}
			table = wrapped[0]
		}
		b = append(b, table...)
	}
	return strings.Join(b, "\n"), nil
}

// tableAt says line is the mark of table i (of n).
func tableAt(line string, n int) (i int, ok bool) {
	rest, found := strings.CutPrefix(strings.TrimSpace(xansi.Strip(line)), tableMark)
	if !found {
		return 0, false
	}
	i, err := strconv.Atoi(rest)
	if err != nil || i < 0 || i >= n {
		return 0, false
	}
	return i, true
}

// renderTables renders tables at width (0: their natural width), in one
// render, and returns each one's lines.
func renderTables(tables []docTable, width int, style ansi.StyleConfig) ([][]string, error) {
	var md strings.Builder
	for i, t := range tables {
		fmt.Fprintf(&md, "%s%d\n\n%s\n\n", tableMark, i, t.src)
	}
	r, err := glamour.NewTermRenderer(glamour.WithStyles(style), glamour.WithWordWrap(width), glamour.WithInlineTableLinks(true))
	if err != nil {
		return nil, fmt.Errorf("markdown renderer: %w", err)
	}
	out, err := r.Render(md.String())
	if err != nil {
		return nil, fmt.Errorf("render a table: %w", err)
	}
	rendered := make([][]string, len(tables))
	cur := -1
	for _, line := range strings.Split(out, "\n") {
		if i, ok := tableAt(line, len(tables)); ok {
			cur = i
			continue
		}
		if cur >= 0 {
			rendered[cur] = append(rendered[cur], strings.TrimRightFunc(line, func(r rune) bool { return r == ' ' }))
		}
	}
	for i, t := range rendered {
		rendered[i] = trimBlankLines(t)
	}
	return rendered, nil
}

// trimBlankLines drops the blank lines around a block.
func trimBlankLines(lines []string) []string {
	blank := func(s string) bool { return strings.TrimSpace(xansi.Strip(s)) == "" }
	for len(lines) > 0 && blank(lines[0]) {
		lines = lines[1:]
	}
	for len(lines) > 0 && blank(lines[len(lines)-1]) {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// widest is the width of the widest line.
func widest(lines []string) int {
	w := 0
	for _, l := range lines {
		w = max(w, xansi.StringWidth(l))
	}
	return w
}
