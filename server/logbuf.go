package server

import (
	"bufio"
	"context"
	"io"
	"log/slog"
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
	return slog.New(flushOnWarn{slog.NewTextHandler(b, nil), b}), b.Flush
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
	if !b.armed && b.w.Buffered() > 0 {
		b.armed = true
		time.AfterFunc(logFlushEvery, func() { _ = b.Flush() })
	}
	return n, err
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
	b *logBuffer
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
	return flushOnWarn{h.Handler.WithAttrs(as), h.b}
}

func (h flushOnWarn) WithGroup(name string) slog.Handler {
	return flushOnWarn{h.Handler.WithGroup(name), h.b}
}
