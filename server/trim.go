package server

import (
	"runtime/debug"
	rtmetrics "runtime/metrics"
	"sync"
	"time"
)

// trimAfter is how long the server must have had no call running before it
// gives memory back to the operating system.
const trimAfter = 5 * time.Second

// trimmer returns the memory a burst of calls left behind once the server
// is idle. The Go runtime's scavenger returns free pages only slowly, and
// no garbage collection runs while nothing allocates, so after a burst the
// resident memory stayed at its peak for minutes (211 MiB, down from a 263
// MiB peak, a minute and a half after 60 image resizes); FreeOSMemory
// collects and returns it at once. It runs only when the process holds much
// more than its live heap, at most once per idle spell.
type trimmer struct {
	mu    sync.Mutex
	timer *time.Timer
	idle  func() bool // whether no call runs or waits now
	after time.Duration
	much  func() bool // whether there is memory worth returning
	free  func()
}

func newTrimmer(idle func() bool) *trimmer {
	return &trimmer{idle: idle, after: trimAfter, much: holdsMuchMoreThanLive, free: debug.FreeOSMemory}
}

// quiet is called when the last running call ends: it arms a trim.
func (t *trimmer) quiet() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.timer == nil {
		t.timer = time.AfterFunc(t.after, t.fire)
		return
	}
	t.timer.Reset(t.after)
}

func (t *trimmer) fire() {
	if t.idle() && t.much() {
		t.free()
	}
}

// holdsMuchMoreThanLive reports whether the process holds (mapped and not
// returned) more than twice its live heap and 32 MiB besides.
func holdsMuchMoreThanLive() bool {
	s := []rtmetrics.Sample{
		{Name: "/memory/classes/total:bytes"},
		{Name: "/memory/classes/heap/released:bytes"},
		{Name: "/gc/heap/live:bytes"},
	}
	rtmetrics.Read(s)
	held := s[0].Value.Uint64() - s[1].Value.Uint64()
	return held > 2*s[2].Value.Uint64()+32<<20
}
