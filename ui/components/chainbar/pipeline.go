package chainbar

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"pipette/ui/common"
)

// Chain is what is drawn of a chain: its name, its steps with their
// newest progress, and the last run. The builder makes it (Snapshot); the
// bar under the panes and the builder's own pipeline line draw it.
type Chain struct {
	Name  string
	Steps []Step
	Run   Run
	// Selected is the builder's selected step: a pipeline too long for
	// its line keeps it in view.
	Selected int
}

// StepState is how far a step got in the run on screen.
type StepState int

const (
	StepIdle    StepState = iota // not run
	StepRunning                  // under way
	StepDone                     // answered
	StepFailed                   // failed
)

// Step is one step as drawn.
type Step struct {
	ID      string
	Each    bool // runs once per element of a list
	Problem bool // the step has problems (drawn in the warning colour)
	State   StepState
	// Completed of Items elements are done, for an each step under way.
	Completed, Items int
	Duration         time.Duration
	ErrType          string // the error's type, for a failed step
}

// RunState is the state of the chain's last run.
type RunState int

const (
	RunNone    RunState = iota // never run
	RunRunning                 // under way
	RunRefused                 // not run: the chain has problems
	RunFailed                  // a step failed
	RunDone                    // answered
)

// Run is the chain's last run.
type Run struct {
	State    RunState
	Elapsed  time.Duration // while it runs
	Duration time.Duration // once done
	ErrType  string
}

// name is the step as the pipeline shows it: each steps end in [].
func (s Step) name() string {
	if s.Each {
		return s.ID + "[]"
	}
	return s.ID
}

// Mark is a step's status: a check and its duration, a cross and the
// error type, the spinner while it runs ("" before it runs).
func Mark(com *common.Common, s Step, spin string) string {
	st := com.Styles
	switch s.State {
	case StepRunning:
		m := spin
		if s.Items > 0 {
			m += fmt.Sprintf(" %d/%d", s.Completed, s.Items)
		}
		return st.Accent.Render(m)
	case StepFailed:
		return st.Error.Render("✗ " + s.ErrType)
	case StepDone:
		return st.Success.Render("✓") + st.Muted.Render(" "+com.Duration(s.Duration))
	}
	return ""
}

// Pipeline draws the steps as "faces ✓ 30 ms → lines ✓ 2 ms → …" in at
// most w cells, keeping the selected step in view (and highlighted when
// highlight is set).
func Pipeline(com *common.Common, c Chain, highlight bool, w int, spin string) string {
	st := com.Styles
	if len(c.Steps) == 0 {
		return st.Muted.Render(ansi.Truncate("no steps yet · pick a model and press a to add it", w, st.Ellipsis))
	}
	arrow := st.Muted.Render(" → ")
	parts := make([]string, len(c.Steps))
	for i, s := range c.Steps {
		style := st.Text
		if s.Problem {
			style = st.StatusWarn
		}
		if highlight && i == c.Selected {
			style = style.Inherit(st.Selected)
		}
		part := style.Render(s.name())
		if mk := Mark(com, s, spin); mk != "" {
			part += " " + mk
		}
		parts[i] = part
	}
	line := strings.Join(parts, arrow)
	if ansi.StringWidth(line) <= w {
		return line
	}
	// Drop steps from the ends until the selected one fits.
	keep := c.Selected
	lo, hi := 0, len(parts)
	for lo < hi-1 && ansi.StringWidth(strings.Join(parts[lo:hi], arrow))+4 > w {
		if keep-lo > hi-1-keep {
			lo++
		} else {
			hi--
		}
	}
	line = strings.Join(parts[lo:hi], arrow)
	if lo > 0 {
		line = st.Muted.Render("… ") + line
	}
	if hi < len(parts) {
		line += st.Muted.Render(" …")
	}
	return ansi.Truncate(line, w, st.Ellipsis)
}

// StepAt maps a column of the pipeline line drawn w cells wide (from the
// text's start) to a step, when the whole pipeline is on screen.
func StepAt(com *common.Common, c Chain, x, w int) (int, bool) {
	if len(c.Steps) == 0 || x < 0 {
		return 0, false
	}
	if line := ansi.Strip(Pipeline(com, c, true, w, " ")); strings.HasPrefix(line, "…") {
		return 0, false
	}
	pos := 0
	for i, s := range c.Steps {
		sw := ansi.StringWidth(s.name())
		if mk := Mark(com, s, " "); mk != "" {
			sw += 1 + ansi.StringWidth(mk)
		}
		if x >= pos && x < pos+sw {
			return i, true
		}
		pos += sw + 3 // " → "
	}
	return 0, false
}

// RunStatus is the run's state, for the right end of a line.
func RunStatus(com *common.Common, r Run, spin string) string {
	st := com.Styles
	switch r.State {
	case RunRunning:
		return st.Accent.Render(fmt.Sprintf("%s running · %s · esc cancels", spin, r.Elapsed.Round(100*time.Millisecond)))
	case RunRefused:
		return st.StatusWarn.Render("✗ not run: fix the problems")
	case RunFailed:
		return st.Error.Render("✗ " + r.ErrType)
	case RunDone:
		return st.Success.Render("✓") + st.Muted.Render(" "+com.Duration(r.Duration))
	}
	return ""
}
