package ui

import (
	"fmt"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
)

// TestGoldenScreens pins whole screens at the smallest supported terminal
// and a large one, in both palettes. Run with -update after a deliberate
// change and review the diff.
func TestGoldenScreens(t *testing.T) {
	for _, theme := range []string{"dark", "light"} {
		for _, sz := range [][2]int{{80, 24}, {160, 48}} {
			t.Run(fmt.Sprintf("%s_%dx%d", theme, sz[0], sz[1]), func(t *testing.T) {
				t.Run("docs", func(t *testing.T) {
					m := newTestModel(t, sz[0], sz[1], theme)
					press(t, m, "/", "type:shout", "enter", "1")
					pinTimings(m)
					assertFits(t, m)
					golden.RequireEqual(t, screen(m))
				})
				t.Run("try", func(t *testing.T) {
					m := newTestModel(t, sz[0], sz[1], theme)
					selectRef(t, m, "test/WordCount")
					press(t, m, "enter", "r")
					pinTimings(m)
					assertFits(t, m)
					golden.RequireEqual(t, screen(m))
				})
			})
		}
	}
}

// pinTimings replaces measured durations, the only thing that differs
// between runs, with fixed ones.
func pinTimings(m *Model) {
	m.cat.took = 42 * time.Microsecond
	if m.try.resp != nil {
		m.try.resp.Duration = 12 * time.Millisecond
	}
}
