package server

import (
	"bufio"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// Lines are batched, reach the output within the flush period without any
// further line, and a warning takes the lines before it out at once.
func TestNewLoggerBatches(t *testing.T) {
	t.Parallel()
	var out syncBuffer
	log, flush := NewLogger(&out)
	log.Info("call", "n", 1)
	log.Info("call", "n", 2)
	if out.String() != "" {
		t.Fatalf("a line was written through at once: %q", out.String())
	}
	waitFor(t, func() bool { return strings.Count(out.String(), "msg=call") == 2 })

	log.Info("call", "n", 3)
	log.With("k", "v").Warn("trouble")
	if s := out.String(); !strings.Contains(s, "n=3") || !strings.Contains(s, "level=WARN msg=trouble k=v") {
		t.Fatalf("a warning did not flush: %q", s)
	}
	log.Info("last")
	if err := flush(); err != nil || !strings.Contains(out.String(), "msg=last") {
		t.Fatalf("flush: %v, %q", err, out.String())
	}
	time.Sleep(2 * logFlushEvery) // the armed timer finds nothing left
	if n := strings.Count(out.String(), "msg=last"); n != 1 {
		t.Errorf("the last line written %d times", n)
	}
	if !log.Enabled(t.Context(), slog.LevelInfo) {
		t.Error("info is not enabled")
	}
}

// The call log's own formatting writes exactly what slog's text handler
// writes for the same record, and leaves to slog what it cannot be sure of.
func TestWriteInfoMatchesTextHandler(t *testing.T) {
	t.Parallel()
	zones := []*time.Location{time.UTC, time.FixedZone("", -(3*3600 + 30*60)), time.FixedZone("", 9*3600)}
	times := []time.Time{
		time.Date(2026, 12, 6, 6, 13, 34, 232_999_999, time.UTC),
		time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		time.Date(1999, 12, 31, 23, 59, 59, 999_500_000, time.UTC),
		time.Date(2026, 6, 1, 0, 0, 0, 100_000, time.UTC),
	}
	attrSets := []struct {
		attrs  []slog.Attr
		direct bool // written without slog
	}{
		{[]slog.Attr{slog.String("request_id", "req-0123456789abcdef"), slog.Int("status", 200), slog.Duration("duration", 1234567*time.Nanosecond),
			slog.String("algo", "nlp/SentimentAnalysis"), slog.String("version", "1.0.0")}, true},
		{[]slog.Attr{slog.Int("status", -1), slog.Duration("duration", 0), slog.Duration("queued", 3*time.Second+7*time.Microsecond),
			slog.String("output", "void"), slog.String("rejected", "queue_full"), slog.String("error_type", "AlgorithmError")}, true},
		{[]slog.Attr{slog.String("algo", "a/b/^1.2")}, false},
		{[]slog.Attr{slog.String("algo", "a b")}, false},
		{[]slog.Attr{slog.String("algo", `a"b=c`)}, false},
		{[]slog.Attr{slog.String("algo", "")}, false},
		{[]slog.Attr{slog.String("algo", "ünïcode")}, false},
		{[]slog.Attr{slog.Bool("ok", true)}, false},
	}
	for _, zone := range zones {
		for _, at := range times {
			at = at.In(zone)
			for i, set := range attrSets {
				var want, got syncBuffer
				rec := slog.NewRecord(at, slog.LevelInfo, "call", 0)
				rec.AddAttrs(set.attrs...)
				if err := slog.NewTextHandler(&want, nil).Handle(t.Context(), rec); err != nil {
					t.Fatal(err)
				}
				b := &logBuffer{w: bufio.NewWriter(&got)}
				h := flushOnWarn{Handler: slog.NewTextHandler(b, nil), b: b, plain: true}
				direct := h.writeInfo(at, "call", set.attrs)
				if direct != set.direct {
					t.Errorf("set %d: written directly %v, want %v", i, direct, set.direct)
				}
				if !direct {
					continue
				}
				_ = b.Flush()
				if got.String() != want.String() {
					t.Errorf("set %d at %s:\n got %q\nwant %q", i, at, got.String(), want.String())
				}
			}
		}
	}
	// A handler with attributes of its own is slog's to write.
	b := &logBuffer{w: bufio.NewWriter(io.Discard)}
	h := flushOnWarn{Handler: slog.NewTextHandler(b, nil), b: b, plain: true}.WithAttrs([]slog.Attr{slog.Int("k", 1)}).(flushOnWarn)
	if h.writeInfo(time.Now(), "call", nil) {
		t.Error("a handler with attributes was bypassed")
	}
}
