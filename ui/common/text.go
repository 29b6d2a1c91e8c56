package common

import (
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
