package ui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"pipette/internal/human"
	"pipette/ui/common"
	"pipette/ui/components/graphics"
	"strings"
	"time"

	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"pipette/catalog"
	"pipette/client"
	"pipette/pipebuilder"
	"pipette/themes"
)

// chainPane is the chain builder: a one-line strip under the panes showing
// the pipeline, which fills the screen when focused to show the selected
// step's mapping, input and result.
type chainPane struct {
	com  *common.Common
	w, h int // outer size, border included

	c        *pipebuilder.Chain // nil until the first step is added or a chain opened
	file     string             // where ctrl+s writes ("" asks)
	problems pipebuilder.Errors // from the last edit or validation
	// loadProblems are what reading the file found; some (unknown fields)
	// only reading can find, so they stay until the first edit.
	loadProblems pipebuilder.Errors
	suggest      string          // the path ctrl+s offers when file is ""
	entries      []catalog.Entry // each step's resolved entry, from validation
	gen          int             // edits so far: validations answer one
	sel          int

	// The chain's input: chosen by the user, or the first step's sample.
	input      catalog.Value
	inputLabel string
	inputSet   bool // the user chose it (o, I); otherwise a sample is used

	running bool
	seq     int
	cancel  context.CancelFunc
	started time.Time
	elapsed time.Duration
	live    map[string]pipebuilder.StepTrace // by step id: the newest progress
	trace   *pipebuilder.Trace               // the last finished run
	runErr  error
	upTo    string

	// The mapping editor. target is "input", "each", "output" or "chain
	// input" (the chain's input value as text).
	editing    bool
	target     string
	editor     textarea.Model
	previewSeq int
	preview    catalog.Value
	previewErr error
	previewing bool
	// previewGen counts changes of preview and previewErr; previewShown is
	// the preview drawn for it, kept because View draws the mapping lines
	// twice a frame (for the layout and the screen) and a large value or
	// an image would otherwise be rendered again on every key and tick.
	previewGen   int
	previewShown shownPreview

	vp    viewport.Model
	vpKey string
}

func newChainPane(c *common.Common) chainPane {
	p := chainPane{com: c, editor: newEditor(), vp: newOutputViewport(), live: map[string]pipebuilder.StepTrace{}}
	p.setStyles()
	return p
}

func (p *chainPane) setStyles() {
	st := p.com.Styles
	p.editor.SetStyles(editorStyles(st))
	p.vpKey = ""
}

// stripHeight is the strip's height when the chain is not focused.
const stripHeight = 3

func (p *chainPane) SetSize(w, h int) {
	p.w, p.h = w, h
	iw := max(1, w-p.com.Styles.Pane.GetHorizontalFrameSize())
	p.editor.SetWidth(iw)
	p.editor.SetHeight(p.editorHeight())
	p.vp.SetWidth(iw)
	p.vp.SetHeight(max(1, p.detailHeight()))
	// vpKey holds the width and the detail's height: the detail is drawn
	// again only if they changed, not on every layout (each preview answer).
}

func (p *chainPane) innerHeight() int { return max(1, p.h-p.com.Styles.Pane.GetVerticalFrameSize()) }

func (p *chainPane) editorHeight() int { return max(2, min(8, p.innerHeight()/5)) }

// headLines is what sits above the step detail: title, pipeline, input line,
// step header, and the mapping (or the editor and its preview).
func (p *chainPane) headLines() int {
	return 4 + len(p.chainProblemLines(1)) + len(p.mappingLines(max(1, p.w-4)))
}

func (p *chainPane) detailHeight() int { return p.innerHeight() - p.headLines() }

func (p *chainPane) steps() int {
	if p.c == nil {
		return 0
	}
	return len(p.c.Steps)
}

func (p *chainPane) clamp() { p.sel = max(0, min(p.sel, p.steps()-1)) }

func (p *chainPane) selectedStep() (*pipebuilder.Step, bool) {
	if p.c == nil || p.sel < 0 || p.sel >= len(p.c.Steps) {
		return nil, false
	}
	return &p.c.Steps[p.sel], true
}

// entry is the catalog entry of step i when validation resolved it.
func (p *chainPane) entry(i int) (catalog.Entry, bool) {
	if i < 0 || i >= len(p.entries) || p.entries[i].Ref.Name == "" {
		return catalog.Entry{}, false
	}
	return p.entries[i], true
}

// stepTrace is the newest progress or result of the step with id.
func (p *chainPane) stepTrace(id string) (pipebuilder.StepTrace, bool) {
	st, ok := p.live[id]
	return st, ok
}

// mark is a step's status: a check and its duration, a cross and the error
// type, the spinner while it runs.
func (p *chainPane) mark(id, spin string) string {
	st, ok := p.stepTrace(id)
	if !ok {
		return ""
	}
	switch {
	case !st.Done:
		s := spin
		if len(st.Items) > 0 {
			s += fmt.Sprintf(" %d/%d", st.Completed, len(st.Items))
		}
		return p.com.Styles.Accent.Render(s)
	case st.Err != nil:
		return p.com.Styles.Error.Render("✗ " + errorType(st.Err))
	}
	return p.com.Styles.Success.Render("✓") + p.com.Styles.Muted.Render(" "+human.Duration(st.Duration))
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

// pipeline draws the steps as "faces ✓ 30 ms → lines ✓ 2 ms → …" in at most
// w cells, keeping the selected step in view.
func (p *chainPane) pipeline(w int, spin string, selected bool) string {
	if p.steps() == 0 {
		return p.com.Styles.Muted.Render("no steps yet · pick a model and press a to add it")
	}
	arrow := p.com.Styles.Muted.Render(" → ")
	parts := make([]string, len(p.c.Steps))
	for i, s := range p.c.Steps {
		name := s.ID
		if s.Each != "" {
			name += "[]"
		}
		st := p.com.Styles.Text
		if len(p.problems.ForStep(i)) > 0 {
			st = p.com.Styles.StatusWarn
		}
		if selected && i == p.sel {
			st = st.Inherit(p.com.Styles.Selected)
		}
		part := st.Render(name)
		if mk := p.mark(s.ID, spin); mk != "" {
			part += " " + mk
		}
		parts[i] = part
	}
	line := strings.Join(parts, arrow)
	if ansi.StringWidth(line) <= w {
		return line
	}
	// Drop steps from the ends until the selected one fits.
	lo, hi := 0, len(parts)
	for lo < hi-1 && ansi.StringWidth(strings.Join(parts[lo:hi], arrow))+4 > w {
		if p.sel-lo > hi-1-p.sel {
			lo++
		} else {
			hi--
		}
	}
	line = strings.Join(parts[lo:hi], arrow)
	if lo > 0 {
		line = p.com.Styles.Muted.Render("… ") + line
	}
	if hi < len(parts) {
		line += p.com.Styles.Muted.Render(" …")
	}
	return ansi.Truncate(line, w, p.com.Styles.Ellipsis)
}

// stepAt maps a cell of the builder's pipeline line (x from the text's
// start, y from the first inner line) to a step, when the whole pipeline
// is on screen.
func (p *chainPane) stepAt(x, y int) (int, bool) {
	if y != 1 || p.steps() == 0 || x < 0 {
		return 0, false
	}
	iw := max(1, p.w-p.com.Styles.PaneFocused.GetHorizontalFrameSize())
	if line := ansi.Strip(p.pipeline(iw, " ", true)); strings.HasPrefix(line, "…") {
		return 0, false
	}
	pos := 0
	for i, s := range p.c.Steps {
		w := ansi.StringWidth(s.ID)
		if s.Each != "" {
			w += 2
		}
		if mk := p.mark(s.ID, " "); mk != "" {
			w += 1 + ansi.StringWidth(mk)
		}
		if x >= pos && x < pos+w {
			return i, true
		}
		pos += w + 3 // " → "
	}
	return 0, false
}

// runStatus is the run's state for the right of the title.
func (p *chainPane) runStatus(spin string) string {
	switch {
	case p.running:
		return p.com.Styles.Accent.Render(fmt.Sprintf("%s running · %s · esc cancels", spin, p.elapsed.Round(100*time.Millisecond)))
	case p.runErr != nil && isProblems(p.runErr):
		return p.com.Styles.StatusWarn.Render("✗ not run: fix the problems")
	case p.runErr != nil:
		return p.com.Styles.Error.Render("✗ " + errorType(p.runErr))
	case p.trace != nil:
		return p.com.Styles.Success.Render("✓") + p.com.Styles.Muted.Render(" "+human.Duration(p.trace.Duration))
	}
	return ""
}

func (p *chainPane) title() string {
	if p.c == nil {
		return p.com.Styles.Title.Render("chain")
	}
	n := len(p.c.Steps)
	s := p.com.Styles.Title.Render("chain") + p.com.Styles.Muted.Render(" "+p.com.Styles.Dot+" ") + p.com.Styles.Text.Render(p.c.Name) +
		p.com.Styles.Muted.Render(fmt.Sprintf(" %s %s %s", p.c.Version, p.com.Styles.Dot, human.Plural(n, "step")))
	if k := len(p.problems); k > 0 {
		s += p.com.Styles.StatusWarn.Render(fmt.Sprintf(" %s %s", p.com.Styles.Dot, human.Plural(k, "problem")))
	}
	return s
}

// StripView is the one-line chain under the panes.
func (p *chainPane) StripView(spin string) string {
	frame := p.com.Styles.Pane
	iw := max(1, p.w-frame.GetHorizontalFrameSize())
	var line string
	if p.c == nil {
		line = p.com.Styles.Title.Render("chain") + p.com.Styles.Muted.Render(" "+p.com.Styles.Dot+" empty "+p.com.Styles.Dot+" a adds the model in view "+p.com.Styles.Dot+" c opens the builder")
	} else {
		line = common.FitRow(p.com.Styles.Title.Render(p.c.Name)+"  "+p.pipeline(max(1, iw-len(p.c.Name)-14), spin, false), p.runStatus(spin), iw)
	}
	return frame.Width(p.w).Height(stripHeight).Render(ansi.Truncate(line, iw, ""))
}

// View is the builder filling the body.
func (p *chainPane) View(spin string) string {
	frame := p.com.Styles.PaneFocused
	iw := max(1, p.w-frame.GetHorizontalFrameSize())
	ih := p.innerHeight()
	lines := []string{common.FitRow(p.title(), p.runStatus(spin), iw)}
	lines = append(lines, p.pipeline(iw, spin, true))
	lines = append(lines, ansi.Truncate(p.inputLine(), iw, p.com.Styles.Ellipsis))
	lines = append(lines, p.chainProblemLines(iw)...)
	if s, ok := p.selectedStep(); ok {
		head := p.com.Styles.Accent.Render(fmt.Sprintf("%d/%d %s", p.sel+1, len(p.c.Steps), s.ID)) + p.com.Styles.Muted.Render(" "+p.com.Styles.Dot+" "+s.Algo)
		if e, ok := p.entry(p.sel); ok {
			head += p.com.Styles.Muted.Render(fmt.Sprintf(" %s %s → %s", p.com.Styles.Dot, e.InputKind, e.OutputKind))
		}
		lines = append(lines, ansi.Truncate(head, iw, p.com.Styles.Ellipsis))
	} else {
		lines = append(lines, p.com.Styles.Muted.Render("select a model on the catalog and press a; ctrl+o opens a chain file"))
	}
	lines = append(lines, p.mappingLines(iw)...)
	// What is above the detail is drawn: its height is known without
	// headLines drawing the mapping (editor, preview) a second time.
	p.refreshDetail(ih - len(lines))
	lines = append(lines, p.vp.View())
	// Never let the builder push the screen taller or wider than it is.
	bl := strings.Split(strings.Join(lines, "\n"), "\n")
	if len(bl) > ih {
		bl = bl[:ih]
	}
	for i, l := range bl {
		if ansi.StringWidth(l) > iw {
			bl[i] = ansi.Truncate(l, iw, "")
		}
	}
	return frame.Width(p.w).Height(p.h).Render(strings.Join(bl, "\n"))
}

func (p *chainPane) inputLine() string {
	if p.c == nil {
		return p.com.Styles.Muted.Render("input · none yet")
	}
	desc := "the first step's sample"
	if p.inputSet || !p.input.IsZero() {
		desc = p.inputLabel
		if desc == "" {
			desc = describeValue(p.input)
		}
	}
	return p.com.Styles.Muted.Render(fmt.Sprintf("input · %s · %s · o load file · I edit · t kind", p.c.Input, desc))
}

// describeValue is a value in a few words.
func describeValue(v catalog.Value) string {
	if v.Kind == catalog.KindBinary {
		if info, ok := graphics.Sniff(v.Bytes); ok {
			return fmt.Sprintf("%s image %d×%d, %s", strings.ToUpper(info.Format), info.W, info.H, human.Bytes(int64(len(v.Bytes))))
		}
		return human.Bytes(int64(len(v.Bytes))) + " of binary"
	}
	return common.OneLine(v.Summary(60))
}

// chainProblemLines shows what is wrong with the chain itself (its name,
// version, input kind, output mapping), which no step owns.
func (p *chainPane) chainProblemLines(w int) []string {
	var own pipebuilder.Errors
	for _, pr := range p.problems {
		if pr.Step < 0 || pr.Step >= p.steps() {
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
	return []string{p.com.Styles.Error.Render(ansi.Truncate(s, w, p.com.Styles.Ellipsis))}
}

// mappingLines is the selected step's mapping, its problems, or the editor
// with the live preview of what the mapping builds.
func (p *chainPane) mappingLines(w int) []string {
	s, ok := p.selectedStep()
	if !ok && !p.editing {
		return nil
	}
	var lines []string
	if p.editing {
		head := "editing `" + p.target + "` · jq over {input, steps} · esc done · ctrl+t input/each · ctrl+r run to here"
		if p.target == "chain input" {
			head = "editing the chain's input · esc done · ctrl+r run"
		}
		lines = append(lines, p.com.Styles.Accent.Render(ansi.Truncate(head, w, p.com.Styles.Ellipsis)))
		lines = append(lines, strings.Split(p.editor.View(), "\n")...)
		if p.target != "chain input" {
			lines = append(lines, p.previewLines(w)...)
		}
		return lines
	}
	switch {
	case s.Each != "":
		lines = append(lines, p.com.Styles.Muted.Render("each  ")+p.com.Styles.Text.Render(ansi.Truncate(common.OneLine(s.Each), max(1, w-6), p.com.Styles.Ellipsis)))
	case s.Input != "":
		lines = append(lines, p.com.Styles.Muted.Render("input ")+p.com.Styles.Text.Render(ansi.Truncate(common.OneLine(s.Input), max(1, w-6), p.com.Styles.Ellipsis)))
	case p.sel == 0:
		lines = append(lines, p.com.Styles.Muted.Render("input · the chain's input, unchanged · i maps it with jq"))
	default:
		lines = append(lines, p.com.Styles.Muted.Render("input · the previous step's result, unchanged · i maps it with jq"))
	}
	for i, pr := range p.problems.ForStep(p.sel) {
		if i == 2 {
			lines = append(lines, p.com.Styles.Error.Render(fmt.Sprintf("  and %d more (see the status line)", len(p.problems.ForStep(p.sel))-2)))
			break
		}
		lines = append(lines, p.com.Styles.Error.Render(ansi.Truncate("✗ "+pr.Msg, w, p.com.Styles.Ellipsis)))
	}
	return lines
}

// previewLines is the preview under the editor: the value the mapping
// builds over the last run, or its jq error.
func (p *chainPane) previewLines(w int) []string {
	const maxLines = 6
	switch {
	case p.previewErr != nil:
		out := []string{p.com.Styles.Error.Render("preview · jq error")}
		for _, l := range strings.Split(common.WrapText(p.previewErr.Error(), w), "\n") {
			if len(out) >= maxLines {
				break
			}
			out = append(out, p.com.Styles.Error.Render(l))
		}
		return out
	case p.trace == nil:
		return []string{p.com.Styles.Muted.Render("preview · run the chain (r) once to preview what this builds")}
	case p.preview.IsZero():
		return []string{p.com.Styles.Muted.Render("preview · …")}
	}
	shown := p.shownPreview(w, maxLines)
	what := "preview · " + string(p.preview.Kind) + " · " + shown.what
	if p.previewing {
		what = "preview (updating) · " + string(p.preview.Kind)
	}
	head := p.com.Styles.Muted.Render(ansi.Truncate(what, w, p.com.Styles.Ellipsis))
	return append([]string{head}, shown.body...)
}

// shownPreview is a rendered preview and what it was rendered for.
type shownPreview struct {
	key  string
	what string   // describeValue of the preview
	body []string // at most maxLines-1 lines
}

// setPreview installs a preview (or its jq error).
func (p *chainPane) setPreview(v catalog.Value, err error) {
	p.preview, p.previewErr = v, err
	p.previewGen++
}

// shownPreview renders the preview's description and body once per
// preview, width, theme and image epoch.
func (p *chainPane) shownPreview(w, maxLines int) shownPreview {
	key := fmt.Sprintf("%d|%d|%s|%d", p.previewGen, w, p.com.Styles.Palette.Name, p.com.Graphics.Epoch())
	if p.previewShown.key == key {
		return p.previewShown
	}
	body := strings.Split(renderValue(p.com.Styles, p.com.Graphics, "chain.preview", p.preview, w, maxLines), "\n")
	if len(body) > maxLines-1 {
		body = append(body[:maxLines-2], p.com.Styles.Muted.Render(fmt.Sprintf("… %d more lines", len(body)-(maxLines-2))))
	}
	p.previewShown = shownPreview{key: key, what: describeValue(p.preview), body: body}
	return p.previewShown
}

// refreshDetail renders the selected step's input and result into the
// viewport, height lines high, when something changed.
func (p *chainPane) refreshDetail(height int) {
	p.vp.SetHeight(max(1, height))
	s, ok := p.selectedStep()
	if !ok {
		p.vp.SetContent("")
		p.vpKey = ""
		return
	}
	st, has := p.stepTrace(s.ID)
	key := fmt.Sprintf("%d|%d|%s|%v|%d|%v|%p|%s|%d", p.w, p.vp.Height(), s.ID, has, st.Completed, st.Done, p.trace, p.com.Styles.Palette.Name, p.com.Graphics.Epoch())
	if key == p.vpKey {
		return
	}
	p.vpKey = key
	if !has {
		msg := "not run yet · r runs the chain, u runs it up to this step"
		if p.running {
			msg = "waiting for the steps before it"
		}
		setOutput(&p.vp, p.com.Styles.Muted.Render(msg))
		return
	}
	// Wide terminals show the input and the result side by side.
	w := max(10, p.vp.Width()-1)
	h := max(3, p.vp.Height()*2/3)
	side := w >= sideBySideWidth && !st.Input.IsZero()
	colW := w
	if side {
		colW = (w - 3) / 2
		h = max(3, p.vp.Height()-2)
	}
	rule := func(s string) string {
		return p.com.Styles.Muted.Render(ansi.Truncate("── "+s+" "+strings.Repeat("─", colW), colW, "")) + "\n"
	}
	var in, out string
	if !st.Input.IsZero() {
		what := "input · " + string(st.Input.Kind)
		if len(st.Items) > 0 {
			what = fmt.Sprintf("input · %d elements", len(st.Items))
		}
		in = rule(what) + renderValue(p.com.Styles, p.com.Graphics, "chain.input", st.Input, colW, h)
	}
	switch {
	case !st.Done:
		out = rule("result") + p.com.Styles.Accent.Render("running…")
	case st.Err != nil:
		out = rule("error · "+errorType(st.Err)+" · "+human.Duration(st.Duration)) + p.com.Styles.Error.Render(common.WrapText(st.Err.Error(), colW))
	default:
		out = rule(fmt.Sprintf("result · %s · %s", st.ContentType, human.Duration(st.Duration))) + renderValue(p.com.Styles, p.com.Graphics, "chain.result", st.Result, colW, h)
	}
	content := in + "\n" + out
	switch {
	case side:
		col := lipgloss.NewStyle().Width(colW).MaxWidth(colW)
		content = lipgloss.JoinHorizontal(lipgloss.Top, col.Render(in), "   ", col.Render(out))
	case in == "":
		content = out
	}
	y := p.vp.YOffset()
	setOutput(&p.vp, content)
	p.vp.SetYOffset(y)
}

// sideBySideWidth is the width from which a step's input and result sit
// side by side.
const sideBySideWidth = 120

// renderValue draws a step's value: JSON coloured with long strings (base64
// images) shortened, text wrapped, images previewed.
func renderValue(st *themes.Styles, gfx *graphics.Graphics, slot string, v catalog.Value, w, h int) string {
	if v.Kind != catalog.KindBinary {
		gfx.Forget(slot)
	}
	switch v.Kind {
	case catalog.KindJSON:
		b, err := json.MarshalIndent(elideStrings(v.JSON), "", "  ")
		if err != nil {
			return st.Error.Render(err.Error())
		}
		return st.ColorJSON(string(b))
	case catalog.KindText:
		return common.WrapText(v.Text, w)
	case catalog.KindBinary:
		return describeBinary(st, gfx, slot, v.Bytes, w, h)
	case catalog.KindVoid:
		return st.Muted.Render("(nothing)")
	}
	return st.Muted.Render("(" + string(v.Kind) + ")")
}

// maxShownString is how much of a long JSON string the builder shows: a
// base64 image inside a mapping's result would otherwise fill pages.
const maxShownString = 160

func elideStrings(x any) any {
	switch x := x.(type) {
	case string:
		if len(x) > maxShownString {
			r := []rune(x)
			if len(r) > maxShownString {
				return string(r[:maxShownString/2]) + fmt.Sprintf("… (%d characters)", len(r))
			}
		}
		return x
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = elideStrings(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = elideStrings(e)
		}
		return out
	}
	return x
}

// chainRunCmd runs a snapshot of the chain off the UI goroutine. Progress
// comes back as messages on a channel the program reads one at a time, so
// the model only changes in Update.
func chainRunCmd(ctx context.Context, cl *client.Client, c *pipebuilder.Chain, in catalog.Value, label string, upTo string, seq int) tea.Cmd {
	return func() tea.Msg {
		ch := make(chan tea.Msg, 64)
		go func() {
			defer close(ch)
			if in.IsZero() {
				v, l, err := firstSample(ctx, cl, c)
				if err != nil {
					ch <- chainDoneMsg{seq: seq, err: err}
					return
				}
				in, label = v, l
			}
			ch <- chainInputMsg{seq: seq, input: in, label: label}
			// Validation also tells Run which steps take only binary input.
			// Problems after the last step to run do not stop a partial run.
			if err := c.Validate(ctx, cl.Source()); err != nil {
				last := len(c.Steps) - 1
				if upTo != "" {
					last = c.StepIndex(upTo)
				}
				var es, before pipebuilder.Errors
				if !errors.As(err, &es) {
					ch <- chainDoneMsg{seq: seq, err: err}
					return
				}
				for _, p := range es {
					if p.Step <= last {
						before = append(before, p)
					}
				}
				if len(before) > 0 {
					ch <- chainDoneMsg{seq: seq, err: before}
					return
				}
			}
			tr, err := pipebuilder.Run(ctx, cl, c, in, pipebuilder.Options{
				UpTo: upTo, StepTimeout: 2 * time.Minute, Timeout: 10 * time.Minute,
				OnStep: func(st pipebuilder.StepTrace) { ch <- chainStepMsg{seq: seq, step: st} },
			})
			ch <- chainDoneMsg{seq: seq, trace: tr, err: err}
		}()
		return nextChainMsg(ch)()
	}
}

// nextChainMsg reads the next message of a run, attaching the channel so
// that Update can ask for the one after.
func nextChainMsg(ch <-chan tea.Msg) tea.Cmd {
	return func() tea.Msg {
		msg, ok := <-ch
		if !ok {
			return nil
		}
		switch m := msg.(type) {
		case chainInputMsg:
			m.next = ch
			return m
		case chainStepMsg:
			m.next = ch
			return m
		}
		return msg
	}
}

// firstSample is the first step's first sample: the default chain input.
func firstSample(ctx context.Context, cl *client.Client, c *pipebuilder.Chain) (catalog.Value, string, error) {
	if len(c.Steps) == 0 {
		return catalog.Value{}, "", errors.New("the chain has no steps: add one with a")
	}
	ref, err := catalog.ParseRef(c.Steps[0].Algo)
	if err != nil {
		return catalog.Value{}, "", fmt.Errorf("step %s: %w", c.Steps[0].ID, err)
	}
	e, err := cl.Source().Get(ctx, ref)
	if err != nil {
		return catalog.Value{}, "", fmt.Errorf("cannot fetch %s for its sample input: %w", ref.Path(), err)
	}
	if len(e.Samples) == 0 {
		return catalog.Value{}, "", fmt.Errorf("%s has no sample: give the chain an input with o (a file) or I (text)", ref.Path())
	}
	s := e.Samples[0]
	label := "sample " + s.Name + " of " + ref.Path()
	if s.Name == "" {
		label = "the sample of " + ref.Path()
	}
	return s.Input, label, nil
}
