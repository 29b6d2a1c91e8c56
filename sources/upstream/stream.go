package upstream

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// Lines reads a streamed answer one line at a time (Ollama's NDJSON), or one
// server-sent event at a time (OpenAI's SSE), never holding more than
// MaxLine bytes of one line or reading more than MaxStream in all.
type Lines struct {
	resp  *http.Response
	who   string
	sc    *bufio.Scanner
	count *countingReader
}

// NewLines reads resp's body; Close closes it.
func (c *Client) NewLines(resp *http.Response) *Lines {
	cr := &countingReader{r: resp.Body, limit: MaxStream}
	sc := bufio.NewScanner(cr)
	sc.Buffer(make([]byte, 0, 64<<10), MaxLine)
	return &Lines{resp: resp, who: c.who, sc: sc, count: cr}
}

// Close ends the stream. Closing the body of an unfinished answer closes the
// connection, which is how a model server learns to stop generating.
func (l *Lines) Close() error { return l.resp.Body.Close() }

// Next returns the next non-empty line, or io.EOF at the end of the stream.
func (l *Lines) Next() ([]byte, error) {
	for l.sc.Scan() {
		if line := bytes.TrimSpace(l.sc.Bytes()); len(line) > 0 {
			return line, nil
		}
	}
	return nil, l.err()
}

// Event is one server-sent event: its type ("" for the default "message")
// and its data lines joined with "\n".
type Event struct {
	Type string
	Data []byte
}

// NextEvent returns the next event that carries data, or io.EOF at the end
// of the stream. Comments (": keep-alive") and id/retry fields are skipped.
func (l *Lines) NextEvent() (Event, error) {
	var ev Event
	var data [][]byte
	for l.sc.Scan() {
		line := l.sc.Bytes()
		if len(line) == 0 { // a blank line ends an event
			if len(data) > 0 {
				ev.Data = bytes.Join(data, []byte("\n"))
				return ev, nil
			}
			ev = Event{}
			continue
		}
		if line[0] == ':' {
			continue
		}
		field, value, _ := bytes.Cut(line, []byte(":"))
		value = bytes.TrimPrefix(value, []byte(" "))
		switch string(field) {
		case "event":
			ev.Type = string(value)
		case "data":
			data = append(data, bytes.Clone(value))
		}
	}
	if err := l.err(); err != io.EOF || len(data) == 0 {
		return Event{}, err
	}
	ev.Data = bytes.Join(data, []byte("\n")) // a last event without its blank line
	return ev, nil
}

func (l *Lines) err() error {
	err := l.sc.Err()
	switch {
	case err == nil:
		return io.EOF
	case errors.Is(err, bufio.ErrTooLong):
		return fmt.Errorf("%s sent a line longer than %d MiB; pipette stopped reading", l.who, MaxLine>>20)
	case errors.Is(err, errStreamTooLong):
		return fmt.Errorf("%s streamed more than %d MiB; pipette stopped reading", l.who, MaxStream>>20)
	}
	return &Unreachable{Who: l.who, Err: fmt.Errorf("the stream broke: %w", err)}
}

var errStreamTooLong = errors.New("stream too long")

// countingReader fails once more than limit bytes have been read.
type countingReader struct {
	r     io.Reader
	n     int64
	limit int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	if c.n >= c.limit {
		return 0, errStreamTooLong
	}
	if int64(len(p)) > c.limit-c.n {
		p = p[:c.limit-c.n]
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
