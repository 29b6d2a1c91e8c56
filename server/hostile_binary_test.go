package server

import (
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"pipette/bench/harness"
	"pipette/internal/testenv"
)

func TestMain(m *testing.M) {
	code := m.Run()
	testenv.RemoveBinary()
	os.Exit(code)
}

// The real binary, `pipette serve` on a loopback port under a 512 MiB
// GOMEMLIMIT, through every hostile request of the server and the
// algorithms' size bombs, trickled bodies and a burst of void runs: each
// gets its error, /healthz answers throughout, resident memory stays under
// the budget, no goroutine is left behind, and SIGTERM ends it cleanly.
func TestHostileBinary(t *testing.T) {
	testenv.Slow(t) // builds the binary and runs the algorithms
	bin := testenv.PipetteBinary(t)
	const budget = 512 << 20
	srv, err := harness.Start(bin, []string{fmt.Sprintf("GOMEMLIMIT=%dB", budget)}, "serve", "--addr", "127.0.0.1:0",
		"--max-body", "4194304", "--body-grace", "1s", "--body-min-rate", "1000", "--max-concurrent", "4", "--queue", "16")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop(10 * time.Second)
	hc := &http.Client{Timeout: time.Minute}
	// jq runs in a pool of worker processes, each watched by goroutines that live as long as the
	// worker; start the pool with a harmless program so that it is counted in the baseline
	// rather than as a leak.
	if a := post(t, srv.URL+"/v1/algo/util/Transform", "application/json", `{"program": ".a", "input": {"a": 1}}`); a.status != http.StatusOK || !strings.Contains(string(a.body), `"result":1`) {
		t.Fatalf("a harmless jq program: %d %s", a.status, a.body)
	}
	// Heavy image calls run in a pool of their own: start it too, with a small resize.
	png := "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
	if a := post(t, srv.URL+"/v1/algo/image/Transform", "application/json", `{"image": "`+png+`", "op": "resize", "width": 2}`); a.status != http.StatusOK {
		t.Fatalf("a small resize: %d %s", a.status, a.body)
	}
	time.Sleep(time.Second)
	before := goroutinesOf(t, srv.URL)

	reqs := append(serverHostileRequests("/v1/algo/nlp/SentimentAnalysis", 4<<20),
		hostileRequest{"a resize to 3037000500 wide", "POST", "/v1/algo/image/Transform", "application/json",
			text(`{"image": "` + png + `", "op": "resize", "width": 3037000500}`), 200, "TooLargeError"},
		hostileRequest{"a resize to 2^63 wide", "POST", "/v1/algo/image/Transform", "application/json",
			text(`{"image": "` + png + `", "op": "resize", "width": 9223372036854775807}`), 200, "InputError|TooLargeError"},
		hostileRequest{"jq building a list of 1e12", "POST", "/v1/algo/util/Transform?timeout=60", "application/json",
			text(`{"program": "[range(1e12)] | length"}`), 200, "OutOfMemoryError|TooLargeError"},
		hostileRequest{"3 MiB of text to score", "POST", "/v1/algo/nlp/SentimentAnalysis", "text/plain",
			text(strings.Repeat("good ", 3<<20/5)), 200, "InputError"},
	)
	for _, h := range reqs {
		sendHostile(t, hc, srv.URL, h)
	}

	// Trickled bodies are cut, many at once.
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if status, held := trickle(t, strings.TrimPrefix(srv.URL, "http://"), "/v1/algo/nlp/SentimentAnalysis", 100, 500*time.Millisecond); status != http.StatusRequestTimeout || held > 10*time.Second {
				t.Errorf("a trickled body got %d after %s, want 408 within 10 s", status, held)
			}
		}()
	}
	// A burst of void runs is admitted up to the queue and refused past it.
	outcomes := map[int]int{}
	var mu sync.Mutex
	for range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a := post(t, srv.URL+"/v1/algo/nlp/Summarize?output=void", "text/plain", strings.Repeat("The plan was sound. Everyone agreed. ", 200))
			mu.Lock()
			outcomes[a.status]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if outcomes[http.StatusOK] == 0 || outcomes[http.StatusTooManyRequests] == 0 || outcomes[http.StatusOK]+outcomes[http.StatusTooManyRequests] != 100 {
		t.Errorf("100 void runs at once: %v, want some accepted, the rest 429", outcomes)
	}
	if a := get(t, srv.URL+"/healthz"); a.status != http.StatusOK {
		t.Errorf("healthz: %d", a.status)
	}
	if rss, err := harness.RSS(srv.Cmd.Process.Pid); err != nil || rss >= budget {
		t.Errorf("resident memory %d MiB, budget %d MiB (%v)", rss>>20, budget>>20, err)
	}
	deadline := time.Now().Add(30 * time.Second)
	hc.CloseIdleConnections()
	http.DefaultClient.CloseIdleConnections()
	for after := goroutinesOf(t, srv.URL); after > before; after = goroutinesOf(t, srv.URL) {
		if time.Now().After(deadline) {
			t.Errorf("%d goroutines before, %d 30 s after", before, after)
			break
		}
		time.Sleep(500 * time.Millisecond)
		http.DefaultClient.CloseIdleConnections()
	}
	if err := srv.Stop(30 * time.Second); err != nil {
		t.Errorf("SIGTERM: %v\n%s", err, srv.Logs.String())
	}
	if logs := srv.Logs.String(); !strings.Contains(logs, "msg=\"memory limit\" bytes=536870912") || strings.Contains(logs, "panic") {
		t.Errorf("logs:\n%s", logs)
	}
}

func goroutinesOf(t *testing.T, url string) int {
	t.Helper()
	a := get(t, url+"/metrics")
	for _, line := range strings.Split(string(a.body), "\n") {
		if rest, ok := strings.CutPrefix(line, "go_goroutines "); ok {
			var n int
			fmt.Sscan(rest, &n)
			return n
		}
	}
	t.Fatal("no go_goroutines in /metrics")
	return 0
}
