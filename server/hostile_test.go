package server

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"runtime"
	rtmetrics "runtime/metrics"
	"slices"
	"strings"
	"testing"
	"time"
)

// hostileRequest is one request issue 8 (or a neighbour of one) sends, and
// the answer it must get: a status and an error_type, never a crash.
type hostileRequest struct {
	name      string
	method    string
	path      string
	ctype     string
	body      func() io.Reader
	status    int
	errorType string // "A|B": either
}

func text(s string) func() io.Reader { return func() io.Reader { return strings.NewReader(s) } }

// chunked hides a body's length, so the server reads it without a
// Content-Length.
func chunked(r func() io.Reader) func() io.Reader {
	return func() io.Reader { return io.MultiReader(r()) }
}

// serverHostileRequests are the hostile requests the server itself answers,
// whatever the catalog: parameters, content types, bodies, paths, methods.
// maxBody is the server's body limit.
func serverHostileRequests(echo string, maxBody int) []hostileRequest {
	big := func() io.Reader { return bytes.NewReader(bytes.Repeat([]byte("a"), maxBody+1)) }
	deep := strings.Repeat("[", maxBody/4) + strings.Repeat("]", maxBody/4)
	var out []hostileRequest
	for _, q := range []string{"9223372037", "18446744073709551616", "4294967296", "2147483648", "-1", "0", "NaN", "1e400", "", "1.5", "%2B1", "0x10"} {
		out = append(out, hostileRequest{"timeout=" + q, "POST", echo + "?timeout=" + q, "text/plain", text("x"), 400, "InputError"})
	}
	return append(out,
		hostileRequest{"stdout=maybe", "POST", echo + "?stdout=maybe", "text/plain", text("x"), 400, "InputError"},
		hostileRequest{"output=xml", "POST", echo + "?output=xml", "text/plain", text("x"), 400, "InputError"},
		hostileRequest{"an unknown charset", "POST", echo, "text/plain; charset=klingon", text("x"), 415, "UnsupportedError"},
		hostileRequest{"the replacement charset", "POST", echo, "text/plain; charset=iso-2022-kr", text("x"), 415, "UnsupportedError"},
		hostileRequest{"an unknown content type", "POST", echo, "image/gif", text("x"), 415, "UnsupportedError"},
		hostileRequest{"a malformed content type", "POST", echo, "text/plain; ;;=", text("x"), 415, "UnsupportedError"},
		hostileRequest{"malformed JSON", "POST", echo, "application/json", text(`{"a": `), 400, "ParsingError"},
		hostileRequest{"JSON nested a quarter of the body limit deep", "POST", echo, "application/json", text(deep), 400, "ParsingError"},
		hostileRequest{"JSON with trailing data", "POST", echo, "application/json", text(`[1]]`), 400, "ParsingError"},
		hostileRequest{"a body over the limit", "POST", echo, "text/plain", big, 413, "TooLargeError"},
		hostileRequest{"a chunked body over the limit", "POST", echo, "text/plain", chunked(big), 413, "TooLargeError"},
		hostileRequest{"an unknown algorithm", "POST", "/v1/algo/no/Such", "text/plain", text("x"), 404, "EntityNotFoundError"},
		hostileRequest{"an unknown algorithm, void", "POST", "/v1/algo/no/Such?output=void", "text/plain", text("x"), 404, "EntityNotFoundError"},
		hostileRequest{"a version that cannot exist", "POST", echo + "/99.*", "text/plain", text("x"), 404, "EntityNotFoundError"},
		hostileRequest{"a 10 000-character path", "POST", "/v1/algo/" + strings.Repeat("x", 10000) + "/y", "text/plain", text("x"), 404, "EntityNotFoundError"},
		hostileRequest{"GET on a call", "GET", echo, "", nil, 405, "UnsupportedError"},
		hostileRequest{"DELETE on the catalog", "DELETE", "/v1/algorithms", "", nil, 405, "UnsupportedError"},
		hostileRequest{"a catalog page of 2^63", "GET", "/v1/algorithms?limit=9223372036854775808", "", nil, 400, "InputError"},
		hostileRequest{"a catalog page of -1", "GET", "/v1/algorithms?limit=-1", "", nil, 400, "InputError"},
		hostileRequest{"a forged marker", "GET", "/v1/algorithms?marker=bzotMQ", "", nil, 400, "InputError"},
	)
}

// sendHostile sends h to base and checks the answer's status and error type,
// and that /healthz still answers.
func sendHostile(t *testing.T, hc *http.Client, base string, h hostileRequest) {
	t.Helper()
	var body io.Reader
	if h.body != nil {
		body = h.body()
	}
	req, err := http.NewRequest(h.method, base+h.path, body)
	if err != nil {
		t.Fatal(err)
	}
	if h.ctype != "" {
		req.Header.Set("Content-Type", h.ctype)
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatalf("%s: no answer: %v", h.name, err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var e struct {
		Error struct {
			Message string `json:"message"`
			Type    string `json:"error_type"`
		} `json:"error"`
	}
	_ = json.Unmarshal(b, &e)
	if resp.StatusCode != h.status || !slices.Contains(strings.Split(h.errorType, "|"), e.Error.Type) {
		t.Errorf("%s: answered %d %q, want %d %s: %.300s", h.name, resp.StatusCode, e.Error.Type, h.status, h.errorType, b)
	}
	if strings.Contains(e.Error.Message, "goroutine ") || strings.Contains(e.Error.Message, ".go:") || strings.Contains(e.Error.Message, "\n") {
		t.Errorf("%s: the message is not one plain sentence: %q", h.name, e.Error.Message)
	}
	health, err := hc.Get(base + "/healthz")
	if err != nil || health.StatusCode != http.StatusOK {
		t.Fatalf("%s: /healthz does not answer afterwards (%v)", h.name, err)
	}
	health.Body.Close()
}

// heapBytes is the memory held by live and not yet swept heap objects.
func heapBytes() uint64 {
	s := []rtmetrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	rtmetrics.Read(s)
	return s[0].Value.Uint64()
}

// The real handler, over loopback, answers every hostile request with its
// error, keeps answering /healthz, and holds little memory afterwards.
func TestHostileRequests(t *testing.T) {
	t.Parallel()
	s, ts, _ := newTest(t, func(c *Config) { c.MaxBody = 1 << 20 })
	hc := &http.Client{Timeout: 30 * time.Second}
	reqs := append(serverHostileRequests("/v1/algo/test/Echo", 1<<20),
		hostileRequest{"a panicking algorithm", "POST", "/v1/algo/test/Panic", "text/plain", text("x"), 200, "AlgorithmError"},
		hostileRequest{"a panicking algorithm, void", "POST", "/v1/algo/test/Panic?output=void", "text/plain", text("x"), 200, ""},
	)
	for _, h := range reqs {
		sendHostile(t, hc, ts.URL, h)
	}
	runtime.GC()
	if held := heapBytes(); held > 256<<20 {
		t.Errorf("the heap holds %d MiB after the hostile requests", held>>20)
	}
	if n := s.metrics.background.Load(); n > 1 {
		t.Errorf("%d background runs still going", n)
	}
}
