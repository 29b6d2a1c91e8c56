package tui

import (
	"runtime/debug"
	"testing"
	"time"
)

// The collector is off while the TUI starts, and back as it was after the
// quiet time or when the TUI quits sooner.
func TestQuietGC(t *testing.T) {
	percent := debug.SetGCPercent(100)
	defer debug.SetGCPercent(percent)
	for _, early := range []bool{false, true} {
		restore := quietGC(30*time.Millisecond, 1<<30)
		if got := debug.SetGCPercent(-1); got != -1 {
			t.Errorf("GC percent %d while quiet", got)
		}
		if got := debug.SetMemoryLimit(-1); got != 1<<30 {
			t.Errorf("memory limit %d while quiet", got)
		}
		if early {
			restore()
		} else {
			time.Sleep(60 * time.Millisecond)
		}
		if got := debug.SetGCPercent(-1); got != 100 {
			t.Errorf("early %v: GC percent %d after", early, got)
		}
		debug.SetGCPercent(100)
		restore() // a second time changes nothing
		if got := debug.SetGCPercent(100); got != 100 {
			t.Errorf("early %v: restore again set %d", early, got)
		}
	}
}
