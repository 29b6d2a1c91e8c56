package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"pipette/catalog"
)

func TestHealthAndReadiness(t *testing.T) {
	t.Parallel()
	_, ts, _ := newTest(t, nil)
	for _, p := range []string{"/healthz", "/readyz"} {
		a := get(t, ts.URL+p)
		if a.status != http.StatusOK || a.header.Get("Content-Type") != "application/json" {
			t.Errorf("%s: %d %s", p, a.status, a.body)
		}
	}
}

func TestMetrics(t *testing.T) {
	t.Parallel()
	_, ts, _ := newTest(t, nil)
	post(t, ts.URL+"/v1/algo/test/Echo", "text/plain", "x")
	post(t, ts.URL+"/v1/algo/test/Echo/1.*", "text/plain", "x")
	post(t, ts.URL+"/v1/algo/test/Multi/1.2.*", "text/plain", "x")
	post(t, ts.URL+"/v1/algo/test/BadInput", "text/plain", "x")
	post(t, ts.URL+"/v1/algo/made/Up1", "text/plain", "x")
	post(t, ts.URL+"/v1/algo/made/Up2/1.0.0", "text/plain", "x")
	post(t, ts.URL+"/v1/algo/test/Echo", "image/png", "x") // refused before running, still a known algorithm
	post(t, ts.URL+"/v1/algo/made/Up3", "image/png", "x")

	a := get(t, ts.URL+"/metrics")
	if a.status != http.StatusOK {
		t.Fatalf("metrics: %d", a.status)
	}
	text := string(a.body)
	for _, want := range []string{
		`pipette_calls_total{algorithm="test/Echo"} 3`,
		`pipette_calls_total{algorithm="test/Multi"} 1`,
		`pipette_calls_total{algorithm="test/BadInput"} 1`,
		`pipette_calls_total{algorithm="(unknown)"} 3`,
		`pipette_call_errors_total{algorithm="test/BadInput",error_type="InputError"} 1`,
		`pipette_call_errors_total{algorithm="(unknown)",error_type="EntityNotFoundError"} 2`,
		`pipette_call_errors_total{algorithm="test/Echo",error_type="UnsupportedError"} 1`,
		`pipette_call_duration_seconds_count{algorithm="test/Echo"} 2`,
		`pipette_http_requests_total{code="200",route="POST /v1/algo/{owner}/{name}"}`,
		`pipette_http_requests_total{code="404",route="POST /v1/algo/{owner}/{name}/{version}"} 1`,
		`pipette_calls_in_flight 0`,
		`pipette_background_runs 0`,
		`go_goroutines`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	for _, leak := range []string{"1.*", "1.2.*", "made/Up"} {
		if strings.Contains(text, leak) {
			t.Errorf("metrics carry the unbounded label %q", leak)
		}
	}
}

// Two servers in one process each have their own metrics.
func TestMetricsPerServer(t *testing.T) {
	t.Parallel()
	_, ts1, _ := newTest(t, nil)
	_, ts2, _ := newTest(t, nil)
	post(t, ts1.URL+"/v1/algo/test/Echo", "text/plain", "x")
	if a := get(t, ts2.URL+"/metrics"); strings.Contains(string(a.body), `pipette_calls_total{algorithm="test/Echo"}`) {
		t.Error("a call on one server shows in another's metrics")
	}
}

// panickyRunner panics outside any recover of its own.
type panickyRunner struct{}

func (panickyRunner) Run(ctx context.Context, ref catalog.Ref, in catalog.Value) (catalog.Output, error) {
	panic("runner bug")
}

func TestRunnerPanicIsContained(t *testing.T) {
	t.Parallel()
	var logged syncBuffer
	s := New(Config{Source: testRegistry(nil), Runner: panickyRunner{}, Logger: slog.New(slog.NewTextHandler(&logged, nil))})
	u := newHTTPTest(t, s)
	a := post(t, u+"/v1/algo/test/Echo", "text/plain", "x")
	msg, stack := wantAlgorithmError(t, a, "AlgorithmError")
	id := a.header.Get("X-Request-Id")
	if !strings.Contains(msg, "crashed") || !strings.Contains(msg, id) || strings.Contains(msg, "runner bug") || stack != "" {
		t.Errorf("message %q stack %q (request id %q)", msg, stack, id)
	}
	if log := logged.String(); !strings.Contains(log, "runner bug") || !strings.Contains(log, "request_id="+id) || !strings.Contains(log, "panickyRunner") {
		t.Errorf("the log lacks the panic, its stack or the request id:\n%s", log)
	}
	resp, err := http.Get(u + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("healthz after a runner panic: %d", resp.StatusCode)
	}
}
