// Package workerpool runs work in pooled worker processes: re-executions of
// the running binary, each in a process group of its own at a lower
// scheduling priority, with a hard limit on its address space, killed with
// its parent. A request and its answer cross the worker's stdin and stdout
// as frames (a JSON header and raw bytes).
//
// What runs there is work that must not take the server down or its cores
// away: jq programs from requests (internal/jqeval), CPU-heavy image
// algorithms (algorithms/workers). A worker that dies (past its memory
// limit, killed) takes only its own call with it; the caller learns how it
// died and the pool starts a fresh one. Where workers cannot start (no
// executable, not Linux) Call says so with ErrUnavailable, and the caller
// runs the work in-process.
//
// A worker is recognised by an environment variable that its package checks
// in an init function, before main: any binary linking that package (pipette,
// its test binaries) can be one.
package workerpool

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Config describes the workers of one pool.
type Config struct {
	// Name says what the workers run, in messages: "jq", "image".
	Name string
	// Env is the environment variable that marks a worker process; the
	// package that serves requests checks it in init (see Serve).
	Env string
	// Nice is the workers' scheduling priority, 0 (normal) to 19 (lowest).
	Nice int
	// Size bounds the workers running at once, busy or idle; default
	// max(2, GOMAXPROCS).
	Size int
	// Memory is the heap a worker may grow to: its Go memory limit. Its
	// address space may grow Memory + Slack past what it maps at rest,
	// after which an allocation kills it.
	Memory, Slack int64
	// Executable is the program to start; default this process's own
	// (os.Executable). Tests name one that cannot start.
	Executable string
	// Abandon is how long a worker whose caller left (its context ended)
	// may take to finish the call, its answer thrown away, and go back to
	// the pool rather than be killed: starting a worker costs more CPU
	// than finishing a short call, and callers that leave at once would
	// otherwise cost a process start each. It still holds its place in
	// Size meanwhile. 0 kills it at once (jq: what runs may be a bomb).
	Abandon time.Duration
	// IdleFor is how long a worker may stand idle beyond the first before
	// it ends, giving its memory back after a burst; default 10 s. One
	// idle worker is always kept, so that a call does not wait for a start.
	IdleFor time.Duration
}

// DefaultIdleFor is Config.IdleFor's default.
const DefaultIdleFor = 10 * time.Second

// Pool is a set of worker processes, started on demand and kept idle
// between calls.
type Pool struct {
	cfg   Config
	slots chan struct{}
	mu    sync.Mutex
	idle  []*process
	// brokenUntil is when to try starting workers again after a start
	// failed (no executable, no processes left): until then Call answers
	// ErrUnavailable at once.
	brokenUntil atomic.Int64
	warnOnce    sync.Once
	closed      bool // under mu: idle workers are no longer kept
}

// New makes an empty pool; no process starts before the first Call or Warm.
func New(cfg Config) *Pool {
	if cfg.Size <= 0 {
		cfg.Size = max(2, runtime.GOMAXPROCS(0))
	}
	if cfg.IdleFor <= 0 {
		cfg.IdleFor = DefaultIdleFor
	}
	return &Pool{cfg: cfg, slots: make(chan struct{}, cfg.Size)}
}

// Config is what the pool was made with, defaults filled in.
func (p *Pool) Config() Config { return p.cfg }

// retryStart is how long Call answers ErrUnavailable after a worker failed
// to start.
const retryStart = time.Minute

// Grace is how long past its deadline a worker may take to answer before it
// is killed: a worker stops its own work at the deadline, and one that does
// not is stuck in one long step.
const Grace = 2 * time.Second

// Errors of Call besides the context's own and *DiedError.
var (
	// ErrUnavailable: workers cannot run here; run the work in-process.
	ErrUnavailable = errors.New("worker processes cannot run here")
	// ErrTimeout: the worker did not answer within the time it was given
	// and was killed.
	ErrTimeout = errors.New("the worker did not answer in time")
)

// DiedError is a worker that stopped before it answered: what it printed to
// stderr as it died (its first 4 KiB) and how it ended.
type DiedError struct {
	Stderr string
	// Signal is the signal that killed it ("killed"), "" when it exited.
	Signal string
	Err    error
}

func (e *DiedError) Error() string {
	if line := e.FirstLine(); line != "" {
		return "the worker died: " + line
	}
	if e.Signal != "" {
		return "the worker was " + e.Signal
	}
	return fmt.Sprintf("the worker died: %v", e.Err)
}

func (e *DiedError) Unwrap() error { return e.Err }

// FirstLine is the first line the worker printed as it died.
func (e *DiedError) FirstLine() string {
	line, _, _ := strings.Cut(strings.TrimSpace(e.Stderr), "\n")
	return line
}

// OutOfMemory reports whether the worker died for want of memory: the Go
// runtime says so when the address-space limit refuses it an allocation
// (the race detector's runtime in its own words), and the kernel's OOM
// killer sends SIGKILL without a word.
func (e *DiedError) OutOfMemory() bool {
	for _, s := range []string{"out of memory", "cannot allocate",
		"address space collisions", "ThreadSanitizer failed to allocate"} {
		if strings.Contains(e.Stderr, s) {
			return true
		}
	}
	return e.Signal == "killed" && strings.TrimSpace(e.Stderr) == ""
}

// Retirer is implemented by answers after which their worker must not be
// reused (it gave up its memory by exiting, say).
type Retirer interface{ Retire() bool }

// Request is one message to a worker: a header, sent as JSON, and data.
type Request struct {
	Header any
	Data   []byte
	// Timeout bounds the wait for the answer (plus Grace); 0 leaves it to
	// ctx.
	Timeout time.Duration
}

// Call sends req to an idle worker, or a new one, and reads the answer's
// header into answer (JSON) and returns its data. It waits for a free
// worker while Size are busy, bounded by ctx. When ctx ends first, or the
// worker takes longer than req.Timeout + Grace, the worker is killed and
// replaced, and Call returns ctx's error or ErrTimeout; a worker that dies
// gives a *DiedError. ErrUnavailable means no worker could start: the
// caller runs the work itself.
func (p *Pool) Call(ctx context.Context, req Request, answer any) ([]byte, error) {
	if !Supported || time.Now().UnixNano() < p.brokenUntil.Load() {
		return nil, ErrUnavailable
	}
	select {
	case p.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	release := true
	defer func() {
		if release {
			<-p.slots
		}
	}()
	w, err := p.take()
	if err != nil {
		p.brokenUntil.Store(time.Now().Add(retryStart).UnixNano())
		p.warnOnce.Do(func() {
			slog.Warn(p.cfg.Name+" work runs in-process, without a hard memory limit or a lower priority: its worker processes cannot start", "reason", err)
		})
		return nil, ErrUnavailable
	}
	data, err := w.call(ctx, req, answer, p.cfg.Abandon)
	var left *leftError
	if errors.As(err, &left) {
		release = false
		go p.finish(w, left.answered)
		return nil, left.err
	}
	if r, ok := answer.(Retirer); err != nil || (ok && r.Retire()) {
		// Dead, stuck, killed, or done: never reused. A replacement starts
		// now, so that the next call does not wait the tenth of a second a
		// start takes.
		w.kill()
		go p.Warm(1)
		return data, err
	}
	p.put(w)
	return data, nil
}

// finish waits up to Abandon for the answer of a worker whose caller left,
// then keeps the worker, or kills and replaces it; its place in Size is
// given back only then.
func (p *Pool) finish(w *process, answered <-chan result) {
	defer func() { <-p.slots }()
	t := time.NewTimer(p.cfg.Abandon)
	defer t.Stop()
	select {
	case r := <-answered:
		if r.err == nil {
			p.put(w)
			return
		}
	case <-t.C:
	}
	w.kill()
	p.Warm(1)
}

// Warm starts workers in the background until n stand idle (at most Size).
func (p *Pool) Warm(n int) {
	if !Supported {
		return
	}
	for range min(n, p.cfg.Size) {
		p.mu.Lock()
		enough := len(p.idle) >= min(n, p.cfg.Size)
		p.mu.Unlock()
		if enough {
			return
		}
		w, err := p.start()
		if err != nil {
			return
		}
		p.put(w)
	}
}

// take returns an idle worker that is still alive, or a new one.
func (p *Pool) take() (*process, error) {
	p.mu.Lock()
	for n := len(p.idle); n > 0; n = len(p.idle) {
		w := p.idle[n-1]
		p.idle = p.idle[:n-1]
		select {
		case <-w.done: // died while idle (killed from outside): drop it
			continue
		default:
		}
		p.mu.Unlock()
		return w, nil
	}
	p.mu.Unlock()
	return p.start()
}

func (p *Pool) put(w *process) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || len(p.idle) >= p.cfg.Size {
		go w.kill()
		return
	}
	w.idleSince = time.Now()
	p.idle = append(p.idle, w)
	if len(p.idle) > 1 {
		time.AfterFunc(p.cfg.IdleFor, p.reap)
	}
}

// reap ends the workers idle for IdleFor or longer, but the newest idle
// one. take uses the newest first, so the oldest are at the front.
func (p *Pool) reap() {
	p.mu.Lock()
	var old []*process
	for len(p.idle) > 1 && time.Since(p.idle[0].idleSince) >= p.cfg.IdleFor {
		old = append(old, p.idle[0])
		p.idle = p.idle[1:]
	}
	p.mu.Unlock()
	for _, w := range old {
		w.kill()
	}
}

// Idle returns the process ids of the idle workers (for tests and
// diagnostics).
func (p *Pool) Idle() []int {
	p.mu.Lock()
	defer p.mu.Unlock()
	pids := make([]int, 0, len(p.idle))
	for _, w := range p.idle {
		pids = append(pids, w.cmd.Process.Pid)
	}
	return pids
}

// Close kills the idle workers, and each busy one when its call ends. A
// call after Close still works, in a worker started for it alone.
func (p *Pool) Close() {
	p.mu.Lock()
	idle := p.idle
	p.idle, p.closed = nil, true
	p.mu.Unlock()
	for _, w := range idle {
		w.kill()
	}
}
