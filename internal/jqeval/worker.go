package jqeval

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
)

// workerEnv marks a process started as a jq worker. Any binary that links
// this package can be one: the check runs in init, before main (or a test
// binary's TestMain), so pipette, its test binaries and programs built from
// it re-execute themselves without a subcommand of their own.
const workerEnv = "PIPETTE_JQ_WORKER"

// workerMemory is the heap a worker may grow to for one evaluation beyond
// what it holds at rest; its address space is limited to that plus
// workerSlack, and a program that goes past both dies with its worker.
var workerMemory int64 = MaxMemory

const workerSlack = 256 << 20

func init() {
	if os.Getenv(workerEnv) != "1" {
		return
	}
	if n, err := strconv.ParseInt(os.Getenv(workerEnv+"_MEMORY"), 10, 64); err == nil && n > 0 {
		workerMemory = n
	}
	os.Exit(serveWorker(os.Stdin, os.Stdout))
}

// serveWorker answers requests, one JSON line each, until its input ends.
// Its memory is bounded three ways: the Go runtime's soft limit keeps the
// garbage collector ahead of a growing heap, the evaluation's watchdog
// stops a program past its budget, and the address-space limit kills the
// process at the first allocation that would take it past the hard one —
// one step of gojq can ask for gigabytes at once.
func serveWorker(in io.Reader, out io.Writer) int {
	debug.SetMemoryLimit(workerMemory)
	debug.SetMaxStack(256 << 20)
	if err := limitAddressSpace(workerMemory + workerSlack); err != nil {
		fmt.Fprintf(os.Stderr, "jq worker: %v\n", err)
		return 3
	}
	r := bufio.NewReaderSize(in, 64<<10)
	w := bufio.NewWriterSize(out, 64<<10)
	for {
		var req request
		data, err := readFrame(r, &req)
		if err != nil {
			if err == io.EOF {
				return 0
			}
			fmt.Fprintf(os.Stderr, "jq worker: read a request: %v\n", err)
			return 3
		}
		req.data = data
		req.Memory = min(req.Memory, workerMemory)
		resp := evaluate(req)
		if err := writeFrame(w, resp, resp.data); err != nil {
			fmt.Fprintf(os.Stderr, "jq worker: write the answer: %v\n", err)
			return 3
		}
		if resp.Error != nil && resp.Error.Kind == kindMemory {
			// The heap grew to its budget: end here so that the memory goes
			// back to the machine at once; the pool starts a fresh worker.
			return 0
		}
	}
}
