package try

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"pipette/catalog"
	"pipette/internal/human"
	"pipette/ui/common"
	"pipette/ui/components/modelinfo"
	"pipette/ui/components/value"
)

// View is the input's header and editor (or what stands for a binary or
// large input), the output's status line, and the output.
func (t *Try) View() string {
	st := t.com.Styles
	lines := []string{st.Muted.Render(ansi.Truncate(t.inputHead(), t.w, st.Ellipsis))}
	lines = append(lines, t.inputView())
	lines = append(lines, ansi.Truncate(t.statusLine(), t.w, st.Ellipsis))
	lines = append(lines, t.out.View())
	return strings.Join(lines, "\n")
}

// inputHead says what the input is and where it came from: the sample, a
// file, the editor, the history, and whether it was edited since.
func (t *Try) inputHead() string {
	kind := string(t.entry.InputKind)
	if t.in.bin != nil {
		kind = "binary"
	}
	head := "input · " + kind
	var from string
	switch t.in.from.kind {
	case originSample:
		n := len(t.entry.Samples)
		from = fmt.Sprintf("%s (%d/%d)", t.in.from.name, t.sample%max(1, n)+1, n)
	case originFile:
		from = "from " + t.in.from.name
	case originEditor:
		from = "from $EDITOR"
	case originHistory:
		from = "from history"
	}
	if t.in.edited {
		if from == "" {
			from = "typed"
		} else {
			from += ", edited"
		}
	}
	if from != "" {
		head += " · " + from
	}
	if len(t.entry.Samples) > 1 {
		head += " · [ ] samples"
	}
	if !t.editing {
		head += " · " + t.keyHint()
	}
	if pos := common.ScrollPos(&t.out); pos != "" {
		head += " · output " + pos
	}
	return head
}

func (t *Try) keyHint() string {
	if t.in.large() {
		return "E edit · r run"
	}
	if modelinfo.Streams(t.entry) {
		if s := t.live.params.Summary(); s != "" {
			return "i edit · r run · p " + s
		}
		return "i edit · r run · p parameters"
	}
	return "i edit · r run"
}

// inputView is the editor, or a description (and the start) of an input
// the editor does not hold.
func (t *Try) inputView() string {
	st := t.com.Styles
	h := t.editor.Height()
	var lines []string
	switch {
	case t.in.bin != nil:
		lines = []string{st.Muted.Render(value.Describe(catalog.Bytes(t.in.bin)) + " · o loads a file, i types text instead")}
	case t.in.large():
		lines = []string{st.Muted.Render(fmt.Sprintf("%s of text, too large to edit here · E edits it in $EDITOR · o loads another file", human.Bytes(int64(len(t.in.big)))))}
		// Only the start is looked at: what is drawn never grows with it.
		head := t.in.big[:min(len(t.in.big), 4*t.w*h)]
		for _, l := range strings.SplitN(head, "\n", h+1)[:min(h, strings.Count(head, "\n")+1)] {
			if len(lines) == h {
				break
			}
			lines = append(lines, st.Text.Render(ansi.Truncate(strings.ReplaceAll(l, "\t", "  "), t.w, st.Ellipsis)))
		}
	default:
		return t.editor.View()
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines[:h], "\n")
}

// statusLine is the output's state: running, failed, done (and whether
// the output is still the input's), or nothing yet.
func (t *Try) statusLine() string {
	st := t.com.Styles
	var status string
	switch {
	case t.running && t.live.run.Running() && t.live.seq == t.seq:
		return t.liveStatus()
	case t.running:
		return st.Accent.Render(fmt.Sprintf("%s running %s · %s · esc cancels", t.com.Spinner(), t.entry.Ref.Path(), t.elapsed.Round(100*time.Millisecond)))
	case t.err != nil:
		status = st.Error.Render("✗ " + catalog.AsError(t.err).Type)
	case t.resp != nil:
		status = st.Success.Render("✓") + st.Muted.Render(fmt.Sprintf(" %s · %s · y copy · w save", t.resp.ContentType, t.com.Duration(t.resp.Duration)))
		if timing := t.liveTiming(); timing != "" {
			status = st.Success.Render("✓") + st.Muted.Render(" "+timing+" · y copy · w save")
		}
	default:
		return st.Muted.Render("output · r runs the input")
	}
	if !t.recordAt.IsZero() {
		status = st.Muted.Render("from history · "+t.recordAt.Local().Format("Jan 2 15:04")+" · ") + status
	}
	if t.Stale() {
		status = st.StatusWarn.Render("stale: the input changed since · r runs it · ") + status
	}
	return status
}
