package server

import (
	"context"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// sweepEvery is how often the sweeper looks for what is due: time limits
// are kept to within it, well inside a call timeout given in whole seconds
// and a body's grace of seconds.
const sweepEvery = 20 * time.Millisecond

// sweeper keeps the time limits of running calls and of request bodies
// being read without a runtime timer for each. A timer per call (its
// context's deadline) and a connection deadline per body (set, then
// lifted) cost pipette a sixth of its throughput at 64 connections
// (bench/load, BENCHMARKS.md); watching costs a lock and two pointer
// changes. One goroutine, running only while something is watched, wakes
// every sweepEvery and ends what is due.
type sweeper struct {
	mu      sync.Mutex
	ring    watch // the sentinel of a ring of what is watched
	running bool
}

// watch is an item's place in the sweeper's ring; it is embedded in the
// item, so watching allocates nothing.
type watch struct {
	prev, next *watch
	item       sweepable
}

// sweepable is what the sweeper watches.
type sweepable interface {
	// due reports whether the item's time is up. It is called with the
	// sweeper's lock held, so it only reads.
	due(now time.Time) bool
	// expire ends the item; the sweeper calls it once, without its lock,
	// after taking the item out of the ring.
	expire()
}

// add starts watching w.item.
func (s *sweeper) add(w *watch) {
	s.mu.Lock()
	if s.ring.next == nil {
		s.ring.next, s.ring.prev = &s.ring, &s.ring
	}
	w.prev, w.next = s.ring.prev, &s.ring
	s.ring.prev.next = w
	s.ring.prev = w
	start := !s.running
	s.running = true
	s.mu.Unlock()
	if start {
		go s.loop()
	}
}

// remove stops watching w.item, if it still is.
func (s *sweeper) remove(w *watch) {
	s.mu.Lock()
	s.unlinkLocked(w)
	s.mu.Unlock()
}

func (s *sweeper) unlinkLocked(w *watch) {
	if w.next == nil {
		return
	}
	w.prev.next, w.next.prev = w.next, w.prev
	w.prev, w.next = nil, nil
}

// loop sweeps until nothing is watched.
func (s *sweeper) loop() {
	t := time.NewTicker(sweepEvery)
	defer t.Stop()
	var due []sweepable
	for now := range t.C {
		s.mu.Lock()
		for w := s.ring.next; w != &s.ring; {
			next := w.next
			if w.item.due(now) {
				s.unlinkLocked(w)
				due = append(due, w.item)
			}
			w = next
		}
		idle := s.ring.next == &s.ring
		if idle {
			s.running = false
		}
		s.mu.Unlock()
		for i, it := range due {
			it.expire()
			due[i] = nil
		}
		due = due[:0]
		if idle {
			return
		}
	}
}

// callCtx is a call's context: it ends with its request (the caller
// leaving, the end of a shutdown) or at its deadline, and reads as
// context.WithTimeout's does (Deadline, then Err context.DeadlineExceeded).
// It is lazy where WithTimeout is eager: no timer (the sweeper keeps the
// deadline) and no link to the request's context until something asks
// for Done or registers a function to run at its end: the usual fast
// algorithm never does, and checks Err, which costs a lock. The server's
// own watchdog (whenEnded) is run by the sweeper, which notices a request
// that ended within sweepEvery.
type callCtx struct {
	parent   context.Context
	deadline time.Time
	sweep    *sweeper
	watch    watch

	mu         sync.Mutex
	err        error
	done       chan struct{} // made by the first Done
	stopParent func() bool   // the link to parent, once made
	funcs      []*endFunc    // to run, each in a goroutine, when the context ends
}

// endFunc is a function registered to run when a callCtx ends.
type endFunc struct {
	c *callCtx
	f func()
}

// callCtxKey finds a call's context under the values added to it.
type callCtxKey struct{}

// withTimeout is context.WithTimeout(parent, d), kept by the sweeper.
func (s *sweeper) withTimeout(parent context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	c := &callCtx{parent: parent, deadline: time.Now().Add(d), sweep: s}
	c.watch.item = c
	s.add(&c.watch)
	return c, c.stop
}

func (c *callCtx) stop() { c.end(context.Canceled) }

func (c *callCtx) Deadline() (time.Time, bool) {
	if d, ok := c.parent.Deadline(); ok && d.Before(c.deadline) {
		return d, true
	}
	return c.deadline, true
}

func (c *callCtx) Value(key any) any {
	if key == (callCtxKey{}) {
		return c
	}
	return c.parent.Value(key)
}

func (c *callCtx) Err() error {
	c.mu.Lock()
	err := c.err
	c.mu.Unlock()
	if err != nil {
		return err
	}
	if err := c.parent.Err(); err != nil {
		c.end(err)
		return c.Err()
	}
	return nil
}

func (c *callCtx) Done() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done == nil {
		c.done = make(chan struct{})
		if c.err != nil {
			close(c.done)
		}
	}
	c.linkLocked()
	return c.done
}

// linkLocked makes the request's end end this context at once. c.mu is
// held.
func (c *callCtx) linkLocked() {
	if c.stopParent == nil && c.err == nil {
		c.stopParent = context.AfterFunc(c.parent, func() { c.end(c.parent.Err()) })
	}
}

// AfterFunc runs f in a goroutine of its own when c ends, as
// context.AfterFunc does; contexts derived from c link to it this way.
func (c *callCtx) AfterFunc(f func()) (stop func() bool) {
	e := c.whenEnded(f)
	c.mu.Lock()
	c.linkLocked()
	c.mu.Unlock()
	return e.stop
}

// whenEnded runs f in a goroutine of its own when c ends, or within
// sweepEvery of its request's end.
func (c *callCtx) whenEnded(f func()) *endFunc {
	e := &endFunc{c: c, f: f}
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		go f()
		return e
	}
	c.funcs = append(c.funcs, e)
	c.mu.Unlock()
	return e
}

// stop keeps e's function from running, and reports whether it did.
func (e *endFunc) stop() bool {
	c := e.c
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, x := range c.funcs {
		if x == e {
			c.funcs = append(c.funcs[:i], c.funcs[i+1:]...)
			return true
		}
	}
	return false
}

// end ends c with err, the first time.
func (c *callCtx) end(err error) {
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return
	}
	c.err = err
	if c.done != nil {
		close(c.done)
	}
	funcs, stopParent := c.funcs, c.stopParent
	c.funcs = nil
	c.mu.Unlock()
	c.sweep.remove(&c.watch)
	if stopParent != nil {
		stopParent()
	}
	for _, e := range funcs {
		go e.f()
	}
}

func (c *callCtx) due(now time.Time) bool {
	return !now.Before(c.deadline) || c.parent.Err() != nil
}

func (c *callCtx) expire() {
	if err := c.parent.Err(); err != nil {
		c.end(err)
		return
	}
	c.end(context.DeadlineExceeded)
}

// afterEnd runs f when ctx ends: through the sweeper for a call's context
// (no link to the request is made for it), else as context.AfterFunc.
func afterEnd(ctx context.Context, f func()) (stop func() bool) {
	if c, ok := ctx.Value(callCtxKey{}).(*callCtx); ok {
		return c.whenEnded(f).stop
	}
	return context.AfterFunc(ctx, f)
}

// bodyDeadline keeps a body flowing: it must arrive within the grace
// period plus what has arrived divided by the minimum rate, so a body that
// trickles is cut once it falls behind while a large body sent at a steady
// pace is never cut. The sweeper watches it; a body that falls behind has
// its connection's read deadline set in the past, which ends the read
// waiting on it (os.ErrDeadlineExceeded: 408).
type bodyDeadline struct {
	rc      *http.ResponseController
	sweep   *sweeper
	watch   watch
	start   atomic.Int64 // unix nanoseconds; moved on by the time the server made the body wait
	grace   time.Duration
	rate    int64
	arrived atomic.Int64
	mu      sync.Mutex
	cut     bool // the sweeper set the read deadline
	lifted  bool // the body is read
}

func newBodyDeadline(s *sweeper, rc *http.ResponseController, t Timeouts) *bodyDeadline {
	d := &bodyDeadline{rc: rc, sweep: s, grace: t.BodyGrace, rate: t.BodyMinRate}
	d.start.Store(time.Now().UnixNano())
	d.watch.item = d
	s.add(&d.watch)
	return d
}

// reader is r read as this body: what arrives counts toward its rate.
func (d *bodyDeadline) reader(r io.Reader) io.Reader { return countedReader{r, d} }

type countedReader struct {
	r io.Reader
	d *bodyDeadline
}

func (c countedReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.d.arrived.Add(int64(n))
	return n, err
}

func (d *bodyDeadline) due(now time.Time) bool {
	allowed := d.grace
	if d.rate > 0 {
		allowed += time.Duration(float64(d.arrived.Load()) / float64(d.rate) * float64(time.Second))
	}
	return now.UnixNano()-d.start.Load() > int64(allowed)
}

func (d *bodyDeadline) expire() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.lifted {
		d.cut = d.rc.SetReadDeadline(time.Unix(1, 0)) == nil
	}
}

// postpone moves the deadline on by wait, which the server made the body
// wait.
func (d *bodyDeadline) postpone(wait time.Duration) { d.start.Add(int64(wait)) }

// lift stops watching once the body is read: net/http keeps reading the
// connection in the background during the call (to notice a client that
// leaves), and a deadline firing there would cancel the call.
func (d *bodyDeadline) lift() {
	d.sweep.remove(&d.watch)
	d.mu.Lock()
	defer d.mu.Unlock()
	d.lifted = true
	if d.cut {
		_ = d.rc.SetReadDeadline(time.Time{})
	}
}
