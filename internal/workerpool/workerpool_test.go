package workerpool

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

const testEnv = "PIPETTE_WORKERPOOL_TEST_WORKER"

// testRequest is what the test workers are asked to do.
type testRequest struct {
	Op    string `json:"op"` // echo, sleep, nap (Bytes ms), patient (Bytes ms), allocate, print, pid, exit
	Bytes int64  `json:"bytes,omitempty"`
}

type testAnswer struct {
	Pid  int  `json:"pid"`
	Done bool `json:"done"`
}

func (a *testAnswer) Retire() bool { return a.Done }

func init() {
	if IsWorker(testEnv) {
		os.Exit(Serve(testEnv, serveTest))
	}
}

var sink []byte

func serveTest(ctx context.Context, req testRequest, data []byte) (testAnswer, []byte, bool) {
	switch req.Op {
	case "patient": // naps Bytes ms unless its caller leaves first
		select {
		case <-time.After(time.Duration(req.Bytes) * time.Millisecond):
		case <-ctx.Done():
		}
	case "sleep":
		if len(data) > 0 { // a file to tell the test who is sleeping
			_ = os.WriteFile(string(data), fmt.Appendf(nil, "%d", os.Getpid()), 0o600)
		}
		time.Sleep(time.Hour)
	case "spawn": // starts a child that would outlive it, tells its pid, and sleeps
		child := exec.Command("sleep", "3600")
		if err := child.Start(); err == nil {
			_ = os.WriteFile(string(data), fmt.Appendf(nil, "%d", child.Process.Pid), 0o600)
		}
		time.Sleep(time.Hour)
	case "nap":
		time.Sleep(time.Duration(req.Bytes) * time.Millisecond)
	case "allocate":
		sink = make([]byte, req.Bytes)
		for i := range sink {
			sink[i] = 1
		}
	case "print":
		// What a careless library does: it must not reach the caller.
		fmt.Println("stray output")
		fmt.Fprintln(os.Stdout, "more stray output")
	case "exit":
		return testAnswer{Pid: os.Getpid(), Done: true}, data, true
	}
	return testAnswer{Pid: os.Getpid()}, data, false
}

func newTestPool(t *testing.T, cfg Config) *Pool {
	t.Helper()
	if !Supported {
		t.Skip("workers run on Linux only")
	}
	cfg.Name, cfg.Env = "test", testEnv
	p := New(cfg)
	t.Cleanup(p.Close)
	return p
}

func call(t *testing.T, ctx context.Context, p *Pool, req testRequest, data []byte) (testAnswer, []byte, error) {
	t.Helper()
	var a testAnswer
	out, err := p.Call(ctx, Request{Header: req, Data: data}, &a)
	return a, out, err
}

func TestCallRoundTripsAndReusesWorkers(t *testing.T) {
	t.Parallel()
	p := newTestPool(t, Config{Nice: 5, Size: 1})
	payload := []byte(strings.Repeat("pipette ", 100_000))
	for _, op := range []string{"echo", "print", "echo"} {
		a, out, err := call(t, context.Background(), p, testRequest{Op: op}, payload)
		if err != nil || string(out) != string(payload) {
			t.Fatalf("%s: %d bytes back, %v", op, len(out), err)
		}
		if a.Pid == os.Getpid() || a.Pid == 0 {
			t.Fatalf("%s answered by pid %d, this process is %d", op, a.Pid, os.Getpid())
		}
		if idle := p.Idle(); len(idle) != 1 || idle[0] != a.Pid {
			t.Errorf("%s: idle workers %v, want the one that answered (%d)", op, idle, a.Pid)
		}
	}
	nice, err := ThreadNice(p.Idle()[0])
	if err != nil {
		t.Fatal(err)
	}
	for task, n := range nice {
		if n != 5 {
			t.Errorf("worker thread %s has nice %d, want 5", task, n)
		}
	}
	// The OOM killer's first choice is a worker, not the server.
	if adj, err := OOMScoreAdj(p.Idle()[0]); err != nil || adj != 1000 {
		t.Errorf("worker oom_score_adj %d (%v), want 1000", adj, err)
	}
	if adj, err := OOMScoreAdj(os.Getpid()); err != nil || adj == 1000 {
		t.Errorf("this process's oom_score_adj is %d (%v): only workers should be the first victims", adj, err)
	}
}

// A worker that answers it is done is not reused.
func TestRetiredWorkersAreReplaced(t *testing.T) {
	t.Parallel()
	p := newTestPool(t, Config{Size: 1})
	first, _, err := call(t, context.Background(), p, testRequest{Op: "exit"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	next, _, err := call(t, context.Background(), p, testRequest{Op: "echo"}, nil)
	if err != nil || next.Pid == first.Pid {
		t.Errorf("after a retiring answer from %d: answered by %d, %v", first.Pid, next.Pid, err)
	}
}

// The ways a call ends without an answer, and that the pool works after
// each.
func TestCallFailures(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		req   testRequest
		act   func(t *testing.T, cancel context.CancelFunc, pidFile string)
		check func(error) string
	}{
		{"allocation past the address-space limit", testRequest{Op: "allocate", Bytes: 512 << 20}, nil, func(err error) string {
			var died *DiedError
			if !errors.As(err, &died) || !died.OutOfMemory() {
				return "want a DiedError out of memory"
			}
			return ""
		}},
		{"killed mid-call", testRequest{Op: "sleep"}, func(t *testing.T, _ context.CancelFunc, pidFile string) {
			killWorker(t, pidFile)
		}, func(err error) string {
			var died *DiedError
			if !errors.As(err, &died) || died.Signal != "killed" || !died.OutOfMemory() {
				return "want a DiedError by SIGKILL, read as out of memory"
			}
			return ""
		}},
		{"caller cancelled", testRequest{Op: "sleep"}, func(_ *testing.T, cancel context.CancelFunc, _ string) {
			time.Sleep(300 * time.Millisecond)
			cancel()
		}, func(err error) string {
			if !errors.Is(err, context.Canceled) {
				return "want context.Canceled"
			}
			return ""
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := newTestPool(t, Config{Size: 1, Memory: 64 << 20, Slack: 64 << 20})
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			pidFile := filepath.Join(t.TempDir(), "pid")
			if tc.act != nil {
				go tc.act(t, cancel, pidFile)
			}
			start := time.Now()
			_, _, err := call(t, ctx, p, tc.req, []byte(pidFile))
			if msg := tc.check(err); msg != "" {
				t.Fatalf("got %v (%T): %s", err, err, msg)
			}
			if took := time.Since(start); took > 10*time.Second {
				t.Errorf("took %s", took)
			}
			if _, _, err := call(t, context.Background(), p, testRequest{Op: "echo"}, []byte("x")); err != nil {
				t.Errorf("the next call: %v", err)
			}
		})
	}
}

// killWorker kills the worker that wrote its pid into pidFile, once it
// has.
func killWorker(t *testing.T, pidFile string) {
	for range 100 {
		if b, err := os.ReadFile(pidFile); err == nil && len(b) > 0 {
			pid, err := strconv.Atoi(string(b))
			if err != nil {
				t.Errorf("pid file: %v", err)
				return
			}
			_ = syscall.Kill(pid, syscall.SIGKILL)
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Errorf("no worker wrote %s", pidFile)
}

func TestCallTimesOut(t *testing.T) {
	t.Parallel()
	p := newTestPool(t, Config{Size: 1})
	var a testAnswer
	start := time.Now()
	_, err := p.Call(context.Background(), Request{Header: testRequest{Op: "sleep"}, Timeout: time.Millisecond}, &a)
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("got %v, want ErrTimeout", err)
	}
	if took := time.Since(start); took > Grace+5*time.Second {
		t.Errorf("took %s", took)
	}
}

// Where the executable cannot start, Call says so at once, and keeps
// saying so without trying again for a while.
func TestCallUnavailableWhenWorkersCannotStart(t *testing.T) {
	t.Parallel()
	p := newTestPool(t, Config{Executable: "/nonexistent/pipette"})
	for range 2 {
		if _, _, err := call(t, context.Background(), p, testRequest{Op: "echo"}, nil); !errors.Is(err, ErrUnavailable) {
			t.Fatalf("got %v, want ErrUnavailable", err)
		}
	}
}

// A caller that leaves does not wait for its worker, which, given Abandon,
// finishes a short call and is kept (no process start); a longer one is
// killed at the end of Abandon and replaced.
func TestLeftCallsFinishWithinAbandon(t *testing.T) {
	t.Parallel()
	p := newTestPool(t, Config{Size: 1, Abandon: 5 * time.Second})
	warm, _, err := call(t, context.Background(), p, testRequest{Op: "echo"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, _, err := call(t, ctx, p, testRequest{Op: "nap", Bytes: 400}, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a caller leaving mid-call got %v, want its context's error", err)
	}
	if took := time.Since(start); took > 300*time.Millisecond {
		t.Errorf("the caller waited %v for a worker it left", took)
	}
	next, _, err := call(t, context.Background(), p, testRequest{Op: "echo"}, nil)
	if err != nil || next.Pid != warm.Pid {
		t.Errorf("after a short call whose caller left: answered by %d (%v), want the same worker %d kept", next.Pid, err, warm.Pid)
	}

	short := newTestPool(t, Config{Size: 1, Abandon: 100 * time.Millisecond})
	first, _, err := call(t, context.Background(), short, testRequest{Op: "echo"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx2, cancel2 := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel2()
	if _, _, err := call(t, ctx2, short, testRequest{Op: "sleep"}, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want its context's error", err)
	}
	after, _, err := call(t, context.Background(), short, testRequest{Op: "echo"}, nil)
	if err != nil || after.Pid == first.Pid {
		t.Errorf("after a call that outlived Abandon: answered by %d (%v), want a new worker, not %d", after.Pid, err, first.Pid)
	}
}

// A worker hears that its caller left: work that watches its context stops
// at once, and the worker, kept, takes the next call without waiting for
// the work to have run its course.
func TestLeftCallsAreCancelledInTheWorker(t *testing.T) {
	t.Parallel()
	p := newTestPool(t, Config{Size: 1, Abandon: 20 * time.Second})
	warm, _, err := call(t, context.Background(), p, testRequest{Op: "echo"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 { // a cancellation names its own call, not a later one
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		_, _, err := call(t, ctx, p, testRequest{Op: "patient", Bytes: 10_000}, nil)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("got %v, want the caller's context's error", err)
		}
		start := time.Now()
		next, _, err := call(t, context.Background(), p, testRequest{Op: "patient", Bytes: 200}, nil)
		if err != nil || next.Pid != warm.Pid {
			t.Fatalf("next call answered by %d (%v), want the same worker %d", next.Pid, err, warm.Pid)
		}
		if took := time.Since(start); took > 5*time.Second || took < 200*time.Millisecond {
			t.Errorf("the next call took %v: want its own 200 ms, not the 10 s its predecessor asked for, and not cut short", took)
		}
	}
}

// After a burst, workers idle for IdleFor end, but one is kept.
func TestIdleWorkersEndButOne(t *testing.T) {
	t.Parallel()
	p := newTestPool(t, Config{Size: 3, IdleFor: 300 * time.Millisecond})
	done := make(chan error, 3)
	for range 3 {
		go func() {
			_, _, err := call(t, context.Background(), p, testRequest{Op: "nap", Bytes: 200}, nil)
			done <- err
		}()
	}
	for range 3 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if idle := p.Idle(); len(idle) != 3 {
		t.Fatalf("idle workers after three calls at once: %v, want 3", idle)
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(p.Idle()) > 1 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	idle := p.Idle()
	if len(idle) != 1 {
		t.Fatalf("idle workers long after the burst: %v, want one kept", idle)
	}
	if _, _, err := call(t, context.Background(), p, testRequest{Op: "echo"}, nil); err != nil {
		t.Errorf("a call after the reaping: %v", err)
	}
}

// A worker that is killed takes what it started with it (its process
// group): no orphan runs on.
func TestKilledWorkersTakeTheirChildren(t *testing.T) {
	t.Parallel()
	p := newTestPool(t, Config{Size: 1})
	pidFile := filepath.Join(t.TempDir(), "child")
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for range 100 {
			if b, err := os.ReadFile(pidFile); err == nil && len(b) > 0 {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		cancel()
	}()
	if _, _, err := call(t, ctx, p, testRequest{Op: "spawn"}, []byte(pidFile)); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want Canceled", err)
	}
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	child, err := strconv.Atoi(string(b))
	if err != nil {
		t.Fatal(err)
	}
	gone := time.Now().Add(5 * time.Second)
	for syscall.Kill(child, 0) == nil && time.Now().Before(gone) {
		time.Sleep(20 * time.Millisecond)
	}
	if err := syscall.Kill(child, 0); !errors.Is(err, syscall.ESRCH) {
		_ = syscall.Kill(child, syscall.SIGKILL)
		t.Errorf("the killed worker's child %d still runs: %v", child, err)
	}
}
