package workerpool

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
)

// IsWorker reports whether this process was started as a worker of the
// pool whose Config.Env is env.
func IsWorker(env string) bool { return os.Getenv(env) == "1" }

// Handler answers one request in a worker: the request's header (decoded
// from JSON) and data, to the answer's header and data. exit ends the
// worker after this answer (the pool sees it through Retirer).
type Handler[Req, Resp any] func(req Req, data []byte) (resp Resp, respData []byte, exit bool)

// Serve is a worker's whole life: it applies the limits its pool gave it,
// then answers requests until its input ends, and returns the exit code.
// The package that owns a pool calls it from init when IsWorker:
//
//	func init() {
//		if workerpool.IsWorker(env) {
//			os.Exit(workerpool.Serve(env, handle))
//		}
//	}
//
// Should the machine (or the server's cgroup) still run out of memory, the
// kernel's OOM killer is told to take a worker first: its memory is outside
// the server's own Go memory limit, and losing a worker loses one call
// where losing the server loses them all.
//
// Memory is bounded three ways: the Go runtime's soft limit keeps the
// garbage collector ahead of a growing heap, the handler's own checks stop
// work past its budget, and the address-space limit kills the process at
// the first allocation that would take it past the hard one.
func Serve[Req, Resp any](env string, handle Handler[Req, Resp]) int {
	memory, slack := envBytes(env+"_MEMORY"), envBytes(env+"_SLACK")
	if memory > 0 {
		debug.SetMemoryLimit(memory)
	}
	debug.SetMaxStack(256 << 20)
	// Best effort: a kernel that refuses leaves the worker as likely a
	// victim as any process, as it was.
	_ = preferAsOOMVictim()
	if memory+slack > 0 {
		if err := limitAddressSpace(memory + slack); err != nil {
			fmt.Fprintf(os.Stderr, "worker: %v\n", err)
			return 3
		}
	}
	out, err := protocolOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "worker: %v\n", err)
		return 3
	}
	return serveFrames(os.Stdin, out, handle)
}

func serveFrames[Req, Resp any](in io.Reader, out io.Writer, handle Handler[Req, Resp]) int {
	r := bufio.NewReaderSize(in, 64<<10)
	w := bufio.NewWriterSize(out, 64<<10)
	for {
		var req Req
		data, err := readFrame(r, &req)
		if err != nil {
			if err == io.EOF {
				return 0
			}
			fmt.Fprintf(os.Stderr, "worker: read a request: %v\n", err)
			return 3
		}
		resp, respData, exit := handle(req, data)
		if err := writeFrame(w, resp, respData); err != nil {
			fmt.Fprintf(os.Stderr, "worker: write the answer: %v\n", err)
			return 3
		}
		if exit {
			return 0
		}
	}
}

// WorkerMemory is the Config.Memory the pool gave this worker, 0 outside
// a worker.
func WorkerMemory(env string) int64 { return envBytes(env + "_MEMORY") }

// envBytes reads a byte count the pool passed; 0 when absent.
func envBytes(name string) int64 {
	n, err := strconv.ParseInt(os.Getenv(name), 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}
