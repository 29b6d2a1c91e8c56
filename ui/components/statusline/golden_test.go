package statusline

import (
	"testing"

	"pipette/ui/common"
	"pipette/ui/internal/testcommon"
)

// TestGolden pins the line drawn alone in every theme at the screen's
// widths: idle (where the catalog comes from), a sentence in each tone, an
// error too long for the line (cut, never wrapped), the developers'
// figure at the right.
func TestGolden(t *testing.T) {
	t.Parallel()
	long := "cannot load the catalog: Get \"http://models.example.com:8080/v1/algorithms?limit=1000\": dial tcp 203.0.113.7:8080: connect: connection refused · R retries"
	scenes := []struct {
		name  string
		text  string
		kind  common.StatusKind
		right string
	}{
		{"idle", "", common.StatusInfo, ""},
		{"info", "copied the curl snippet", common.StatusInfo, ""},
		{"warn", "lab is down: connection refused", common.StatusWarn, ""},
		{"error_long", long, common.StatusError, ""},
		{"debug_figure", "theme: light", common.StatusInfo, "filter 3 ms"},
	}
	var goldens []testcommon.Scene
	for _, sc := range scenes {
		goldens = append(goldens, testcommon.Scene{Name: sc.name, Draw: func(t *testing.T, com *common.Common, w, _ int) string {
			l := New(com)
			if sc.text != "" {
				l.Set(sc.text, sc.kind)
			}
			right := ""
			if sc.right != "" {
				right = com.Styles.Muted.Render(sc.right)
			}
			return l.View(w, com.Styles.Muted.Render("testcat"), right)
		}})
	}
	testcommon.Goldens(t, [][2]int{{80, 1}, {120, 1}, {200, 1}}, goldens)
}
