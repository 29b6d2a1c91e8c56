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
				t.Run("chain", func(t *testing.T) {
					m := newTestModel(t, sz[0], sz[1], theme)
					for _, ref := range []string{"test/Shout", "test/WordCount", "util/Fail"} {
						selectRef(t, m, ref)
						press(t, m, "a")
					}
					press(t, m, "c", "h")
					m.chain.c.Steps[1].Input = "{text: .steps.shout}"
					m.chain.c.Steps[2].Input = ".steps.shout"
					run(t, m, m.edited(m.chain.c.Compile()))
					press(t, m, "r")
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
	for id, st := range m.chain.live {
		st.Duration = 3 * time.Millisecond
		m.chain.live[id] = st
	}
	if m.chain.trace != nil {
		m.chain.trace.Duration = 9 * time.Millisecond
	}
	m.chain.vpKey = ""
}
