package server

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"time"
)

// logFlushEvery is how long a log line may wait in the buffer.
const logFlushEvery = 100 * time.Millisecond

// NewLogger is the logger `pipette serve` uses: text lines to out, written
// in batches (at most 64 KiB, at least every 100 ms) rather than one write
// system call per call's line, which under load cost as much as answering
// the call. Warnings and errors are written at once. flush writes what is
// left; call it before the process exits.
func NewLogger(out io.Writer) (logger *slog.Logger, flush func() error) {
	b := &logBuffer{w: bufio.NewWriterSize(out, 64<<10)}
	return slog.New(flushOnWarn{Handler: slog.NewTextHandler(b, nil), b: b, plain: true}), b.Flush
}

// logBuffer is a bufio.Writer shared by goroutines, flushed by a timer
// armed with the first line after each flush.
type logBuffer struct {
	mu    sync.Mutex
	w     *bufio.Writer
	armed bool
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	n, err := b.w.Write(p)
	b.armLocked()
	return n, err
}

// armLocked starts the flush timer with the first line after a flush.
// b.mu is held.
func (b *logBuffer) armLocked() {
	if !b.armed && b.w.Buffered() > 0 {
		b.armed = true
		time.AfterFunc(logFlushEvery, func() { _ = b.Flush() })
	}
}

// Flush writes the buffered lines.
func (b *logBuffer) Flush() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.armed = false
	return b.w.Flush()
}

// flushOnWarn writes warnings and errors (a panic's stack, a shutdown cut
// short) through at once, with the lines before them.
type flushOnWarn struct {
	slog.Handler
	b     *logBuffer
	plain bool // the text handler as NewLogger made it: no attributes or groups added
}

func (h flushOnWarn) Handle(ctx context.Context, r slog.Record) error {
	err := h.Handler.Handle(ctx, r)
	if r.Level >= slog.LevelWarn {
		if ferr := h.b.Flush(); err == nil {
			err = ferr
		}
	}
	return err
}

func (h flushOnWarn) WithAttrs(as []slog.Attr) slog.Handler {
	return flushOnWarn{Handler: h.Handler.WithAttrs(as), b: h.b}
}

func (h flushOnWarn) WithGroup(name string) slog.Handler {
	return flushOnWarn{Handler: h.Handler.WithGroup(name), b: h.b}
}

// writeInfo writes an info line of plain attributes (strings, integers and
// durations) byte for byte as the text handler would, without its
// per-record work (a pooled state, a reflective walk over the attributes,
// the general time formatting): the call log writes one line per call. It
// reports false, having written nothing, when the handler is not the one
// NewLogger made or a value is of another kind or might need quoting; the
// caller then goes through slog.
func (h flushOnWarn) writeInfo(t time.Time, msg string, attrs []slog.Attr) bool {
	if !h.plain || !plainLogText(msg) {
		return false
	}
	for _, a := range attrs {
		switch v := a.Value; v.Kind() {
		case slog.KindString:
			if !plainLogText(v.String()) || !plainLogText(a.Key) {
				return false
			}
		case slog.KindInt64, slog.KindDuration:
		default:
			return false
		}
	}
	var buf [320]byte // on the stack: a longer line grows onto the heap
	b := append(buf[:0], "time="...)
	b = appendLogTime(b, t)
	b = append(b, " level=INFO msg="...)
	b = append(b, msg...)
	for _, a := range attrs {
		b = append(b, ' ')
		b = append(b, a.Key...)
		b = append(b, '=')
		switch v := a.Value; v.Kind() {
		case slog.KindString:
			b = append(b, v.String()...)
		case slog.KindInt64:
			b = strconv.AppendInt(b, v.Int64(), 10)
		default:
			b = append(b, v.Duration().String()...)
		}
	}
	h.b.writeLine(append(b, '\n'))
	return true
}

// writeLine copies line into the buffer. It is formatted before, outside
// the lock (two cores logging calls contend for it), and copied into the
// buffer's free space rather than handed to Write, through which it would
// escape to the heap.
func (b *logBuffer) writeLine(line []byte) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.w.Available() < len(line) {
		_ = b.w.Flush()
	}
	_, _ = b.w.Write(append(b.w.AvailableBuffer(), line...))
	b.armLocked()
}

// appendLogTime appends t as the text handler writes a record's time:
// RFC 3339 in the local zone with exactly three decimals, truncated.
// RFC3339Nano drops trailing zeros, so a tenth of a millisecond is added to
// keep four digits, and the fourth is cut.
func appendLogTime(b []byte, t time.Time) []byte {
	const millis = len("2006-01-02T15:04:05.000")
	n := len(b)
	b = t.Truncate(time.Millisecond).Add(time.Millisecond/10).AppendFormat(b, time.RFC3339Nano)
	return append(b[:n+millis], b[n+millis+1:]...)
}

// plainLogText reports whether s is written unquoted by the text handler
// for certain: not empty, and only letters, digits and - _ . / : (slog
// quotes spaces, '=', '"' and what does not print; anything outside this
// set goes through slog itself).
func plainLogText(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '/' || c == ':') {
			return false
		}
	}
	return true
}
