package chain

import (
	"errors"
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"pipette/catalog"
	"pipette/internal/human"
	"pipette/pipebuilder"
	"pipette/themes"
	"pipette/ui/common"
	"pipette/ui/components/chainbar"
	"pipette/ui/components/editor"
	"pipette/ui/components/value"
)

// drawing is what Prepare renders for View: the parts that preview images
// (which queues their transmission) or cost more than a frame should.
type drawing struct {
	styles     *themes.Styles // what the editor was styled with
	previewKey string
	preview    []string // the preview's lines, head included
	detailKey  string
	detailH    int
}

// sideBySideWidth is the width from which a step's input and result sit
// side by side.
const sideBySideWidth = 120

// Prepare renders what View shows that is not cheap or not pure: the
// mapping's preview and the selected step's input and result (images
// included, their transmissions queued on Common.Graphics). The root calls
// it at the end of every Update while the builder is on screen.
func (b *Builder) Prepare() {
	if b.drawn.styles != b.com.Styles {
		b.drawn.styles = b.com.Styles
		b.editor.SetStyles(editor.Styles(b.com))
		b.drawn.previewKey, b.drawn.detailKey = "", ""
	}
	iw := max(1, b.w-b.com.Styles.PaneFocused.GetHorizontalFrameSize())
	free := b.innerHeight() - len(b.headLines(iw))
	if b.zoom {
		b.prepareDetail(max(1, free))
		return
	}
	if b.editing && b.target != targetChainInput {
		free -= 1 + b.editor.Height()
		b.preparePreview(iw, max(2, free/2))
		free -= len(b.drawn.preview)
	} else {
		free -= len(b.mappingLines(iw))
	}
	b.prepareDetail(max(1, free))
}

// headLines are the lines above the mapping: title, pipeline, input, the
// chain's own problems, the step's header.
func (b *Builder) headLines(iw int) []string {
	st, spin := b.com.Styles, b.com.Spinner()
	snap := b.barChain()
	lines := []string{common.FitRow(b.title(), chainbar.RunStatus(b.com, snap.Run, spin), iw), chainbar.Pipeline(b.com, snap, true, iw, spin)}
	if !b.zoom {
		lines = append(lines, ansi.Truncate(b.inputLine(), iw, st.Ellipsis))
		lines = append(lines, b.chainProblemLines(iw)...)
	}
	s, ok := b.selectedStep()
	if !ok {
		return append(lines, st.Muted.Render(ansi.Truncate("select a model in the catalog and press a; ctrl+o opens a chain file", iw, st.Ellipsis)))
	}
	head := st.Accent.Render(fmt.Sprintf("%d/%d %s", b.sel+1, len(b.c.Steps), s.ID)) + st.Muted.Render(" "+st.Dot+" "+s.Algo)
	if e, ok := b.entry(b.sel); ok {
		head += st.Muted.Render(fmt.Sprintf(" %s %s → %s", st.Dot, e.InputKind, e.OutputKind))
	}
	return append(lines, common.FitRow(head, st.Muted.Render(common.ScrollPos(&b.vp)), iw))
}

// View is the builder filling the body.
func (b *Builder) View() string {
	st := b.com.Styles
	frame := st.PaneFocused
	iw := max(1, b.w-frame.GetHorizontalFrameSize())
	ih := b.innerHeight()
	lines := b.headLines(iw)
	if !b.zoom {
		if b.editing && b.target != targetChainInput {
			lines = append(lines, b.editorHead(iw))
			lines = append(lines, strings.Split(b.editor.View(), "\n")...)
			lines = append(lines, b.drawn.preview...)
		} else {
			lines = append(lines, b.mappingLines(iw)...)
		}
	}
	lines = append(lines, b.vp.View())
	return frame.Width(b.w).Height(b.h).Render(common.Clip(strings.Join(lines, "\n"), iw, ih))
}

func (b *Builder) editorHead(w int) string {
	head := "editing `" + b.target.String() + "` · jq over {input, steps}"
	if b.target == targetChainInput {
		head = "editing the chain's input"
	}
	return b.com.Styles.Accent.Render(ansi.Truncate(head, w, b.com.Styles.Ellipsis))
}

// Snapshot is the chain as the bar under the panes draws it (nil when
// there is none).
func (b *Builder) Snapshot() *chainbar.Chain {
	if b.c == nil {
		return nil
	}
	c := b.barChain()
	return &c
}

// barChain is the chain's steps with their newest progress and the last
// run, for chainbar to draw.
func (b *Builder) barChain() chainbar.Chain {
	var c chainbar.Chain
	switch {
	case b.running:
		c.Run = chainbar.Run{State: chainbar.RunRunning, Elapsed: b.elapsed}
	case b.runErr != nil && isProblems(b.runErr):
		c.Run.State = chainbar.RunRefused
	case b.runErr != nil:
		c.Run = chainbar.Run{State: chainbar.RunFailed, ErrType: errorType(b.runErr)}
	case b.trace != nil:
		c.Run = chainbar.Run{State: chainbar.RunDone, Duration: b.trace.Duration}
	}
	if b.c == nil {
		return c
	}
	c.Name, c.Selected = b.c.Name, b.sel
	c.Steps = make([]chainbar.Step, len(b.c.Steps))
	for i, s := range b.c.Steps {
		step := chainbar.Step{ID: s.ID, Each: s.Each != "", Problem: len(b.problems.ForStep(i)) > 0}
		if st, ok := b.live[s.ID]; ok {
			switch {
			case !st.Done:
				step.State, step.Completed, step.Items = chainbar.StepRunning, st.Completed, len(st.Items)
			case st.Err != nil:
				step.State, step.ErrType = chainbar.StepFailed, errorType(st.Err)
			default:
				step.State, step.Duration = chainbar.StepDone, st.Duration
			}
		}
		c.Steps[i] = step
	}
	return c
}

// StepAt maps a column of the pipeline line (from the text's start) to a
// step, when the whole pipeline is on screen.
func (b *Builder) StepAt(x int) (int, bool) {
	iw := max(1, b.w-b.com.Styles.PaneFocused.GetHorizontalFrameSize())
	return chainbar.StepAt(b.com, b.barChain(), x, iw)
}

func errorType(err error) string {
	var se *pipebuilder.StepError
	if errors.As(err, &se) {
		err = se.Err
	}
	if t := catalog.ErrorType(err); t != "" {
		return t
	}
	return catalog.AsError(err).Type
}

func (b *Builder) title() string {
	st := b.com.Styles
	if b.c == nil {
		return st.Title.Render("chain")
	}
	s := st.Title.Render("chain") + st.Muted.Render(" "+st.Dot+" ") + st.Text.Render(b.c.Name) +
		st.Muted.Render(fmt.Sprintf(" %s %s %s", b.c.Version, st.Dot, human.Plural(len(b.c.Steps), "step")))
	if k := len(b.problems); k > 0 {
		s += st.StatusWarn.Render(fmt.Sprintf(" %s %s", st.Dot, human.Plural(k, "problem")))
	}
	return s
}

func (b *Builder) inputLine() string {
	st := b.com.Styles
	if b.c == nil {
		return st.Muted.Render("input · none yet")
	}
	desc := "the first step's sample"
	if b.inputSet || !b.input.IsZero() {
		desc = b.inputLabel
		if desc == "" {
			desc = value.Describe(b.input)
		}
	}
	return st.Muted.Render(fmt.Sprintf("input · %s · %s · o load file · I edit · t kind", b.c.Input, desc))
}

// chainProblemLines shows what is wrong with the chain itself (its name,
// version, input kind, output mapping), which no step owns.
func (b *Builder) chainProblemLines(w int) []string {
	var own pipebuilder.Errors
	for _, pr := range b.problems {
		if pr.Step < 0 || pr.Step >= b.steps() {
			own = append(own, pr)
		}
	}
	if len(own) == 0 {
		return nil
	}
	s := "✗ " + own[0].Msg
	if len(own) > 1 {
		s += fmt.Sprintf(" (and %d more)", len(own)-1)
	}
	return []string{b.com.Styles.Error.Render(ansi.Truncate(s, w, b.com.Styles.Ellipsis))}
}

// mappingLines is the selected step's mapping and its problems, or the
// chain input's editor.
func (b *Builder) mappingLines(w int) []string {
	st := b.com.Styles
	if b.editing {
		return append([]string{b.editorHead(w)}, strings.Split(b.editor.View(), "\n")...)
	}
	s, ok := b.selectedStep()
	if !ok {
		return nil
	}
	var lines []string
	switch {
	case s.Each != "":
		lines = append(lines, st.Muted.Render("each  ")+st.Text.Render(ansi.Truncate(common.OneLine(s.Each), max(1, w-6), st.Ellipsis)))
	case s.Input != "":
		lines = append(lines, st.Muted.Render("input ")+st.Text.Render(ansi.Truncate(common.OneLine(s.Input), max(1, w-6), st.Ellipsis)))
	case b.sel == 0:
		lines = append(lines, st.Muted.Render("input · the chain's input, unchanged · i maps it with jq"))
	default:
		lines = append(lines, st.Muted.Render("input · the previous step's result, unchanged · i maps it with jq"))
	}
	probs := b.problems.ForStep(b.sel)
	for i, pr := range probs {
		if i == 2 {
			lines = append(lines, st.Error.Render(fmt.Sprintf("  and %d more (see the status line)", len(probs)-2)))
			break
		}
		lines = append(lines, st.Error.Render(ansi.Truncate("✗ "+pr.Msg, w, st.Ellipsis)))
	}
	return lines
}

// preparePreview renders the preview under the editor in at most maxLines
// lines: the value the mapping builds over the last run, or its jq error.
func (b *Builder) preparePreview(w, maxLines int) {
	key := fmt.Sprintf("%d|%d|%d|%p|%d|%v", b.previewGen, w, maxLines, b.com.Styles, b.com.Graphics.Epoch(), b.trace == nil)
	if b.previewing {
		key += "|updating"
	}
	if key == b.drawn.previewKey && b.drawn.preview != nil {
		return
	}
	b.drawn.previewKey = key
	st := b.com.Styles
	switch {
	case b.previewErr != nil:
		out := []string{st.Error.Render("preview · jq error")}
		for _, l := range strings.Split(common.WrapText(b.previewErr.Error(), w), "\n") {
			if len(out) >= maxLines {
				break
			}
			out = append(out, st.Error.Render(l))
		}
		b.drawn.preview = out
		return
	case b.trace == nil:
		b.drawn.preview = []string{st.Muted.Render(ansi.Truncate("preview · run the chain (r) once to preview what this builds", w, st.Ellipsis))}
		return
	case b.preview.IsZero():
		b.drawn.preview = []string{st.Muted.Render("preview · …")}
		return
	}
	body := strings.Split(value.Render(b.com, "chain.preview", b.preview, w, maxLines-1, value.Options{ElideStrings: true}), "\n")
	if len(body) > maxLines-1 {
		body = append(body[:max(0, maxLines-2)], st.Muted.Render(fmt.Sprintf("… %d more lines", len(body)-(maxLines-2))))
	}
	what := "preview · " + string(b.preview.Kind) + " · " + value.Describe(b.preview)
	if b.previewing {
		what = "preview (updating) · " + string(b.preview.Kind)
	}
	b.drawn.preview = append([]string{st.Muted.Render(ansi.Truncate(what, w, st.Ellipsis))}, body...)
}

// prepareDetail renders the selected step's input and result into the
// viewport, height lines high, when something changed.
func (b *Builder) prepareDetail(height int) {
	b.vp.SetHeight(max(1, height))
	s, ok := b.selectedStep()
	if !ok {
		b.vp.SetContent("")
		b.drawn.detailKey = ""
		return
	}
	st, has := b.live[s.ID]
	key := fmt.Sprintf("%d|%d|%s|%v|%d|%v|%p|%p|%d|%v", b.w, height, s.ID, has, st.Completed, st.Done, b.trace, b.com.Styles, b.com.Graphics.Epoch(), b.zoom)
	if key == b.drawn.detailKey {
		return
	}
	b.drawn.detailKey = key
	y := b.vp.YOffset()
	editor.SetOutput(&b.vp, b.detail(s.ID, st, has))
	b.vp.SetYOffset(y)
}

// detail is a step's input and result as the viewport shows them: side by
// side on wide terminals, the result alone when zoomed.
func (b *Builder) detail(id string, st pipebuilder.StepTrace, has bool) string {
	sty := b.com.Styles
	if !has {
		msg := "not run yet · r runs the chain, u runs it up to this step"
		if b.running {
			msg = "waiting for the steps before it"
		}
		return sty.Muted.Render(msg)
	}
	w := max(10, b.vp.Width()-1)
	h := max(3, b.vp.Height()*2/3)
	side := w >= sideBySideWidth && !st.Input.IsZero() && !b.zoom
	colW := w
	if side {
		colW = (w - 3) / 2
		h = max(3, b.vp.Height()-2)
	}
	if b.zoom {
		h = max(3, b.vp.Height()-1)
	}
	rule := func(s string) string {
		return sty.Muted.Render(ansi.Truncate("── "+s+" "+strings.Repeat("─", colW), colW, "")) + "\n"
	}
	opt := value.Options{ElideStrings: !b.zoom, More: "w saves it"}
	var in, out string
	if !st.Input.IsZero() && !b.zoom {
		what := "input · " + string(st.Input.Kind)
		if len(st.Items) > 0 {
			what = fmt.Sprintf("input · %d elements", len(st.Items))
		}
		in = rule(what) + value.Render(b.com, "chain.input", st.Input, colW, h, value.Options{ElideStrings: true})
	} else {
		b.com.Graphics.Forget("chain.input")
	}
	switch {
	case !st.Done:
		out = rule("result") + sty.Accent.Render("running…")
	case st.Err != nil:
		out = rule("error · "+errorType(st.Err)+" · "+b.com.Duration(st.Duration)) + sty.Error.Render(common.WrapText(st.Err.Error(), colW))
	default:
		out = rule(fmt.Sprintf("result · %s · %s", st.ContentType, b.com.Duration(st.Duration))) + value.Render(b.com, "chain.result", st.Result, colW, h, opt)
	}
	switch {
	case side:
		col := lipgloss.NewStyle().Width(colW).MaxWidth(colW)
		return lipgloss.JoinHorizontal(lipgloss.Top, col.Render(in), "   ", col.Render(out))
	case in == "":
		return out
	}
	return in + "\n" + out
}
