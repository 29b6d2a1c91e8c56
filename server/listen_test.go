package server

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// serve runs ListenAndServe in the background and returns its address, a
// stop function and the channel its result arrives on.
func serve(t *testing.T, cfg Config, opt ListenOptions) (addr string, stop context.CancelFunc, done <-chan error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan net.Addr, 1)
	opt.Ready = func(a net.Addr) { ready <- a }
	errc := make(chan error, 1)
	go func() { errc <- ListenAndServe(ctx, cfg, opt) }()
	select {
	case a := <-ready:
		t.Cleanup(cancel)
		return a.String(), cancel, errc
	case err := <-errc:
		cancel()
		t.Fatalf("ListenAndServe: %v", err)
	case <-time.After(5 * time.Second):
		cancel()
		t.Fatal("not listening after 5 s")
	}
	return "", nil, nil
}

func wait(t *testing.T, done <-chan error) {
	t.Helper()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("ListenAndServe returned %v, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("ListenAndServe did not return after its context ended")
	}
}

func TestListenRefusesPublicAnonymous(t *testing.T) {
	t.Parallel()
	reg := testRegistry(nil)
	for _, addr := range []string{"0.0.0.0:0", ":0", "[::]:0"} {
		err := ListenAndServe(context.Background(), Config{Source: reg, Runner: reg}, ListenOptions{Addr: addr})
		if !errors.Is(err, ErrAnonymousPublic) {
			t.Errorf("%s: err = %v, want ErrAnonymousPublic", addr, err)
			continue
		}
		if !strings.Contains(err.Error(), addr) || !strings.Contains(err.Error(), "API key") {
			t.Errorf("%s: message %q does not name the address and the fix", addr, err)
		}
	}
}

func TestListenPublicWithKeysOrAllowAnonymous(t *testing.T) {
	t.Parallel()
	reg := testRegistry(nil)
	for name, tc := range map[string]struct {
		cfg Config
		opt ListenOptions
	}{
		"anonymous allowed": {Config{Source: reg, Runner: reg}, ListenOptions{Addr: "0.0.0.0:0", AllowAnonymous: true}},
		"with keys":         {Config{Source: reg, Runner: reg, Keys: []string{"k"}}, ListenOptions{Addr: "0.0.0.0:0"}},
	} {
		t.Run(name, func(t *testing.T) {
			addr, stop, done := serve(t, tc.cfg, tc.opt)
			_, port, _ := net.SplitHostPort(addr)
			resp, err := http.Get("http://127.0.0.1:" + port + "/healthz")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Errorf("healthz %d", resp.StatusCode)
			}
			stop()
			wait(t, done)
		})
	}
}

func TestListenLoopbackDefaultsAndDrainsInFlight(t *testing.T) {
	t.Parallel()
	st := &testState{slowStarted: make(chan struct{}, 1), slowDuration: 700 * time.Millisecond}
	reg := testRegistry(st)
	addr, stop, done := serve(t, Config{Source: reg, Runner: reg}, ListenOptions{Addr: "127.0.0.1:0", ShutdownGrace: 10 * time.Second})

	type callRes struct {
		a   answer
		err error
	}
	got := make(chan callRes, 1)
	go func() {
		resp, err := http.Post("http://"+addr+"/v1/algo/test/Slow", "text/plain", strings.NewReader("x"))
		if err != nil {
			got <- callRes{err: err}
			return
		}
		defer resp.Body.Close()
		var a answer
		a.status = resp.StatusCode
		a.header = resp.Header
		buf := make([]byte, 4096)
		n, _ := resp.Body.Read(buf)
		a.body = buf[:n]
		got <- callRes{a: a}
	}()
	select {
	case <-st.slowStarted:
	case <-time.After(5 * time.Second):
		t.Fatal("the slow call never started")
	}
	stop() // shut down while the call runs
	r := <-got
	if r.err != nil {
		t.Fatalf("in-flight call failed during shutdown: %v", r.err)
	}
	res, _ := result(t, r.a)
	if jsonString(t, res) != "slow done" {
		t.Errorf("result %s", res)
	}
	wait(t, done)
	if _, err := http.Get("http://" + addr + "/healthz"); err == nil {
		t.Error("still accepting connections after shutdown")
	}
}

func TestListenWaitsForVoidRuns(t *testing.T) {
	t.Parallel()
	st := &testState{}
	reg := testRegistry(st)
	addr, stop, done := serve(t, Config{Source: reg, Runner: reg}, ListenOptions{Addr: "127.0.0.1:0"})
	resp, err := http.Post("http://"+addr+"/v1/algo/test/Record?output=void", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	stop()
	wait(t, done)
	if n := st.recorded.Load(); n != 1 {
		t.Errorf("background run finished %d times before ListenAndServe returned, want 1", n)
	}
}

func TestLoopbackAddr(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]bool{
		"127.0.0.1:8080": true, "[::1]:80": true, "localhost:1": true, "127.1.2.3:0": true,
		"0.0.0.0:8080": false, ":8080": false, "[::]:1": false, "192.168.1.2:80": false, "nonsense": false,
	} {
		if got := loopbackAddr(addr); got != want {
			t.Errorf("loopbackAddr(%q) = %v, want %v", addr, got, want)
		}
	}
}

func TestListenAddressInUse(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	reg := testRegistry(nil)
	err = ListenAndServe(context.Background(), Config{Source: reg, Runner: reg}, ListenOptions{Addr: ln.Addr().String()})
	if !errors.Is(err, syscall.EADDRINUSE) || !strings.Contains(err.Error(), ln.Addr().String()) {
		t.Errorf("err = %v, want EADDRINUSE naming the address", err)
	}
}

// When the grace period ends first, calls and background runs still going
// are cut off and ListenAndServe returns promptly rather than hanging.
func TestListenGraceEnds(t *testing.T) {
	t.Parallel()
	st := &testState{slowStarted: make(chan struct{}, 1), slowDuration: time.Minute}
	reg := testRegistry(st)
	var logged syncBuffer
	cfg := Config{Source: reg, Runner: reg, Logger: slog.New(slog.NewTextHandler(&logged, nil))}
	addr, stop, done := serve(t, cfg, ListenOptions{Addr: "127.0.0.1:0", ShutdownGrace: 300 * time.Millisecond})
	resp, err := http.Post("http://"+addr+"/v1/algo/test/Sleep?output=void", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	answered := make(chan answer, 1)
	go func() {
		resp, err := http.Post("http://"+addr+"/v1/algo/test/Slow", "text/plain", strings.NewReader("x"))
		if err != nil {
			answered <- answer{}
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		answered <- answer{status: resp.StatusCode, header: resp.Header, body: b}
	}()
	<-st.slowStarted
	start := time.Now()
	stop()
	wait(t, done)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("shutdown took %s with a 300ms grace period", d)
	}
	select {
	case a := <-answered:
		// The call still running when the grace ended hears why.
		msg := wantPlatformError(t, a, http.StatusServiceUnavailable, CodeShuttingDown, "UnsupportedError")
		if !strings.Contains(msg, "shut down before test/Slow finished") {
			t.Errorf("message %q", msg)
		}
	case <-time.After(5 * time.Second):
		t.Error("the in-flight call was left hanging")
	}
	// Both are logged as cut at shutdown, not as their algorithm's error.
	log := logged.String()
	for _, algo := range []string{"test/Slow", "test/Sleep"} {
		if !regexp.MustCompile(`msg=call .*algo=` + algo + ` .*cancelled=shutdown`).MatchString(log) {
			t.Errorf("no call line for %s with cancelled=shutdown:\n%s", algo, log)
		}
	}
	if strings.Contains(log, "error_type=AlgorithmError") {
		t.Errorf("a cut call is logged as an AlgorithmError:\n%s", log)
	}
}

// A caller who leaves in the middle of a call is counted and logged as a
// cancellation (status 499 in the log), never as the algorithm's error.
func TestClientDisconnectIsACancellation(t *testing.T) {
	t.Parallel()
	var logged syncBuffer
	s, ts, _ := newTest(t, func(c *Config) { c.Logger = slog.New(slog.NewTextHandler(&logged, nil)) })
	for i, q := range []string{"", "?output=raw"} {
		ctx, cancel := context.WithCancel(context.Background())
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, ts.URL+"/v1/algo/test/Sleep"+q, strings.NewReader("x"))
		req.Header.Set("Content-Type", "text/plain")
		go func() {
			waitFor(t, func() bool {
				return strings.Contains(metricsText(t, s), `pipette_calls_running{algorithm="test/Sleep"} 1`)
			})
			cancel()
		}()
		if _, err := http.DefaultClient.Do(req); err == nil {
			t.Fatal("the cancelled request got an answer")
		}
		waitFor(t, func() bool { return strings.Count(logged.String(), "cancelled=client") == i+1 })
	}
	m := metricsText(t, s)
	if !strings.Contains(m, `pipette_calls_cancelled_total{algorithm="test/Sleep",reason="client"} 2`) {
		t.Errorf("cancellations not counted:\n%s", grepLines(m, "pipette_call"))
	}
	if strings.Contains(m, `pipette_call_errors_total{algorithm="test/Sleep"`) {
		t.Errorf("a cancellation is counted as an error:\n%s", grepLines(m, "pipette_call"))
	}
	if !strings.Contains(logged.String(), "status=499") || strings.Contains(logged.String(), "error_type=") {
		t.Errorf("log:\n%s", logged.String())
	}
}

func metricsText(t *testing.T, s *Server) string {
	t.Helper()
	rec := httptest.NewRecorder()
	s.MetricsHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	return rec.Body.String()
}

// Keys are trimmed and blank ones dropped here, in the server, so that an
// unset or trailing-comma $PIPETTE_API_KEYS passed straight through never
// counts as a key.
func TestBlankKeysAreNoKeys(t *testing.T) {
	t.Parallel()
	reg := testRegistry(nil)
	cfg := Config{Source: reg, Runner: reg, Keys: []string{"", "  ", "\t"}}
	if err := ListenAndServe(context.Background(), cfg, ListenOptions{Addr: "0.0.0.0:0"}); !errors.Is(err, ErrAnonymousPublic) {
		t.Fatalf("blank keys on a public address: err = %v, want ErrAnonymousPublic", err)
	}
	s := New(Config{Source: reg, Runner: reg, Keys: []string{" k ", ""}})
	if len(s.keys) != 1 || !s.validKey("k") || s.validKey("") || s.validKey(" k ") {
		t.Errorf("keys %q: want exactly the trimmed key k accepted", []string{" k ", ""})
	}
}
