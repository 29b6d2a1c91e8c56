// Package jqeval runs jq programs that come from requests (util/Transform's
// program, a published chain's mappings over a caller's input) without
// letting one of them take the process down.
//
// gojq has no memory limit, and context cancellation cannot stop a single
// step: `.[536870911] = 1` allocates 8 GiB at once, `"x" * 2147483646` 2 GiB,
// and `reduce range(3e6) as $i (null; [.]) | tojson` overflows the goroutine
// stack, which is fatal to the whole process whatever recovers. So programs
// run in worker processes, re-executions of the running binary, each with
// an address-space limit (RLIMIT_AS): a program that exceeds it kills its
// worker, and the caller gets an OutOfMemoryError while the server lives.
// Inside the worker the evaluation is bounded again, gently: a deadline, a
// heap watchdog that stops a program whose heap grows past the call's
// budget (most growth is step by step: [range(1e12)]), and limits on the
// outputs' number, size and depth. Workers are pooled, so a call costs a
// pipe round trip rather than a process start. Where a worker cannot be
// started the same bounded evaluation runs in-process, without the hard
// limit.
package jqeval

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/itchyny/gojq"

	"pipette/catalog"
)

// Limits bound one evaluation. Zero fields take the defaults.
type Limits struct {
	// Memory is how far the heap may grow while the program runs; default
	// MaxMemory, or the call's catalog.MemoryBudget when that is smaller.
	Memory int64
	// Time is the longest the program may run, besides the context's own
	// deadline; default MaxTime.
	Time time.Duration
	// Outputs is how many outputs are collected before the program is
	// stopped: 1 takes the first. Default 1. A caller that must know whether
	// there were more asks for one more than it accepts.
	Outputs int
}

// The defaults and fixed bounds of an evaluation.
const (
	// MaxTime bounds a program that computes without allocating (repeat,
	// until(false; .)): it would otherwise hold a worker until the call's
	// own deadline, 300 s by default.
	MaxTime = 30 * time.Second
	// MaxOutputBytes bounds the outputs' JSON, which travel back as the
	// result of the call.
	MaxOutputBytes = 64 << 20
	// MaxMemory is the most a jq evaluation may use. Reshaping JSON of the
	// size a request can carry (10 MiB by default) takes a fraction of it;
	// a program growing without bound reaches it in two or three seconds,
	// where the call's whole budget (1 GiB) would take ten or more.
	MaxMemory = 256 << 20
	// MaxDepth is how deeply outputs may nest: the JSON decoders of the Go
	// standard library stop at the same depth, and encoders recurse once per
	// level, so a deeper value would overflow a stack on the way out.
	MaxDepth = 10000
)

// Program is a parsed and compiled jq program with the names of the
// variables it takes ("$budget"…), in the order their values are passed.
type Program struct {
	Text string
	Vars []string
	code *gojq.Code
}

type cacheKey struct {
	text, vars string
}

// compiled caches programs by text and variable names: util/Transform and
// chain mappings run the same few programs again and again, and parsing and
// compiling was a fifth of a small call. The cache is bounded, so a client
// sending endless distinct programs only churns it.
var compiled, _ = lru.New[cacheKey, *Program](512)

// Compile parses and compiles text taking the variables vars (each with its
// "$"), through the cache. A syntax error is a *gojq.ParseError, whose
// Offset and Token place it in text; $ENV and env are empty, so a program
// cannot read the server's environment; debug and stderr write to the
// evaluation's log.
func Compile(text string, vars []string) (*Program, error) {
	key := cacheKey{text, strings.Join(vars, "\x00")}
	if p, ok := compiled.Get(key); ok {
		return p, nil
	}
	q, err := gojq.Parse(text)
	if err != nil {
		return nil, err
	}
	code, err := gojq.Compile(q,
		gojq.WithVariables(vars),
		gojq.WithEnvironLoader(func() []string { return nil }),
		gojq.WithFunction("debug", 0, 0, logValue(true)),
		gojq.WithFunction("stderr", 0, 0, logValue(false)),
	)
	if err != nil {
		return nil, err
	}
	p := &Program{Text: text, Vars: slices.Clone(vars), code: code}
	compiled.Add(key, p)
	return p, nil
}

// Result is what an evaluation produced: its outputs (JSON values as the
// wire decodes them: numbers are float64, nan is null) and what it wrote
// with debug and stderr.
type Result struct {
	Outputs []any
	Log     string
}

// RuntimeError is the program's own failure (error("…"), a type error,
// halt_error): Message is the sentence to show, error("message") without
// its JSON quotes; Error is gojq's own wording (`error: "message"`).
type RuntimeError struct{ Message, Text string }

func (e *RuntimeError) Error() string { return e.Text }

// Eval runs p over input with the variables' values, under lim and ctx. It
// fails with a *RuntimeError for the program's own failure, a
// *catalog.Error (OutOfMemoryError, TooLargeError, or an InputError for a
// program that runs out of time) for a program stopped by a limit, or the
// context's error when ctx ends first.
func Eval(ctx context.Context, p *Program, input any, values []any, lim Limits) (Result, error) {
	req, err := newRequest(ctx, p, input, values, lim)
	if err != nil {
		return Result{}, err
	}
	resp, err := dispatch(ctx, req)
	if err != nil {
		return Result{}, err
	}
	if resp.Error != nil && resp.Error.Kind == kindTime && req.callerDeadline {
		// The worker stopped at the caller's own deadline, a millisecond or
		// so before the caller's context sees it: wait for it, so that the
		// caller reads its context's error as it does for anything else.
		<-ctx.Done()
		return Result{}, ctx.Err()
	}
	return resp.result(ctx)
}

// request is one evaluation as a worker receives it.
type request struct {
	Program string   `json:"program"`
	Vars    []string `json:"vars"`
	Outputs int      `json:"outputs"`
	Memory  int64    `json:"memory"`
	TimeMS  int64    `json:"time_ms"`
	// data is the input, then the variables' values, as appendValue
	// writes them.
	data []byte
	// callerDeadline says the time limit is the caller's context's: running
	// out of it is the caller's deadline error, not the program's fault.
	callerDeadline bool
}

func newRequest(ctx context.Context, p *Program, input any, values []any, lim Limits) (request, error) {
	if len(values) != len(p.Vars) {
		return request{}, fmt.Errorf("jq program takes %d variables, %d values given", len(p.Vars), len(values))
	}
	data, err := appendValue(nil, input, 1)
	for i := 0; err == nil && i < len(values); i++ {
		data, err = appendValue(data, values[i], 1)
	}
	if err != nil {
		return request{}, catalog.InputErrorf("the jq program's input cannot be passed to it: %v", err)
	}
	if lim.Memory <= 0 {
		lim.Memory = min(MaxMemory, catalog.MemoryBudget(ctx))
	}
	if lim.Time <= 0 {
		lim.Time = MaxTime
	}
	if lim.Outputs <= 0 {
		lim.Outputs = 1
	}
	deadline, callers := time.Now().Add(lim.Time), false
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline, callers = d, true
	}
	return request{Program: p.Text, Vars: p.Vars, data: data, Outputs: lim.Outputs,
		Memory: lim.Memory, TimeMS: max(1, time.Until(deadline).Milliseconds()), callerDeadline: callers}, nil
}

// response is a worker's answer.
type response struct {
	Log   string     `json:"log,omitempty"`
	Error *wireError `json:"error,omitempty"`
	// data is the outputs, as appendValue writes them.
	data []byte
}

type wireError struct {
	Kind    string `json:"kind"` // runtime, memory, too_large, time, input, cancelled
	Message string `json:"message"`
	Text    string `json:"text,omitempty"` // gojq's wording of a runtime error
}

// The kinds of wireError.
const (
	kindRuntime   = "runtime"
	kindMemory    = "memory"
	kindTooLarge  = "too_large"
	kindTime      = "time"
	kindInput     = "input"
	kindCancelled = "cancelled"
)

func (r response) result(ctx context.Context) (Result, error) {
	if e := r.Error; e != nil {
		switch e.Kind {
		case kindRuntime:
			return Result{Log: r.Log}, &RuntimeError{Message: e.Message, Text: e.Text}
		case kindMemory:
			return Result{}, catalog.Errorf(catalog.OutOfMemoryError, "%s", e.Message)
		case kindTooLarge:
			return Result{}, catalog.Errorf(catalog.TooLargeError, "%s", e.Message)
		case kindCancelled, kindTime:
			// The caller's own deadline is the caller's to report.
			if err := ctx.Err(); err != nil {
				return Result{}, err
			}
			if e.Kind == kindCancelled {
				return Result{}, context.Canceled
			}
		}
		return Result{}, catalog.InputErrorf("%s", e.Message)
	}
	outs, err := decodeValues(r.data, true)
	if err != nil {
		return Result{}, fmt.Errorf("read the jq program's output: %w", err)
	}
	return Result{Log: r.Log, Outputs: outs}, nil
}

// Message is the sentence for a gojq runtime error: error("message") reads
// best without its JSON quotes, halt_error shows what it was given.
func Message(err error) string {
	var ve gojq.ValueError
	if errors.As(err, &ve) {
		var halt *gojq.HaltError
		if errors.As(err, &halt) {
			if s, ok := halt.Value().(string); ok {
				return "halt_error: " + strings.TrimRight(s, "\n")
			}
		}
		if s, ok := ve.Value().(string); ok {
			return s
		}
	}
	return err.Error()
}
