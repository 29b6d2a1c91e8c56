package jqeval

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"time"

	"pipette/catalog"
	"pipette/internal/workerpool"
)

// InProcess makes evaluations run in this process (bounded by the deadline,
// the heap watchdog and the output limits, without the worker's hard
// memory limit). Benchmarks set it to compare; nothing else should.
var InProcess atomic.Bool

// workerNice is the scheduling priority of jq workers: a jq program from a
// request (a bomb computing until its limits stop it) then takes the CPU
// only when the server's own calls leave it free.
const workerNice = 10

// workers runs evaluations in processes whose address space is limited to
// MaxMemory beyond what they map at rest, plus a slack for the runtime.
var workers = workerpool.New(workerpool.Config{
	Name: "jq", Env: workerEnv, Nice: workerNice, Memory: MaxMemory, Slack: 256 << 20,
})

// dispatch runs req in a worker, or in-process where workers cannot run.
func dispatch(ctx context.Context, req request) (response, error) {
	if InProcess.Load() {
		return evaluate(req), nil
	}
	var resp response
	data, err := workers.Call(ctx, workerpool.Request{Header: req, Data: req.data,
		Timeout: time.Duration(req.TimeMS) * time.Millisecond}, &resp)
	resp.data = data
	var died *workerpool.DiedError
	switch {
	case err == nil:
		return resp, nil
	case errors.Is(err, workerpool.ErrUnavailable):
		return evaluate(req), nil
	case errors.Is(err, workerpool.ErrTimeout):
		return response{}, catalog.InputErrorf("the jq program ran for %s without finishing: it may loop forever (repeat, until, recurse without a stop)",
			time.Duration(req.TimeMS)*time.Millisecond)
	case errors.As(err, &died):
		return response{}, diedError(died)
	}
	return response{}, err
}

// Retire says a worker that answered resp must not be reused: it ran out
// of its heap budget and exits to give the memory back.
func (r *response) Retire() bool { return r.Error != nil && r.Error.Kind == kindMemory }

// diedError explains a worker that died during an evaluation.
func diedError(died *workerpool.DiedError) error {
	switch {
	case strings.Contains(died.Stderr, "stack exceeds"):
		return catalog.Errorf(catalog.OutOfMemoryError, "the jq program recursed or nested values too deeply and was stopped (its stack went over %d MiB)", workerpool.MaxStack>>20)
	case died.OutOfMemory():
		return catalog.Errorf(catalog.OutOfMemoryError, "the jq program needed more than the %d MiB a jq evaluation may use and was stopped: it builds too large a value (range, repeat or recursion without a small bound, a huge index such as .[1e9] = 1, a string repeated billions of times?)", workers.Config().Memory>>20)
	}
	return catalog.Errorf(catalog.AlgorithmError, "the jq evaluator stopped unexpectedly: %s", died)
}
