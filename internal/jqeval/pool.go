package jqeval

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"pipette/catalog"
)

// InProcess makes evaluations run in this process (bounded by the deadline,
// the heap watchdog and the output limits, without the worker's hard
// memory limit). Benchmarks set it to compare; nothing else should.
var InProcess atomic.Bool

// workerGrace is how long past its deadline a worker may take to answer
// before it is killed: it stops itself at the deadline, and a worker that
// does not is stuck in one long step.
const workerGrace = 2 * time.Second

// pool keeps up to size workers; a call takes an idle one or starts one,
// and waits (bounded by its context) when all are busy.
type pool struct {
	slots chan struct{}
	mu    sync.Mutex
	idle  []*worker
	// brokenUntil is when to try starting workers again after a start
	// failed (no executable, no processes left): until then evaluations run
	// in-process.
	brokenUntil atomic.Int64
	warnOnce    sync.Once
}

// retryStart is how long evaluations stay in-process after a worker
// failed to start.
const retryStart = time.Minute

var workers = &pool{slots: make(chan struct{}, max(2, runtime.GOMAXPROCS(0)))}

// dispatch runs req in a worker, or in-process where workers cannot run.
func dispatch(ctx context.Context, req request) (response, error) {
	if InProcess.Load() || !workersSupported || time.Now().UnixNano() < workers.brokenUntil.Load() {
		return evaluate(req), nil
	}
	select {
	case workers.slots <- struct{}{}:
	case <-ctx.Done():
		return response{}, ctx.Err()
	}
	defer func() { <-workers.slots }()
	w, err := workers.take()
	if err != nil {
		workers.brokenUntil.Store(time.Now().Add(retryStart).UnixNano())
		workers.warnOnce.Do(func() {
			slog.Warn("jq programs run in-process, without a hard memory limit", "reason", err)
		})
		return evaluate(req), nil
	}
	resp, err := w.call(ctx, req)
	if err != nil || (resp.Error != nil && resp.Error.Kind == kindMemory) {
		// Dead, stuck, or exiting to give its memory back: never reused.
		// A replacement starts now, so that the next call does not wait
		// the tenth of a second a start takes.
		w.kill()
		go workers.replace()
		return resp, err
	}
	workers.put(w)
	return resp, nil
}

// replace starts a worker in the background to stand idle, unless enough
// already do.
func (p *pool) replace() {
	p.mu.Lock()
	enough := len(p.idle) >= cap(p.slots)
	p.mu.Unlock()
	if enough {
		return
	}
	if w, err := startWorker(); err == nil {
		p.put(w)
	}
}

// take returns an idle worker that is still alive, or a new one.
func (p *pool) take() (*worker, error) {
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
	return startWorker()
}

func (p *pool) put(w *worker) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.idle = append(p.idle, w)
}

// worker is one jq worker process and its pipes.
type worker struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	in     *bufio.Writer
	out    *bufio.Reader
	stderr *head
	done   chan struct{} // closed when the process has exited
}

func startWorker() (*worker, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find this program's executable to run jq workers: %w", err)
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), workerEnv+"=1", workerEnv+"_MEMORY="+strconv.FormatInt(workerMemory, 10))
	workerSysProcAttr(cmd)
	w := &worker{cmd: cmd, stderr: &head{max: 4 << 10}, done: make(chan struct{})}
	cmd.Stderr = w.stderr
	if w.stdin, err = cmd.StdinPipe(); err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start a jq worker: %w", err)
	}
	if err := lowerPriority(cmd.Process.Pid); err != nil {
		// Not fatal: the worker still has its memory and time limits.
		slog.Debug("jq worker at normal priority", "err", err)
	}
	go func() {
		_ = cmd.Wait()
		close(w.done)
	}()
	w.in = bufio.NewWriterSize(w.stdin, 64<<10)
	w.out = bufio.NewReaderSize(stdout, 64<<10)
	return w, nil
}

// call sends req and waits for the answer until req's deadline and a grace
// period, or until ctx ends; a worker that dies on the way (out of memory,
// out of stack) is reported as the program running out of memory.
func (w *worker) call(ctx context.Context, req request) (response, error) {
	answer := make(chan error, 1)
	var resp response
	go func() {
		if err := writeFrame(w.in, req, req.data); err != nil {
			answer <- err
			return
		}
		data, err := readFrame(w.out, &resp)
		resp.data = data
		answer <- err
	}()
	timer := time.NewTimer(time.Duration(req.TimeMS)*time.Millisecond + workerGrace)
	defer timer.Stop()
	select {
	case err := <-answer:
		if err != nil {
			return response{}, w.died(err)
		}
		return resp, nil
	case <-ctx.Done():
		w.kill()
		<-answer
		return response{}, ctx.Err()
	case <-timer.C:
		w.kill()
		<-answer
		if err := ctx.Err(); err != nil {
			return response{}, err
		}
		return response{}, catalog.InputErrorf("the jq program ran for %s without finishing: it may loop forever (repeat, until, recurse without a stop)",
			time.Duration(req.TimeMS)*time.Millisecond)
	}
}

// died explains a worker that stopped answering: read what it printed as
// it died.
func (w *worker) died(err error) error {
	w.kill()
	msg := w.stderr.String()
	switch {
	case strings.Contains(msg, "stack exceeds"):
		return catalog.Errorf(catalog.OutOfMemoryError, "the jq program recursed or nested values too deeply and was stopped (its stack went over %d MiB)", 256)
	case strings.Contains(msg, "out of memory"), strings.Contains(msg, "cannot allocate"),
		// What the race detector's runtime says when the address-space
		// limit refuses it memory.
		strings.Contains(msg, "address space collisions"), strings.Contains(msg, "ThreadSanitizer failed to allocate"):
		return catalog.Errorf(catalog.OutOfMemoryError, "the jq program needed more than the %d MiB a jq evaluation may use and was stopped: it builds too large a value (range, repeat or recursion without a small bound, a huge index such as .[1e9] = 1, a string repeated billions of times?)", workerMemory>>20)
	}
	line, _, _ := strings.Cut(strings.TrimSpace(msg), "\n")
	if line == "" {
		line = err.Error()
	}
	return catalog.Errorf(catalog.AlgorithmError, "the jq evaluator stopped unexpectedly: %s", line)
}

// kill ends the worker's process and waits until it has exited.
func (w *worker) kill() {
	_ = w.stdin.Close()
	if w.cmd.Process != nil {
		_ = w.cmd.Process.Kill()
	}
	<-w.done
}

// head keeps the first max bytes written to it: a dying Go program prints
// its reason first, then every goroutine's stack.
type head struct {
	mu  sync.Mutex
	max int
	buf bytes.Buffer
}

func (h *head) Write(p []byte) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if room := h.max - h.buf.Len(); room > 0 {
		h.buf.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

func (h *head) String() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.buf.String()
}
