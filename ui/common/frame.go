package common

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// Frame draws lines inside a pane's border and padding, as
// style.Width(w).Height(h).Render(strings.Join(lines, "\n")) does, at a
// fraction of the cost: the border's pieces are rendered by lipgloss once
// per frame style and size and kept, and each line is then only measured
// and padded, where lipgloss wraps, measures and aligns every line again
// at every frame. A frame the shortcut cannot draw the same (a line wider
// than the inside, more lines than fit, a tab) is drawn by lipgloss.
//
// A Frame draws one frame style at a time: the key says which (the theme's
// Styles and which of its frames); another key renders the pieces again.
type Frame struct {
	key                      frameKey
	top, bottom, left, right string
	iw, ih                   int
}

type frameKey struct {
	style any
	w, h  int
}

// Render draws lines in style (a border and padding, nothing else), w×h
// cells in all. which names style for the cache: the same which must mean
// the same style.
func (f *Frame) Render(which any, style lipgloss.Style, w, h int, lines []string) string {
	k := frameKey{which, w, h}
	if f.key != k {
		f.build(k, style, w, h)
	}
	if f.iw <= 0 || f.ih <= 0 || len(lines) > f.ih {
		return style.Width(w).Height(h).Render(strings.Join(lines, "\n"))
	}
	var b strings.Builder
	b.Grow((w + 16) * (h + 1))
	b.WriteString(f.top)
	for i := range f.ih {
		b.WriteByte('\n')
		line := ""
		if i < len(lines) {
			line = lines[i]
		}
		lw := ansi.StringWidth(line)
		if lw > f.iw || strings.ContainsRune(line, '\t') {
			return style.Width(w).Height(h).Render(strings.Join(lines, "\n"))
		}
		b.WriteString(f.left)
		b.WriteString(line)
		b.WriteString(strings.Repeat(" ", f.iw-lw))
		b.WriteString(f.right)
	}
	b.WriteByte('\n')
	b.WriteString(f.bottom)
	return b.String()
}

// build renders the pieces of style's frame at w×h: an empty box gives the
// top, the bottom and a middle line, which is the left piece, the inside's
// width of spaces and the right piece.
func (f *Frame) build(k frameKey, style lipgloss.Style, w, h int) {
	f.key = k
	f.iw = w - style.GetHorizontalFrameSize()
	f.ih = h - style.GetVerticalFrameSize()
	if f.iw <= 0 || f.ih <= 0 || style.GetBorderTopSize() != 1 || style.GetBorderBottomSize() != 1 {
		f.iw, f.ih = 0, 0 // always lipgloss
		return
	}
	const mark = "\x00"
	marked := strings.Split(style.Width(w).Height(h).Render(mark), "\n")
	empty := strings.Split(style.Width(w).Height(h).Render(""), "\n")
	if len(marked) != h || len(empty) != h {
		f.iw, f.ih = 0, 0
		return
	}
	left, _, ok := strings.Cut(marked[1], mark)
	fill := strings.Repeat(" ", f.iw)
	if !ok || !strings.HasPrefix(empty[1], left+fill) {
		f.iw, f.ih = 0, 0
		return
	}
	f.top, f.bottom = empty[0], empty[h-1]
	f.left, f.right = left, strings.TrimPrefix(empty[1], left+fill)
}
