package ui

import (
	"fmt"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
)

// TestGoldenRemote pins the screens of remote sources — the catalog with
// models' facts and the sources' status, the sources dialog with a source
// down, a streamed chat in the Try tab with its parameters and timing, and
// the compare view — at 80×24 and 120×40 in every theme. Two fake servers
// stand for the sources: lab answers, farm is down.
func TestGoldenRemote(t *testing.T) {
	for _, theme := range []string{"dark", "light", "plain"} {
		for _, sz := range [][2]int{{80, 24}, {120, 40}} {
			t.Run(fmt.Sprintf("%s_%dx%d", theme, sz[0], sz[1]), func(t *testing.T) {
				for _, sc := range remoteScenes {
					t.Run(sc.name, func(t *testing.T) {
						lab, farm := newFakeServer("lab"), newFakeServer("farm")
						farm.down.Store(true)
						m := newTestModelWith(t, newFakeCatalog(t, lab, farm), sz[0], sz[1], "dark")
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

var remoteScenes = []struct {
	name string
	do   func(t *testing.T, m *Model)
}{
	{"catalog", func(t *testing.T, m *Model) {
		selectRef(t, m, "lab/tiny-chat:1b")
		press(t, m, "m", "s")
	}},
	{"sources", func(t *testing.T, m *Model) { press(t, m, "S") }},
	{"try_stream", func(t *testing.T, m *Model) {
		selectRef(t, m, "lab/big-chat:8b")
		press(t, m, "2", "p", "type:Answer in one sentence.", "tab", "type:0.2", "tab", "type:64", "ctrl+s", "r")
	}},
	{"params", func(t *testing.T, m *Model) {
		selectRef(t, m, "lab/tiny-chat:1b")
		press(t, m, "2", "p", "type:Answer in one sentence.", "tab", "type:2.5", "tab", "type:64", "tab", `type:\n\n, END`, "ctrl+s")
	}},
	{"compare", func(t *testing.T, m *Model) {
		for _, ref := range []string{"lab/tiny-chat:1b", "lab/big-chat:8b", "test/Shout"} {
			selectRef(t, m, ref)
			press(t, m, "m")
		}
		press(t, m, "C", "i", "ctrl+a", "ctrl+k", "type:why is the sky blue?", "esc", "r")
	}},
}
