package ui

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image/png"
	"pipette/internal/human"
	"pipette/ui/common"
	"pipette/ui/components/boxes"
	"pipette/ui/components/editor"
	"pipette/ui/components/graphics"
	"pipette/ui/components/value"
	"strings"
	"time"
	"unicode/utf8"

	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"pipette/catalog"
	"pipette/client"
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
	// recordAt is when the run shown was made, when it is from history.
	recordAt time.Time
	out      viewport.Model
	outKey   string // what the viewport currently renders (width, run)
}

func newTryPane(c *common.Common) tryPane {
	t := tryPane{com: c, editor: editor.New(c), out: editor.NewOutputViewport()}
	t.setStyles()
	return t
}

func (t *tryPane) setStyles() {
	t.editor.SetStyles(editor.Styles(t.com))
	t.outKey = ""
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
	t.recordAt = time.Time{}
	t.out.GotoTop()
	t.refreshOutput()
	return true
}

// showRecord shows a past run's stored output beside its input, marked as
// from history.
func (t *tryPane) showRecord(r history.Record) {
	if t.running {
		return
	}
	if ref, err := catalog.ParseRef(r.Ref); err == nil {
		t.ranRef = ref
	}
	if r.Error != "" {
		t.resp, t.err, t.boxes = nil, catalog.Errorf(r.Error, "%s", r.Output), nil
	} else {
		v := catalog.Text(r.Output)
		if strings.Contains(r.Type, "json") {
			if x, err := catalog.DecodeJSON([]byte(r.Output)); err == nil {
				v = catalog.JSON(x)
			}
		}
		t.resp, t.err, t.boxes = &client.Response{Value: v, ContentType: r.Type, Duration: r.Duration}, nil, nil
	}
	t.recordAt = r.Time
	t.out.GotoTop()
	t.refreshOutput()
}

// refreshOutput re-renders the output for the current width.
func (t *tryPane) refreshOutput() {
	key := fmt.Sprintf("%d|%d|%p|%v|%s|%d", t.w, t.out.Height(), t.resp, t.err, t.com.Styles.Palette.Name, t.com.Graphics.Epoch())
	if key == t.outKey {
		return
	}
	t.outKey = key
	y := t.out.YOffset()
	out := t.renderOutput(max(10, t.w-1), t.out.Height())
	if t.err == nil && t.resp != nil {
		out = t.renderBoxes(max(10, t.w-1), t.out.Height()) + out
	}
	editor.SetOutput(&t.out, out)
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
		status = t.com.Styles.Success.Render(mark) + t.com.Styles.Muted.Render(fmt.Sprintf(" %s · %s · y copy · w save", t.resp.ContentType, t.com.Duration(t.resp.Duration)))
		if !t.recordAt.IsZero() {
			status = t.com.Styles.Muted.Render("from history · "+t.recordAt.Local().Format("Jan 2 15:04")+" · ") + status
		}
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

// renderOutput draws the call's answer for a w×h area by content type, or
// its error (the error_type is on the status line above).
func (t *tryPane) renderOutput(w, h int) string {
	st := t.com.Styles
	switch {
	case t.err != nil:
		t.com.Graphics.Forget("try")
		e := catalog.AsError(t.err)
		out := st.Error.Render(common.WrapText(e.Message, w))
		if e.Stack != "" {
			out += "\n\n" + st.Muted.Render(common.WrapText(e.Stack, w))
		}
		return out
	case t.resp == nil:
		t.com.Graphics.Forget("try")
		return ""
	case t.resp.Value.Kind == catalog.KindBinary:
		return value.Render(t.com, "try", t.resp.Value, w, h, value.Options{}) + "\n" + st.Muted.Render("w saves it to a file")
	case t.resp.Value.Kind == catalog.KindVoid:
		return st.Muted.Render("(no output)")
	}
	return value.Render(t.com, "try", t.resp.Value, w, h, value.Options{More: "w saves it, y copies it"})
}

// boxRows is how many cell rows the picture of a result's boxes may take
// in an output area h rows high: most of it, leaving the legend and the
// start of the result in view.
func boxRows(h int) int { return max(4, h*3/5) }

// renderBoxes draws the input image with the result's boxes and a legend
// of their colours, to go above the result; nothing when there are none.
func (t *tryPane) renderBoxes(w, h int) string {
	st, gfx, p := t.com.Styles, t.com.Graphics, t.boxes
	if p == nil {
		gfx.Forget("try-boxes")
		return ""
	}
	head := st.Muted.Render(fmt.Sprintf("%d box(es) over the input", len(p.Boxes)))
	var pic string
	if !st.Palette.Plain && h >= 6 && gfx.Kind() != graphics.KindText {
		if img, err := png.Decode(bytes.NewReader(p.PNG)); err == nil {
			pic = gfx.Picture("try-boxes", img, p.PNG, "png", w, boxRows(h)) + "\n"
		}
	}
	if pic == "" {
		gfx.Forget("try-boxes")
	}
	return head + "\n" + pic + boxes.Legend(p.Boxes, st.Palette.Plain) + "\n\n"
}
