package ui

import (
	"fmt"
	"testing"

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
					assertFits(t, m)
					golden.RequireEqual(t, screen(m))
				})
				t.Run("try", func(t *testing.T) {
					m := newTestModel(t, sz[0], sz[1], theme)
					selectRef(t, m, "test/WordCount")
					press(t, m, "enter", "r")
					assertFits(t, m)
					golden.RequireEqual(t, screen(m))
				})
				t.Run("chain", func(t *testing.T) {
					m := newTestModel(t, sz[0], sz[1], theme)
					for _, ref := range []string{"test/Shout", "test/WordCount", "util/Fail"} {
						selectRef(t, m, ref)
						press(t, m, "a")
					}
					press(t, m, "c", "h")
					typeMapping(t, m, "{text: .steps.shout}", false)
					press(t, m, "l")
					typeMapping(t, m, ".steps.shout", false)
					press(t, m, "r")
					assertFits(t, m)
					golden.RequireEqual(t, screen(m))
				})
			})
		}
	}
}
