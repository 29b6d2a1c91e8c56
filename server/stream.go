package server

import (
	"bytes"
	"context"
	"net/http"
	"sync"
	"time"

	"pipette/catalog"
	"pipette/client"
	"pipette/internal/sse"
)

// streamCall runs an admitted call with stream=true (pipette): each piece
// of text the model produces goes out at once as an event, then the usual
// answer as the last event (docs/SOURCES.md, "Streaming"). Until the first
// piece nothing is sent, so a call that fails first, or an algorithm that
// does not stream, is answered exactly as without stream=true.
func (s *Server) streamCall(ctx context.Context, w http.ResponseWriter, r *http.Request, oc callOutcome, opt callOptions, j job, start time.Time) callOutcome {
	st := &eventStream{w: w, writeTimeout: s.timeouts.Write}
	j.emit = st.chunk
	out, err := s.run(ctx, j)
	if !st.finish() {
		return s.answer(w, r, oc, opt, out, err, start)
	}
	// Events have gone out: the answer is the last one, whatever it says.
	rec := &bufferedAnswer{header: http.Header{}}
	oc = s.answer(rec, r, oc, opt, out, err, start)
	if oc.status == statusClientGone || rec.status != http.StatusOK && rec.body.Len() == 0 {
		return oc
	}
	if werr := st.sw.Write(client.EventResult, rec.body.Bytes()); werr != nil {
		oc.cancelled, oc.status = "client", statusClientGone
	}
	return oc
}

// eventStream sends the chunks of one call. The runner's goroutine writes
// them while the handler waits; finish, on the handler's goroutine, ends
// the chunks (a runner that ignores its cancelled context may still call
// chunk afterwards, and must not write to an answer that is over).
type eventStream struct {
	mu           sync.Mutex
	w            http.ResponseWriter
	sw           *sse.Writer
	done         bool
	writeTimeout time.Duration
}

func (e *eventStream) chunk(c catalog.Chunk) error {
	if c.Text == "" {
		return nil
	}
	data, err := catalog.MarshalJSON(client.StreamChunk{Text: c.Text})
	if err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.done {
		return context.Canceled
	}
	// A client that stops reading is cut after the write timeout, which
	// also stops the model.
	_ = http.NewResponseController(e.w).SetWriteDeadline(time.Now().Add(e.writeTimeout))
	if e.sw == nil {
		e.sw = sse.NewWriter(e.w)
	}
	return e.sw.Write(client.EventChunk, data)
}

// finish stops further chunks and reports whether any went out.
func (e *eventStream) finish() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.done = true
	return e.sw != nil
}

// bufferedAnswer catches the usual answer of a streamed call, to send it as
// the last event.
type bufferedAnswer struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedAnswer) Header() http.Header { return b.header }
func (b *bufferedAnswer) WriteHeader(code int) {
	if b.status == 0 {
		b.status = code
	}
}
func (b *bufferedAnswer) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}
