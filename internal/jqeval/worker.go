package jqeval

import (
	"context"
	"os"

	"pipette/internal/workerpool"
)

// workerEnv marks a process started as a jq worker. Any binary that links
// this package can be one: the check runs in init, before main (or a test
// binary's TestMain), so pipette, its test binaries and programs built from
// it re-execute themselves without a subcommand of their own.
const workerEnv = "PIPETTE_JQ_WORKER"

func init() {
	if workerpool.IsWorker(workerEnv) {
		os.Exit(workerpool.Serve(workerEnv, serveRequest))
	}
}

// serveRequest evaluates one request in a worker. A program whose heap grew
// to its budget ends the worker after its answer, so that the memory goes
// back to the machine at once; the pool starts a fresh worker.
func serveRequest(_ context.Context, req request, data []byte) (response, []byte, bool) {
	req.data = data
	req.Memory = min(req.Memory, MaxMemory)
	resp := evaluate(req)
	return resp, resp.data, resp.Retire()
}
