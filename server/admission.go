package server

import (
	"container/list"
	"context"
	"fmt"
	"math"
	"net/http"
	"runtime"
	"sync"
	"time"

	"pipette/catalog"
)

// Platform codes of the admission errors (pipette's: the original platform
// published none for these). Clients branch on the status and the code.
const (
	CodeQueueFull      = 3001 // 429: the queue of waiting calls is full
	CodeAlgorithmLimit = 3002 // 429: this algorithm has as many calls running and waiting as it may
	CodeOverloaded     = 3003 // 503: no slot freed up within the queue wait
	CodeShuttingDown   = 3004 // 503: the server is draining
	CodeClientLimit    = 3005 // 429: this client has as many calls waiting as one client may
	CodeBodyRate       = 3006 // 429: this client sent request bodies faster than its budget while others were served
)

// Limits bound the calls a server runs at once. The zero value of each field
// means its default, sized from GOMAXPROCS (the cores Go may use).
type Limits struct {
	MaxRunning        int           // calls running at once; default 4 per core
	MaxRunningPerAlgo int           // calls of one algorithm running at once; default 1 per core
	MaxQueue          int           // calls waiting for a slot; default 64 per core, at least 128
	MaxQueuePerAlgo   int           // calls of one algorithm waiting; default half of MaxQueue
	QueueWait         time.Duration // how long a call waits for a slot; default 10 s
	// MaxHeavy is how many calls of heavy algorithms (ones that run on this
	// machine and took HeavyRun or more on average) run at once, all
	// algorithms together; default one fewer than the cores, at least 1,
	// which leaves a core to the light calls and the server itself.
	MaxHeavy int
	// MaxRunningPerClient and MaxQueuePerClient are one client's share (an
	// API key, or an address on a server without keys): default three
	// quarters of MaxRunning and a quarter of MaxQueue. A client alone may
	// use more; while others wait, one past its share of running calls
	// starts no more, and when the queue is full a newcomer within its
	// share takes the place of the newest call of the client furthest
	// past its own (that call gets 429). One client flooding the server
	// thus leaves room for the others without idling slots nobody else
	// wants.
	MaxRunningPerClient int
	MaxQueuePerClient   int
	// MaxLight is how many calls may pass admission in the light lane at
	// once, past the other limits: a call of a light algorithm (one that
	// runs here, whose recent runs all took less than LightRun, and none of
	// whose calls in the lane has been running that long) with a body of
	// at most LightBody, that would otherwise wait for a slot. Such a call
	// is over before a waiter could be woken for it: parking it cost more
	// than running it. Default 8 per MaxRunning.
	MaxLight int
}

// LightRun and LightBody bound what a call in the light lane may be: its
// algorithm's recent runs all took less than LightRun, and its body is
// LightBody or smaller.
const (
	LightRun  = time.Millisecond
	LightBody = 64 << 10
)

// HeavyRun is the average run time from which an algorithm running on this
// machine counts as heavy: its calls then share Limits.MaxHeavy.
const HeavyRun = 10 * time.Millisecond

// BusyRun is the average run time from which an algorithm running on this
// machine gets half its share of slots (Limits.MaxRunningPerAlgo, at least
// one). A few milliseconds of work can take every core: the image library
// splits each operation over GOMAXPROCS goroutines, so two 8 ms resizes at
// once kept both cores and the run queues full, and a light call waited up
// to 75 ms for a core (bench/soak's void bursts); one at a time, under
// 10 ms. Sharing the heavy slots instead (HeavyRun at 2 ms) was worse:
// under the whole soak the wall times of ordinary calls passed 2 ms, their
// algorithms turned heavy and queued behind the attack's heavy calls.
const BusyRun = 2 * time.Millisecond

// DefaultQueueWait is how long a call waits for a slot when Limits.QueueWait is 0.
const DefaultQueueWait = 10 * time.Second

// withDefaults fills the zero fields; no limit is ever below 1.
func (l Limits) withDefaults() Limits {
	cores := runtime.GOMAXPROCS(0)
	if l.MaxRunning <= 0 {
		l.MaxRunning = 4 * cores
	}
	if l.MaxRunningPerAlgo <= 0 {
		// One per core keeps the cores busy with CPU-bound algorithms and
		// leaves three quarters of the slots to the others.
		l.MaxRunningPerAlgo = max(1, min(cores, l.MaxRunning))
	}
	l.MaxRunningPerAlgo = min(l.MaxRunningPerAlgo, l.MaxRunning)
	if l.MaxQueue <= 0 {
		l.MaxQueue = max(128, 64*cores)
	}
	if l.MaxQueuePerAlgo <= 0 {
		l.MaxQueuePerAlgo = max(1, l.MaxQueue/2)
	}
	l.MaxQueuePerAlgo = min(l.MaxQueuePerAlgo, l.MaxQueue)
	if l.QueueWait <= 0 {
		l.QueueWait = DefaultQueueWait
	}
	if l.MaxHeavy <= 0 {
		l.MaxHeavy = max(1, cores-1)
	}
	l.MaxHeavy = min(l.MaxHeavy, l.MaxRunning)
	if l.MaxRunningPerClient <= 0 {
		l.MaxRunningPerClient = max(1, l.MaxRunning-l.MaxRunning/4)
	}
	l.MaxRunningPerClient = min(l.MaxRunningPerClient, l.MaxRunning)
	if l.MaxQueuePerClient <= 0 {
		l.MaxQueuePerClient = max(1, l.MaxQueue/4)
	}
	l.MaxQueuePerClient = min(l.MaxQueuePerClient, l.MaxQueue)
	if l.MaxLight <= 0 {
		l.MaxLight = 8 * l.MaxRunning
	}
	return l
}

// admission is the gate every call passes before it runs: at most
// MaxRunning calls run at once (MaxRunningPerAlgo of one algorithm), the
// others wait in one FIFO queue for up to QueueWait, and a call that finds
// the queue full is refused at once. Waiting is cheap (a parked goroutine and
// the request body, which the body budget counts); running is what costs
// memory and CPU.
type admission struct {
	lim Limits

	mu       sync.Mutex
	running  int
	heavy    int       // calls of heavy algorithms among the running
	light    int       // calls in the light lane (not among the running)
	waiting  list.List // of *waiter, oldest first
	algos    map[string]*algoState
	clients  map[string]*clientState // only those with calls running or waiting
	draining bool
	avgRun   float64 // seconds, moving average of run times: the Retry-After estimate
	rejected rejectionCounter
	quiet    func() // called (without a.mu) when the last running call ends; may be nil
}

// algoState is one algorithm's share. States are kept for the life of the
// server: their keys are metric labels, bounded by the catalog's size.
type algoState struct {
	label            string
	running, waiting int
	local            bool      // runs on this machine (not a remote source's model)
	avgRun           float64   // seconds, moving average of its run times
	runs             int       // run times averaged so far (up to a few)
	peakRun          float64   // seconds, the longest recent run (decays by 1% a run)
	lane             list.List // of *ticket: its calls in the light lane, oldest first
}

// isHeavy reports whether calls of the algorithm take this machine's CPU
// for long: it runs here and took HeavyRun or more on average.
func (st *algoState) isHeavy() bool { return st.local && st.avgRun >= HeavyRun.Seconds() }

// isLight reports whether a call of the algorithm may take the light lane
// now: it runs here, a few runs are known and none took LightRun or more
// lately, and none of its calls in the lane has been running that long
// (a call whose run is long, whatever its average, closes the lane to its
// algorithm at once rather than when it ends).
func (st *algoState) isLight(now time.Time) bool {
	if !st.local || st.runs < 3 || st.peakRun >= LightRun.Seconds() {
		return false
	}
	oldest := st.lane.Front()
	return oldest == nil || now.Sub(oldest.Value.(*ticket).start) < LightRun
}

// clientState is one client's share; it is dropped when the client has
// nothing running or waiting, so the map stays as small as the load.
type clientState struct {
	running, waiting int
	limited          bool // a known client; calls of no client in particular share no limit
}

// callKey says whose call of what waits for a slot.
type callKey struct {
	algo   string // the metric label: owner/name or unknownAlgorithm
	local  bool   // the algorithm runs on this machine
	client string // the API key's or the address's name; "" when unknown
	small  bool   // the call's body is LightBody or smaller
}

type waiter struct {
	algo   *algoState
	client *clientState
	key    string          // the client's
	done   chan *rejection // receives nil when admitted, or why not
	elem   *list.Element
	heavy  bool // admitted as a heavy call
}

// rejection is a call admission refused: the platform error to answer, the
// seconds after which a retry should find room, and the reason, a metric
// label.
type rejection struct {
	err        *catalog.Error
	retryAfter int
	reason     string
}

func (r *rejection) Error() string { return r.err.Error() }
func (r *rejection) Unwrap() error { return r.err }

// rejectionCounter counts refused calls (by algorithm and reason) for /metrics.
type rejectionCounter interface {
	reject(algo, reason string)
}

func newAdmission(lim Limits, rc rejectionCounter) *admission {
	return &admission{lim: lim.withDefaults(), algos: map[string]*algoState{}, clients: map[string]*clientState{}, rejected: rc}
}

// ticket is an admitted call's slot; release gives it back exactly once.
type ticket struct {
	a      *admission
	algo   *algoState
	client string
	heavy  bool
	lane   *list.Element // in algo.lane, for a call in the light lane
	start  time.Time
	once   sync.Once
}

func (t *ticket) release() {
	t.once.Do(func() { t.a.release(t, time.Since(t.start)) })
}

// acquire waits for a slot for a call of algorithm label, of no client in
// particular, running elsewhere (never heavy).
func (a *admission) acquire(ctx context.Context, label string, wait time.Duration) (*ticket, error) {
	return a.acquireFor(ctx, callKey{algo: label}, wait)
}

// acquireFor waits for a slot for the call k. It returns the admission
// error to answer when the call may not run: 429 when the queue (or the
// algorithm's or the client's share of it) is full, 503 when no slot freed
// up within the wait or the server is draining. A caller that goes away
// while waiting gets ctx's error.
func (a *admission) acquireFor(ctx context.Context, k callKey, wait time.Duration) (*ticket, error) {
	a.mu.Lock()
	st := a.algos[k.algo]
	if st == nil {
		st = &algoState{label: k.algo}
		a.algos[k.algo] = st
	}
	st.local = k.local
	if a.draining {
		a.mu.Unlock()
		return nil, a.refuse(st, "shutting_down")
	}
	cl := a.clients[k.client]
	if cl == nil {
		cl = &clientState{limited: k.client != ""}
		a.clients[k.client] = cl
	}
	// While a slot is free every waiter is blocked by its own limits
	// (release hands free slots to the others), so a newcomer whose
	// algorithm and client have room jumps no one.
	if a.canRun(st, cl) {
		heavy := a.admit(st, cl)
		a.mu.Unlock()
		return &ticket{a: a, algo: st, client: k.client, heavy: heavy, start: time.Now()}, nil
	}
	if k.small && a.light < a.lim.MaxLight {
		if now := time.Now(); st.isLight(now) {
			a.light++
			t := &ticket{a: a, algo: st, start: now}
			t.lane = st.lane.PushBack(t)
			a.forget(k.client, cl)
			a.mu.Unlock()
			return t, nil
		}
	}
	reason := ""
	switch {
	case st.waiting >= a.lim.MaxQueuePerAlgo:
		reason = "algorithm_limit"
	case a.waiting.Len() >= a.lim.MaxQueue && (!cl.limited || cl.waiting >= a.lim.MaxQueuePerClient || !a.evictFlooder()):
		reason = "queue_full"
	}
	if reason != "" {
		a.forget(k.client, cl)
		a.mu.Unlock()
		return nil, a.refuse(st, reason)
	}
	w := &waiter{algo: st, client: cl, key: k.client, done: make(chan *rejection, 1)}
	w.elem = a.waiting.PushBack(w)
	st.waiting++
	cl.waiting++
	wait = min(wait, a.lim.QueueWait)
	a.mu.Unlock()

	admitted := func() *ticket { return &ticket{a: a, algo: st, client: k.client, heavy: w.heavy, start: time.Now()} }
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case e := <-w.done:
		if e != nil {
			return nil, e
		}
		return admitted(), nil
	case <-timer.C:
		if a.leave(w) {
			return nil, a.refuse(st, "wait_timeout")
		}
	case <-ctx.Done():
		if a.leave(w) {
			return nil, context.Cause(ctx)
		}
	}
	// Admitted or refused at the same moment the wait ended: honour that.
	if e := <-w.done; e != nil {
		return nil, e
	}
	return admitted(), nil
}

// canRun reports whether a call of st by cl may start now: there are
// slots for it, and its client is within its share or nobody else waits.
// a.mu is held.
func (a *admission) canRun(st *algoState, cl *clientState) bool {
	return a.running < a.lim.MaxRunning && st.running < a.perAlgo(st) &&
		(!cl.limited || cl.running < a.lim.MaxRunningPerClient || a.waiting.Len() == cl.waiting) &&
		(!st.isHeavy() || a.heavy < a.lim.MaxHeavy)
}

// perAlgo is how many calls of st may run at once: its share, halved for
// an algorithm that runs here for BusyRun or more on average.
func (a *admission) perAlgo(st *algoState) int {
	if st.local && st.avgRun >= BusyRun.Seconds() {
		return max(1, a.lim.MaxRunningPerAlgo/2)
	}
	return a.lim.MaxRunningPerAlgo
}

// evictFlooder makes a place in the full queue by refusing the newest
// waiting call of the client that has the most calls waiting, if that is
// more than its share; it reports whether it did. a.mu is held.
func (a *admission) evictFlooder() bool {
	var worst *clientState
	for _, cl := range a.clients {
		if cl.limited && cl.waiting > a.lim.MaxQueuePerClient && (worst == nil || cl.waiting > worst.waiting) {
			worst = cl
		}
	}
	if worst == nil {
		return false
	}
	for e := a.waiting.Back(); e != nil; e = e.Prev() {
		if w := e.Value.(*waiter); w.client == worst {
			a.waiting.Remove(e)
			w.elem = nil
			w.algo.waiting--
			w.client.waiting--
			w.done <- a.refusal(w.algo, "client_limit")
			return true
		}
	}
	return false
}

// admit counts a call of st by cl as running and reports whether it counts
// as heavy. a.mu is held.
func (a *admission) admit(st *algoState, cl *clientState) bool {
	a.running++
	st.running++
	cl.running++
	heavy := st.isHeavy()
	if heavy {
		a.heavy++
	}
	return heavy
}

// forget drops a client's state once it has nothing running or waiting.
// a.mu is held.
func (a *admission) forget(key string, cl *clientState) {
	if cl.running == 0 && cl.waiting == 0 {
		delete(a.clients, key)
	}
}

// leave takes w out of the queue, reporting false when it had already been
// admitted or refused (its answer is then in w.done).
func (a *admission) leave(w *waiter) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if w.elem == nil {
		return false
	}
	a.waiting.Remove(w.elem)
	w.elem = nil
	w.algo.waiting--
	w.client.waiting--
	a.forget(w.key, w.client)
	return true
}

// release frees the slot of t, learns how long its algorithm runs, and
// hands free slots to waiters.
func (a *admission) release(t *ticket, ran time.Duration) {
	a.mu.Lock()
	st := t.algo
	if t.lane != nil {
		// A call in the light lane held no slot: nothing to hand on.
		st.lane.Remove(t.lane)
		a.light--
	} else {
		a.running--
		st.running--
		if t.heavy {
			a.heavy--
		}
		if cl := a.clients[t.client]; cl != nil {
			cl.running--
			a.forget(t.client, cl)
		}
	}
	a.avgRun = 0.9*a.avgRun + 0.1*ran.Seconds()
	// The first runs set the average quickly; later ones move it slowly.
	st.runs = min(st.runs+1, 10)
	st.avgRun += (ran.Seconds() - st.avgRun) / float64(st.runs)
	st.peakRun = max(ran.Seconds(), 0.99*st.peakRun)
	if t.lane == nil {
		a.dispatch()
	}
	quiet := a.running == 0 && a.light == 0
	a.mu.Unlock()
	if quiet && a.quiet != nil {
		a.quiet()
	}
}

// idle reports whether no call runs or waits.
func (a *admission) idle() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.running == 0 && a.light == 0 && a.waiting.Len() == 0
}

// dispatch admits waiters while slots are free. Each free slot goes to the
// waiter whose client has the fewest calls running, then whose algorithm
// has the fewest, then the oldest: a client flooding the server, or a flood
// of calls to one algorithm, holds at most its own share of the slots, and
// anyone else's call runs as soon as a slot frees instead of waiting behind
// the whole flood. a.mu is held.
func (a *admission) dispatch() {
	for a.running < a.lim.MaxRunning {
		var best *waiter
		var bestElem *list.Element
		for e := a.waiting.Front(); e != nil; e = e.Next() {
			w := e.Value.(*waiter)
			if !a.canRun(w.algo, w.client) {
				continue
			}
			if best == nil || w.client.running < best.client.running ||
				w.client.running == best.client.running && w.algo.running < best.algo.running {
				best, bestElem = w, e
				if w.client.running == 0 && w.algo.running == 0 {
					break // nobody can have fewer; this is the oldest such
				}
			}
		}
		if best == nil {
			return
		}
		a.waiting.Remove(bestElem)
		best.elem = nil
		best.algo.waiting--
		best.client.waiting--
		best.heavy = a.admit(best.algo, best.client)
		best.done <- nil
	}
}

// TryTake lends a slot to a running call's fan-out (catalog.Slots): only a
// free one, so a chain's `each` never makes a waiting call wait longer.
func (a *admission) TryTake() (func(), bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.draining || a.running >= a.lim.MaxRunning {
		return nil, false
	}
	a.running++
	start := time.Now()
	var once sync.Once
	return func() {
		once.Do(func() {
			a.mu.Lock()
			defer a.mu.Unlock()
			a.running--
			a.avgRun = 0.9*a.avgRun + 0.1*time.Since(start).Seconds()
			a.dispatch()
		})
	}, true
}

// drain refuses every waiting call and every new one: the server is
// shutting down and lets only the running calls finish.
func (a *admission) drain() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.draining = true
	for e := a.waiting.Front(); e != nil; e = a.waiting.Front() {
		w := e.Value.(*waiter)
		a.waiting.Remove(e)
		w.elem = nil
		w.algo.waiting--
		w.client.waiting--
		a.forget(w.key, w.client)
		w.done <- a.refusal(w.algo, "shutting_down")
	}
}

// refuse counts a refusal and builds its error. a.mu is not held.
func (a *admission) refuse(st *algoState, reason string) *rejection {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.refusal(st, reason)
}

// refusal counts a refusal and builds its error. a.mu is held.
func (a *admission) refusal(st *algoState, reason string) *rejection {
	a.rejected.reject(st.label, reason)
	retry := a.retryAfter()
	e := &catalog.Error{Type: catalog.UnsupportedError}
	switch reason {
	case "queue_full":
		e.Status, e.Code = http.StatusTooManyRequests, CodeQueueFull
		e.Message = fmt.Sprintf("too many calls: %d are running and %d waiting, the most this server takes; retry in %d s", a.running, a.waiting.Len(), retry)
	case "algorithm_limit":
		e.Status, e.Code = http.StatusTooManyRequests, CodeAlgorithmLimit
		e.Message = fmt.Sprintf("too many calls to %s: %d are running and %d waiting, the most one algorithm may have; retry in %d s", st.label, st.running, st.waiting, retry)
	case "client_limit":
		e.Status, e.Code = http.StatusTooManyRequests, CodeClientLimit
		e.Message = fmt.Sprintf("too many calls from you: the queue is full and you had more than your share of it (%d) waiting; retry in %d s", a.lim.MaxQueuePerClient, retry)
	case "wait_timeout":
		e.Status, e.Code = http.StatusServiceUnavailable, CodeOverloaded
		e.Message = fmt.Sprintf("the server is overloaded: no slot freed up within %s; retry in %d s", a.lim.QueueWait, retry)
	default:
		e.Status, e.Code = http.StatusServiceUnavailable, CodeShuttingDown
		e.Message = "the server is shutting down and takes no new calls; retry on another instance"
	}
	return &rejection{err: e, retryAfter: retry, reason: reason}
}

// retryAfter estimates, in whole seconds from 1 to 60, when a slot will be
// free: the calls ahead divided by the slots, times the average run time.
// a.mu is held.
func (a *admission) retryAfter() int {
	ahead := float64(a.waiting.Len()+1) / float64(a.lim.MaxRunning)
	s := math.Ceil(ahead * a.avgRun)
	if math.IsNaN(s) || s < 1 {
		return 1
	}
	return int(min(s, 60))
}

// admissionStats is one algorithm's running and waiting calls, for /metrics.
type admissionStats struct {
	label            string
	running, waiting int
}

// stats returns the slots in use and every algorithm's running and waiting
// calls.
func (a *admission) stats() (busy int, out []admissionStats) {
	a.mu.Lock()
	defer a.mu.Unlock()
	out = make([]admissionStats, 0, len(a.algos))
	for _, st := range a.algos {
		out = append(out, admissionStats{st.label, st.running + st.lane.Len(), st.waiting})
	}
	return a.running, out
}
