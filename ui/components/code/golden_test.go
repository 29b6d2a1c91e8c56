package code

import (
	"testing"

	"pipette/catalog"
	"pipette/client/snippet"
	"pipette/ui/common"
	"pipette/ui/internal/testcommon"
	"pipette/ui/keys"
)

// goldenSizes are the tab's content sizes in the whole screen's layouts
// (80×24, 120×40, 200×50).
var goldenSizes = [][2]int{{78, 10}, {64, 34}, {108, 44}}

// TestGolden pins the tab drawn alone in every theme at the sizes it has
// on screen: curl against a local server, Python against a remote one
// with a key, Go scrolled sideways.
func TestGolden(t *testing.T) {
	t.Parallel()
	ref := catalog.MustParseRef("test/WordCount/1.0.0")
	in := snippet.Input{Kind: catalog.KindJSON, Text: `{"text": "two words"}`}
	scenes := []struct {
		name   string
		server string
		do     func(c *Code)
	}{
		{"curl_local", "", func(c *Code) { c.Show(ref, in) }},
		{"python_remote", "https://models.example.com", func(c *Code) {
			c.Perform(keys.NextLang)
			c.Perform(keys.NextLang)
			c.Show(ref, in) // the root writes the new language's snippet
		}},
		{"go_scrolled", "", func(c *Code) {
			c.Perform(keys.NextLang)
			c.Show(ref, in)
			c.Perform(keys.Down)
			c.Perform(keys.Right)
		}},
	}
	var goldens []testcommon.Scene
	for _, sc := range scenes {
		goldens = append(goldens, testcommon.Scene{Name: sc.name, Draw: func(t *testing.T, com *common.Common, w, h int) string {
			c := New(com, sc.server, sc.server != "")
			c.SetSize(w, h)
			sc.do(c)
			return c.View()
		}})
	}
	testcommon.Goldens(t, goldenSizes, goldens)
}
