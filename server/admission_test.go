package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"pipette/algorithms"
	"pipette/catalog"
	"pipette/pipebuilder"
)

type countingRejections struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *countingRejections) reject(algo, reason string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[algo+" "+reason]++
}

func (c *countingRejections) count(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[key]
}

func TestLimitsDefaults(t *testing.T) {
	t.Parallel()
	cores := runtime.GOMAXPROCS(0)
	queue := max(128, 64*cores)
	heavy := max(1, cores-1)
	tests := []struct {
		in, want Limits
	}{
		{Limits{}, Limits{MaxRunning: 4 * cores, MaxRunningPerAlgo: cores, MaxQueue: queue, MaxQueuePerAlgo: queue / 2, QueueWait: DefaultQueueWait,
			MaxHeavy: heavy, MaxRunningPerClient: 3 * cores, MaxQueuePerClient: queue / 4, MaxLight: 32 * cores}},
		{Limits{MaxRunning: 1}, Limits{MaxRunning: 1, MaxRunningPerAlgo: 1, MaxQueue: queue, MaxQueuePerAlgo: queue / 2, QueueWait: DefaultQueueWait,
			MaxHeavy: 1, MaxRunningPerClient: 1, MaxQueuePerClient: queue / 4, MaxLight: 8}},
		{Limits{MaxRunning: 3, MaxRunningPerAlgo: 9, MaxQueue: 1, MaxQueuePerAlgo: 5, QueueWait: time.Second, MaxHeavy: 7, MaxRunningPerClient: 4, MaxQueuePerClient: 2, MaxLight: 2},
			Limits{MaxRunning: 3, MaxRunningPerAlgo: 3, MaxQueue: 1, MaxQueuePerAlgo: 1, QueueWait: time.Second, MaxHeavy: 3, MaxRunningPerClient: 3, MaxQueuePerClient: 1, MaxLight: 2}},
		{Limits{MaxRunning: -1, MaxRunningPerAlgo: -1, MaxQueue: -1, MaxQueuePerAlgo: -1, QueueWait: -1, MaxHeavy: -1, MaxRunningPerClient: -1, MaxQueuePerClient: -1, MaxLight: -1},
			Limits{MaxRunning: 4 * cores, MaxRunningPerAlgo: cores, MaxQueue: queue, MaxQueuePerAlgo: queue / 2, QueueWait: DefaultQueueWait,
				MaxHeavy: heavy, MaxRunningPerClient: 3 * cores, MaxQueuePerClient: queue / 4, MaxLight: 32 * cores}},
	}
	for _, tc := range tests {
		if got := tc.in.withDefaults(); got != tc.want {
			t.Errorf("%+v.withDefaults() = %+v, want %+v", tc.in, got, tc.want)
		}
	}
}

// wantRejection checks that err is an admission refusal with this status,
// code and reason.
func wantRejection(t *testing.T, err error, status, code int, reason string) {
	t.Helper()
	var rej *rejection
	if !errors.As(err, &rej) {
		t.Fatalf("err = %v, want a %s refusal", err, reason)
	}
	if rej.err.Status != status || rej.err.Code != code || rej.reason != reason || rej.retryAfter < 1 || rej.retryAfter > 60 {
		t.Errorf("refusal = %+v (%+v), want status %d code %d reason %s", rej, rej.err, status, code, reason)
	}
	if strings.Count(rej.err.Message, ".") > 1 || !strings.Contains(rej.err.Message, "retry") {
		t.Errorf("message %q is not one sentence saying when to retry", rej.err.Message)
	}
}

func TestAdmissionBoundsAndQueue(t *testing.T) {
	t.Parallel()
	rc := &countingRejections{}
	a := newAdmission(Limits{MaxRunning: 2, MaxRunningPerAlgo: 1, MaxQueue: 3, MaxQueuePerAlgo: 2, QueueWait: time.Minute}, rc)
	ctx := context.Background()

	x1, err := a.acquire(ctx, "x", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	y1, err := a.acquire(ctx, "y", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	// Both slots are taken: the next calls wait, in order.
	admitted := make(chan string, 4)
	wait := func(label, name string) {
		tk, err := a.acquire(ctx, label, time.Minute)
		if err != nil {
			admitted <- name + " refused: " + err.Error()
			return
		}
		admitted <- name
		t.Cleanup(tk.release)
	}
	go wait("x", "x2")
	waitFor(t, func() bool { return a.queued() == 1 })
	go wait("x", "x3")
	waitFor(t, func() bool { return a.queued() == 2 })
	go wait("y", "y2")
	waitFor(t, func() bool { return a.queued() == 3 })

	// The queue is full; and x already has its share of it.
	_, err = a.acquire(ctx, "z", time.Minute)
	wantRejection(t, err, http.StatusTooManyRequests, CodeQueueFull, "queue_full")
	if n := rc.count("z queue_full"); n != 1 {
		t.Errorf("queue_full counted %d times", n)
	}

	// x's slot frees: x2 (x's oldest waiter) runs; y2 still waits for y's.
	x1.release()
	if got := <-admitted; got != "x2" {
		t.Fatalf("admitted %s first, want x2", got)
	}
	// y frees: y2 runs although x3 is older, since x is at its own limit.
	y1.release()
	if got := <-admitted; got != "y2" {
		t.Fatalf("admitted %s, want y2 (x is at its per-algorithm limit)", got)
	}
	x1.release() // a second release is a no-op
	if busy, _ := a.stats(); busy != 2 {
		t.Errorf("running = %d after a double release, want 2", busy)
	}
}

func TestAdmissionPerAlgorithmQueue(t *testing.T) {
	t.Parallel()
	a := newAdmission(Limits{MaxRunning: 1, MaxQueue: 10, MaxQueuePerAlgo: 1, QueueWait: time.Minute}, &countingRejections{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	tk, err := a.acquire(ctx, "x", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	defer tk.release()
	go a.acquire(ctx, "x", time.Minute)
	waitFor(t, func() bool { return a.queued() == 1 })
	_, err = a.acquire(ctx, "x", time.Minute)
	wantRejection(t, err, http.StatusTooManyRequests, CodeAlgorithmLimit, "algorithm_limit")
}

func TestAdmissionWaitEnds(t *testing.T) {
	t.Parallel()
	rc := &countingRejections{}
	a := newAdmission(Limits{MaxRunning: 1, QueueWait: 50 * time.Millisecond}, rc)
	tk, err := a.acquire(context.Background(), "x", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	defer tk.release()

	// The queue wait ends: 503, overloaded.
	start := time.Now()
	_, err = a.acquire(context.Background(), "x", time.Minute)
	wantRejection(t, err, http.StatusServiceUnavailable, CodeOverloaded, "wait_timeout")
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("waited %s for a 50 ms queue wait", d)
	}
	// The call's own timeout is shorter than the queue wait: it bounds it.
	a.mu.Lock()
	a.lim.QueueWait = time.Minute
	a.mu.Unlock()
	start = time.Now()
	_, err = a.acquire(context.Background(), "x", 20*time.Millisecond)
	wantRejection(t, err, http.StatusServiceUnavailable, CodeOverloaded, "wait_timeout")
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("waited %s for a call with a 20 ms timeout", d)
	}

	// The caller leaves: its own error, nothing counted as refused.
	ctx, cancel := context.WithCancel(context.Background())
	go func() { waitFor(t, func() bool { return a.queued() == 1 }); cancel() }()
	_, err = a.acquire(ctx, "x", time.Minute)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("a caller who left got %v", err)
	}
	if a.queued() != 0 {
		t.Errorf("%d still waiting", a.queued())
	}
	if n := rc.count("x wait_timeout"); n != 2 {
		t.Errorf("wait_timeout counted %d times, want 2", n)
	}

	// Draining refuses those waiting and those coming.
	done := make(chan error)
	go func() { _, err := a.acquire(context.Background(), "x", time.Minute); done <- err }()
	waitFor(t, func() bool { return a.queued() == 1 })
	a.drain()
	wantRejection(t, <-done, http.StatusServiceUnavailable, CodeShuttingDown, "shutting_down")
	_, err = a.acquire(context.Background(), "y", time.Minute)
	wantRejection(t, err, http.StatusServiceUnavailable, CodeShuttingDown, "shutting_down")
}

// A fan-out borrows only free slots, and gives them back.
func TestAdmissionLendsFreeSlots(t *testing.T) {
	t.Parallel()
	a := newAdmission(Limits{MaxRunning: 2}, &countingRejections{})
	tk, _ := a.acquire(context.Background(), "chain", time.Minute)
	release, ok := a.TryTake()
	if !ok {
		t.Fatal("a free slot was not lent")
	}
	if _, ok := a.TryTake(); ok {
		t.Fatal("a slot was lent beyond MaxRunning")
	}
	release()
	release()
	if busy, _ := a.stats(); busy != 1 {
		t.Errorf("running = %d, want 1", busy)
	}
	tk.release()
	var _ catalog.Slots = a
}

func (a *admission) queued() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.waiting.Len()
}

// waitFor polls cond for up to 5 s.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Error("condition not met within 5 s")
			return
		}
		time.Sleep(time.Millisecond)
	}
}

// Over HTTP: calls beyond the running and queue limits get the platform
// error with Retry-After; /metrics shows running, queued and rejected.
func TestCallAdmissionOverHTTP(t *testing.T) {
	t.Parallel()
	_, ts, st := newTest(t, func(c *Config) {
		c.Limits = Limits{MaxRunning: 1, MaxQueue: 1, QueueWait: time.Minute}
	})
	var wg sync.WaitGroup
	answers := make(chan answer, 2)
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			answers <- post(t, ts.URL+"/v1/algo/test/Gate", "text/plain", "x")
		}()
	}
	waitForMetric(t, ts.URL, `pipette_calls_queued{algorithm="test/Gate"} 1`)
	m := get(t, ts.URL+"/metrics").body
	if !strings.Contains(string(m), `pipette_calls_running{algorithm="test/Gate"} 1`) {
		t.Errorf("metrics do not show the running call:\n%s", grepLines(string(m), "pipette_calls_"))
	}

	a := post(t, ts.URL+"/v1/algo/test/Echo", "text/plain", "x")
	msg := wantPlatformError(t, a, http.StatusTooManyRequests, CodeQueueFull, "UnsupportedError")
	if n, err := strconv.Atoi(a.header.Get("Retry-After")); err != nil || n < 1 {
		t.Errorf("Retry-After = %q", a.header.Get("Retry-After"))
	}
	if !strings.Contains(msg, "too many calls") {
		t.Errorf("message %q", msg)
	}
	m = get(t, ts.URL+"/metrics").body
	if !strings.Contains(string(m), `pipette_calls_rejected_total{algorithm="test/Echo",reason="queue_full"} 1`) {
		t.Errorf("metrics do not count the refusal:\n%s", grepLines(string(m), "pipette_calls_"))
	}
	// Health answers while the server is full.
	if h := get(t, ts.URL+"/healthz"); h.status != http.StatusOK {
		t.Errorf("healthz answered %d while the server is full", h.status)
	}
	close(st.gate)
	wg.Wait()
	close(answers)
	for a := range answers {
		if res, _ := result(t, a); string(res) != `"opened"` {
			t.Errorf("a queued call answered %s", res)
		}
	}
}

// output=void runs take slots like any call: 30 at once run at most
// MaxRunning at a time, and those the queue cannot hold are refused rather
// than started.
func TestVoidRunsAreAdmitted(t *testing.T) {
	t.Parallel()
	var g overlap
	reg := testRegistry(nil)
	reg.Register(g.algorithm("test/Count/1.0.0", 100*time.Millisecond))
	s := New(Config{Source: reg, Runner: reg, Limits: Limits{MaxRunning: 2, MaxQueue: 4, QueueWait: 10 * time.Second}})
	u := newHTTPTest(t, s)
	var accepted, refused atomic.Int64
	var wg sync.WaitGroup
	for range 30 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			switch a := post(t, u+"/v1/algo/test/Count?output=void", "text/plain", "x"); a.status {
			case http.StatusOK:
				accepted.Add(1)
			case http.StatusTooManyRequests:
				refused.Add(1)
			default:
				t.Errorf("status %d: %s", a.status, a.body)
			}
		}()
	}
	wg.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if m := g.most.Load(); m > 2 {
		t.Errorf("%d void runs ran at once, want at most 2", m)
	}
	if refused.Load() == 0 || accepted.Load() < 2 {
		t.Errorf("%d accepted, %d refused: the queue bound did not hold", accepted.Load(), refused.Load())
	}
}

func waitForMetric(t *testing.T, url, line string) {
	t.Helper()
	waitFor(t, func() bool { return strings.Contains(string(get(t, url+"/metrics").body), line) })
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// A published chain's `each` fan-out is bounded in total: however many
// chain calls run, all their elements together never run on more slots than
// the server has, and every call still finishes.
func TestChainFanOutIsBoundedInTotal(t *testing.T) {
	t.Parallel()
	var g overlap
	reg := testRegistry(nil)
	reg.Register(g.algorithm("test/Busy/1.0.0", 20*time.Millisecond))
	dir := t.TempDir()
	chain := "chain: v1\nname: test/Fan\nversion: 1.0.0\ninput: json\nsteps:\n  - id: each\n    algo: test/Busy/1.0.0\n    each: .input\n"
	if err := os.WriteFile(filepath.Join(dir, "fan.yaml"), []byte(chain), 0o644); err != nil {
		t.Fatal(err)
	}
	lib, err := pipebuilder.LoadLibrary(context.Background(), dir, reg, reg)
	if err != nil || len(lib.Problems()) > 0 {
		t.Fatalf("load: %v %v", err, lib.Problems())
	}
	comb := lib.Combined()
	const slots = 3
	u := newHTTPTest(t, New(Config{Source: comb, Runner: comb, Limits: Limits{MaxRunning: slots, MaxRunningPerAlgo: 2}}))
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, _ := result(t, post(t, u+"/v1/algo/test/Fan", "application/json", "[1,2,3,4,5,6,7,8,9,10,11,12]"))
			if string(res) != "[1,2,3,4,5,6,7,8,9,10,11,12]" {
				t.Errorf("result %s", res)
			}
		}()
	}
	wg.Wait()
	if m := g.most.Load(); m > slots || m < 2 {
		t.Errorf("%d elements ran at once across all chain calls, want 2..%d", m, slots)
	}
}

// overlap measures how many runs of a test algorithm overlap.
type overlap struct{ running, most atomic.Int64 }

// algorithm is a test algorithm at ref that returns its input after d,
// measured by o.
func (o *overlap) algorithm(ref string, d time.Duration) algorithms.Algorithm {
	return testAlg(ref, "counts how many of its runs overlap", nil,
		func(ctx context.Context, in catalog.Value, _ io.Writer) (catalog.Value, error) {
			n := o.running.Add(1)
			defer o.running.Add(-1)
			for m := o.most.Load(); n > m && !o.most.CompareAndSwap(m, n); m = o.most.Load() {
			}
			time.Sleep(d)
			return in, nil
		})
}

// A free slot goes to the algorithm with the fewest calls running: a call to
// another algorithm does not wait behind a flood of one.
func TestAdmissionIsFairAcrossAlgorithms(t *testing.T) {
	t.Parallel()
	a := newAdmission(Limits{MaxRunning: 2, MaxRunningPerAlgo: 2, MaxQueue: 100, MaxQueuePerAlgo: 100, QueueWait: time.Minute}, &countingRejections{})
	ctx := context.Background()
	f1, _ := a.acquire(ctx, "flood", time.Minute)
	f2, _ := a.acquire(ctx, "flood", time.Minute)
	admitted := make(chan string, 10)
	for i := range 5 {
		go func() {
			tk, err := a.acquire(ctx, "flood", time.Minute)
			if err == nil {
				admitted <- fmt.Sprint("flood", i)
				t.Cleanup(tk.release)
			}
		}()
		waitFor(t, func() bool { return a.queued() == i+1 })
	}
	go func() {
		tk, err := a.acquire(ctx, "small", time.Minute)
		if err == nil {
			admitted <- "small"
			t.Cleanup(tk.release)
		}
	}()
	waitFor(t, func() bool { return a.queued() == 6 })
	f1.release()
	if got := <-admitted; got != "small" {
		t.Errorf("the freed slot went to %s, want the call of the algorithm with none running", got)
	}
	f2.release()
	if got := <-admitted; got != "flood0" {
		t.Errorf("then %s, want the oldest flood call", got)
	}
}

// admittedWithin reports whether acquireFor(k) got a slot within d; the
// ticket, when it did (the wait goes on otherwise, until ctx ends).
func admittedWithin(ctx context.Context, a *admission, k callKey, d time.Duration) (*ticket, bool) {
	got := make(chan *ticket, 1)
	go func() {
		tk, err := a.acquireFor(ctx, k, time.Minute)
		if err == nil {
			got <- tk
		}
	}()
	select {
	case tk := <-got:
		return tk, true
	case <-time.After(d):
		return nil, false
	}
}

// Calls of an algorithm that runs here and takes HeavyRun or more share
// MaxHeavy slots, whatever their algorithm; light calls and remote ones
// (whose work is elsewhere) do not wait for them.
func TestAdmissionHeavyShare(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a := newAdmission(Limits{MaxRunning: 6, MaxRunningPerAlgo: 6, MaxHeavy: 1, QueueWait: time.Minute}, &countingRejections{})
	img, chat, txt := callKey{algo: "img", local: true}, callKey{algo: "chat"}, callKey{algo: "txt", local: true}
	for _, k := range []callKey{img, chat} { // each runs once for longer than HeavyRun
		runFor(t, a, k, HeavyRun+5*time.Millisecond)
	}
	first, ok := admittedWithin(ctx, a, img, time.Second)
	if !ok {
		t.Fatal("the first heavy call waited")
	}
	if _, ok := admittedWithin(ctx, a, img, 100*time.Millisecond); ok {
		t.Fatal("a second heavy call ran beside the first with MaxHeavy 1")
	}
	for _, k := range []callKey{txt, chat, chat} {
		if _, ok := admittedWithin(ctx, a, k, time.Second); !ok {
			t.Fatalf("%s waited for the heavy slot", k.algo)
		}
	}
	first.release()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		a.mu.Lock()
		heavy := a.heavy
		a.mu.Unlock()
		if heavy == 1 {
			break // the waiting heavy call got the freed slot
		}
		if time.Now().After(deadline) {
			t.Fatalf("the waiting heavy call did not start after the first ended (%d heavy running)", heavy)
		}
	}
}

// A client alone may use every slot; once another client waits, a freed
// slot goes to the client with the fewest calls running, and a full queue
// makes room for a client within its share by refusing the newest call of
// the client furthest past its own.
func TestAdmissionClientShare(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rc := &countingRejections{}
	a := newAdmission(Limits{MaxRunning: 4, MaxRunningPerAlgo: 4, MaxRunningPerClient: 3, MaxQueue: 4, MaxQueuePerAlgo: 3, MaxQueuePerClient: 2, QueueWait: time.Minute}, rc)
	flood, other := callKey{algo: "x", client: "10.0.0.1"}, callKey{algo: "y", client: "10.0.0.2"}
	var floods []*ticket
	for range 4 {
		tk, ok := admittedWithin(ctx, a, flood, time.Second)
		if !ok {
			t.Fatal("a client alone could not use every slot")
		}
		floods = append(floods, tk)
	}
	// The other client waits, then the flood's next calls.
	otherStarted := make(chan *ticket, 3)
	wait := func(k callKey, started chan<- *ticket) chan error {
		errc := make(chan error, 1)
		go func() {
			tk, err := a.acquireFor(ctx, k, time.Minute)
			if err == nil && started != nil {
				started <- tk
			}
			errc <- err
		}()
		time.Sleep(30 * time.Millisecond) // queued in this order
		return errc
	}
	wait(other, otherStarted)
	wait(flood, nil)
	floods[0].release()
	select {
	case <-otherStarted:
	case <-time.After(5 * time.Second):
		t.Fatal("the freed slot did not go to the client with the fewest calls running")
	}
	// Running: the flood's 3 and the other's 1. Queue: the flood's 2 more
	// and the other's second; the queue is full at 4.
	wait(flood, nil)
	flood7 := wait(flood, nil)
	wait(other, otherStarted)
	// A third call of the other client (within its share of 2) takes the
	// place of the flood's newest waiting call (past its share), which is
	// refused.
	wait(other, otherStarted)
	select {
	case err := <-flood7:
		wantRejection(t, err, http.StatusTooManyRequests, CodeClientLimit, "client_limit")
	case <-time.After(5 * time.Second):
		t.Fatal("the flooding client's newest waiting call was not refused")
	}
	if n := rc.count("x client_limit"); n != 1 {
		t.Errorf("%d client_limit rejections counted, want 1", n)
	}
	// The other client's fourth finds the queue full with 2 of its own
	// waiting, its whole share: it is the one refused.
	_, err := a.acquireFor(ctx, other, time.Minute)
	wantRejection(t, err, http.StatusTooManyRequests, CodeQueueFull, "queue_full")
	// A freed slot goes to the other client, which has fewer running.
	floods[1].release()
	select {
	case <-otherStarted:
	case <-time.After(5 * time.Second):
		t.Fatal("the freed slot did not go to the other client")
	}
}

// A client alone waits with as many calls as the queue holds: its share
// matters only when others need the room.
func TestAdmissionClientAloneUsesTheWholeQueue(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a := newAdmission(Limits{MaxRunning: 1, MaxQueue: 6, MaxQueuePerAlgo: 6, MaxQueuePerClient: 1, QueueWait: time.Minute}, &countingRejections{})
	k := callKey{algo: "x", client: "10.0.0.1"}
	if _, err := a.acquireFor(ctx, k, time.Minute); err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 7)
	for range 7 {
		go func() { _, err := a.acquireFor(ctx, k, time.Minute); errs <- err }()
	}
	// The seventh finds the queue full (all of it the algorithm's too).
	var rej *rejection
	if err := <-errs; !errors.As(err, &rej) || rej.err.Status != http.StatusTooManyRequests || rej.reason == "client_limit" {
		t.Fatalf("the call past the whole queue: %v, want 429 for a full queue", err)
	}
	select {
	case err := <-errs:
		t.Fatalf("a second call was answered while six waited: %v", err)
	case <-time.After(100 * time.Millisecond):
	}
}

// A call of a light algorithm with a small body that would wait for a slot
// passes in the light lane instead, up to MaxLight at once; a large body,
// an algorithm that runs elsewhere, one whose recent run was long, or one
// with a call in the lane running for LightRun or more waits as before.
func TestAdmissionLightLane(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a := newAdmission(Limits{MaxRunning: 1, MaxLight: 2, QueueWait: time.Minute}, &countingRejections{})
	light, remote := callKey{algo: "light", local: true, small: true}, callKey{algo: "remote", small: true}
	slow := callKey{algo: "slow", local: true, small: true}
	for _, k := range []callKey{light, light, light, remote, remote, remote, slow, slow} { // runs of under LightRun
		tk, err := a.acquireFor(ctx, k, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		tk.release()
	}
	tk, err := a.acquireFor(ctx, slow, time.Minute) // then one of LightRun or more
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(LightRun + time.Millisecond)
	tk.release()

	holder, err := a.acquireFor(ctx, callKey{algo: "other"}, time.Minute) // takes the only slot
	if err != nil {
		t.Fatal(err)
	}
	big := light
	big.small = false
	for _, k := range []callKey{big, remote, slow} {
		if _, ok := admittedWithin(ctx, a, k, 50*time.Millisecond); ok {
			t.Errorf("%+v passed in the light lane", k)
		}
	}
	first, ok := admittedWithin(ctx, a, light, time.Second)
	if !ok {
		t.Fatal("a small call of a light algorithm waited for a slot")
	}
	second, ok := admittedWithin(ctx, a, light, time.Second)
	if !ok {
		t.Fatal("a second light call waited with MaxLight 2")
	}
	if _, ok := admittedWithin(ctx, a, light, 50*time.Millisecond); ok {
		t.Error("a third light call passed with MaxLight 2")
	}
	second.release()
	time.Sleep(LightRun + time.Millisecond) // first is still running: the lane closes to its algorithm
	if _, ok := admittedWithin(ctx, a, light, 50*time.Millisecond); ok {
		t.Error("a light call passed while one in the lane had run for LightRun")
	}
	first.release()
	if busy, stats := a.stats(); busy != 1 || len(stats) == 0 {
		t.Errorf("stats: %d busy, %+v", busy, stats)
	}
	holder.release() // the waiters take the slot in turn; the test ends with ctx
}

// An algorithm that runs here for BusyRun or more a call gets half its
// share of slots; a remote one, or a quick one, keeps it all.
func TestAdmissionBusyAlgorithmsHalfShare(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a := newAdmission(Limits{MaxRunning: 16, MaxRunningPerAlgo: 4, MaxHeavy: 16, QueueWait: time.Minute}, &countingRejections{})
	busy, remote, quick := callKey{algo: "busy", local: true}, callKey{algo: "remote"}, callKey{algo: "quick", local: true}
	runFor(t, a, busy, BusyRun+time.Millisecond)
	runFor(t, a, remote, BusyRun+time.Millisecond)
	runFor(t, a, quick, 0)
	for _, tc := range []struct {
		k    callKey
		want int
	}{{busy, 2}, {remote, 4}, {quick, 4}} {
		got := 0
		for range 5 {
			if _, ok := admittedWithin(ctx, a, tc.k, 50*time.Millisecond); !ok {
				break
			}
			got++
		}
		if got != tc.want {
			t.Errorf("%s: %d ran at once, want %d", tc.k.algo, got, tc.want)
		}
	}
}

// runFor admits a call of k, lets it run for d and ends it: a run of that
// length for the admission's averages.
func runFor(t *testing.T, a *admission, k callKey, d time.Duration) {
	t.Helper()
	tk, err := a.acquireFor(t.Context(), k, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(d)
	tk.release()
}
