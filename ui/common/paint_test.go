package common

import (
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"pipette/themes"
)

// A Paint renders what lipgloss renders, for every style of every theme
// (alone and on the selected row) and every kind of text.
func TestPaintIsLipgloss(t *testing.T) {
	t.Parallel()
	texts := []string{"", "a", "test/WordCount", "  ", " lead", "trail ", "Count the words of a text", "界面…→", "tab\there", "two\nlines", "\x1b[1mbold\x1b[m", "x"}
	for _, p := range []themes.Palette{themes.Dark(), themes.Light(), themes.Plain()} {
		st := themes.New(p)
		for name, s := range map[string]lipgloss.Style{
			"text": st.Text, "muted": st.Muted, "match": st.Match, "cursor": st.Cursor, "accent": st.Accent, "badge": st.Badge,
			"warn": st.StatusWarn, "tag": st.Tag, "none": lipgloss.NewStyle(), "tab": st.Tab, "title": st.Title,
		} {
			for _, sel := range []bool{false, true} {
				if sel {
					s = s.Inherit(st.Selected)
				}
				paint := NewPaint(s)
				for _, text := range texts {
					if got, want := paint.Render(text), s.Render(text); got != want {
						t.Errorf("%s %s (selected %v) %q: %q, lipgloss %q", p.Name, name, sel, text, got, want)
					}
				}
			}
		}
	}
}

func TestTextWidth(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "abc", "test/WordCount 1.0", "界面", "é", "a\x1b[1mb\x1b[m", "tab\t", strings.Repeat("x", 300)} {
		if got, want := TextWidth(s), ansi.StringWidth(s); got != want {
			t.Errorf("%q: %d, want %d", s, got, want)
		}
	}
}
