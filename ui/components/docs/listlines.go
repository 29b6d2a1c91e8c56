package docs

import (
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"
)

// markdownParser parses as glamour does (goldmark with GitHub's extensions),
// so the nodes found here are the ones glamour renders.
var markdownParser = goldmark.New(goldmark.WithExtensions(extension.GFM, extension.DefinitionList)).Parser()

// joinListLines turns the line breaks inside a tight list item's text into
// spaces. Glamour joins a paragraph's lines before wrapping it, but renders
// a tight list item's source lines as lines of their own, starting at the
// left edge: an item written over two lines came out with its second line
// under the bullet, after a short first line. Joined, the item is one line
// that rewrap wraps under its text.
func joinListLines(md string) string {
	src := []byte(md)
	type span struct{ from, to int }
	var joins []span
	_ = ast.Walk(markdownParser.Parse(text.NewReader(src)), func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n.Kind() {
		case ast.KindCodeSpan, ast.KindCodeBlock, ast.KindFencedCodeBlock, ast.KindHTMLBlock, ast.KindRawHTML:
			return ast.WalkSkipChildren, nil
		}
		t, ok := n.(*ast.Text)
		if !ok || !t.SoftLineBreak() {
			return ast.WalkContinue, nil
		}
		block := tightItemText(t)
		if block == nil {
			return ast.WalkContinue, nil
		}
		if from, to, ok := lineBreakAfter(src, t.Segment.Stop, block.Lines()); ok {
			joins = append(joins, span{from, to})
		}
		return ast.WalkContinue, nil
	})
	if len(joins) == 0 {
		return md
	}
	out := make([]byte, 0, len(src))
	at := 0
	for _, j := range joins {
		if j.from < at {
			continue // the walk is in source order; never overlap
		}
		out = append(out, src[at:j.from]...)
		out = append(out, ' ')
		at = j.to
	}
	return string(append(out, src[at:]...))
}

// tightItemText is the tight list item's text block the text is in, or nil
// (a paragraph, which glamour joins itself, or no list at all).
func tightItemText(n ast.Node) ast.Node {
	for p := n.Parent(); p != nil; p = p.Parent() {
		if p.Type() == ast.TypeBlock {
			if _, ok := p.(*ast.TextBlock); ok && p.Parent() != nil && p.Parent().Kind() == ast.KindListItem {
				return p
			}
			return nil
		}
	}
	return nil
}

// lineBreakAfter finds the line break that follows a text ending at stop:
// blanks, a newline, then the indentation before the block's next line.
// Anything else between them (a block quote's >) leaves the break alone.
func lineBreakAfter(src []byte, stop int, lines *text.Segments) (from, to int, ok bool) {
	i := stop
	for i < len(src) && (src[i] == ' ' || src[i] == '\t' || src[i] == '\r') {
		i++
	}
	if i >= len(src) || src[i] != '\n' {
		return 0, 0, false
	}
	for k := 0; k < lines.Len(); k++ {
		next := lines.At(k).Start
		if next <= i {
			continue
		}
		for _, b := range src[i+1 : next] {
			if b != ' ' && b != '\t' {
				return 0, 0, false
			}
		}
		return stop, next, true
	}
	return 0, 0, false
}
