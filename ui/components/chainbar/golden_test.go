package chainbar

import (
	"testing"
	"time"

	"pipette/ui/common"
	"pipette/ui/internal/testcommon"
)

// TestGolden pins the bar drawn alone in every theme at the screen's
// widths: a chain not run yet (a step with a problem), one that ran, one
// that failed, one running (an each step part way), one too long for the
// line, and no chain.
func TestGolden(t *testing.T) {
	t.Parallel()
	steps := func(states ...StepState) []Step {
		ids := []string{"faces", "lines", "mood", "best", "caption", "upload", "describe", "translate", "summarise"}
		out := make([]Step, len(states))
		for i, s := range states {
			out[i] = Step{ID: ids[i], State: s, Duration: 12 * time.Millisecond}
		}
		return out
	}
	idle := Chain{Name: "demo/MemeGenerator", Steps: steps(StepIdle, StepIdle, StepIdle, StepIdle)}
	idle.Steps[2].Each, idle.Steps[3].Problem = true, true
	done := Chain{Name: "demo/MemeGenerator", Steps: steps(StepDone, StepDone, StepDone, StepDone), Run: Run{State: RunDone, Duration: 212 * time.Millisecond}}
	failed := Chain{Name: "demo/MemeGenerator", Steps: steps(StepDone, StepDone, StepFailed, StepIdle), Run: Run{State: RunFailed, ErrType: "AlgorithmError"}}
	failed.Steps[2].ErrType = "AlgorithmError"
	running := Chain{Name: "demo/MemeGenerator", Steps: steps(StepDone, StepDone, StepRunning, StepIdle), Run: Run{State: RunRunning, Elapsed: 1400 * time.Millisecond}}
	running.Steps[2].Each, running.Steps[2].Completed, running.Steps[2].Items = true, 3, 10
	long := Chain{Name: "demo/EveryStep", Steps: steps(StepDone, StepDone, StepDone, StepDone, StepDone, StepDone, StepDone, StepDone, StepDone),
		Run: Run{State: RunDone, Duration: 2300 * time.Millisecond}, Selected: 7}
	scenes := []struct {
		name  string
		chain *Chain
	}{{"idle", &idle}, {"done", &done}, {"failed", &failed}, {"running", &running}, {"long", &long}, {"none", nil}}
	var goldens []testcommon.Scene
	for _, sc := range scenes {
		goldens = append(goldens, testcommon.Scene{Name: sc.name, Draw: func(t *testing.T, com *common.Common, w, h int) string {
			com.Clock.Fixed = 3 * time.Millisecond
			b := New(com)
			b.SetSize(w, h)
			b.SetChain(sc.chain)
			return b.View()
		}})
	}
	testcommon.Goldens(t, [][2]int{{80, 1}, {120, 1}, {200, 1}}, goldens)
}
