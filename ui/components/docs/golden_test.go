package docs

import (
	"testing"

	"pipette/catalog"
	"pipette/ui/common"
	"pipette/ui/internal/testcommon"
)

// goldenSizes are the tab's content sizes in the whole screen's layouts
// (80×24, 120×40, 200×50).
var goldenSizes = [][2]int{{78, 10}, {64, 34}, {108, 44}}

// manual is docs with what rendering must keep: a list whose items wrap
// under their text, a URL with hyphens, a table, code.
var manual = catalog.Entry{
	Ref:     catalog.MustParseRef("test/Manual/1.0.0"),
	Tagline: "A model whose docs have everything",
	Docs: "# Manual\n\nSome **bold** and *emphasis*, with `code` inline.\n\n" +
		"- a list item long enough to wrap around the width of a narrow pane, under its text\n" +
		"  1. a nested numbered item that also wraps because it goes on long enough\n\n" +
		"See https://example.com/a-hyphenated-path/with-more-hyphens-in-it for more.\n\n" +
		"| input | output |\n|---|---|\n| text | JSON |\n\n" +
		"```json\n{\"text\": \"what a great day\"}\n```\n\n## Notes\n\nA needle here, and another needle.\n",
}

// TestGolden pins the tab drawn alone in every theme at the sizes it has
// on screen: rendered docs, a search with its matches, a model without
// docs.
func TestGolden(t *testing.T) {
	t.Parallel()
	scene := func(name string, do func(t *testing.T, d *Docs)) testcommon.Scene {
		return testcommon.Scene{Name: name, Draw: func(t *testing.T, com *common.Common, w, h int) string {
			d := New(com)
			d.SetSize(w, h)
			do(t, d)
			return d.View()
		}}
	}
	testcommon.Goldens(t, goldenSizes, []testcommon.Scene{
		scene("docs", func(t *testing.T, d *Docs) { show(t, d, manual) }),
		scene("search", func(t *testing.T, d *Docs) { show(t, d, manual); press(d, "/", "type:needle", "enter", "n") }),
		scene("no_docs", func(t *testing.T, d *Docs) {
			show(t, d, catalog.Entry{Ref: catalog.MustParseRef("test/Bare/1.0.0"), Tagline: "Nothing written about it"})
		}),
	})
}
