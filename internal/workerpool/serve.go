package workerpool

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"sync"
)

// IsWorker reports whether this process was started as a worker of the
// pool whose Config.Env is env.
func IsWorker(env string) bool { return os.Getenv(env) == "1" }

// Handler answers one request in a worker: the request's header (decoded
// from JSON) and data, to the answer's header and data. exit ends the
// worker after this answer (the pool sees it through Retirer). ctx ends
// when the pool says the caller left (see Config.Abandon): the work may
// stop early, and its answer is thrown away.
type Handler[Req, Resp any] func(ctx context.Context, req Req, data []byte) (resp Resp, respData []byte, exit bool)

// MaxStack is the most stack a worker's goroutine may grow to (the Go
// runtime's default is 1 GiB): deeper recursion ends the worker, and its
// caller hears so (see DiedError).
const MaxStack = 256 << 20

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
	debug.SetMaxStack(MaxStack)
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
	var calls callCancels
	if os.Getenv(env+"_CANCEL_FD") == strconv.Itoa(cancelFD) {
		go calls.listen(os.NewFile(cancelFD, "cancel"))
	}
	return serveFrames(os.Stdin, out, &calls, handle)
}

// cancelFD is the descriptor on which a worker hears which of its calls
// the caller left: the number of the call (1 for its first), 8 bytes big
// endian.
const cancelFD = 3

// callCancels is a worker's current call, to cancel when the pool says.
type callCancels struct {
	mu     sync.Mutex
	n      uint64 // the number of the call running, 0 between calls
	cancel context.CancelFunc
}

// begin starts the worker's nth call.
func (c *callCancels) begin(n uint64) context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	c.mu.Lock()
	c.n, c.cancel = n, cancel
	c.mu.Unlock()
	return ctx
}

func (c *callCancels) end() {
	c.mu.Lock()
	if c.cancel != nil {
		c.cancel()
	}
	c.n, c.cancel = 0, nil
	c.mu.Unlock()
}

// listen cancels the calls the pool names, until the pipe closes. A number
// that is not the running call's (one answered already) is ignored.
func (c *callCancels) listen(f *os.File) {
	var b [8]byte
	for {
		if _, err := io.ReadFull(f, b[:]); err != nil {
			return
		}
		n := binary.BigEndian.Uint64(b[:])
		c.mu.Lock()
		if n == c.n && c.cancel != nil {
			c.cancel()
		}
		c.mu.Unlock()
	}
}

func serveFrames[Req, Resp any](in io.Reader, out io.Writer, calls *callCancels, handle Handler[Req, Resp]) int {
	r := bufio.NewReaderSize(in, 64<<10)
	w := bufio.NewWriterSize(out, 64<<10)
	for n := uint64(1); ; n++ {
		var req Req
		data, err := readFrame(r, &req)
		if err != nil {
			if err == io.EOF {
				return 0
			}
			fmt.Fprintf(os.Stderr, "worker: read a request: %v\n", err)
			return 3
		}
		ctx := calls.begin(n)
		resp, respData, exit := handle(ctx, req, data)
		calls.end()
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
