// Package stream is one call whose answer arrives piece by piece — a chat
// or completion model's text as it is generated — as the TUI follows it:
// the text so far, time to first token, tokens per second and the total,
// and a cancel that closes the call, so the model's server stops
// generating. The Try tab and the compare view both run their calls
// through it.
//
// A Run reads its pieces in a command that takes whatever has arrived at
// once, so a fast model costs a frame per batch rather than a message per
// token, and Update only appends.
package stream

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"

	"pipette/catalog"
	"pipette/client"
	"pipette/internal/human"
	"pipette/ui/common"
)

// maxText bounds the text a run keeps (the model's server and the source
// bound it too): past it, pieces are counted but not kept.
const maxText = 4 << 20

var lastID atomic.Int64

// Run is one streamed call.
type Run struct {
	id  int64
	Ref catalog.Ref

	text    strings.Builder
	Pieces  int           // pieces received
	Started time.Time     // when the call was made
	First   time.Duration // from the call to the first piece; 0 before it
	Elapsed time.Duration // from the call to the last piece, or the end
	Done    bool
	Resp    *client.Response // the whole answer, once done without error
	Err     error

	s *client.Stream
}

// pieceMsg is what arrived since the last one.
type pieceMsg struct {
	id   int64
	text string
	n    int
	at   time.Time
}

// doneMsg is the call's end.
type doneMsg struct {
	id   int64
	resp *client.Response
	err  error
	at   time.Time
}

// Start calls ref with in, streaming. The returned command reads the first
// pieces; Update carries on.
func Start(c *client.Client, ref catalog.Ref, in catalog.Value) (*Run, tea.Cmd) {
	r := &Run{id: lastID.Add(1), Ref: ref, Started: time.Now()}
	r.s = c.AlgoRef(ref).Stream(context.Background(), in)
	return r, r.next()
}

// next reads the next pieces, everything that has arrived at once.
func (r *Run) next() tea.Cmd {
	s, id := r.s, r.id
	return func() tea.Msg {
		c, ok := <-s.Chunks()
		if !ok {
			resp, err := s.Wait()
			return doneMsg{id: id, resp: resp, err: err, at: time.Now()}
		}
		var b strings.Builder
		b.WriteString(c.Text)
		n := 1
		for more := true; more; {
			select {
			case c, ok := <-s.Chunks():
				if !ok {
					more = false
					break
				}
				b.WriteString(c.Text)
				n++
			default:
				more = false
			}
		}
		return pieceMsg{id: id, text: b.String(), n: n, at: time.Now()}
	}
}

// Handles says msg belongs to a run (any run): the owner passes it on.
func Handles(msg tea.Msg) bool {
	switch msg.(type) {
	case pieceMsg, doneMsg:
		return true
	}
	return false
}

// Update takes the run's own messages; ok is false for another run's.
// changed says there is more to show.
func (r *Run) Update(msg tea.Msg) (ok bool, cmd tea.Cmd) {
	switch msg := msg.(type) {
	case pieceMsg:
		if msg.id != r.id {
			return false, nil
		}
		if r.Done {
			return true, nil // cancelled: the rest is dropped
		}
		if r.Pieces == 0 {
			r.First = msg.at.Sub(r.Started)
		}
		r.Pieces += msg.n
		if r.text.Len() < maxText {
			r.text.WriteString(msg.text)
		}
		r.Elapsed = msg.at.Sub(r.Started)
		return true, r.next()
	case doneMsg:
		if msg.id != r.id {
			return false, nil
		}
		if r.Done {
			return true, nil
		}
		r.Done, r.Resp, r.Err = true, msg.resp, msg.err
		r.Elapsed = msg.at.Sub(r.Started)
		return true, nil
	}
	return false, nil
}

// Cancel stops the call: its request is closed (the model's server stops
// generating) and the run ends as cancelled; what had arrived stays.
func (r *Run) Cancel() {
	if r.Done {
		return
	}
	r.Done = true
	r.Err = catalog.Errorf("Cancelled", "cancelled after %s", human.Duration(r.Elapsed))
	go r.s.Close()
}

// Running says the call has not ended.
func (r *Run) Running() bool { return r != nil && !r.Done }

// Text is the text received so far (the whole answer once done).
func (r *Run) Text() string {
	if r.Done && r.Err == nil && r.Resp != nil && r.Pieces == 0 {
		if s, ok := r.Resp.Result.(string); ok {
			return s
		}
	}
	return r.text.String()
}

// Tail is the end of the text, at most n bytes (cut at a character), and
// how many bytes come before it: what is drawn of a long answer while it
// streams costs the same at 10 KB and at 10 MB.
func (r *Run) Tail(n int) (string, int) {
	s := r.Text()
	if len(s) <= n {
		return s, 0
	}
	cut := len(s) - n
	for cut < len(s) && !utf8.RuneStart(s[cut]) {
		cut++
	}
	return s[cut:], cut
}

// Tick advances the elapsed time while nothing arrives.
func (r *Run) Tick(now time.Time) {
	if r.Running() {
		r.Elapsed = now.Sub(r.Started)
	}
}

// Timing is what a run is measured by: the model's own figures once it has
// answered (the source's Generation), else what the TUI saw so far.
type Timing struct {
	FirstToken time.Duration
	PerSecond  float64
	Total      time.Duration
	Tokens     int64
}

// Timing is the run's figures now.
func (r *Run) Timing() Timing {
	t := Timing{FirstToken: r.First, Total: r.Elapsed, Tokens: int64(r.Pieces)}
	if gen := r.generation(); gen != nil {
		if gen.FirstToken > 0 {
			t.FirstToken = gen.FirstToken
		}
		if gen.Total > 0 {
			t.Total = gen.Total
		}
		if gen.Tokens > 0 {
			t.Tokens = gen.Tokens
		}
		t.PerSecond = gen.TokensPerSecond
	}
	if t.PerSecond == 0 && t.Tokens > 1 && t.Total > t.FirstToken {
		t.PerSecond = float64(t.Tokens-1) / (t.Total - t.FirstToken).Seconds()
	}
	return t
}

func (r *Run) generation() *catalog.Generation {
	if r.Resp == nil {
		return nil
	}
	return r.Resp.Generation
}

// Line is the timing on one line: "first token 120 ms · 42.1 tok/s ·
// 1.40 s · 56 tokens", as far as it is known.
func (t Timing) Line(com *common.Common) string { return t.format(com, false) }

// Short is the timing for a narrow column: "TTFT 120 ms · 42 tok/s · 1.4 s".
func (t Timing) Short(com *common.Common) string { return t.format(com, true) }

func (t Timing) format(com *common.Common, short bool) string {
	first, rate := "first token ", "%.1f tok/s"
	if short {
		first, rate = "TTFT ", "%.0f tok/s"
	}
	var parts []string
	if t.FirstToken > 0 {
		parts = append(parts, first+com.Duration(t.FirstToken))
	}
	if t.PerSecond > 0 {
		parts = append(parts, fmt.Sprintf(rate, t.PerSecond))
	}
	if t.Total > 0 {
		parts = append(parts, com.Duration(t.Total))
	}
	if t.Tokens > 0 && !short {
		parts = append(parts, fmt.Sprintf("%d tokens", t.Tokens))
	}
	return strings.Join(parts, " · ")
}
