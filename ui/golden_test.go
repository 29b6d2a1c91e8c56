package ui

import (
	"fmt"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"pipette/ui/internal/testcommon"
)

// goldenSizes are the layouts pinned: the smallest common terminal, a
// medium one and a wide one.
var goldenSizes = [][2]int{{80, 24}, {120, 40}, {200, 50}}

// TestGoldenScreens pins whole screens in every layout and theme. Run with
// -update after a deliberate change and look at the diff (as a picture:
// freeze turns a .golden into an SVG).
func TestGoldenScreens(t *testing.T) {
	for _, theme := range []string{"dark", "light", "plain"} {
		for _, sz := range goldenSizes {
			t.Run(fmt.Sprintf("%s_%dx%d", theme, sz[0], sz[1]), func(t *testing.T) {
				for _, sc := range goldenScenes {
					t.Run(sc.name, func(t *testing.T) {
						m, _ := newChainModel(t, sz[0], sz[1])
						setTheme(t, m, theme)
						sc.do(t, m)
						assertFits(t, m)
						assertPlainHasNoColour(t, m)
						golden.RequireEqual(t, screen(m))
					})
				}
			})
		}
	}
}

// assertPlainHasNoColour fails when a --plain screen sends a colour.
func assertPlainHasNoColour(t *testing.T, m *Model) {
	t.Helper()
	if m.com.Styles.Palette.Plain {
		if c := testcommon.Colours(screen(m)); len(c) > 0 {
			t.Errorf("--plain sends colours: %v", c)
		}
	}
}

// setTheme switches a test model to theme, as the program does.
func setTheme(t *testing.T, m *Model, theme string) {
	t.Helper()
	m2 := New(Options{Theme: theme, Dark: true})
	m.themeName = m2.themeName
	run(t, m, m.setTheme(m2.com.Styles.Palette))
	send(t, m, nil)
}

var goldenScenes = []struct {
	name string
	do   func(t *testing.T, m *Model)
}{
	{"docs", func(t *testing.T, m *Model) { press(t, m, "/", "type:shout", "enter", "1") }},
	{"try", func(t *testing.T, m *Model) {
		selectRef(t, m, "test/WordCount")
		press(t, m, "enter", "r")
	}},
	{"code", func(t *testing.T, m *Model) {
		selectRef(t, m, "test/WordCount")
		press(t, m, "3")
	}},
	{"chain", func(t *testing.T, m *Model) {
		for _, ref := range []string{"test/Shout", "test/WordCount", "util/Fail"} {
			selectRef(t, m, ref)
			press(t, m, "a")
		}
		press(t, m, "c", "h")
		typeMapping(t, m, "{text: .steps.shout}", false)
		press(t, m, "l")
		typeMapping(t, m, ".steps.shout", false)
		press(t, m, "r")
	}},
	{"bar", func(t *testing.T, m *Model) {
		selectRef(t, m, "test/Shout")
		press(t, m, "a", "2", "r")
	}},
	{"palette", func(t *testing.T, m *Model) { press(t, m, "ctrl+p", "type:theme") }},
	{"help", func(t *testing.T, m *Model) { press(t, m, "?") }},
	{"prompt", func(t *testing.T, m *Model) {
		selectRef(t, m, "test/Shout")
		press(t, m, "enter", "r", "w")
	}},
}
