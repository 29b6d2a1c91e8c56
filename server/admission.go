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
)

// Limits bound the calls a server runs at once. The zero value of each field
// means its default, sized from GOMAXPROCS (the cores Go may use).
type Limits struct {
	MaxRunning        int           // calls running at once; default 4 per core
	MaxRunningPerAlgo int           // calls of one algorithm running at once; default 1 per core
	MaxQueue          int           // calls waiting for a slot; default 64 per core, at least 128
	MaxQueuePerAlgo   int           // calls of one algorithm waiting; default half of MaxQueue
	QueueWait         time.Duration // how long a call waits for a slot; default 10 s
}

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
	waiting  list.List // of *waiter, oldest first
	algos    map[string]*algoState
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
}

type waiter struct {
	algo *algoState
	done chan *rejection // receives nil when admitted, or why not
	elem *list.Element
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
	return &admission{lim: lim.withDefaults(), algos: map[string]*algoState{}, rejected: rc}
}

// ticket is an admitted call's slot; release gives it back exactly once.
type ticket struct {
	a     *admission
	algo  *algoState
	start time.Time
	once  sync.Once
}

func (t *ticket) release() {
	t.once.Do(func() { t.a.release(t.algo, time.Since(t.start)) })
}

// acquire waits for a slot for a call of algorithm label. It returns the
// admission error to answer when the call may not run: 429 when the queue
// (or the algorithm's share of it) is full, 503 when no slot freed up within
// the wait or the server is draining. A caller that goes away while waiting
// gets ctx's error.
func (a *admission) acquire(ctx context.Context, label string, wait time.Duration) (*ticket, error) {
	a.mu.Lock()
	st := a.algos[label]
	if st == nil {
		st = &algoState{label: label}
		a.algos[label] = st
	}
	if a.draining {
		a.mu.Unlock()
		return nil, a.refuse(st, "shutting_down")
	}
	// While a slot is free every waiter is blocked by its own algorithm's
	// limit (release hands free slots to the others), so a newcomer whose
	// algorithm has room jumps no one.
	if a.running < a.lim.MaxRunning && st.running < a.lim.MaxRunningPerAlgo {
		a.admit(st)
		a.mu.Unlock()
		return &ticket{a: a, algo: st, start: time.Now()}, nil
	}
	if a.waiting.Len() >= a.lim.MaxQueue {
		a.mu.Unlock()
		return nil, a.refuse(st, "queue_full")
	}
	if st.waiting >= a.lim.MaxQueuePerAlgo {
		a.mu.Unlock()
		return nil, a.refuse(st, "algorithm_limit")
	}
	w := &waiter{algo: st, done: make(chan *rejection, 1)}
	w.elem = a.waiting.PushBack(w)
	st.waiting++
	wait = min(wait, a.lim.QueueWait)
	a.mu.Unlock()

	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case e := <-w.done:
		if e != nil {
			return nil, e
		}
		return &ticket{a: a, algo: st, start: time.Now()}, nil
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
	return &ticket{a: a, algo: st, start: time.Now()}, nil
}

// admit counts a call of st as running. a.mu is held.
func (a *admission) admit(st *algoState) {
	a.running++
	st.running++
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
	return true
}

// release frees a slot of st and hands free slots to the oldest waiters
// whose algorithm has room.
func (a *admission) release(st *algoState, ran time.Duration) {
	a.mu.Lock()
	a.running--
	st.running--
	a.avgRun = 0.9*a.avgRun + 0.1*ran.Seconds()
	a.dispatch()
	quiet := a.running == 0
	a.mu.Unlock()
	if quiet && a.quiet != nil {
		a.quiet()
	}
}

// idle reports whether no call runs or waits.
func (a *admission) idle() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.running == 0 && a.waiting.Len() == 0
}

// dispatch admits waiters while slots are free. Each free slot goes to the
// algorithm with the fewest calls running, and within it to the oldest
// waiter: a flood of calls to one algorithm then holds at most its own share
// of the slots, and a call to another algorithm runs as soon as any slot
// frees instead of waiting behind the whole flood. a.mu is held.
func (a *admission) dispatch() {
	for a.running < a.lim.MaxRunning {
		var best *list.Element
		for e := a.waiting.Front(); e != nil; e = e.Next() {
			st := e.Value.(*waiter).algo
			if st.running >= a.lim.MaxRunningPerAlgo {
				continue
			}
			if best == nil || st.running < best.Value.(*waiter).algo.running {
				best = e
				if st.running == 0 {
					break // nobody can have fewer; this is the oldest such
				}
			}
		}
		if best == nil {
			return
		}
		w := best.Value.(*waiter)
		a.waiting.Remove(best)
		w.elem = nil
		w.algo.waiting--
		a.admit(w.algo)
		w.done <- nil
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
		out = append(out, admissionStats{st.label, st.running, st.waiting})
	}
	return a.running, out
}
