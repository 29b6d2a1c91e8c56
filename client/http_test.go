package client

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"pipette/catalog"
)

// fake serves one canned answer and records the request it got.
type fake struct {
	mu      sync.Mutex
	status  int
	header  map[string]string
	body    string
	gotReq  *http.Request
	gotBody string
}

func (f *fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.gotReq, f.gotBody = r, string(b)
	f.mu.Unlock()
	for k, v := range f.header {
		w.Header().Set(k, v)
	}
	if f.status == 0 {
		f.status = 200
	}
	w.WriteHeader(f.status)
	io.WriteString(w, f.body)
}

func serveFake(t *testing.T, f *fake) string {
	t.Helper()
	ts := httptest.NewServer(f)
	t.Cleanup(ts.Close)
	return ts.URL
}

func TestRemoteSuccess(t *testing.T) {
	t.Parallel()
	tests := []struct {
		body string
		want catalog.Value
	}{
		{`{"result":"Hello Neo","metadata":{"content_type":"text","duration":0.0002127}}`, catalog.Text("Hello Neo")},
		{`{"result":[2,2,2,3,3],"metadata":{"content_type":"json","duration":0.0359}}`, catalog.JSON([]any{2.0, 2.0, 2.0, 3.0, 3.0})},
		{`{"result":"AAAAAAAAAA==","metadata":{"content_type":"binary","duration":0.0198}}`, catalog.Bytes(make([]byte, 7))},
		{`{"result":null,"metadata":{"content_type":"void","duration":0.0198}}`, catalog.Void()},
		{`{"metadata":{"content_type":"void","duration":1}}`, catalog.Void()},
	}
	for _, tc := range tests {
		u := serveFake(t, &fake{body: tc.body, header: map[string]string{"Content-Type": "application/json"}})
		r, err := New(u, "").Algo("nlp/X").Pipe(context.Background(), "in")
		if err != nil {
			t.Fatalf("%s: %v", tc.body, err)
		}
		if !equalValues(r.Value, tc.want) || r.ContentType != string(tc.want.Kind) || !equalValues(catalog.ValueOf(r.Result), tc.want) && tc.want.Kind != catalog.KindVoid {
			t.Errorf("%s: got %#v", tc.body, r)
		}
		if r.Duration <= 0 {
			t.Errorf("%s: duration %v", tc.body, r.Duration)
		}
	}
}

func TestRemoteRequestShape(t *testing.T) {
	t.Parallel()
	f := &fake{body: `{"result":"ok","metadata":{"content_type":"text","duration":0.1,"stdout":"logged\n"}}`}
	u := serveFake(t, f)
	c := New(strings.TrimPrefix(u, "http://")+"/", "s3cret") // no scheme, trailing slash
	r, err := c.Algo("algo://nlp/X/1.2.*").WithTimeout(1500*time.Millisecond).WithStdout(true).Pipe(context.Background(), []byte{1, 2})
	if err != nil {
		t.Fatal(err)
	}
	if r.Stdout != "logged\n" {
		t.Errorf("stdout %q", r.Stdout)
	}
	req := f.gotReq
	if req.Method != "POST" || req.URL.Path != "/v1/algo/nlp/X/1.2.*" {
		t.Errorf("request %s %s", req.Method, req.URL.Path)
	}
	if q := req.URL.Query(); q.Get("timeout") != "2" || q.Get("stdout") != "true" {
		t.Errorf("query %v: timeout must round up to whole seconds", q)
	}
	if req.Header.Get("Authorization") != "Simple s3cret" || req.Header.Get("Content-Type") != "application/octet-stream" || f.gotBody != "\x01\x02" {
		t.Errorf("headers %v body %q", req.Header, f.gotBody)
	}
	// Without stdout asked for, nothing is sent for it, and no key means no header.
	f2 := &fake{body: `{"result":{"a":1},"metadata":{"content_type":"json","duration":0.1}}`}
	if _, err := New(serveFake(t, f2), "").Algo("nlp/X").Pipe(context.Background(), map[string]int{"n": 1}); err != nil {
		t.Fatal(err)
	}
	if f2.gotReq.URL.RawQuery != "" || f2.gotReq.Header.Get("Authorization") != "" || f2.gotReq.Header.Get("Content-Type") != "application/json" || f2.gotBody != `{"n":1}` {
		t.Errorf("request %v %v %q", f2.gotReq.URL, f2.gotReq.Header, f2.gotBody)
	}
}

func TestRemoteErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		f    *fake
		want catalog.Error
	}{
		{"algorithm error", &fake{body: `{"error":{"message":"expected a number","error_type":"InputError","stacktrace":"at x (x.go:1)","stack_trace":"at x (x.go:1)"},"metadata":{"duration":0.001}}`},
			catalog.Error{Type: "InputError", Message: "expected a number", Stack: "at x (x.go:1)"}},
		{"only stack_trace", &fake{body: `{"error":{"message":"m","error_type":"AlgorithmError","stack_trace":"trace"}}`},
			catalog.Error{Type: "AlgorithmError", Message: "m", Stack: "trace"}},
		{"no error_type", &fake{body: `{"error":{"message":"m"}}`},
			catalog.Error{Type: "AlgorithmError", Message: "m"}},
		{"platform not found", &fake{status: 404, header: map[string]string{"X-Error-Message": "algorithm algo://nlp/Nope not found"},
			body: `{"error":{"message":"algorithm algo://nlp/Nope not found","code":1000,"error_type":"EntityNotFoundError"}}`},
			catalog.Error{Type: "EntityNotFoundError", Message: "algorithm algo://nlp/Nope not found", Status: 404, Code: 1000}},
		{"platform key", &fake{status: 401, body: `{"error":{"message":"unknown or invalid API key","code":2002}}`},
			catalog.Error{Type: "AlgorithmError", Message: "unknown or invalid API key", Status: 401, Code: 2002}},
		{"header only", &fake{status: 503, header: map[string]string{"X-Error-Message": "overloaded, retry"}, body: "<html>busy</html>"},
			catalog.Error{Type: "AlgorithmError", Message: "overloaded, retry", Status: 503}},
		{"nothing but a status", &fake{status: 413, body: "too big"},
			catalog.Error{Type: "TooLargeError", Message: "the server answered 413 Request Entity Too Large", Status: 413}},
		{"404 without body", &fake{status: 404},
			catalog.Error{Type: "EntityNotFoundError", Message: "the server answered 404 Not Found", Status: 404}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(serveFake(t, tc.f), "").Algo("nlp/Nope").Pipe(context.Background(), "x")
			var ce *catalog.Error
			if !errors.As(err, &ce) {
				t.Fatalf("err = %#v, want *catalog.Error", err)
			}
			if *ce != tc.want {
				t.Errorf("got  %+v\nwant %+v", *ce, tc.want)
			}
		})
	}
}

func TestRemoteNotTheAPI(t *testing.T) {
	t.Parallel()
	for _, f := range []*fake{
		{body: "<html>a web page</html>"},
		{body: `{"result":"x"}`}, // no metadata
		{body: `{"result":"x","metadata":{"content_type":"weird","duration":0}}`},
		{body: `{"result":"***","metadata":{"content_type":"binary","duration":0}}`},
	} {
		_, err := New(serveFake(t, f), "").Algo("nlp/X").Pipe(context.Background(), "x")
		if err == nil {
			t.Errorf("%s: no error", f.body)
			continue
		}
		var ce *catalog.Error
		if errors.As(err, &ce) {
			t.Errorf("%s: %v is reported as the algorithm's error", f.body, err)
		}
		if strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "nlp/X") {
			t.Errorf("%s: error %q is not one sentence naming the call", f.body, err)
		}
	}
}

func TestRemoteUnreachable(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	c := New(addr, "")
	_, err = c.Algo("nlp/X").Pipe(context.Background(), "x")
	var se *ServerError
	if !errors.As(err, &se) {
		t.Fatalf("err = %#v, want *ServerError", err)
	}
	want := "cannot reach the server at http://" + addr + ": is `pipette serve` running there?"
	if err.Error() != want {
		t.Errorf("err = %q, want %q", err, want)
	}
	if se.Unwrap() == nil {
		t.Error("ServerError hides its cause")
	}
	if _, err := c.Source().List(context.Background()); !errors.As(err, &se) {
		t.Errorf("List on an unreachable server: %v", err)
	}
}

func TestRemoteContextCancelled(t *testing.T) {
	t.Parallel()
	block := make(chan struct{})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	}))
	defer ts.Close()
	defer close(block)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := New(ts.URL, "").Algo("nlp/X").Pipe(ctx, "x")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want the context's deadline", err)
	}
}

func TestBadRefIsAnInputError(t *testing.T) {
	t.Parallel()
	_, err := New("http://127.0.0.1:1", "").Algo("not a ref").Pipe(context.Background(), "x")
	var ce *catalog.Error
	if !errors.As(err, &ce) || ce.Type != catalog.InputError || !strings.Contains(ce.Message, "not owner/name") {
		t.Errorf("err = %v", err)
	}
}

func TestRemoteSourcePaging(t *testing.T) {
	t.Parallel()
	var calls []string
	var mu sync.Mutex
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls = append(calls, r.URL.RequestURI())
		mu.Unlock()
		obj := func(name string) string {
			return `{"name":"` + name + `","owner":"o","resource_type":"algorithm","details":{},"settings":{},"version_info":{"semantic_version":"1.0.0"},"tags":[],"input_kind":"text","output_kind":"text","samples":[],"self_link":""}`
		}
		switch r.URL.Query().Get("marker") {
		case "":
			io.WriteString(w, `{"marker":"m2","next_link":"x","results":[`+obj("A")+`,`+obj("B")+`]}`)
		case "m2":
			io.WriteString(w, `{"marker":null,"next_link":null,"results":[`+obj("C")+`]}`)
		default:
			w.WriteHeader(400)
		}
	}))
	defer ts.Close()
	got, err := New(ts.URL, "").Source().List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range got {
		names = append(names, e.Ref.String())
	}
	if strings.Join(names, ",") != "o/A/1.0.0,o/B/1.0.0,o/C/1.0.0" {
		t.Errorf("entries %v", names)
	}
	if len(calls) != 2 || calls[1] != "/v1/algorithms?limit=1000&marker=m2" {
		t.Errorf("requests %v", calls)
	}
}
