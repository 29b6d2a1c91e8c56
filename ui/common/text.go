package common

import (
	"fmt"

	"charm.land/bubbles/v2/viewport"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// FitRow puts left and right on one line of width w, cutting left first.
func FitRow(left, right string, w int) string {
	rw := ansi.StringWidth(right)
	if rw >= w {
		return ansi.Truncate(left, w, "")
	}
	left = ansi.Truncate(left, w-rw-1, "…")
	return left + strings.Repeat(" ", max(1, w-ansi.StringWidth(left)-rw)) + right
}

// WrapText wraps plain text to w cells.
func WrapText(s string, w int) string {
	if w <= 0 {
		return s
	}
	return ansi.Wrap(s, w, " ,;")
}

// OneLine squeezes every run of white space, newlines included, to a space.
func OneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// Truncate cuts plain s to w runes, ending it with "…" when cut.
func Truncate(s string, w int) string {
	r := []rune(s)
	if len(r) <= w {
		return s
	}
	return string(r[:max(0, w-1)]) + "…"
}

// ScrollPos says which lines of a viewport's content are on screen, as
// "lines 12–20/140"; "" when all of it is.
func ScrollPos(vp *viewport.Model) string {
	total, h := vp.TotalLineCount(), vp.Height()
	if total <= h || h <= 0 {
		return ""
	}
	first := vp.YOffset() + 1
	return fmt.Sprintf("lines %d–%d/%d", first, min(total, first+h-1), total)
}

// Clip cuts lines to at most h lines of at most w cells: a pane never
// pushes the screen taller or wider than it is.
func Clip(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:max(0, h)]
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			lines[i] = ansi.Truncate(l, w, "")
		}
	}
	return strings.Join(lines, "\n")
}

// plainGlyphs maps the UI's one-cell symbols to one-cell ASCII for --plain,
// so dumb terminals and screen readers get plain text with the same layout.
var plainGlyphs = strings.NewReplacer("·", "-", "→", ">", "←", "<", "…", "~", "✓", "+", "✗", "x", "×", "x",
	"▸", ">", "↑", "^", "↓", "v", "—", "-", "–", "-", "µ", "u", "•", "*", "─", "-", "│", "|", "┼", "+", "“", "\"", "”", "\"", "’", "'")

// Shown is s as the terminal is sent it: in --plain, the UI's symbols are
// ASCII.
func (c *Common) Shown(s string) string {
	if c.Styles.Palette.Plain {
		return plainGlyphs.Replace(s)
	}
	return s
}

// ScrollOffset is the first row a list of n rows shows in a window of
// rows, moved from offset as little as keeps the cursor in view and no
// rows empty below the last.
func ScrollOffset(cursor, offset, rows, n int) int {
	if cursor < offset {
		offset = cursor
	}
	if cursor >= offset+rows {
		offset = cursor - rows + 1
	}
	return max(0, min(offset, n-rows))
}
