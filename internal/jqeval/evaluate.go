package jqeval

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"time"

	"github.com/itchyny/gojq"
)

// evalMu runs one evaluation at a time in a process: in a worker that is
// the design (the heap watchdog measures one program), in-process it keeps
// the log of debug and stderr, which compiled programs share, to the
// evaluation that wrote it.
var evalMu sync.Mutex

// evalLog collects debug and stderr output of the running evaluation, up to
// maxLogBytes.
var evalLog bytes.Buffer

const maxLogBytes = 1 << 20

func logValue(debug bool) func(any, []any) any {
	return func(v any, _ []any) any {
		if evalLog.Len() >= maxLogBytes {
			return v
		}
		b, err := gojq.Marshal(v)
		if err != nil || len(b) > maxLogBytes {
			b = []byte(gojq.Preview(v))
		}
		if debug {
			fmt.Fprintf(&evalLog, "[\"DEBUG:\",%s]\n", b)
		} else {
			fmt.Fprintf(&evalLog, "%s\n", b)
		}
		return v
	}
}

// errHeapBudget is the cause of a cancelled evaluation whose heap grew past
// its budget.
var errHeapBudget = errors.New("heap over budget")

// heapBytes is the live heap, as runtime/metrics counts it.
func heapBytes() int64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64())
}

// watchHeap cancels ctx with errHeapBudget once the heap has grown more
// than budget bytes over what it was at the start, checking every few
// milliseconds: a program that builds a list or a string step by step is
// stopped within one check of crossing the line.
func watchHeap(ctx context.Context, cancel context.CancelCauseFunc, budget int64) {
	start := heapBytes()
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if heapBytes()-start > budget {
				cancel(errHeapBudget)
				return
			}
		}
	}
}

// evaluate runs a request in this process under its bounds and answers as a
// worker does. It holds evalMu.
func evaluate(req request) response {
	evalMu.Lock()
	defer evalMu.Unlock()
	evalLog.Reset()
	resp := run(req)
	resp.Log = evalLog.String()
	evalLog.Reset()
	if heapBytes() > 64<<20 {
		// Give a big evaluation's memory back now rather than in minutes.
		debug.FreeOSMemory()
	}
	return resp
}

func run(req request) response {
	vals, err := decodeValues(req.data, false)
	if err != nil || len(vals) != 1+len(req.Vars) {
		return failure(kindInput, "the jq program's input and %d variables did not arrive whole", len(req.Vars))
	}
	input, values := vals[0], vals[1:]
	p, err := Compile(req.Program, req.Vars)
	if err != nil { // the caller compiled it already; only a broken worker gets here
		return failure(kindInput, "the jq program does not compile: %v", err)
	}
	ctx, cancelTime := context.WithTimeout(context.Background(), time.Duration(req.TimeMS)*time.Millisecond)
	defer cancelTime()
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	go watchHeap(ctx, cancel, req.Memory)

	var outs []byte
	count := 0
	iter := p.code.RunWithContext(ctx, input, values...)
	for count < req.Outputs {
		v, ok := iter.Next()
		if !ok {
			break
		}
		if err, isErr := v.(error); isErr {
			var halt *gojq.HaltError
			if errors.As(err, &halt) && halt.Value() == nil {
				break // halt: a normal stop
			}
			if ctx.Err() != nil {
				return stopped(ctx, req)
			}
			resp := failure(kindRuntime, "%s", Message(err))
			resp.Error.Text = err.Error()
			return resp
		}
		if outs, err = appendValue(outs, v, 1); err != nil {
			if errors.Is(err, errTooDeep) {
				return failure(kindTooLarge, "the jq program's output is nested more than %d levels deep", MaxDepth)
			}
			return failure(kindRuntime, "the jq program's output cannot be passed on: %v", err)
		}
		if len(outs) > MaxOutputBytes {
			return failure(kindTooLarge, "the jq program's output is over %d MiB: narrow it down", MaxOutputBytes>>20)
		}
		count++
	}
	return response{data: outs}
}

// stopped says why a cancelled evaluation stopped: its heap budget or its
// time limit (the caller's deadline, or MaxTime, whichever came first).
func stopped(ctx context.Context, req request) response {
	if errors.Is(context.Cause(ctx), errHeapBudget) {
		return failure(kindMemory, "the jq program needed more than %d MiB of memory and was stopped: it builds too large a value (range, repeat, limit or recursion without a small bound?)", req.Memory>>20)
	}
	if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return failure(kindCancelled, "cancelled")
	}
	return failure(kindTime, "the jq program ran for %s without finishing: it may loop forever (repeat, until, recurse without a stop)", time.Duration(req.TimeMS)*time.Millisecond)
}

func failure(kind, format string, args ...any) response {
	return response{Error: &wireError{Kind: kind, Message: fmt.Sprintf(format, args...)}}
}
