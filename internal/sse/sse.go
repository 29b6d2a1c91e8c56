// Package sse reads and writes streamed HTTP answers: server-sent events
// (text/event-stream, as OpenAI-compatible servers and pipette's own
// streamed calls send them) and newline-delimited JSON (Ollama's). Reads
// are bounded: one line may not pass MaxLine bytes, a whole stream not
// MaxStream, so a broken or hostile server cannot make its reader hold
// gigabytes.
package sse

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"

	"pipette/internal/human"
)

// Default bounds of a Reader.
const (
	DefaultMaxLine   = 8 << 20  // one event or line (an embedding of a long text fits)
	DefaultMaxStream = 64 << 20 // everything one answer may carry
)

// ErrLineTooLong and ErrStreamTooLong are what a Reader returns past its
// bounds (wrapped in a *LimitError).
var (
	ErrLineTooLong   = errors.New("line too long")
	ErrStreamTooLong = errors.New("stream too long")
)

// LimitError is a stream that passed one of its Reader's bounds.
type LimitError struct {
	Err   error // ErrLineTooLong or ErrStreamTooLong
	Limit int64
}

func (e *LimitError) Error() string {
	if errors.Is(e.Err, ErrLineTooLong) {
		return "a line longer than " + human.Bytes(e.Limit)
	}
	return "more than " + human.Bytes(e.Limit)
}

func (e *LimitError) Unwrap() error { return e.Err }

// Reader reads lines or events from a stream.
type Reader struct {
	sc      *bufio.Scanner
	cr      *countingReader
	maxLine int
}

// NewReader reads r with the given bounds (0 for the defaults).
func NewReader(r io.Reader, maxLine int, maxStream int64) *Reader {
	if maxLine <= 0 {
		maxLine = DefaultMaxLine
	}
	if maxStream <= 0 {
		maxStream = DefaultMaxStream
	}
	cr := &countingReader{r: r, limit: maxStream}
	sc := bufio.NewScanner(cr)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	return &Reader{sc: sc, cr: cr, maxLine: maxLine}
}

// Line returns the next non-blank line, or io.EOF at the end.
func (r *Reader) Line() ([]byte, error) {
	for r.sc.Scan() {
		if line := bytes.TrimSpace(r.sc.Bytes()); len(line) > 0 {
			return line, nil
		}
	}
	return nil, r.err()
}

// Event is one server-sent event: its type ("" for the default "message")
// and its data lines joined with "\n".
type Event struct {
	Type string
	Data []byte
}

// Event returns the next event that carries data, or io.EOF at the end of
// the stream. Comments (": keep-alive") and id/retry fields are skipped.
func (r *Reader) Event() (Event, error) {
	var ev Event
	var data [][]byte
	for r.sc.Scan() {
		line := r.sc.Bytes()
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
	if err := r.err(); err != io.EOF || len(data) == 0 {
		return Event{}, err
	}
	ev.Data = bytes.Join(data, []byte("\n")) // a last event without its blank line
	return ev, nil
}

// err is io.EOF at a clean end, a *LimitError past a bound, else the read error.
func (r *Reader) err() error {
	err := r.sc.Err()
	switch {
	case err == nil:
		return io.EOF
	case errors.Is(err, bufio.ErrTooLong):
		return &LimitError{Err: ErrLineTooLong, Limit: int64(r.maxLine)}
	case errors.Is(err, ErrStreamTooLong):
		return &LimitError{Err: ErrStreamTooLong, Limit: r.cr.limit}
	}
	return err
}

// countingReader fails once more than limit bytes have been read.
type countingReader struct {
	r     io.Reader
	n     int64
	limit int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	if c.n >= c.limit {
		return 0, ErrStreamTooLong
	}
	if int64(len(p)) > c.limit-c.n {
		p = p[:c.limit-c.n]
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// Writer writes server-sent events to an HTTP answer, flushing each.
type Writer struct {
	w  io.Writer
	rc *http.ResponseController
}

// NewWriter starts an event stream on w: it sets the headers and sends them.
func NewWriter(w http.ResponseWriter) *Writer {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no") // nginx would hold the events back otherwise
	w.WriteHeader(http.StatusOK)
	sw := &Writer{w: w, rc: http.NewResponseController(w)}
	_ = sw.rc.Flush()
	return sw
}

// Write sends one event. data must not hold a newline (JSON from
// encoding/json never does).
func (s *Writer) Write(event string, data []byte) error {
	if bytes.ContainsAny(data, "\r\n") {
		return fmt.Errorf("sse: event data holds a line break")
	}
	var b bytes.Buffer
	b.Grow(len(event) + len(data) + 16)
	if event != "" {
		b.WriteString("event: " + event + "\n")
	}
	b.WriteString("data: ")
	b.Write(data)
	b.WriteString("\n\n")
	if _, err := s.w.Write(b.Bytes()); err != nil {
		return err
	}
	return s.rc.Flush()
}
