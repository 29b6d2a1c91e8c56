package server

import (
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
