package ui

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"pipette/internal/human"
	"pipette/ui/common"
	"pipette/ui/components/boxes"
	"pipette/ui/components/graphics"
	"strings"
	"time"
	"unicode/utf8"

	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"pipette/catalog"
	"pipette/client"
	"pipette/themes"
	"pipette/ui/history"
)

// tryPane is the input editor and the output of the last run.
type tryPane struct {
	com  *common.Common
	w, h int

	entry  catalog.Entry
	has    bool
	sample int

	editor  textarea.Model
	editing bool
	// bin holds a binary input (an image sample or a loaded file); while it
	// is set the editor only describes it.
	bin      []byte
	binLabel string

	running bool
	seq     int
	cancel  context.CancelFunc
	started time.Time
	elapsed time.Duration

	resp   *client.Response
	err    error
	boxes  *boxes.Preview // drawn over the input image, above the result
	ranRef catalog.Ref
	out    viewport.Model
	outKey string // what the viewport currently renders (width, run)
}

func newTryPane(c *common.Common) tryPane {
	t := tryPane{com: c, editor: newEditor(), out: newOutputViewport()}
	t.setStyles()
	return t
}

func (t *tryPane) setStyles() {
	st := t.com.Styles
	t.editor.SetStyles(editorStyles(st))
	t.outKey = ""
}

// newEditor is the input editor of the Try tab and of the chain builder's
// mappings: no line numbers, no prompt, no length limit.
func newEditor() textarea.Model {
	ed := textarea.New()
	ed.ShowLineNumbers = false
	ed.Prompt = ""
	ed.CharLimit = 0
	ed.MaxHeight = 0
	return ed
}

// editorStyles colours an editor from the theme, with a steady cursor.
func editorStyles(st *themes.Styles) textarea.Styles {
	s := textarea.DefaultStyles(st.Palette.Dark)
	s.Cursor.Blink = false
	s.Focused.Text = st.Text
	s.Blurred.Text = st.Text
	s.Focused.Placeholder = st.Muted
	s.Blurred.Placeholder = st.Muted
	return s
}

// newOutputViewport shows a result: wheel-scrollable, and long JSON strings
// wrap instead of vanishing at the edge.
func newOutputViewport() viewport.Model {
	vp := viewport.New()
	vp.MouseWheelEnabled = true
	vp.SoftWrap = true
	return vp
}

// setOutput puts content in an output viewport. The viewport's soft wrap
// measures every line of the content on every View (thousands of lines for
// a large JSON result, on each key and spinner frame), so it is on only
// when some line is wider than the viewport; otherwise the two draw the same.
func setOutput(vp *viewport.Model, content string) {
	w := vp.Width() - vp.Style.GetHorizontalFrameSize()
	vp.SoftWrap = false
	for line := range strings.SplitSeq(content, "\n") {
		if ansi.StringWidth(line) > w {
			vp.SoftWrap = true
			break
		}
	}
	vp.SetContent(content)
}

// editorHeight is the share of the pane given to the input.
func (t *tryPane) editorHeight() int {
	return max(2, min(12, (t.h-3)*2/5))
}

func (t *tryPane) SetSize(w, h int) {
	t.w, t.h = w, h
	t.editor.SetWidth(w)
	t.editor.SetHeight(t.editorHeight())
	t.out.SetWidth(w)
	t.out.SetHeight(max(1, h-t.editorHeight()-2))
	t.refreshOutput()
}

// show selects an entry; a different entry resets the input to its first
// sample and clears the output.
func (t *tryPane) show(e catalog.Entry) {
	if t.has && e.Ref.Path() == t.entry.Ref.Path() {
		t.entry = e
		return
	}
	t.entry, t.has = e, true
	t.sample = 0
	t.loadSample()
	if !t.running {
		t.resp, t.err, t.boxes = nil, nil, nil
		t.refreshOutput()
	}
}

// loadSample puts the current sample into the editor.
func (t *tryPane) loadSample() {
	t.bin, t.binLabel = nil, ""
	if len(t.entry.Samples) == 0 {
		t.editor.SetValue("")
		t.editor.Placeholder = "type the input (" + string(t.entry.InputKind) + ")"
		return
	}
	s := t.entry.Samples[t.sample%len(t.entry.Samples)]
	t.setInput(s.Input, s.Name)
}

// setInput shows v in the editor (or describes it when it is binary).
func (t *tryPane) setInput(v catalog.Value, label string) {
	t.bin, t.binLabel = nil, ""
	switch v.Kind {
	case catalog.KindBinary:
		t.bin = v.Bytes
		t.binLabel = label
		t.editor.SetValue("")
		desc := human.Bytes(int64(len(v.Bytes))) + " of binary input"
		if info, ok := graphics.Sniff(v.Bytes); ok {
			desc = fmt.Sprintf("%s image %d×%d, %s", strings.ToUpper(info.Format), info.W, info.H, human.Bytes(int64(len(v.Bytes))))
		}
		if label != "" {
			desc = label + ": " + desc
		}
		t.editor.Placeholder = desc + " (o loads a file, i types text instead)"
	case catalog.KindJSON:
		b, err := json.MarshalIndent(v.JSON, "", "  ")
		if err != nil {
			b = []byte(fmt.Sprint(v.JSON))
		}
		t.editor.SetValue(string(b))
	case catalog.KindText:
		t.editor.SetValue(v.Text)
	default:
		t.editor.SetValue("")
	}
	t.editor.MoveToBegin()
}

func (t *tryPane) cycleSample(d int) bool {
	n := len(t.entry.Samples)
	if n < 2 {
		return false
	}
	t.sample = (t.sample + d + n) % n
	t.loadSample()
	return true
}

// input turns what the editor holds into the value to send, by the entry's
// input kind. A JSON model given text that is not JSON gets a clear error
// here rather than a confusing one from the model.
func (t *tryPane) input() (catalog.Value, error) {
	if t.bin != nil {
		return catalog.Bytes(t.bin), nil
	}
	s := t.editor.Value()
	switch t.entry.InputKind {
	case catalog.KindJSON:
		v, err := catalog.DecodeJSON([]byte(s))
		if err != nil {
			return catalog.Value{}, catalog.InputErrorf("the input is not valid JSON (%v); fix it or press ] for a sample", err)
		}
		return catalog.JSON(v), nil
	case catalog.KindAny:
		if v, err := catalog.DecodeJSON([]byte(s)); err == nil && strings.TrimSpace(s) != "" {
			return catalog.JSON(v), nil
		}
	}
	return catalog.Text(s), nil
}

// inputRecord is the input as history keeps it.
func (t *tryPane) inputRecord() (string, bool) {
	if t.bin != nil {
		if len(t.bin) > history.MaxInput {
			return "", true
		}
		return base64.StdEncoding.EncodeToString(t.bin), true
	}
	s := t.editor.Value()
	return s, false
}

// run starts a call. The context is kept so esc can cancel it.
func (t *tryPane) run(c *client.Client, now time.Time) tea.Cmd {
	if !t.has {
		return nil
	}
	in, err := t.input()
	if err != nil {
		t.resp, t.err, t.boxes = nil, err, nil
		t.refreshOutput()
		return nil
	}
	if t.cancel != nil {
		t.cancel()
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.seq++
	t.running, t.cancel, t.started, t.elapsed = true, cancel, now, 0
	seq, ref := t.seq, t.entry.Ref
	inText, binary := t.inputRecord()
	cols, rows := max(10, t.w-1), boxRows(t.out.Height())
	return func() tea.Msg {
		start := time.Now()
		resp, err := c.AlgoRef(ref).WithStdout(true).Pipe(ctx, in)
		msg := runDoneMsg{seq: seq, ref: ref, input: inText, binary: binary, resp: resp, err: err, elapsed: time.Since(start)}
		if err == nil && resp != nil {
			msg.boxes = boxes.Make(in, resp.Value, cols, rows)
		}
		return msg
	}
}

// stop cancels a running call.
func (t *tryPane) stop() bool {
	if !t.running {
		return false
	}
	t.cancel()
	t.cancel = nil
	t.running = false
	t.seq++ // the cancelled call's answer is dropped
	t.resp, t.err, t.boxes = nil, catalog.Errorf("Cancelled", "the call was cancelled after %s; r runs it again", t.elapsed.Round(time.Millisecond)), nil
	t.refreshOutput()
	return true
}

// done installs a call's answer if it belongs to the newest run.
func (t *tryPane) done(msg runDoneMsg) bool {
	if msg.seq != t.seq || !t.running {
		return false
	}
	t.running = false
	if t.cancel != nil {
		t.cancel()
		t.cancel = nil
	}
	t.resp, t.err, t.elapsed, t.ranRef, t.boxes = msg.resp, msg.err, msg.elapsed, msg.ref, msg.boxes
	t.out.GotoTop()
	t.refreshOutput()
	return true
}

// refreshOutput re-renders the output for the current width.
func (t *tryPane) refreshOutput() {
	key := fmt.Sprintf("%d|%d|%p|%v|%s|%d", t.w, t.out.Height(), t.resp, t.err, t.com.Styles.Palette.Name, t.com.Graphics.Epoch())
	if key == t.outKey {
		return
	}
	t.outKey = key
	y := t.out.YOffset()
	out := renderOutput(t.com.Styles, t.com.Graphics, t.resp, t.err, max(10, t.w-1), t.out.Height())
	if t.err == nil && t.resp != nil {
		out = renderBoxes(t.com.Styles, t.com.Graphics, t.boxes, max(10, t.w-1), t.out.Height()) + out
	}
	setOutput(&t.out, out)
	t.out.SetYOffset(y)
}

func (t *tryPane) View(spin string) string {
	var head string
	switch {
	case t.bin != nil:
		head = "input · binary"
	default:
		head = "input · " + string(t.entry.InputKind)
	}
	if n := len(t.entry.Samples); n > 0 {
		name := t.entry.Samples[t.sample%n].Name
		if name == "" {
			name = fmt.Sprintf("sample %d", t.sample%n+1)
		}
		head += fmt.Sprintf(" · %s (%d/%d)", name, t.sample%n+1, n)
		if n > 1 {
			head += " · [ ] samples"
		}
	}
	if t.editing {
		head += " · esc done · ctrl+r run"
	} else {
		head += " · i edit · r run"
	}
	lines := []string{t.com.Styles.Muted.Render(ansi.Truncate(head, t.w, t.com.Styles.Ellipsis))}
	ed := t.editor.View()
	lines = append(lines, ed)

	var status string
	switch {
	case t.running:
		status = t.com.Styles.Accent.Render(fmt.Sprintf("%s running %s · %s · esc cancels", spin, t.entry.Ref.Path(), t.elapsed.Round(100*time.Millisecond)))
	case t.err != nil:
		status = t.com.Styles.Error.Render("✗ " + catalog.AsError(t.err).Type)
		if t.com.Styles.Palette.Plain {
			status = "error: " + catalog.AsError(t.err).Type
		}
	case t.resp != nil:
		mark := "✓"
		if t.com.Styles.Palette.Plain {
			mark = "ok"
		}
		status = t.com.Styles.Success.Render(mark) + t.com.Styles.Muted.Render(fmt.Sprintf(" %s · %s · y copy · w save", t.resp.ContentType, human.Duration(t.resp.Duration)))
	default:
		status = t.com.Styles.Muted.Render("output · r runs the input")
	}
	lines = append(lines, ansi.Truncate(status, t.w, t.com.Styles.Ellipsis))
	lines = append(lines, t.out.View())
	return strings.Join(lines, "\n")
}

// looksText reports whether a loaded file should go into the editor.
func looksText(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	for _, c := range b[:min(len(b), 4096)] {
		if c == 0 {
			return false
		}
	}
	return true
}
