package server

import (
	"sync/atomic"
	"testing"
	"time"
)

// Memory is returned once the server has been idle a while after its last
// call, only when there is much to return, and not while calls run.
func TestTrimAfterABurst(t *testing.T) {
	t.Parallel()
	var idle, much atomic.Bool
	var freed atomic.Int32
	tr := newTrimmer(idle.Load)
	tr.after, tr.much, tr.free = 20*time.Millisecond, much.Load, func() { freed.Add(1) }

	idle.Store(true)
	much.Store(true)
	tr.quiet()
	tr.quiet() // a second call in the same spell re-arms, does not add a trim
	waitFor(t, func() bool { return freed.Load() == 1 })
	time.Sleep(50 * time.Millisecond)
	if n := freed.Load(); n != 1 {
		t.Errorf("trimmed %d times for one idle spell", n)
	}
	much.Store(false) // nothing worth returning
	tr.quiet()
	time.Sleep(50 * time.Millisecond)
	idle.Store(false) // busy again when the timer fires
	much.Store(true)
	tr.quiet()
	time.Sleep(50 * time.Millisecond)
	if n := freed.Load(); n != 1 {
		t.Errorf("trimmed %d times, want 1: with little to return or while busy it must not", n)
	}
}
