package common

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// Paint is a lipgloss style kept as the escape sequences it wraps text
// in, for what is drawn many times a frame (the catalog's rows): Render
// gives what the style's Render gives for one line of plain text, without
// lipgloss measuring, wrapping and aligning it again at every call. A style
// with a size, padding, margins or borders, and text that is not one plain
// line, are rendered by lipgloss.
type Paint struct {
	style     lipgloss.Style
	pre, post string
	exact     bool
}

// NewPaint keeps st's escape sequences.
func NewPaint(st lipgloss.Style) Paint {
	p := Paint{style: st}
	const mark = "\x00"
	pre, post, ok := strings.Cut(st.Render(mark), mark)
	if !ok {
		return p
	}
	p.pre, p.post = pre, post
	// The shortcut is taken only where it gives lipgloss's bytes.
	for _, probe := range []string{"a", "a b", " lead and trail ", "…→界"} {
		if st.Render(probe) != pre+probe+post {
			return p
		}
	}
	p.exact = true
	return p
}

// Render is st.Render(s).
func (p Paint) Render(s string) string {
	if !p.exact || s == "" || !plainLine(s) {
		return p.style.Render(s)
	}
	return p.pre + s + p.post
}

// plainLine says s is one line without escape sequences or tabs.
func plainLine(s string) bool {
	return !strings.ContainsAny(s, "\n\r\t\x1b")
}

// TextWidth is ansi.StringWidth, at once for plain ASCII (every byte a
// cell), which the catalog's references and taglines mostly are.
func TextWidth(s string) int {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return ansi.StringWidth(s)
		}
	}
	return len(s)
}
