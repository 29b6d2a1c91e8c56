package try

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"pipette/catalog"
	"pipette/client"
	"pipette/internal/atomicfile"
	"pipette/internal/human"
	"pipette/ui/common"
	"pipette/ui/components/boxes"
	"pipette/ui/components/editor"
	"pipette/ui/components/graphics"
	"pipette/ui/components/value"
	"pipette/ui/dialog"
	"pipette/ui/history"
)

// runDoneMsg is the answer of one call.
type runDoneMsg struct {
	seq     int
	gen     int // the input's generation the run was made from
	record  history.Record
	resp    *client.Response
	err     error
	elapsed time.Duration
	boxes   *boxes.Preview // the input image with the result's boxes, if any
	refused bool           // the input could not be sent: no run happened
}

// fileLoadedMsg is a file read as the input.
type fileLoadedMsg struct {
	path string
	data []byte
	err  error
}

// editorReadyMsg is the input written to a temp file for $EDITOR.
type editorReadyMsg struct {
	path   string
	editor []string // the command and its arguments
}

// Run starts a call. What costs the input's size — decoding a JSON input,
// sending it — happens in the command; the context is kept so esc cancels.
func (t *Try) Run() tea.Cmd {
	switch {
	case !t.has:
		return nil
	case t.running:
		return common.Info("already running; esc cancels")
	case t.entry.Unavailable != "":
		return common.Warn(t.entry.Unavailable)
	case t.client == nil:
		return common.Error("no catalog client to run the model with")
	case t.streams():
		return t.runLive()
	}
	if t.cancel != nil {
		t.cancel()
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.seq++
	t.running, t.cancel, t.started, t.elapsed = true, cancel, t.com.Clock.Time(), 0
	inText, binary := t.record()
	rec := history.Record{Ref: t.entry.Ref.String(), Input: inText, Binary: binary}
	seq, gen, ref, kind, c := t.seq, t.in.gen, t.entry.Ref, t.entry.InputKind, t.client
	bin, text := t.in.bin, t.text()
	cols, rows := max(10, t.w-1), boxRows(t.out.Height())
	return func() tea.Msg {
		msg := runDoneMsg{seq: seq, gen: gen, record: rec}
		in, err := decode(kind, bin, text)
		if err != nil {
			msg.err, msg.refused = err, true
			return msg
		}
		start := time.Now()
		msg.resp, msg.err = c.AlgoRef(ref).WithStdout(true).Pipe(ctx, in)
		msg.elapsed = time.Since(start)
		if msg.err == nil && msg.resp != nil {
			msg.boxes = boxes.Make(in, msg.resp.Value, cols, rows)
		}
		return msg
	}
}

// decode turns the input into the value to send, by the model's input
// kind. A JSON model given text that is not JSON gets a clear error here
// rather than a confusing one from the model.
func decode(kind catalog.Kind, bin []byte, s string) (catalog.Value, error) {
	if bin != nil {
		return catalog.Bytes(bin), nil
	}
	switch kind {
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

// Stop cancels a running call; it says whether one was running.
func (t *Try) Stop() bool {
	if !t.running {
		return false
	}
	t.stopLive()
	if t.cancel != nil {
		t.cancel()
	}
	t.cancel = nil
	t.running = false
	t.seq++ // the cancelled call's answer is dropped
	t.resp, t.boxes, t.recordAt = nil, nil, time.Time{}
	t.err = catalog.Errorf("Cancelled", "the call was cancelled after %s; r runs it again", t.elapsed.Round(time.Millisecond))
	t.ranGen = t.in.gen
	t.refreshOutput()
	return true
}

// done installs a call's answer if it belongs to the newest run.
func (t *Try) done(msg runDoneMsg) tea.Cmd {
	if msg.seq != t.seq || !t.running {
		return nil
	}
	t.running = false
	if t.cancel != nil {
		t.cancel()
		t.cancel = nil
	}
	t.resp, t.err, t.elapsed, t.ranRef, t.boxes = msg.resp, msg.err, msg.elapsed, t.entry.Ref, msg.boxes
	t.ranGen, t.recordAt = msg.gen, time.Time{}
	t.out.GotoTop()
	t.refreshOutput()
	if msg.refused {
		return nil // not sent: nothing for the history
	}
	r := msg.record
	r.Time, r.Duration = t.com.Clock.Time(), msg.elapsed
	if msg.err != nil {
		e := catalog.AsError(msg.err)
		r.Error, r.Output = e.Type, common.OneLine(e.Message)
	} else if msg.resp != nil {
		r.Type, r.Duration = msg.resp.ContentType, msg.resp.Duration
		r.Output = outputRecord(msg.resp.Value)
	}
	finished := FinishedMsg{Record: history.Bound(r), Err: msg.err}
	return func() tea.Msg { return finished }
}

// outputRecord is the output as history keeps it for replay: text or
// pretty JSON (cut by history.Bound), or what a binary output was.
func outputRecord(v catalog.Value) string {
	if len(v.Text) > history.MaxOutput {
		return v.Text[:history.MaxOutput]
	}
	if s, ok := value.Text(v); ok {
		return s
	}
	return value.Describe(v)
}

// ShowRecord shows a past run's stored output beside its input, marked as
// from history.
func (t *Try) ShowRecord(r history.Record) {
	if t.running {
		return
	}
	if ref, err := catalog.ParseRef(r.Ref); err == nil {
		t.ranRef = ref
	}
	t.boxes = nil
	if r.Error != "" {
		t.resp, t.err = nil, catalog.Errorf(r.Error, "%s", r.Output)
	} else {
		v := catalog.Text(r.Output)
		if strings.Contains(r.Type, "json") {
			if x, err := catalog.DecodeJSON([]byte(r.Output)); err == nil {
				v = catalog.JSON(x)
			}
		}
		t.resp, t.err = &client.Response{Value: v, ContentType: r.Type, Duration: r.Duration}, nil
	}
	t.recordAt, t.ranGen = r.Time, t.in.gen
	t.out.GotoTop()
	t.refreshOutput()
}

// refreshOutput renders the output for the current width, when something
// it depends on changed.
func (t *Try) refreshOutput() {
	if t.styled != t.com.Styles {
		t.styled = t.com.Styles
		t.editor.SetStyles(editor.Styles(t.com))
	}
	pieces := 0
	if t.live.run != nil {
		pieces = t.live.run.Pieces
	}
	key := fmt.Sprintf("%d|%d|%p|%v|%p|%d|%p|%p|%d", t.w, t.out.Height(), t.resp, t.err, t.com.Styles, t.com.Graphics.Epoch(), t.boxes, t.live.run, pieces)
	if key == t.outKey {
		return
	}
	t.outKey = key
	y := t.out.YOffset()
	w, h := max(10, t.w-1), t.out.Height()
	out := t.renderOutput(w, h)
	if t.err == nil && t.resp != nil {
		out = t.renderBoxes(w, h) + out
	}
	editor.SetOutput(&t.out, out)
	t.out.SetYOffset(y)
}

// Prepare renders what View shows (the output, images included) when the
// theme, the graphics or the size changed since.
func (t *Try) Prepare() { t.refreshOutput() }

// renderOutput draws the call's answer for a w×h area by content type, or
// its error (the error_type is on the status line above).
func (t *Try) renderOutput(w, h int) string {
	st := t.com.Styles
	text, streamed := t.liveText()
	switch {
	case streamed && t.err == nil:
		t.com.Graphics.Forget("try")
		return st.Text.Render(common.WrapText(text, w))
	case t.err != nil:
		t.com.Graphics.Forget("try")
		e := catalog.AsError(t.err)
		out := st.Error.Render(common.WrapText(e.Message, w))
		if streamed {
			out = st.Text.Render(common.WrapText(text, w)) + "\n\n" + out
		}
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
	return renderEmbedding(t.com, t.resp.Value, w) + value.Render(t.com, "try", t.resp.Value, w, h, value.Options{More: "w saves it, y copies it"})
}

// boxRows is how many cell rows the picture of a result's boxes may take
// in an output area h rows high: most of it, leaving the legend and the
// start of the result in view.
func boxRows(h int) int { return max(4, h*3/5) }

// renderBoxes draws the input image with the result's boxes and a legend
// of their colours, to go above the result; nothing when there are none.
func (t *Try) renderBoxes(w, h int) string {
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

// copyOutput puts the output (or the error) on the clipboard.
func (t *Try) copyOutput() tea.Cmd {
	if t.err != nil {
		e := catalog.AsError(t.err)
		return tea.Batch(tea.SetClipboard(e.Type+": "+e.Message), common.Info("copied the error"))
	}
	if t.resp == nil {
		return common.Warn("nothing to copy yet: run the model first (r)")
	}
	s, ok := value.Text(t.resp.Value)
	if !ok {
		return common.Warn("binary output cannot go to the clipboard; w saves it")
	}
	return tea.Batch(tea.SetClipboard(s), common.Info(fmt.Sprintf("copied %s of output", human.Bytes(int64(len(s))))))
}

// askSave asks where to save the output.
func (t *Try) askSave() tea.Cmd {
	if t.resp == nil {
		return common.Warn("nothing to save yet: run the model first (r)")
	}
	return dialog.Open(dialog.NewPrompt(t.com, dialog.SaveOutput, "Save the output to", value.FileName(t.ranRef.Name, t.resp.Value)))
}

// save writes the output to path and says so.
func save(path string, data []byte) tea.Msg {
	if err := atomicfile.Write(path, data, 0o644); err != nil {
		return common.StatusMsg{Text: fmt.Sprintf("cannot save %s: %v", path, human.FileError(err)), Kind: common.StatusError}
	}
	return common.StatusMsg{Text: "saved " + path, Kind: common.StatusInfo}
}
