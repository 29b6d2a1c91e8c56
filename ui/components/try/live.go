package try

// Chat and completion models in the Try tab: their answer streams into the
// output as it is generated, with time to first token and tokens/s; the
// usual parameters (system prompt, temperature, max tokens, stop) come from
// a small form (p). esc closes the call, so the model's server stops
// generating; what had arrived stays on screen.

import (
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"pipette/catalog"
	"pipette/internal/human"
	"pipette/ui/common"
	"pipette/ui/components/modelinfo"
	"pipette/ui/components/params"
	"pipette/ui/components/stream"
	"pipette/ui/components/value"
	"pipette/ui/dialog"
	"pipette/ui/history"
)

// live is the streamed run of the Try tab: the call under way, or the
// last one, whose timing the status line shows.
type live struct {
	run    *stream.Run
	params params.Params
	seq    int // the Try's run it is
	gen    int // the input's generation it was made from
	record history.Record
}

// streams says the model in view answers piece by piece (and the input is
// text it can take).
func (t *Try) streams() bool { return modelinfo.Streams(t.entry) && t.in.bin == nil && !t.in.large() }

// SetParams sets the parameters chat and completion calls are made with.
func (t *Try) SetParams(p params.Params) { t.live.params = p }

// Params are the parameters of the next chat or completion call.
func (t *Try) Params() params.Params { return t.live.params }

// askParams opens the parameters' form.
func (t *Try) askParams() tea.Cmd {
	if !modelinfo.Streams(t.entry) {
		return common.Info("parameters are for chat and completion models")
	}
	return dialog.Open(dialog.NewParams(t.com, t.entry.Ref.Path(), t.live.params))
}

// runLive starts a streamed call of the input with the parameters.
func (t *Try) runLive() tea.Cmd {
	inText, binary := t.record()
	t.seq++
	t.running, t.cancel, t.started, t.elapsed = true, nil, t.com.Clock.Time(), 0
	t.resp, t.err, t.boxes, t.recordAt = nil, nil, nil, time.Time{}
	in := params.Input(modelinfo.Kind(t.entry), t.text(), t.live.params)
	r, cmd := stream.Start(t.client, t.entry.Ref, in)
	t.live.run, t.live.seq, t.live.gen = r, t.seq, t.in.gen
	t.live.record = history.Record{Ref: t.entry.Ref.String(), Input: inText, Binary: binary}
	t.ranGen = t.in.gen
	t.out.GotoTop()
	t.refreshOutput()
	return cmd
}

// liveUpdate takes the streamed run's messages: each batch of pieces is
// drawn at once (following the end of the text), and the end goes through
// done like any run's answer, for the output and the history.
func (t *Try) liveUpdate(msg tea.Msg) tea.Cmd {
	r := t.live.run
	if r == nil {
		return nil
	}
	ok, cmd := r.Update(msg)
	if !ok {
		return nil
	}
	if r.Running() {
		atEnd := t.out.AtBottom()
		t.refreshOutput()
		if atEnd {
			t.out.GotoBottom()
		}
		return cmd
	}
	if t.live.seq != t.seq || !t.running {
		return cmd // cancelled: Stop has said so
	}
	return t.done(runDoneMsg{seq: t.live.seq, gen: t.live.gen, record: t.live.record, resp: r.Resp, err: r.Err, elapsed: r.Elapsed})
}

// stopLive cancels the streamed call: its request is closed.
func (t *Try) stopLive() {
	if r := t.live.run; r.Running() {
		r.Cancel()
	}
}

// liveText is the streamed text to show: while the call runs, and after a
// cancel or a failure (what arrived before it).
func (t *Try) liveText() (string, bool) {
	r := t.live.run
	if r == nil || r.Pieces == 0 || t.live.seq != t.seq && !r.Done {
		return "", false
	}
	if r.Running() || t.err != nil {
		text, before := r.Tail(value.MaxShown)
		if before > 0 {
			text = fmt.Sprintf("… %s before\n", human.Bytes(int64(before))) + text
		}
		return text, true
	}
	return "", false
}

// liveStatus is the status line while a streamed call runs: the timing so
// far.
func (t *Try) liveStatus() string {
	st, r := t.com.Styles, t.live.run
	if r.Pieces == 0 {
		return st.Accent.Render(t.com.Spinner() + " " + t.entry.Ref.Path() + " · waiting for the first token · " + t.com.Duration(r.Elapsed) + " · esc cancels")
	}
	return st.Accent.Render(t.com.Spinner() + " streaming · " + r.Timing().Line(t.com) + " · esc cancels")
}

// liveTiming is the finished streamed call's timing for the status line,
// "" when the output shown is not from one.
func (t *Try) liveTiming() string {
	r := t.live.run
	if r == nil || !r.Done || t.resp == nil || t.resp != r.Resp {
		return ""
	}
	return r.Timing().Line(t.com)
}

// renderEmbedding is an embedding's dimensions and the start of its
// vectors, above the JSON; "" for any other output.
func renderEmbedding(com *common.Common, v catalog.Value, w int) string {
	s, ok := modelinfo.Embedding(v, w)
	if !ok {
		return ""
	}
	return com.Styles.Text.Render(s) + "\n\n"
}
