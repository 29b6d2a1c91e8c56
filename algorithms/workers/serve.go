package workers

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"time"

	"pipette/algorithms"
	"pipette/algorithms/imagein"
	"pipette/catalog"
	"pipette/internal/workerpool"
)

// registry builds the registry workers serve; set by ServeFrom. Only a
// binary that sets it can be a worker, so only such a binary starts any.
var registry atomic.Pointer[func() *algorithms.Registry]

// ServeFrom names the registry that workers started by this binary serve,
// and when this process is one, serves calls with it until its input ends
// and exits. It runs from the init function of the package that builds the
// registry, before main (algorithms/builtin):
//
//	func init() { workers.ServeFrom(New) }
//
// A binary that never calls it runs isolated algorithms in-process: started
// again, it would not know how to be a worker.
func ServeFrom(build func() *algorithms.Registry) {
	registry.Store(&build)
	if workerpool.IsWorker(Env) {
		reg := build()
		os.Exit(workerpool.Serve(Env, func(ctx context.Context, req request, payload []byte) (response, []byte, bool) {
			return serveCall(ctx, reg, req, payload)
		}))
	}
}

var policy imagein.Policy

// serveCall runs one call; ctx ends when its caller left.
func serveCall(ctx context.Context, reg *algorithms.Registry, req request, payload []byte) (response, []byte, bool) {
	if req.Policy != policy {
		policy = req.Policy
		imagein.SetPolicy(policy)
	}
	in, err := decodeValue(req.Kind, payload)
	if err != nil {
		return response{Error: wireErr(catalog.InputErrorf("the input did not reach the worker process whole: %v", err))}, nil, false
	}
	ctx = catalog.WithMemoryBudget(ctx, req.Memory)
	if req.StdoutWanted {
		ctx = catalog.WithStdoutWanted(ctx)
	}
	if req.TimeoutMS > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Duration(req.TimeoutMS)*time.Millisecond)
		defer cancel()
	}
	out, err := reg.Run(ctx, req.Algorithm, in)
	resp := response{Stdout: out.Stdout, Version: out.Version}
	if err != nil {
		resp.Error = wireErr(err)
		return resp, nil, false
	}
	data, err := encodeResult(out.Value)
	if err != nil {
		return response{Error: wireErr(catalog.Errorf(catalog.AlgorithmError, "%s returned a result that cannot be encoded: %v", req.Algorithm, err))}, nil, false
	}
	resp.Kind = out.Value.Kind
	return resp, data, false
}

// wireErr is err as it crosses back to the caller.
func wireErr(err error) *wireError {
	var ce *catalog.Error
	switch {
	case errors.As(err, &ce):
		e := &wireError{Kind: "catalog", Type: ce.Type, Message: ce.Message, Stack: ce.Stack, Status: ce.Status, Code: ce.Code}
		if ce.Panic != nil {
			e.Panic = stringOf(ce.Panic.Value)
			e.PanicStack = ce.Panic.Stack
		}
		return e
	case errors.Is(err, context.Canceled):
		return &wireError{Kind: "canceled", Message: err.Error()}
	case errors.Is(err, context.DeadlineExceeded):
		return &wireError{Kind: "deadline", Message: err.Error()}
	}
	return &wireError{Kind: "other", Message: err.Error()}
}

func stringOf(v any) string {
	if err, ok := v.(error); ok {
		return err.Error()
	}
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprint(v)
}
