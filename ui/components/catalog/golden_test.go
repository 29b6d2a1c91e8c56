package catalog

import (
	"errors"
	"testing"

	"pipette/ui/common"
	"pipette/ui/internal/testcommon"
	"pipette/ui/keys"
)

// goldenSizes are the list's sizes in the whole screen's layouts: 80×24
// (the list above the detail), 120×40 and 200×50 (beside it).
var goldenSizes = [][2]int{{80, 9}, {54, 38}, {90, 48}}

// TestGolden pins the list drawn alone in every theme at the sizes it has
// on screen: loaded, filtered with highlights, narrowed by a tag and
// sorted, no match, loading and failed.
func TestGolden(t *testing.T) {
	t.Parallel()
	var scenes []testcommon.Scene
	for _, sc := range goldenScenes {
		scenes = append(scenes, testcommon.Scene{Name: sc.name, Draw: func(t *testing.T, com *common.Common, w, h int) string {
			l := New(com, "testcat")
			l.SetSize(w, h)
			l.SetFocused(true)
			sc.do(t, l)
			return l.View()
		}})
	}
	testcommon.Goldens(t, goldenSizes, scenes)
}

var goldenScenes = []struct {
	name string
	do   func(t *testing.T, l *List)
}{
	{"list", func(t *testing.T, l *List) {
		drive(t, l, l.SetIndex(NewIndex(testEntries())))
		l.Move(1)
	}},
	{"filtered", func(t *testing.T, l *List) {
		drive(t, l, l.SetIndex(NewIndex(testEntries())))
		drive(t, l, l.StartFilter())
		typeText(t, l, "text")
	}},
	{"tag_sorted", func(t *testing.T, l *List) {
		drive(t, l, l.SetIndex(NewIndex(testEntries())))
		drive(t, l, l.SetTag("demo"))
		drive(t, l, l.Perform(keys.Sort))
	}},
	{"no_match", func(t *testing.T, l *List) {
		drive(t, l, l.SetIndex(NewIndex(testEntries())))
		drive(t, l, l.SetQuery("zzz"))
	}},
	{"loading", func(t *testing.T, l *List) {}},
	{"error", func(t *testing.T, l *List) {
		l.SetError(errors.New("cannot load the catalog: dial tcp 127.0.0.1:8080: connect: connection refused"))
	}},
}
