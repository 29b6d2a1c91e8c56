package common

import (
	"strings"
	"testing"

	"charm.land/lipgloss/v2"

	"pipette/themes"
)

// Frame draws exactly what lipgloss draws for the panes' frames, in every
// theme, at every size, for lines short, full, styled, wide and empty, and
// falls back to lipgloss for what it cannot draw the same.
func TestFrameIsLipgloss(t *testing.T) {
	t.Parallel()
	contents := [][]string{
		nil,
		{""},
		{"ab", "\x1b[1mcd\x1b[m", "", "e f  "},
		{"界面 wide", "…"},
		{strings.Repeat("x", 16)},             // the whole inside of 20 wide
		{strings.Repeat("y", 17)},             // wider: lipgloss wraps it
		{"a\tb"},                              // a tab: lipgloss's
		{"1", "2", "3", "4", "5", "6", "7"},   // more lines than fit
		{"\x1b[38;2;1;2;3mcolour\x1b[m", "x"}, // a colour
	}
	for _, p := range []themes.Palette{themes.Dark(), themes.Light(), themes.Plain()} {
		st := themes.New(p)
		for _, frame := range []struct {
			name  string
			style lipgloss.Style
		}{{"pane", st.Pane}, {"focused", st.PaneFocused}, {"overlay", st.Overlay}} {
			var f Frame
			for _, sz := range [][2]int{{20, 8}, {20, 3}, {5, 5}, {4, 2}, {3, 3}} {
				for i, lines := range contents {
					want := frame.style.Width(sz[0]).Height(sz[1]).Render(strings.Join(lines, "\n"))
					if got := f.Render(frame.name, frame.style, sz[0], sz[1], lines); got != want {
						t.Errorf("%s %s %v content %d:\ngot  %q\nwant %q", p.Name, frame.name, sz, i, got, want)
					}
				}
			}
		}
	}
}

func TestScrollOffset(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ cursor, offset, rows, n, want int }{
		{0, 0, 5, 20, 0},    // in view
		{7, 0, 5, 20, 3},    // below: the cursor on the last row shown
		{2, 6, 5, 20, 2},    // above: on the first
		{19, 18, 5, 20, 15}, // no empty rows below the last entry
		{0, 4, 5, 3, 0},     // fewer entries than rows
		{0, 0, 5, 0, 0},     // none
	} {
		if got := ScrollOffset(tc.cursor, tc.offset, tc.rows, tc.n); got != tc.want {
			t.Errorf("ScrollOffset(%d, %d, %d, %d) = %d, want %d", tc.cursor, tc.offset, tc.rows, tc.n, got, tc.want)
		}
	}
}
