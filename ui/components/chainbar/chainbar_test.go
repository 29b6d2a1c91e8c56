package chainbar

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"pipette/themes"
	"pipette/ui/internal/testcommon"
)

// A pipeline too long for its line keeps the selected step in view, and
// the bar is never wider than it is given.
func TestPipelineKeepsTheSelectedStep(t *testing.T) {
	t.Parallel()
	com := testcommon.New(themes.Dark())
	c := Chain{Name: "demo/Long"}
	for i := range 12 {
		c.Steps = append(c.Steps, Step{ID: fmt.Sprintf("step%02d", i), State: StepDone, Duration: 30 * time.Millisecond})
	}
	for _, sel := range []int{0, 6, 11} {
		c.Selected = sel
		line := ansi.Strip(Pipeline(com, c, true, 50, "*"))
		if !strings.Contains(line, fmt.Sprintf("step%02d", sel)) || ansi.StringWidth(line) > 50 {
			t.Errorf("selected %d: %q", sel, line)
		}
		b := New(com)
		b.SetSize(60, 1)
		b.SetChain(&c)
		if v := b.View(); ansi.StringWidth(v) > 60 || !strings.Contains(ansi.Strip(v), "c opens") {
			t.Errorf("bar %d wide: %q", ansi.StringWidth(v), ansi.Strip(v))
		}
	}
}

// StepAt maps a column of the drawn pipeline to its step, marks included.
func TestStepAt(t *testing.T) {
	t.Parallel()
	com := testcommon.New(themes.Dark())
	com.Clock.Fixed = 3 * time.Millisecond
	c := Chain{Steps: []Step{{ID: "faces", State: StepDone}, {ID: "lines", Each: true}, {ID: "mood", State: StepFailed, ErrType: "AlgorithmError"}}}
	line := ansi.Strip(Pipeline(com, c, true, 80, " "))
	for i, name := range []string{"faces", "lines[]", "mood"} {
		x := strings.Index(line, name)
		if got, ok := StepAt(com, c, x, 80); !ok || got != i {
			t.Errorf("column %d (%s) in %q: step %d, %v", x, name, line, got, ok)
		}
	}
	if _, ok := StepAt(com, c, -1, 80); ok {
		t.Error("a negative column hit a step")
	}
}
