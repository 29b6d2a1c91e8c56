package upstream

import (
	"errors"
	"fmt"
	"io"
	"net/http"

	"pipette/internal/sse"
)

// Lines reads a streamed answer one line at a time (Ollama's NDJSON), or one
// server-sent event at a time (OpenAI's SSE), never holding more than
// MaxLine bytes of one line or reading more than MaxStream in all.
type Lines struct {
	resp *http.Response
	who  string
	r    *sse.Reader
}

// NewLines reads resp's body; Close closes it.
func (c *Client) NewLines(resp *http.Response) *Lines {
	return &Lines{resp: resp, who: c.who, r: sse.NewReader(resp.Body, MaxLine, MaxStream)}
}

// Close ends the stream. Closing the body of an unfinished answer closes the
// connection, which is how a model server learns to stop generating.
func (l *Lines) Close() error { return l.resp.Body.Close() }

// Done ends a stream that has said all it had: what is left of the body
// (the end of its chunked encoding) is read first, so the connection goes
// back to the pool. Closing it unread instead would cost a new connection
// per call, and llama-server, whose HTTP library keeps each connection's
// thread for seconds, then refuses new ones once its few threads are held.
func (l *Lines) Done() {
	_, _ = io.Copy(io.Discard, io.LimitReader(l.resp.Body, 64<<10))
	l.resp.Body.Close()
}

// Next returns the next non-empty line, or io.EOF at the end of the stream.
func (l *Lines) Next() ([]byte, error) {
	line, err := l.r.Line()
	return line, l.wrap(err)
}

// NextEvent returns the next event that carries data, or io.EOF at the end.
func (l *Lines) NextEvent() (sse.Event, error) {
	ev, err := l.r.Event()
	return ev, l.wrap(err)
}

func (l *Lines) wrap(err error) error {
	var le *sse.LimitError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &le):
		return fmt.Errorf("%s sent %v; pipette stopped reading", l.who, le)
	case errors.Is(err, io.EOF):
		return err
	}
	return &Unreachable{Who: l.who, Err: fmt.Errorf("the stream broke: %w", err)}
}
