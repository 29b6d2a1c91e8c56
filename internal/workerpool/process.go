package workerpool

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// process is one worker process and its pipes.
type process struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	in     *bufio.Writer
	out    *bufio.Reader
	stderr *head
	done   chan struct{} // closed when the process has exited
	// cancel tells the worker which call its caller left (cancelFD); calls
	// counts the calls sent, the worker numbering them alike.
	cancel *os.File
	calls  uint64
	// idleSince is when it last went idle (under the pool's lock).
	idleSince time.Time
}

// start runs this program's executable as a worker of the pool.
func (p *Pool) start() (*process, error) {
	exe := p.cfg.Executable
	if exe == "" {
		var err error
		if exe, err = os.Executable(); err != nil {
			return nil, fmt.Errorf("find this program's executable to run %s workers: %w", p.cfg.Name, err)
		}
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), p.cfg.Env+"=1",
		p.cfg.Env+"_MEMORY="+strconv.FormatInt(p.cfg.Memory, 10),
		p.cfg.Env+"_SLACK="+strconv.FormatInt(p.cfg.Slack, 10),
		p.cfg.Env+"_CANCEL_FD="+strconv.Itoa(cancelFD))
	sysProcAttr(cmd)
	cancelR, cancelW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("start a %s worker: %w", p.cfg.Name, err)
	}
	defer cancelR.Close()                // the worker's end, once it has it
	cmd.ExtraFiles = []*os.File{cancelR} // descriptor 3 = cancelFD
	w := &process{cmd: cmd, stderr: &head{max: 4 << 10}, done: make(chan struct{}), cancel: cancelW}
	cmd.Stderr = w.stderr
	if w.stdin, err = cmd.StdinPipe(); err != nil {
		cancelW.Close()
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		cancelW.Close()
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		cancelW.Close()
		return nil, fmt.Errorf("start a %s worker: %w", p.cfg.Name, err)
	}
	if err := lowerPriority(cmd.Process.Pid, p.cfg.Nice); err != nil {
		// Not fatal: the worker still has its memory and time limits.
		slog.Debug(p.cfg.Name+" worker at normal priority", "err", err)
	}
	go func() {
		_ = cmd.Wait()
		close(w.done)
	}()
	w.in = bufio.NewWriterSize(w.stdin, 64<<10)
	w.out = bufio.NewReaderSize(stdout, 64<<10)
	return w, nil
}

// result is what a worker answered to a call, or how reading it failed.
type result struct {
	header json.RawMessage
	data   []byte
	err    error
}

// leftError is a call whose caller left while its worker was busy, when
// the pool lets workers finish: answered is where the worker's answer
// arrives.
type leftError struct {
	err      error
	answered <-chan result
}

func (e *leftError) Error() string { return e.err.Error() }

// call sends req and reads the answer, until req's timeout and a grace
// period, or until ctx ends: then the worker is killed, unless abandon is
// set (a *leftError hands the wait for its answer to the pool).
func (w *process) call(ctx context.Context, req Request, answer any, abandon time.Duration) ([]byte, error) {
	w.calls++
	call := w.calls
	answered := make(chan result, 1)
	go func() {
		if err := writeFrame(w.in, req.Header, req.Data); err != nil {
			answered <- result{err: err}
			return
		}
		// The header is decoded into answer only by a caller still
		// waiting: one that left may be reading answer already.
		var header json.RawMessage
		data, err := readFrame(w.out, &header)
		answered <- result{header, data, err}
	}()
	var timeout <-chan time.Time
	if req.Timeout > 0 {
		timer := time.NewTimer(req.Timeout + Grace)
		defer timer.Stop()
		timeout = timer.C
	}
	select {
	case r := <-answered:
		if r.err == nil {
			if err := json.Unmarshal(r.header, answer); err != nil {
				r.err = fmt.Errorf("read a worker message's header: %w", err)
			}
		}
		if r.err != nil {
			return nil, w.died(r.err)
		}
		return r.data, nil
	case <-ctx.Done():
		if abandon > 0 {
			w.cancelCall(call)
			return nil, &leftError{err: ctx.Err(), answered: answered}
		}
		w.kill()
		<-answered
		return nil, ctx.Err()
	case <-timeout:
		w.kill()
		<-answered
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return nil, ErrTimeout
	}
}

// died explains a worker that stopped answering, from what it printed as it
// died and how it ended. A worker whose pipe broke is given a moment to
// exit of itself, so that its own end (a signal, a fatal error) is what is
// reported rather than the kill that follows.
func (w *process) died(err error) error {
	select {
	case <-w.done:
	case <-time.After(time.Second):
	}
	w.kill()
	e := &DiedError{Stderr: w.stderr.String(), Err: err}
	if st, ok := w.cmd.ProcessState.Sys().(syscall.WaitStatus); ok && st.Signaled() {
		e.Signal = st.Signal().String()
	}
	return e
}

// cancelCall tells the worker that the caller of its call number n left.
// The pipe holds thousands of such messages and the worker reads them as
// they come, so the write does not wait; if it fails, the worker finishes
// the call (within Abandon) or is killed.
func (w *process) cancelCall(n uint64) {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], n)
	_, _ = w.cancel.Write(b[:])
}

// kill ends the worker's process, and the processes it started, and waits
// until it has exited.
func (w *process) kill() {
	_ = w.cancel.Close()
	_ = w.stdin.Close()
	if w.cmd.Process != nil {
		// The whole process group: what the worker started (tesseract,
		// for OCR) goes with it rather than running on, orphaned.
		killGroup(w.cmd.Process)
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
