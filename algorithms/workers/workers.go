// Package workers runs the built-in algorithms marked Isolate (CPU-heavy
// image work) in worker processes for pipette serve: re-executions of the
// pipette binary at the lowest scheduling priority, with an address-space
// limit (internal/workerpool). The kernel then gives the server's own light
// calls the cores first, whatever the heavy calls do (disintegration/imaging
// spreads every operation over all cores, and Go's scheduler preempts only
// after 10 ms), and a call that exhausts memory kills only its worker: the
// caller gets an OutOfMemoryError and the server lives.
//
// A call crosses to the worker as its algorithm's path@version, its input
// (kind and bytes; JSON as text), its memory budget, deadline and the image
// policy in force; the worker runs it from its own built-in registry and
// answers the output, the log and the error's type and sentence, so that a
// call reads exactly as it does in-process.
package workers

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"pipette/algorithms"
	"pipette/algorithms/imagein"
	"pipette/catalog"
	"pipette/data"
	"pipette/internal/workerpool"
)

// Env marks a process started as an algorithm worker. The package that
// assembles the registry the workers serve (algorithms/builtin) checks it
// in init, with Serve.
const Env = "PIPETTE_ALGO_WORKER"

// Nice is the workers' scheduling priority: the lowest, so that a flood of
// heavy calls takes only the CPU the light ones leave.
const Nice = 19

// Options size the workers. Zero fields take the defaults.
type Options struct {
	// Memory is the most a call may use in a worker, the hard limit of its
	// address space beyond what it maps at rest and a slack for the Go
	// runtime; default catalog.DefaultMemoryBudget. A call's own budget
	// (catalog.MemoryBudget) is passed along and checked first.
	Memory int64
	// Size bounds the workers at once; default max(2, GOMAXPROCS).
	Size int
	// Nice is the workers' scheduling priority, 0 (the server's own) to
	// 19; pipette serve uses the package's Nice unless told otherwise.
	Nice int

	slack      int64  // default slack; tests make it small
	executable string // default this program; tests name one that cannot start
}

// slack is the address space a worker may map beyond its memory: the Go
// runtime's own reservations and the threads' stacks.
const slack = 256 << 20

// Workers is an algorithms.Isolator backed by a pool of worker processes.
type Workers struct {
	pool *workerpool.Pool
}

// New makes the workers; the first call (or Warm) starts one.
func New(o Options) *Workers {
	if o.Memory <= 0 {
		o.Memory = catalog.DefaultMemoryBudget
	}
	if o.slack <= 0 {
		o.slack = slack
	}
	return &Workers{pool: workerpool.New(workerpool.Config{
		Name: "heavy-call", Env: Env, Nice: o.Nice, Size: o.Size, Memory: o.Memory, Slack: o.slack, Executable: o.executable,
		Abandon: abandon,
	})}
}

// abandon is how long a worker whose caller left (and which was told so)
// may take to stop and be kept: a worker's start costs ~0.1 s of CPU, more
// than most calls take to notice their context; one that takes longer (a
// long image operation that does not look) is killed.
const abandon = 250 * time.Millisecond

// Warm starts n workers in the background, so that the first calls do not
// wait for a start.
func (w *Workers) Warm(n int) {
	if registry.Load() != nil {
		go w.pool.Warm(n)
	}
}

// Idle returns the process ids of the idle workers.
func (w *Workers) Idle() []int { return w.pool.Idle() }

// Close stops the idle workers.
func (w *Workers) Close() { w.pool.Close() }

// request is a call as a worker receives it; the input's payload is the
// frame's data.
type request struct {
	Algorithm    catalog.Ref    `json:"algorithm"` // with the exact version
	Kind         catalog.Kind   `json:"kind"`
	Memory       int64          `json:"memory"`
	TimeoutMS    int64          `json:"timeout_ms,omitempty"` // 0: no deadline
	StdoutWanted bool           `json:"stdout_wanted,omitempty"`
	Policy       imagein.Policy `json:"policy"`
}

// response is a worker's answer; the output's payload is the frame's data.
type response struct {
	Kind    catalog.Kind `json:"kind,omitempty"`
	Stdout  string       `json:"stdout,omitempty"`
	Version string       `json:"version,omitempty"`
	Error   *wireError   `json:"error,omitempty"`
}

// wireError is an algorithm's error: a *catalog.Error field by field (its
// panic as text), or a context's error, or any other error's text.
type wireError struct {
	Kind       string `json:"kind"` // catalog, canceled, deadline, other
	Type       string `json:"type,omitempty"`
	Message    string `json:"message"`
	Stack      string `json:"stack,omitempty"`
	Status     int    `json:"status,omitempty"`
	Code       int    `json:"code,omitempty"`
	Panic      string `json:"panic,omitempty"`
	PanicStack []byte `json:"panic_stack,omitempty"`
}

// Run runs a in a worker. It does not for an input that names a data://
// file (workers have no data store), in a binary that cannot be a worker
// (see ServeFrom), or where workers cannot start: ran is then false and the
// registry runs a in-process.
func (w *Workers) Run(ctx context.Context, a algorithms.Algorithm, in catalog.Value) (catalog.Output, bool, error) {
	payload, err := encodeValue(in)
	if err != nil || mentionsDataFile(in, payload) || registry.Load() == nil {
		return catalog.Output{}, false, nil
	}
	req := request{Algorithm: a.Entry.Ref, Kind: in.Kind, Memory: catalog.MemoryBudget(ctx),
		StdoutWanted: catalog.StdoutWanted(ctx), Policy: imagein.CurrentPolicy()}
	var timeout time.Duration
	if d, ok := ctx.Deadline(); ok {
		timeout = max(time.Millisecond, time.Until(d))
		req.TimeoutMS = timeout.Milliseconds() + 1
	}
	var resp response
	out, err := w.pool.Call(ctx, workerpool.Request{Header: req, Data: payload, Timeout: timeout}, &resp)
	var died *workerpool.DiedError
	switch {
	case errors.Is(err, workerpool.ErrUnavailable):
		return catalog.Output{}, false, nil
	case errors.As(err, &died):
		return catalog.Output{}, true, diedError(a, died, w.pool.Config().Memory)
	case errors.Is(err, workerpool.ErrTimeout):
		return catalog.Output{}, true, context.DeadlineExceeded
	case err != nil:
		return catalog.Output{}, true, err
	}
	return resp.output(ctx, out)
}

// mentionsDataFile reports whether an input may name a file of the Data
// API's store, which only this process can read.
func mentionsDataFile(in catalog.Value, payload []byte) bool {
	return in.Kind != catalog.KindBinary && bytes.Contains(payload, []byte(data.Scheme))
}

// diedError is the caller's error for a worker that died during its call:
// out of memory (its address-space limit, the kernel's OOM killer), or a
// crash, told in the words of a panic.
func diedError(a algorithms.Algorithm, died *workerpool.DiedError, memory int64) error {
	if died.OutOfMemory() {
		return catalog.Errorf(catalog.OutOfMemoryError, "%s needed more than the %d MiB a call may use here and was stopped: send less input or ask for a smaller result",
			a.Entry.Ref.Path(), memory>>20)
	}
	return &catalog.Error{Type: catalog.AlgorithmError, Message: fmt.Sprintf("%s crashed: %s", a.Entry.Ref, died.FirstLine()),
		Panic: &catalog.Panic{Value: died.Error(), Stack: []byte(died.Stderr)}}
}

// output turns a worker's answer back into what Registry.Run returns.
func (r *response) output(ctx context.Context, payload []byte) (catalog.Output, bool, error) {
	out := catalog.Output{Stdout: r.Stdout, Version: r.Version}
	if e := r.Error; e != nil {
		return out, true, e.err(ctx)
	}
	v, err := decodeResult(r.Kind, payload)
	if err != nil {
		return catalog.Output{}, true, catalog.Errorf(catalog.AlgorithmError, "the result of the worker process did not decode: %v", err)
	}
	out.Value = v
	return out, true, nil
}

// err is the error as the algorithm returned it. A context's error is the
// caller's own: the worker stops at the caller's deadline a moment before
// the caller's context sees it, so the caller waits for it (briefly).
func (e *wireError) err(ctx context.Context) error {
	switch e.Kind {
	case "catalog":
		ce := &catalog.Error{Type: e.Type, Message: e.Message, Stack: e.Stack, Status: e.Status, Code: e.Code}
		if e.Panic != "" {
			ce.Panic = &catalog.Panic{Value: e.Panic, Stack: e.PanicStack}
		}
		return ce
	case "canceled", "deadline":
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if e.Kind == "canceled" {
			return context.Canceled
		}
		return context.DeadlineExceeded
	}
	return errors.New(e.Message)
}
