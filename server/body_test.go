package server

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// trickle opens a connection, sends a request announcing n body bytes, then
// one byte every gap until the server answers or closes. It returns the
// status answered (0: closed without an answer) and how long it was held.
func trickle(t *testing.T, addr, path string, n int, gap time.Duration) (int, time.Duration) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Error(err)
		return 0, 0
	}
	defer conn.Close()
	start := time.Now()
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n", path, n)
	status := make(chan int, 1)
	go func() {
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			status <- 0
			return
		}
		resp.Body.Close()
		status <- resp.StatusCode
	}()
	for range n {
		select {
		case s := <-status:
			return s, time.Since(start)
		case <-time.After(gap):
		}
		if _, err := conn.Write([]byte("x")); err != nil {
			return <-status, time.Since(start)
		}
	}
	return <-status, time.Since(start)
}

// Bodies that trickle are cut once they fall behind the minimum rate, many
// at once, while the server keeps answering; a call that runs longer than
// every client timeout is not cut.
func TestSlowBodiesAreCut(t *testing.T) {
	t.Parallel()
	_, ts, st := newTest(t, func(c *Config) {
		c.Timeouts = Timeouts{BodyGrace: 300 * time.Millisecond, BodyMinRate: 1000, Write: 200 * time.Millisecond}
	})
	addr := ts.Listener.Addr().String()
	const conns = 40
	var wg sync.WaitGroup
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			status, held := trickle(t, addr, "/v1/algo/test/Echo", 100, 150*time.Millisecond)
			if status != http.StatusRequestTimeout {
				t.Errorf("a trickling body got %d, want 408", status)
			}
			if held > 3*time.Second {
				t.Errorf("a trickling body was held for %s", held)
			}
		}()
	}
	// The server answers others meanwhile.
	if a := get(t, ts.URL+"/healthz"); a.status != http.StatusOK {
		t.Errorf("healthz: %d", a.status)
	}
	wg.Wait()

	// A legitimate call that runs for longer than the body grace and the
	// write timeout together is answered in full.
	st.slowDuration = time.Second
	if res, _ := result(t, post(t, ts.URL+"/v1/algo/test/Slow", "text/plain", "x")); string(res) != `"slow done"` {
		t.Errorf("slow call: %s", res)
	}
	// A body sent at a steady pace above the minimum rate is read whole,
	// however long it takes past the grace.
	pr, pw := io.Pipe()
	go func() {
		for range 6 { // 5 times the minimum rate
			pw.Write([]byte(strings.Repeat("y", 500)))
			time.Sleep(100 * time.Millisecond)
		}
		pw.Close()
	}()
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/v1/algo/test/Echo", pr)
	req.Header.Set("Content-Type", "text/plain")
	if res, _ := result(t, do(t, req)); len(res) != 3002 {
		t.Errorf("a steady chunked body came back with %d bytes", len(res))
	}
}

// Request bodies held at once are bounded in bytes: past the budget a call
// is refused with 503 and Retry-After rather than buffered.
func TestBodyBudget(t *testing.T) {
	t.Parallel()
	s, ts, _ := newTest(t, func(c *Config) {
		c.BodyMemory = 100 << 10
		c.Timeouts = Timeouts{BodyGrace: 10 * time.Second}
	})
	// One body of 80 KiB arrives slowly and holds its share.
	conn, err := net.Dial("tcp", ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /v1/algo/test/Echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\nabc", 80<<10)
	waitFor(t, func() bool {
		if s.bodyBytes.TryAcquire(30 << 10) {
			s.bodyBytes.Release(30 << 10)
			return false
		}
		return true
	})
	for _, chunked := range []bool{false, true} {
		var body io.Reader = strings.NewReader(strings.Repeat("z", 60<<10))
		if chunked {
			body = io.MultiReader(body) // no length: read chunk by chunk
		}
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/v1/algo/test/Echo", body)
		req.Header.Set("Content-Type", "text/plain")
		a := do(t, req)
		wantPlatformError(t, a, http.StatusServiceUnavailable, CodeOverloaded, "UnsupportedError")
		if a.header.Get("Retry-After") == "" {
			t.Error("no Retry-After")
		}
	}
	// Small bodies still fit.
	if res, _ := result(t, post(t, ts.URL+"/v1/algo/test/Echo", "text/plain", "small")); string(res) != `"small"` {
		t.Errorf("small body: %s", res)
	}
}

func TestCharsets(t *testing.T) {
	t.Parallel()
	_, ts, _ := newTest(t, nil)
	ok := []struct {
		ct, body, want string
	}{
		{"text/plain; charset=iso-8859-1", "caf\xe9", `"café"`},
		{"text/plain; charset=latin1", "\xa3 5", `"£ 5"`},
		{"text/plain; charset=windows-1252", "\x80 9", `"€ 9"`},
		{"text/plain; charset=UTF-16LE", "h\x00i\x00", `"hi"`},
		{"text/plain; charset=shift_jis", "\x93\xfa\x96\x7b", `"日本"`},
		{"text/plain; charset=US-ASCII", "plain", `"plain"`},
		{`text/plain; charset="utf-8"`, "héllo", `"héllo"`},
		{"application/json; charset=iso-8859-1", "{\"a\":\"\xe9\"}", `{"a":"é"}`},
	}
	for _, tc := range ok {
		res, _ := result(t, post(t, ts.URL+"/v1/algo/test/Echo", tc.ct, tc.body))
		if string(res) != tc.want {
			t.Errorf("%s: result %s, want %s", tc.ct, res, tc.want)
		}
	}
	// Binary bodies have no charset: the bytes are passed on untouched.
	res, md := result(t, post(t, ts.URL+"/v1/algo/test/Echo", "application/octet-stream; charset=latin1", "\xe9"))
	if string(res) != `"6Q=="` || string(md["content_type"]) != `"binary"` {
		t.Errorf("binary with a charset: %s %s", res, md["content_type"])
	}
	for _, cs := range []string{"klingon", "iso-2022-kr", "utf-7", strings.Repeat("x", 200)} {
		msg := wantPlatformError(t, post(t, ts.URL+"/v1/algo/test/Echo", "text/plain; charset="+cs, "x"), http.StatusUnsupportedMediaType, 0, "UnsupportedError")
		if !strings.Contains(msg, "is not a character set this server can read: send UTF-8") {
			t.Errorf("charset=%s: message %q", cs, msg)
		}
	}
}

// The body deadline works on any connection httptest gives, and does not
// break a server whose connections take no deadlines (an in-memory
// recorder).
func TestBodyDeadlineWithoutAConnection(t *testing.T) {
	t.Parallel()
	s, _, _ := newTest(t, nil)
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/v1/algo/test/Echo", strings.NewReader("hi"))
	req.Header.Set("Content-Type", "text/plain")
	s.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"result":"hi"`) {
		t.Errorf("%d %s", rec.Code, rec.Body)
	}
}

// A client that never reads a large answer is cut after the write timeout:
// the handler does not stay blocked on it.
func TestUnreadAnswerIsCut(t *testing.T) {
	t.Parallel()
	s, ts, _ := newTest(t, func(c *Config) { c.Timeouts = Timeouts{Write: 300 * time.Millisecond} })
	conn, err := net.Dial("tcp", ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if tcp, ok := conn.(*net.TCPConn); ok {
		tcp.SetReadBuffer(4 << 10) // keep the kernel from taking the answer for us
	}
	body := strings.Repeat("z", 4<<20)
	fmt.Fprintf(conn, "POST /v1/algo/test/Echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
	waitFor(t, func() bool { return strings.Contains(metricsText(t, s), "pipette_calls_in_flight 1") })
	start := time.Now()
	waitFor(t, func() bool { return strings.Contains(metricsText(t, s), "pipette_calls_in_flight 0") })
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("the handler stayed blocked on an unread answer for %s", d)
	}
}
