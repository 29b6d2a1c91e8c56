package testcommon

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"pipette/themes"
	"pipette/ui/common"
)

// Themes are the themes goldens are recorded in.
var Themes = []string{"dark", "light", "plain"}

// Palette is the palette of a theme name (Themes).
func Palette(theme string) themes.Palette {
	p, err := themes.ByName(theme, true)
	if err != nil {
		panic(fmt.Sprintf("theme %q: %v", theme, err))
	}
	return p
}

// Golden checks that view fits w×h cells (fewer lines are fine), has no
// colour in --plain, and is the golden file of the test, as the terminal
// is sent it (plain themes swap symbols for ASCII). Run the test with -update after a deliberate change.
func Golden(t *testing.T, com *common.Common, view string, w, h int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) > h {
		t.Errorf("%d lines, more than %d", len(lines), h)
	}
	for i, l := range lines {
		if lw := ansi.StringWidth(l); lw > w {
			t.Errorf("line %d is %d wide, more than %d: %q", i, lw, w, ansi.Strip(l))
		}
	}
	if com.Styles.Palette.Plain {
		if c := Colours(view); len(c) > 0 {
			t.Errorf("--plain sends colours: %v", c)
		}
	}
	golden.RequireEqual(t, com.Shown(view))
}

// Scene is one state of a component worth pinning: Draw makes the
// component for com at w×h, brings it to that state and returns its view.
type Scene struct {
	Name string
	Draw func(t *testing.T, com *common.Common, w, h int) string
}

// Goldens draws every scene in every theme at every size, each in a
// subtest theme_WxH/scene (the sizes in parallel), and checks it against
// its golden file (Golden).
func Goldens(t *testing.T, sizes [][2]int, scenes []Scene) {
	t.Helper()
	for _, theme := range Themes {
		for _, sz := range sizes {
			t.Run(fmt.Sprintf("%s_%dx%d", theme, sz[0], sz[1]), func(t *testing.T) {
				t.Parallel()
				for _, sc := range scenes {
					t.Run(sc.Name, func(t *testing.T) {
						com := New(Palette(theme))
						Golden(t, com, sc.Draw(t, com, sz[0], sz[1]), sz[0], sz[1])
					})
				}
			})
		}
	}
}
