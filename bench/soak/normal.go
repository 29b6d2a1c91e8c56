package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"sync"
	"time"
)

// normalCall is one kind of call a well-behaved client makes.
type normalCall struct {
	name, path, ctype string
	body              []byte
}

// normal is the well-behaved load: small calls to three algorithms, at a
// fixed rate, whose latency is what the attack must not ruin. (Callers of
// the algorithm a flood targets share its queue and its slots by design;
// these are the other users of the server: none of their algorithms is one
// the attack floods or bombs.)
type normal struct {
	url   string
	hc    *http.Client
	calls []normalCall
}

func newNormal(url string) *normal {
	var img bytes.Buffer
	m := image.NewRGBA(image.Rect(0, 0, 64, 64))
	for i := range m.Pix {
		m.Pix[i] = uint8(i * 7)
	}
	m.Set(1, 1, color.White)
	_ = png.Encode(&img, m)
	hash := fmt.Sprintf(`{"image": %q}`, base64.StdEncoding.EncodeToString(img.Bytes()))
	return &normal{
		url: url,
		hc:  &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}},
		calls: []normalCall{
			{"sentiment", "/v1/algo/nlp/SentimentAnalysis", "text/plain", []byte("what a great day")},
			{"language", "/v1/algo/nlp/LanguageDetection", "text/plain", []byte("Quel beau jour pour une promenade")},
			{"image", "/v1/algo/image/PerceptualHash", "application/json", []byte(hash)},
		},
	}
}

// warm makes each call once; each must succeed. It also starts the pool of
// jq worker processes util/Transform keeps (four calls at once, more than
// the attack runs at a time), so that the goroutines watching them count
// as there before the attack rather than as leaked by it.
func (n *normal) warm(ctx context.Context) error {
	for _, c := range n.calls {
		if status, kind := n.do(ctx, c); status != http.StatusOK || kind != "" {
			return fmt.Errorf("%s answered %d %s", c.name, status, kind)
		}
	}
	jq := normalCall{"jq", "/v1/algo/util/Transform", "application/json", []byte(`{"program": "[range(200000)] | length"}`)}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if status, kind := n.do(ctx, jq); status != http.StatusOK || kind != "" {
				errs <- fmt.Errorf("jq answered %d %s", status, kind)
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// phase is what the normal load measured over one stretch of time, and
// what the attack of that stretch (if any) met.
type phase struct {
	name      string
	d         time.Duration
	sent, ok  int
	failed    map[string]int // "status error_type" → count
	skipped   int            // ticks with 64 calls already in flight
	latencies []time.Duration
	hostile   map[string]map[string]int // attack kind → outcome → count

	// CPU spent over the phase: by the server's own process, by the
	// processes it started (jq and heavy-call workers), by this program (the normal
	// clients) and by the attackers' process.
	serverCPU, childrenCPU, soakCPU, attackersCPU time.Duration
}

// run sends rate calls per second for d, round robin over the kinds.
func (n *normal) run(ctx context.Context, rate int, d time.Duration) *phase {
	p := &phase{d: d, failed: map[string]int{}}
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	tick := time.NewTicker(time.Second / time.Duration(rate))
	defer tick.Stop()
	var mu sync.Mutex
	var wg sync.WaitGroup
	slots := make(chan struct{}, 64)
	for i := 0; ; i++ {
		select {
		case <-ctx.Done():
			wg.Wait()
			return p
		case <-tick.C:
		}
		select {
		case slots <- struct{}{}:
		default:
			p.skipped++
			continue
		}
		c := n.calls[i%len(n.calls)]
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			start := time.Now()
			status, kind := n.do(context.WithoutCancel(ctx), c)
			took := time.Since(start)
			mu.Lock()
			defer mu.Unlock()
			p.sent++
			if status == http.StatusOK && kind == "" {
				p.ok++
				p.latencies = append(p.latencies, took)
				return
			}
			p.failed[fmt.Sprintf("%s: %d %s", c.name, status, kind)]++
		}()
	}
}

// do makes one call and returns its status and error type ("" on success;
// "network" when there was no answer).
func (n *normal) do(ctx context.Context, c normalCall) (int, string) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.url+c.path, bytes.NewReader(c.body))
	if err != nil {
		return 0, "request"
	}
	req.Header.Set("Content-Type", c.ctype)
	resp, err := n.hc.Do(req)
	if err != nil {
		return 0, "network"
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, "network"
	}
	return resp.StatusCode, errorType(b)
}
