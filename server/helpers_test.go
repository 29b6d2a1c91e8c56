package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"pipette/algorithms"
	"pipette/catalog"
)

// testAlg builds a test algorithm entry.
func testAlg(ref, tagline string, tags []string, run algorithms.Func) algorithms.Algorithm {
	r := catalog.MustParseRef(ref)
	return algorithms.Algorithm{
		Entry: catalog.Entry{
			Ref: r, Label: r.Name, Tagline: tagline, Docs: "# " + r.Name, Tags: tags,
			InputKind: catalog.KindAny, OutputKind: catalog.KindAny, License: "mit",
			Versions: []catalog.VersionInfo{{Version: r.Version, ReleaseNotes: "release " + r.Version}},
			Samples:  []catalog.Sample{{Name: "hello", Input: catalog.Text("hello")}},
		},
		Run: run,
	}
}

// voidRuns counts finished runs of test/Record, for the output=void tests.
type testState struct {
	recorded     atomic.Int64
	slowStarted  chan struct{}
	slowDuration time.Duration
	gate         chan struct{} // test/Gate answers once it is closed
}

// testRegistry is the registry the contract tests call: one algorithm per
// behaviour the API has to handle.
func testRegistry(st *testState) *algorithms.Registry {
	reg := algorithms.NewRegistry("test")
	reg.Register(
		testAlg("test/Echo/1.0.0", "returns its input unchanged", []string{"test", "util"},
			func(ctx context.Context, in catalog.Value, _ io.Writer) (catalog.Value, error) { return in, nil }),
		testAlg("test/Logger/1.0.0", "logs a line to stdout", []string{"test"},
			func(ctx context.Context, in catalog.Value, w io.Writer) (catalog.Value, error) {
				fmt.Fprintln(w, "hello from the algorithm")
				if in.Text == "fail" {
					return catalog.Value{}, catalog.InputErrorf("asked to fail")
				}
				return catalog.Text("done"), nil
			}),
		testAlg("test/Sleep/1.0.0", "waits until cancelled", []string{"test", "slow"},
			func(ctx context.Context, in catalog.Value, _ io.Writer) (catalog.Value, error) {
				<-ctx.Done()
				return catalog.Value{}, ctx.Err()
			}),
		testAlg("test/Stubborn/1.0.0", "ignores its context for 3 s", []string{"test", "slow"},
			func(ctx context.Context, in catalog.Value, _ io.Writer) (catalog.Value, error) {
				time.Sleep(3 * time.Second)
				return catalog.Text("late"), nil
			}),
		testAlg("test/Slow/1.0.0", "answers after a short while", []string{"test", "slow"},
			func(ctx context.Context, in catalog.Value, _ io.Writer) (catalog.Value, error) {
				if st != nil && st.slowStarted != nil {
					select {
					case st.slowStarted <- struct{}{}:
					default:
					}
				}
				d := 300 * time.Millisecond
				if st != nil && st.slowDuration > 0 {
					d = st.slowDuration
				}
				select {
				case <-time.After(d):
					return catalog.Text("slow done"), nil
				case <-ctx.Done():
					return catalog.Value{}, ctx.Err()
				}
			}),
		testAlg("test/Gate/1.0.0", "answers when the test opens its gate", []string{"test"},
			func(ctx context.Context, in catalog.Value, _ io.Writer) (catalog.Value, error) {
				select {
				case <-st.gate:
					return catalog.Text("opened"), nil
				case <-ctx.Done():
					return catalog.Value{}, ctx.Err()
				}
			}),
		testAlg("test/Panic/1.0.0", "always crashes", []string{"test"},
			func(ctx context.Context, in catalog.Value, _ io.Writer) (catalog.Value, error) {
				var m map[string]int
				m["boom"]++ // a real runtime panic, not a string
				return catalog.Void(), nil
			}),
		testAlg("test/BadInput/1.0.0", "rejects every input", []string{"test"},
			func(ctx context.Context, in catalog.Value, _ io.Writer) (catalog.Value, error) {
				return catalog.Value{}, catalog.InputErrorf("expected a number, got %s", in.Kind)
			}),
		testAlg("test/Kinds/1.0.0", "returns a value of the kind named by its text input", []string{"test", "util"},
			func(ctx context.Context, in catalog.Value, _ io.Writer) (catalog.Value, error) {
				switch in.Text {
				case "text":
					return catalog.Text("héllo <world> & co"), nil
				case "json":
					return catalog.JSON(map[string]any{"a": []any{1, 2.5, "x<y"}, "b": nil}), nil
				case "binary":
					return catalog.Bytes([]byte{0, 1, 2, 0xff, 'A'}), nil
				case "void":
					return catalog.Void(), nil
				case "zero":
					return catalog.Value{}, nil
				case "badjson":
					return catalog.JSON(func() {}), nil
				}
				return catalog.Value{}, catalog.InputErrorf("send text, json, binary or void")
			}),
		testAlg("test/Record/1.0.0", "counts its runs", []string{"test"},
			func(ctx context.Context, in catalog.Value, _ io.Writer) (catalog.Value, error) {
				time.Sleep(50 * time.Millisecond)
				if st != nil {
					st.recorded.Add(1)
				}
				return catalog.Void(), nil
			}),
	)
	for _, v := range []string{"1.0.0", "1.2.0", "1.2.5", "2.0.0"} {
		reg.Register(testAlg("test/Multi/"+v, "returns its own version", []string{"test", "versions"},
			func(ctx context.Context, in catalog.Value, _ io.Writer) (catalog.Value, error) {
				return catalog.Text(v), nil
			}))
	}
	return reg
}

// newTest starts a server over the test registry; edit adjusts the config.
func newTest(t *testing.T, edit func(*Config)) (*Server, *httptest.Server, *testState) {
	t.Helper()
	st := &testState{gate: make(chan struct{})}
	reg := testRegistry(st)
	cfg := Config{Source: reg, Runner: reg}
	if edit != nil {
		edit(&cfg)
	}
	s := New(cfg)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts, st
}

// answer is a response read whole.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body into a generic map, failing the test when it is not
// a JSON object.
func (a answer) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(a.body, &m); err != nil {
		t.Fatalf("answer %d is not a JSON object: %v\n%s", a.status, err, a.body)
	}
	return m
}

func do(t *testing.T, req *http.Request) answer {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read answer: %v", err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: b}
}

// post calls an algorithm; headers are "Name: value" pairs.
func post(t *testing.T, url, contentType, body string, headers ...string) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	setHeaders(req, headers)
	return do(t, req)
}

func get(t *testing.T, url string, headers ...string) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	setHeaders(req, headers)
	return do(t, req)
}

func setHeaders(req *http.Request, headers []string) {
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
	}
}

// wantPlatformError checks a platform error answer: status, code, type, and
// the message repeated in X-Error-Message.
func wantPlatformError(t *testing.T, a answer, status, code int, errorType string) string {
	t.Helper()
	if a.status != status {
		t.Fatalf("status = %d, want %d; body %s", a.status, status, a.body)
	}
	if ct := a.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	var body struct {
		Error map[string]json.RawMessage `json:"error"`
	}
	if err := json.Unmarshal(a.body, &body); err != nil || body.Error == nil {
		t.Fatalf("no error object in %s", a.body)
	}
	var msg, typ string
	var gotCode int
	_ = json.Unmarshal(body.Error["message"], &msg)
	_ = json.Unmarshal(body.Error["error_type"], &typ)
	_ = json.Unmarshal(body.Error["code"], &gotCode)
	if gotCode != code {
		t.Errorf("code = %d, want %d (%s)", gotCode, code, a.body)
	}
	if code == 0 {
		if _, ok := body.Error["code"]; ok {
			t.Errorf("code sent although this error has none: %s", a.body)
		}
	}
	if typ != errorType {
		t.Errorf("error_type = %q, want %q", typ, errorType)
	}
	if _, ok := body.Error["stacktrace"]; ok {
		t.Errorf("platform error carries a stack: %s", a.body)
	}
	if msg == "" {
		t.Errorf("empty message")
	}
	if h := a.header.Get("X-Error-Message"); h != msg {
		t.Errorf("X-Error-Message = %q, want the body's message %q", h, msg)
	}
	return msg
}

// wantAlgorithmError checks an algorithm error answer (HTTP 200, both stack
// spellings, metadata.duration) and returns its message.
func wantAlgorithmError(t *testing.T, a answer, errorType string) (msg, stack string) {
	t.Helper()
	if a.status != http.StatusOK {
		t.Fatalf("status = %d, want 200 for an algorithm's error; body %s", a.status, a.body)
	}
	var body struct {
		Error    map[string]json.RawMessage `json:"error"`
		Metadata map[string]json.RawMessage `json:"metadata"`
		Result   json.RawMessage            `json:"result"`
	}
	if err := json.Unmarshal(a.body, &body); err != nil || body.Error == nil {
		t.Fatalf("no error object in %s", a.body)
	}
	if body.Result != nil {
		t.Errorf("an error answer carries a result: %s", a.body)
	}
	var typ, st1, st2 string
	_ = json.Unmarshal(body.Error["message"], &msg)
	_ = json.Unmarshal(body.Error["error_type"], &typ)
	for _, k := range []string{"stacktrace", "stack_trace"} {
		if _, ok := body.Error[k]; !ok {
			t.Errorf("%s missing from %s", k, a.body)
		}
	}
	_ = json.Unmarshal(body.Error["stacktrace"], &st1)
	_ = json.Unmarshal(body.Error["stack_trace"], &st2)
	if st1 != st2 {
		t.Errorf("stacktrace %q and stack_trace %q differ", st1, st2)
	}
	if typ != errorType {
		t.Errorf("error_type = %q, want %q (%s)", typ, errorType, a.body)
	}
	if _, ok := body.Metadata["duration"]; !ok {
		t.Errorf("metadata.duration missing: %s", a.body)
	}
	if msg == "" {
		t.Errorf("empty message")
	}
	return msg, st1
}

// result reads a success answer's result and metadata.
func result(t *testing.T, a answer) (raw json.RawMessage, md map[string]json.RawMessage) {
	t.Helper()
	if a.status != http.StatusOK {
		t.Fatalf("status = %d, want 200; body %s", a.status, a.body)
	}
	if ct := a.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	var body map[string]json.RawMessage
	if err := json.Unmarshal(a.body, &body); err != nil {
		t.Fatalf("answer is not JSON: %v\n%s", err, a.body)
	}
	if _, ok := body["error"]; ok {
		t.Fatalf("unexpected error answer: %s", a.body)
	}
	if len(body) != 2 {
		t.Errorf("answer has keys other than result and metadata: %s", a.body)
	}
	if err := json.Unmarshal(body["metadata"], &md); err != nil {
		t.Fatalf("metadata: %v in %s", err, a.body)
	}
	var d float64
	if err := json.Unmarshal(md["duration"], &d); err != nil || d < 0 {
		t.Errorf("metadata.duration %s is not a non-negative number", md["duration"])
	}
	return body["result"], md
}

func compactJSON(t *testing.T, s string) string {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(s)); err != nil {
		t.Fatalf("compact %q: %v", s, err)
	}
	return buf.String()
}

func jsonString(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatalf("%s is not a JSON string: %v", raw, err)
	}
	return s
}

// syncBuffer is a bytes.Buffer safe for a logger and a test to share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newHTTPTest serves h on a test server and returns its URL.
func newHTTPTest(t *testing.T, h http.Handler) string {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts.URL
}
