package server

import (
	"bytes"
	"context"
	"io"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// bodyCaller posts bodies to ts as one client: an API key, or (with no
// key) the loopback address ip.
type bodyCaller struct {
	t   *testing.T
	url string
	key string
	hc  *http.Client
}

func newBodyCaller(t *testing.T, url, key string, ip net.IP) *bodyCaller {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: ip}}
	return &bodyCaller{t: t, url: url, key: key, hc: &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}}
}

// bodyAnswer is an answer and whether the server closed the connection
// after it.
type bodyAnswer struct {
	answer
	closed bool
}

// post sends n bytes to test/Record, with a Content-Length or without
// (chunked), and reads the answer whole.
func (c *bodyCaller) post(n int, chunked bool) bodyAnswer {
	c.t.Helper()
	var body io.Reader = bytes.NewReader(make([]byte, n))
	if chunked {
		body = io.MultiReader(body)
	}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, c.url+"/v1/algo/test/Record", body)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/octet-stream")
	if c.key != "" {
		req.Header.Set("Authorization", "Simple "+c.key)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatalf("post %d bytes: %v", n, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return bodyAnswer{answer{status: resp.StatusCode, header: resp.Header, body: b}, resp.Close}
}

// wantBodyRateSpent checks a 429 of the body budget and returns its
// Retry-After.
func wantBodyRateSpent(t *testing.T, a bodyAnswer, what string) int {
	t.Helper()
	msg := wantPlatformError(t, a.answer, http.StatusTooManyRequests, CodeBodyRate, "UnsupportedError")
	if !strings.Contains(msg, "faster than this server takes from one client") || !strings.Contains(msg, what) {
		t.Errorf("message %q does not say the budget is spent and that the body %s", msg, what)
	}
	retry, err := strconv.Atoi(a.header.Get("Retry-After"))
	if err != nil || retry < 1 || retry > 60 {
		t.Errorf("Retry-After %q, want 1 to 60 seconds", a.header.Get("Retry-After"))
	}
	if !a.closed {
		t.Error("the connection was kept open, although the body was not read whole")
	}
	return retry
}

var (
	loopback1 = net.IPv4(127, 0, 0, 1)
	loopback2 = net.IPv4(127, 0, 0, 2)
)

// A client that sends bodies faster than its budget while another client
// is served, so fast that it would wait past maxWait, is refused before
// its body is read, with code 3006 and
// Retry-After; a chunked body that runs the budget dry is cut; the budget
// refills; and the other client, whose budget is its own, is never refused.
func TestBodyRateSpentWhileOthersServed(t *testing.T) {
	t.Parallel()
	const maxBody = 128 << 10
	for _, tc := range []struct {
		name string
		keys []string
	}{
		{name: "keys", keys: []string{"k1", "k2"}},
		{name: "addresses"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, ts, _ := newTest(t, func(c *Config) {
				c.Keys, c.MaxBody = tc.keys, maxBody
				c.BodyRate = 16 << 10 // a burst of 4 × 128 KiB, refilled slowly
			})
			s.bodyRates.maxWait = 100 * time.Millisecond
			hog, other := newBodyCaller(t, ts.URL, "", loopback1), newBodyCaller(t, ts.URL, "", loopback2)
			if tc.keys != nil {
				// Both keys from one address: the key is the client.
				hog, other = newBodyCaller(t, ts.URL, "k1", loopback1), newBodyCaller(t, ts.URL, "k2", loopback1)
			}
			for i := range 3 {
				if a := other.post(100, false); a.status != http.StatusOK {
					t.Fatalf("the other client's call: %d %s", a.status, a.body)
				}
				if a := hog.post(maxBody, i%2 == 1); a.status != http.StatusOK {
					t.Fatalf("body %d of the burst: %d %s", i+1, a.status, a.body)
				}
			}
			// 100 KiB or so left: a chunked body of 128 KiB gets its first
			// chunk and is cut at the second.
			if a := hog.post(28<<10, false); a.status != http.StatusOK {
				t.Fatalf("a small body within the budget: %d %s", a.status, a.body)
			}
			other.post(100, false)
			wantBodyRateSpent(t, hog.post(maxBody, true), "was cut")
			// Nothing left: the next body is refused before it is read,
			// with or without a length.
			wantBodyRateSpent(t, hog.post(maxBody, false), "was not read")
			wantBodyRateSpent(t, hog.post(maxBody, true), "was not read")
			// The other client's budget is its own.
			if a := other.post(maxBody, false); a.status != http.StatusOK {
				t.Errorf("the other client was refused for the hog's bodies: %d %s", a.status, a.body)
			}
			if tc.keys == nil { // (with keys, /metrics wants one)
				m := get(t, ts.URL+"/metrics").body
				if !strings.Contains(string(m), `pipette_calls_rejected_total{algorithm="test/Record",reason="body_rate"} 3`) {
					t.Errorf("metrics do not count the three refusals:\n%s", grepLines(string(m), "pipette_calls_rejected"))
				}
			}
		})
	}
}

// A spent budget refills at the rate: after Retry-After the same body
// passes.
func TestBodyRateRefills(t *testing.T) {
	t.Parallel()
	const maxBody = 64 << 10
	s, ts, _ := newTest(t, func(c *Config) { c.MaxBody, c.BodyRate = maxBody, 256<<10 })
	s.bodyRates.maxWait = 100 * time.Millisecond
	hog, other := newBodyCaller(t, ts.URL, "", loopback1), newBodyCaller(t, ts.URL, "", loopback2)
	var refused bodyAnswer
	for range 20 {
		other.post(10, false)
		if refused = hog.post(maxBody, false); refused.status != http.StatusOK {
			break
		}
	}
	retry := wantBodyRateSpent(t, refused, "was not read")
	if retry != 1 {
		t.Errorf("Retry-After %d, want 1: 64 KiB come back in a quarter of a second", retry)
	}
	time.Sleep(time.Duration(retry) * time.Second)
	other.post(10, false)
	if a := hog.post(maxBody, false); a.status != http.StatusOK {
		t.Errorf("after Retry-After: %d %s", a.status, a.body)
	}
}

// A client a little past its budget while another is served waits for
// it: its bodies are read at the budget's pace, none refused.
func TestBodyRatePacesAClientPastItsBudget(t *testing.T) {
	t.Parallel()
	const maxBody, rate = 64 << 10, 256 << 10
	_, ts, _ := newTest(t, func(c *Config) { c.MaxBody, c.BodyRate = maxBody, rate })
	c, other := newBodyCaller(t, ts.URL, "", loopback1), newBodyCaller(t, ts.URL, "", loopback2)
	start := time.Now()
	const bodies = 8 // twice the burst
	for i := range bodies {
		other.post(10, false)
		if a := c.post(maxBody, i%2 == 1); a.status != http.StatusOK {
			t.Fatalf("body %d: %d %s", i+1, a.status, a.body)
		}
	}
	// The burst, then the rest at the rate (less the little the burst's
	// calls took).
	if took, least := time.Since(start), 700*time.Millisecond; took < least {
		t.Errorf("%d bodies of %d KiB took %s, want at least %s at %d KiB/s past a burst of %d KiB", bodies, maxBody>>10, took, least, rate>>10, 4*maxBody>>10)
	}
}

// The wait for the budget does not count against the body's own time: a
// body made to wait past the grace is read, not cut with a 408.
func TestBodyRateWaitIsNotTheClientsSlowness(t *testing.T) {
	t.Parallel()
	const maxBody = 64 << 10
	_, ts, _ := newTest(t, func(c *Config) {
		c.MaxBody, c.BodyRate = maxBody, 64<<10 // a body's worth a second
		c.Timeouts = Timeouts{BodyGrace: 300 * time.Millisecond, BodyMinRate: 1 << 20}
	})
	c, other := newBodyCaller(t, ts.URL, "", loopback1), newBodyCaller(t, ts.URL, "", loopback2)
	for i := range 5 { // the burst of 4, then one that waits ~1 s
		other.post(10, false)
		if a := c.post(maxBody, false); a.status != http.StatusOK {
			t.Fatalf("body %d: %d %s", i+1, a.status, a.body)
		}
	}
}

// At the default settings a client alone uploading twenty 5 MiB images one
// after another is never refused (alone, it takes CPU from nobody), and a
// client uploading a few 10 MiB images while another is served is not
// either (the burst holds four).
func TestBodyRateSparesNormalUploads(t *testing.T) {
	t.Parallel()
	t.Run("alone", func(t *testing.T) {
		t.Parallel()
		_, ts, _ := newTest(t, nil)
		c := newBodyCaller(t, ts.URL, "", loopback1)
		for i := range 20 {
			if a := c.post(5<<20, i%2 == 1); a.status != http.StatusOK {
				t.Fatalf("image %d: %d %s", i+1, a.status, a.body)
			}
		}
	})
	t.Run("among others", func(t *testing.T) {
		t.Parallel()
		_, ts, _ := newTest(t, nil)
		c, other := newBodyCaller(t, ts.URL, "", loopback1), newBodyCaller(t, ts.URL, "", loopback2)
		for i := range 4 {
			other.post(10, false)
			if a := c.post(DefaultMaxBody, i%2 == 1); a.status != http.StatusOK {
				t.Fatalf("image %d: %d %s", i+1, a.status, a.body)
			}
		}
	})
}

// The budget's settings hold whatever they are given: negative turns it
// off, 0 is the default, and huge rates and body limits do not overflow.
func TestNewBodyRatesBounds(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name             string
		rate, maxBody    int64
		wantNil          bool
		wantRate, wantBu int64
	}{
		{name: "off", rate: -1, maxBody: DefaultMaxBody, wantNil: true},
		{name: "default", rate: 0, maxBody: DefaultMaxBody, wantRate: DefaultBodyRate, wantBu: 4 * DefaultMaxBody},
		{name: "rate over the burst", rate: 1 << 30, maxBody: 1 << 20, wantRate: 1 << 30, wantBu: 1 << 30},
		{name: "rate 2^63-1", rate: math.MaxInt64, maxBody: DefaultMaxBody, wantRate: MaxBodyRate, wantBu: MaxBodyRate},
		{name: "rate 2^31", rate: 1 << 31, maxBody: DefaultMaxBody, wantRate: 1 << 31, wantBu: 1 << 31},
		{name: "body 2^63-1", rate: 1, maxBody: math.MaxInt64, wantRate: 1, wantBu: 4 * MaxBodyRate},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			br := newBodyRates(tc.rate, tc.maxBody)
			if tc.wantNil {
				if br != nil {
					t.Fatalf("budget %+v, want none", br)
				}
				if ok, _ := br.meter("c", time.Now()).take(1<<40, time.Now()); !ok {
					t.Error("no budget refused a body")
				}
				return
			}
			if int64(br.rate) != tc.wantRate || int64(br.burst) != tc.wantBu {
				t.Errorf("rate %v burst %d, want %d and %d", br.rate, br.burst, tc.wantRate, tc.wantBu)
			}
		})
	}
}

// Clients whose buckets have filled again are forgotten, so the map holds
// only the last few seconds' clients.
func TestBodyRatesForgetIdleClients(t *testing.T) {
	t.Parallel()
	br := newBodyRates(1<<20, 1<<10)
	now := time.Now()
	for i := range 100 {
		br.meter(strconv.Itoa(i), now).take(100, now)
	}
	br.meter("late", now.Add(10*time.Second))
	if n := len(br.clients); n != 1 {
		t.Errorf("%d clients kept after their buckets filled, want 1 (the latest)", n)
	}
}
