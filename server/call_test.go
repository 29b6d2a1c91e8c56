package server

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestCallContentTypes(t *testing.T) {
	t.Parallel()
	_, ts, _ := newTest(t, nil)
	tests := []struct {
		ct, body   string
		wantResult string // compact JSON of result
		wantKind   string
	}{
		{"text/plain", "Hello Neo", `"Hello Neo"`, "text"},
		{"text/plain; charset=UTF-8", "héllo", `"héllo"`, "text"},
		{"text/plain;charset=utf-8", "", `""`, "text"},
		{"application/text", "plain <&>", `"plain <&>"`, "text"},
		{"application/text; charset=utf-8", "x", `"x"`, "text"},
		{"Text/Plain", "case", `"case"`, "text"},
		{"application/json", `[2,2,2,3,3]`, `[2,2,2,3,3]`, "json"},
		{"application/json; charset=utf-8", `{"a": "b<c"}`, `{"a":"b<c"}`, "json"},
		{"application/json", `null`, `null`, "json"},
		{"application/json", ` "str" `, `"str"`, "json"},
		{"application/octet-stream", "\x00\x01\xffbin", `"` + base64.StdEncoding.EncodeToString([]byte("\x00\x01\xffbin")) + `"`, "binary"},
		{"application/octet-stream; foo=bar", "", `""`, "binary"},
	}
	for _, tc := range tests {
		t.Run(tc.ct+"/"+tc.body, func(t *testing.T) {
			a := post(t, ts.URL+"/v1/algo/test/Echo", tc.ct, tc.body)
			res, md := result(t, a)
			if got := compactJSON(t, string(res)); got != tc.wantResult {
				t.Errorf("result = %s, want %s", got, tc.wantResult)
			}
			if got := jsonString(t, md["content_type"]); got != tc.wantKind {
				t.Errorf("content_type = %q, want %q", got, tc.wantKind)
			}
			if a.header.Get("X-Request-Id") == "" {
				t.Error("no X-Request-Id")
			}
		})
	}
}

func TestCallSuccessBodyShape(t *testing.T) {
	t.Parallel()
	_, ts, _ := newTest(t, nil)
	a := post(t, ts.URL+"/v1/algo/test/Echo/1.0.0", "text/plain", "Hello Neo")
	// Byte-level: result comes first and nothing else is in the answer.
	if !bytes.HasPrefix(a.body, []byte(`{"result":"Hello Neo","metadata":{"content_type":"text","duration":`)) {
		t.Errorf("body = %s", a.body)
	}
}

func TestCallUnsupportedContentType(t *testing.T) {
	t.Parallel()
	_, ts, _ := newTest(t, nil)
	for _, ct := range []string{"", "application/x-www-form-urlencoded", "image/png", "text/html; charset=utf-8", "not a type;;"} {
		t.Run(ct, func(t *testing.T) {
			a := post(t, ts.URL+"/v1/algo/test/Echo", ct, "x")
			msg := wantPlatformError(t, a, http.StatusUnsupportedMediaType, 0, "UnsupportedError")
			if !strings.Contains(msg, "application/json") {
				t.Errorf("message %q does not say what to send", msg)
			}
		})
	}
}

func TestCallMalformedJSON(t *testing.T) {
	t.Parallel()
	_, ts, _ := newTest(t, nil)
	for _, body := range []string{`{"a":`, `[1,2] 3`, ``, `nul`, `[1]]`} {
		a := post(t, ts.URL+"/v1/algo/test/Echo", "application/json", body)
		msg := wantPlatformError(t, a, http.StatusBadRequest, 0, "ParsingError")
		if !strings.Contains(msg, "not valid JSON") {
			t.Errorf("body %q: message %q", body, msg)
		}
	}
}

func TestCallAuth(t *testing.T) {
	t.Parallel()
	_, ts, _ := newTest(t, func(c *Config) { c.Keys = []string{"key-one", "key-two"} })
	ok := []string{"Authorization: Simple key-one", "Authorization: key-two", "Authorization: Bearer key-one",
		"Authorization: simple key-two", "Authorization: BEARER   key-one  "}
	for _, h := range ok {
		a := post(t, ts.URL+"/v1/algo/test/Echo", "text/plain", "hi", h)
		if res, _ := result(t, a); string(res) != `"hi"` {
			t.Errorf("%s: result %s", h, res)
		}
		if a := get(t, ts.URL+"/v1/algorithms", h); a.status != http.StatusOK {
			t.Errorf("%s: catalog answered %d", h, a.status)
		}
	}
	missing := [][]string{nil, {"Authorization: "}, {"Authorization: Simple "}, {"Authorization: Bearer"}}
	for _, h := range missing {
		wantPlatformError(t, post(t, ts.URL+"/v1/algo/test/Echo", "text/plain", "hi", h...), http.StatusUnauthorized, 2001, "InputError")
		wantPlatformError(t, get(t, ts.URL+"/v1/algorithms/test/Echo", h...), http.StatusUnauthorized, 2001, "InputError")
	}
	wrong := []string{"Authorization: Simple key-three", "Authorization: key-one-longer", "Authorization: Bearer key-on", "Authorization: Basic a2V5LW9uZQ=="}
	for _, h := range wrong {
		wantPlatformError(t, post(t, ts.URL+"/v1/algo/test/Echo", "text/plain", "hi", h), http.StatusUnauthorized, 2002, "InputError")
		wantPlatformError(t, get(t, ts.URL+"/v1/algorithms", h), http.StatusUnauthorized, 2002, "InputError")
	}
	// Health and readiness stay open for probes; metrics (call counts,
	// process data) need the key.
	for _, p := range []string{"/healthz", "/readyz"} {
		if a := get(t, ts.URL+p); a.status != http.StatusOK {
			t.Errorf("%s answered %d without a key", p, a.status)
		}
	}
	wantPlatformError(t, get(t, ts.URL+"/metrics"), http.StatusUnauthorized, 2001, "InputError")
	if a := get(t, ts.URL+"/metrics", ok[0]); a.status != http.StatusOK || !strings.Contains(string(a.body), "pipette_calls_total") {
		t.Errorf("/metrics with a key answered %d", a.status)
	}
}

func TestCallAnonymousWhenNoKeys(t *testing.T) {
	t.Parallel()
	_, ts, _ := newTest(t, nil)
	// Any Authorization header is ignored when the server has no keys.
	for _, h := range [][]string{nil, {"Authorization: Simple whatever"}} {
		if res, _ := result(t, post(t, ts.URL+"/v1/algo/test/Echo", "text/plain", "hi", h...)); string(res) != `"hi"` {
			t.Errorf("result %s", res)
		}
	}
}

func TestCallVersions(t *testing.T) {
	t.Parallel()
	_, ts, _ := newTest(t, nil)
	tests := map[string]string{
		"":             "2.0.0",
		"/latest":      "2.0.0",
		"/2.0.0":       "2.0.0",
		"/1.0.0":       "1.0.0",
		"/1.2.0":       "1.2.0",
		"/1.2.5":       "1.2.5",
		"/1.2":         "1.2.5",
		"/1.2.*":       "1.2.5",
		"/1.*":         "1.2.5",
		"/1":           "1.2.5",
		"/1.0":         "1.0.0",
		"/2.*":         "2.0.0",
		"/1.2.%2A":     "1.2.5",
		"?timeout=10":  "2.0.0",
		"/1.*?stdout=": "1.2.5",
	}
	for suffix, want := range tests {
		t.Run(suffix, func(t *testing.T) {
			res, _ := result(t, post(t, ts.URL+"/v1/algo/test/Multi"+suffix, "application/json", "null"))
			if got := jsonString(t, res); got != want {
				t.Errorf("ran %s, want %s", got, want)
			}
		})
	}
}

func TestCallNotFound(t *testing.T) {
	t.Parallel()
	_, ts, _ := newTest(t, nil)
	tests := []struct{ path, want string }{
		{"/v1/algo/nlp/Nope", "algorithm algo://nlp/Nope not found"},
		{"/v1/algo/nlp/Nope/1.0.0", "algorithm algo://nlp/Nope not found"},
		{"/v1/algo/test/Multi/3.0.0", "algorithm algo://test/Multi/3.0.0 not found"},
		{"/v1/algo/test/Multi/1.3", "algorithm algo://test/Multi/1.3 not found"},
		{"/v1/algo/test/Multi/abc", `version "abc"`},
		{"/v1/algo/test/Multi/1.*.2", `a * may only end a range`},
		{"/v1/algo/te$t/Multi", `unexpected character`},
	}
	for _, tc := range tests {
		a := post(t, ts.URL+tc.path, "text/plain", "x")
		msg := wantPlatformError(t, a, http.StatusNotFound, 1000, "EntityNotFoundError")
		if !strings.Contains(msg, tc.want) {
			t.Errorf("%s: message %q does not contain %q", tc.path, msg, tc.want)
		}
	}
	// Paths outside the API get a platform 404 without the algorithm code.
	wantPlatformError(t, get(t, ts.URL+"/v2/nothing"), http.StatusNotFound, 0, "EntityNotFoundError")
	a := get(t, ts.URL+"/v1/algo/test/Echo")
	wantPlatformError(t, a, http.StatusMethodNotAllowed, 0, "UnsupportedError")
	if a.header.Get("Allow") != "POST" {
		t.Errorf("Allow = %q", a.header.Get("Allow"))
	}
}

func TestCallRawOutput(t *testing.T) {
	t.Parallel()
	_, ts, _ := newTest(t, nil)
	tests := []struct {
		kind, wantCT string
		wantBody     []byte
		wantStatus   int
	}{
		{"text", "text/plain; charset=utf-8", []byte("héllo <world> & co"), 200},
		{"json", "application/json", []byte(`{"a":[1,2.5,"x<y"],"b":null}`), 200},
		{"binary", "application/octet-stream", []byte{0, 1, 2, 0xff, 'A'}, 200},
		{"void", "", nil, 204},
		{"zero", "", nil, 204},
	}
	for _, tc := range tests {
		a := post(t, ts.URL+"/v1/algo/test/Kinds?output=raw", "text/plain", tc.kind)
		if a.status != tc.wantStatus {
			t.Errorf("%s: status %d, want %d", tc.kind, a.status, tc.wantStatus)
		}
		if ct := a.header.Get("Content-Type"); ct != tc.wantCT {
			t.Errorf("%s: Content-Type %q, want %q", tc.kind, ct, tc.wantCT)
		}
		if !bytes.Equal(a.body, tc.wantBody) {
			t.Errorf("%s: body %q, want %q", tc.kind, a.body, tc.wantBody)
		}
	}
	// The wrapped answer of the same results, for comparison.
	for _, kind := range []string{"text", "json", "binary", "void"} {
		res, md := result(t, post(t, ts.URL+"/v1/algo/test/Kinds", "text/plain", kind))
		if got := jsonString(t, md["content_type"]); got != kind {
			t.Errorf("content_type %q, want %q", got, kind)
		}
		if kind == "void" && string(res) != "null" {
			t.Errorf("void result %s, want null", res)
		}
	}
	// A result that cannot be encoded is the algorithm's error, not a crash.
	msg, _ := wantAlgorithmError(t, post(t, ts.URL+"/v1/algo/test/Kinds", "text/plain", "badjson"), "AlgorithmError")
	if !strings.Contains(msg, "not valid JSON") {
		t.Errorf("message %q", msg)
	}
}

func TestCallStdout(t *testing.T) {
	t.Parallel()
	_, ts, _ := newTest(t, nil)
	_, md := result(t, post(t, ts.URL+"/v1/algo/test/Logger?stdout=true", "text/plain", ""))
	if got := jsonString(t, md["stdout"]); got != "hello from the algorithm\n" {
		t.Errorf("stdout = %q", got)
	}
	_, md = result(t, post(t, ts.URL+"/v1/algo/test/Echo?stdout=true", "text/plain", ""))
	if got, ok := md["stdout"]; !ok || string(got) != `""` {
		t.Errorf("stdout asked for, nothing logged: got %s, want an empty string", got)
	}
	// What an algorithm logged before failing is there too when asked for.
	a := post(t, ts.URL+"/v1/algo/test/Logger?stdout=true", "text/plain", "fail")
	wantAlgorithmError(t, a, "InputError")
	if !bytes.Contains(a.body, []byte(`"stdout":"hello from the algorithm\n"`)) || bytes.Contains(a.body, []byte("content_type")) {
		t.Errorf("error answer with stdout asked for: %s", a.body)
	}
	for _, q := range []string{"", "?stdout=false", "?stdout=0"} {
		a := post(t, ts.URL+"/v1/algo/test/Logger"+q, "text/plain", "")
		if _, md := result(t, a); md["stdout"] != nil {
			t.Errorf("%q: stdout sent without being asked for", q)
		}
		if bytes.Contains(a.body, []byte("stdout")) {
			t.Errorf("%q: the raw answer mentions stdout: %s", q, a.body)
		}
		a = post(t, ts.URL+"/v1/algo/test/Logger"+q, "text/plain", "fail")
		if bytes.Contains(a.body, []byte("stdout")) {
			t.Errorf("%q: the error answer mentions stdout: %s", q, a.body)
		}
	}
}

func TestCallBadQuery(t *testing.T) {
	t.Parallel()
	_, ts, _ := newTest(t, nil)
	tests := map[string]string{
		"timeout=0":                            "timeout=0 is too short",
		"timeout=000":                          "timeout=000 is too short",
		"timeout=abc":                          "timeout=abc is not a whole number of seconds",
		"timeout=3001":                         "timeout=3001 is more than this server's maximum of 3000 seconds",
		"timeout=-5":                           "timeout=-5 is not a whole number",
		"timeout=-1":                           "timeout=-1 is not a whole number",
		"timeout=1.5":                          "timeout=1.5 is not a whole number",
		"timeout=NaN":                          "timeout=NaN is not a whole number",
		"timeout=1e400":                        "timeout=1e400 is not a whole number",
		"timeout=0x10":                         "timeout=0x10 is not a whole number",
		"timeout=%2B5":                         "timeout=+5 is not a whole number",
		"timeout=%205":                         "timeout= 5 is not a whole number",
		"timeout=%D9%A3":                       "is not a whole number",
		"timeout=":                             "timeout= is empty",
		"timeout=9223372037":                   "timeout=9223372037 is more than",
		"timeout=18446744073709551617":         "timeout=18446744073709551617 is more than",
		"timeout=4294967296":                   "is more than",
		"timeout=2147483648":                   "is more than",
		"timeout=99999":                        "3000",
		"timeout=" + strings.Repeat("9", 5000): strings.Repeat("9", 40) + "… is more than",
		"stdout=maybe":                         "true or false",
		"output=xml":                           "raw or void",
		"output=RAW":                           "raw or void",
	}
	for q, want := range tests {
		msg := wantPlatformError(t, post(t, ts.URL+"/v1/algo/test/Echo?"+q, "text/plain", "x"), http.StatusBadRequest, 0, "InputError")
		if !strings.Contains(msg, want) {
			t.Errorf("%s: message %q does not contain %q", q, msg, want)
		}
	}
	for _, ok := range []string{"3000", "1", "0030", "000000000000000000000000000300"} {
		if _, md := result(t, post(t, ts.URL+"/v1/algo/test/Echo?timeout="+ok, "text/plain", "x")); md == nil {
			t.Errorf("timeout=%s refused", ok)
		}
	}
}

func TestCallAlgorithmErrors(t *testing.T) {
	t.Parallel()
	_, ts, _ := newTest(t, nil)
	msg, stack := wantAlgorithmError(t, post(t, ts.URL+"/v1/algo/test/BadInput", "text/plain", "x"), "InputError")
	if msg != "expected a number, got text" || stack != "" {
		t.Errorf("message %q stack %q", msg, stack)
	}
	a := post(t, ts.URL+"/v1/algo/test/BadInput", "text/plain", "x")
	if !bytes.Contains(a.body, []byte(`"stacktrace":""`)) || !bytes.Contains(a.body, []byte(`"stack_trace":""`)) {
		t.Errorf("empty stacks must still be sent under both names: %s", a.body)
	}
}

func TestCallPanic(t *testing.T) {
	t.Parallel()
	var logged syncBuffer
	_, ts, _ := newTest(t, func(c *Config) { c.Logger = slog.New(slog.NewTextHandler(&logged, nil)) })
	for i := 0; i < 3; i++ {
		a := post(t, ts.URL+"/v1/algo/test/Panic", "text/plain", "x")
		msg, stack := wantAlgorithmError(t, a, "AlgorithmError")
		id := a.header.Get("X-Request-Id")
		if msg != "test/Panic crashed; the server's log has the details under request id "+id {
			t.Errorf("message %q (request id %q)", msg, id)
		}
		// Neither the panic's text nor a Go frame reaches the caller.
		if stack != "" || strings.Contains(string(a.body), "nil map") || strings.Contains(string(a.body), ".go") {
			t.Errorf("the answer leaks the panic: %s", a.body)
		}
		if log := logged.String(); !strings.Contains(log, "request_id="+id) || !strings.Contains(log, "assignment to entry in nil map") || !strings.Contains(log, "goroutine ") {
			t.Errorf("the log lacks the panic, its stack or the request id %s:\n%s", id, log)
		}
	}
	// The server is still serving.
	if res, _ := result(t, post(t, ts.URL+"/v1/algo/test/Echo", "text/plain", "alive")); string(res) != `"alive"` {
		t.Errorf("after panics: %s", res)
	}
}

func TestCallTimeout(t *testing.T) {
	t.Parallel()
	_, ts, _ := newTest(t, nil)
	start := time.Now()
	msg, _ := wantAlgorithmError(t, post(t, ts.URL+"/v1/algo/test/Sleep?timeout=1", "text/plain", "x"), "AlgorithmError")
	if !strings.Contains(msg, "did not finish within 1s") {
		t.Errorf("message %q", msg)
	}
	if d := time.Since(start); d < time.Second || d > 5*time.Second {
		t.Errorf("timed out after %s, want about 1s", d)
	}
	// An algorithm that ignores its context still gets the caller an answer
	// when the timeout passes.
	start = time.Now()
	msg, _ = wantAlgorithmError(t, post(t, ts.URL+"/v1/algo/test/Stubborn?timeout=1", "text/plain", "x"), "AlgorithmError")
	if !strings.Contains(msg, "did not finish within 1s") {
		t.Errorf("message %q", msg)
	}
	if d := time.Since(start); d > 2500*time.Millisecond {
		t.Errorf("answered after %s: the server waited for the algorithm", d)
	}
}

// A call whose algorithm ignores its timeout is answered (and logged) once,
// when the timeout passes, while its slot stays taken until the algorithm
// really returns.
func TestCallOutlivingItsTimeout(t *testing.T) {
	t.Parallel()
	var logged syncBuffer
	s, ts, _ := newTest(t, func(c *Config) { c.Logger = slog.New(slog.NewTextHandler(&logged, nil)) })
	start := time.Now()
	a := post(t, ts.URL+"/v1/algo/test/Stubborn?timeout=1", "text/plain", "x")
	msg, _ := wantAlgorithmError(t, a, "AlgorithmError")
	if !strings.Contains(msg, "did not finish within 1s") || time.Since(start) > 2500*time.Millisecond {
		t.Fatalf("answered %q after %s", msg, time.Since(start))
	}
	if a.header.Get("Content-Length") != strconv.Itoa(len(a.body)) {
		t.Errorf("Content-Length %q for a body of %d bytes", a.header.Get("Content-Length"), len(a.body))
	}
	if busy, _ := s.adm.stats(); busy != 1 {
		t.Errorf("%d slots busy while the algorithm still runs, want 1", busy)
	}
	for deadline := time.Now().Add(10 * time.Second); !s.adm.idle(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the slot was not given back after the algorithm returned")
		}
	}
	if d := time.Since(start); d < 2900*time.Millisecond {
		t.Errorf("the slot was given back after %s, before the algorithm returned", d)
	}
	if n := strings.Count(logged.String(), "algo=test/Stubborn"); n != 1 {
		t.Errorf("the call was logged %d times, want once:\n%s", n, logged.String())
	}
	if !strings.Contains(logged.String(), "error_type=AlgorithmError") {
		t.Errorf("the log line lacks the timeout:\n%s", logged.String())
	}
}

func TestCallBodyLimit(t *testing.T) {
	t.Parallel()
	_, ts, _ := newTest(t, func(c *Config) { c.MaxBody = 1024 })
	big := strings.Repeat("x", 4096)

	// Content-Length over the limit: refused before reading.
	msg := wantPlatformError(t, post(t, ts.URL+"/v1/algo/test/Echo", "text/plain", big), http.StatusRequestEntityTooLarge, 0, "TooLargeError")
	if !strings.Contains(msg, "1 KiB") {
		t.Errorf("message %q does not state the limit", msg)
	}

	// Chunked (no length): cut off by the reader at the limit.
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/v1/algo/test/Echo", io.MultiReader(strings.NewReader(big)))
	req.Header.Set("Content-Type", "text/plain")
	if req.ContentLength != 0 || req.TransferEncoding != nil {
		t.Logf("length %d encoding %v", req.ContentLength, req.TransferEncoding)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	wantPlatformError(t, answer{status: resp.StatusCode, header: resp.Header, body: b}, http.StatusRequestEntityTooLarge, 0, "TooLargeError")
	if !resp.Close {
		t.Error("a chunked body over the limit left the connection open (the rest of it would be drained)")
	}

	// Exactly the limit is accepted, chunked or not.
	exact := strings.Repeat("y", 1024)
	if res, _ := result(t, post(t, ts.URL+"/v1/algo/test/Echo", "text/plain", exact)); len(jsonString(t, res)) != 1024 {
		t.Error("a body of exactly the limit was not echoed")
	}
	req, _ = http.NewRequest(http.MethodPost, ts.URL+"/v1/algo/test/Echo", io.MultiReader(strings.NewReader(exact)))
	req.Header.Set("Content-Type", "text/plain")
	if res, _ := result(t, do(t, req)); len(jsonString(t, res)) != 1024 {
		t.Error("a chunked body of exactly the limit was not echoed")
	}
}

func TestCallVoidAndDrain(t *testing.T) {
	t.Parallel()
	s, ts, st := newTest(t, nil)
	for i := 0; i < 3; i++ {
		a := post(t, ts.URL+"/v1/algo/test/Record?output=void", "text/plain", "x")
		if a.status != http.StatusOK {
			t.Fatalf("status %d: %s", a.status, a.body)
		}
		var async struct {
			Async     string `json:"async"`
			RequestID string `json:"request_id"`
		}
		if err := json.Unmarshal(a.body, &async); err != nil || async.Async != "void" || !strings.HasPrefix(async.RequestID, "req-") {
			t.Fatalf("async answer %s", a.body)
		}
		if len(a.json(t)) != 2 {
			t.Errorf("async answer has extra keys: %s", a.body)
		}
	}
	if n := st.recorded.Load(); n == 3 {
		t.Log("runs finished before Drain; the check below still holds")
	}
	// An unknown algorithm is reported now, not lost in the background.
	wantPlatformError(t, post(t, ts.URL+"/v1/algo/test/Nope?output=void", "text/plain", "x"), http.StatusNotFound, 1000, "EntityNotFoundError")

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.Drain(ctx); err != nil {
		t.Fatalf("Drain: %v", err)
	}
	if n := st.recorded.Load(); n != 3 {
		t.Errorf("after Drain %d background runs finished, want 3", n)
	}
	if a := get(t, ts.URL+"/readyz"); a.status != http.StatusServiceUnavailable {
		t.Errorf("readyz while draining: %d", a.status)
	}
	if a := get(t, ts.URL+"/healthz"); a.status != http.StatusOK {
		t.Errorf("healthz while draining: %d", a.status)
	}
	a := post(t, ts.URL+"/v1/algo/test/Record?output=void", "text/plain", "x")
	wantPlatformError(t, a, http.StatusServiceUnavailable, CodeShuttingDown, "UnsupportedError")
	if a.header.Get("Retry-After") == "" {
		t.Error("a refusal while draining carries no Retry-After")
	}
}

func TestDrainCancelsWhenGraceEnds(t *testing.T) {
	t.Parallel()
	s, ts, _ := newTest(t, nil)
	a := post(t, ts.URL+"/v1/algo/test/Sleep?output=void", "text/plain", "x")
	if a.status != http.StatusOK {
		t.Fatalf("status %d", a.status)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	err := s.Drain(ctx)
	if err == nil || !strings.Contains(err.Error(), "1 background run") {
		t.Fatalf("Drain = %v, want an error counting the cancelled run", err)
	}
	// The cancelled run ends promptly, so a second Drain succeeds.
	ctx2, cancel2 := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel2()
	if err := s.Drain(ctx2); err != nil {
		t.Errorf("second Drain: %v", err)
	}
}

func TestCallLogging(t *testing.T) {
	t.Parallel()
	var buf syncBuffer
	_, ts, _ := newTest(t, func(c *Config) {
		c.Keys = []string{"very-secret-key"}
		c.Logger = slog.New(slog.NewJSONHandler(&buf, nil))
	})
	post(t, ts.URL+"/v1/algo/test/Echo/1.*", "text/plain", "confidential body", "Authorization: Simple very-secret-key")
	post(t, ts.URL+"/v1/algo/test/BadInput", "application/json", `{"secret":"payload"}`, "Authorization: very-secret-key")
	// The line is written after the answer is sent: wait for it.
	deadline := time.Now().Add(3 * time.Second)
	for strings.Count(buf.String(), "\n") < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	out := buf.String()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("want one log line per call, got %d:\n%s", len(lines), out)
	}
	for _, secret := range []string{"very-secret-key", "confidential", "payload"} {
		if strings.Contains(out, secret) {
			t.Errorf("log contains %q:\n%s", secret, out)
		}
	}
	var rec map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &rec); err != nil {
		t.Fatal(err)
	}
	if rec["level"] != "INFO" || rec["algo"] != "test/Echo/1.*" || rec["version"] != "1.0.0" || rec["status"] != float64(200) || rec["duration"] == nil {
		t.Errorf("log line %v", rec)
	}
	if !strings.Contains(lines[1], `"error_type":"InputError"`) {
		t.Errorf("error call's line lacks its error_type: %s", lines[1])
	}
}

// A large upload over the default limit gets the 413 answer, not a broken
// connection, even though the server stops reading early.
func TestCallBodyLimitDefaultLargeUpload(t *testing.T) {
	t.Parallel()
	_, ts, _ := newTest(t, nil)
	body := bytes.Repeat([]byte("z"), DefaultMaxBody+1<<20)
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/v1/algo/test/Echo", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/octet-stream")
	msg := wantPlatformError(t, do(t, req), http.StatusRequestEntityTooLarge, 0, "TooLargeError")
	if !strings.Contains(msg, "10 MiB") {
		t.Errorf("message %q", msg)
	}
}
