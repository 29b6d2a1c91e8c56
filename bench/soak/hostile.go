package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// tally counts outcomes by kind of attack: "status error_type", or what
// happened to the connection.
type tally struct {
	mu sync.Mutex
	n  map[string]map[string]int
}

func (t *tally) add(kind, outcome string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.n == nil {
		t.n = map[string]map[string]int{}
	}
	if t.n[kind] == nil {
		t.n[kind] = map[string]int{}
	}
	t.n[kind][outcome]++
}

// hostile is one attacker: one kind of request issue 8 found harmful, and
// its neighbours, sent back to back (a closed loop) over a bounded number
// of connections from an address of its own, as a client on another
// machine would. The normal load comes from 127.0.0.1; each attacker from
// 127.0.0.N (all of 127.0.0.0/8 is this machine).
type hostile struct {
	url    string
	hc     *http.Client
	dialer *net.Dialer
	png    string // a small PNG, base64
	tally  *tally
}

// attacks are the kinds of attack, by name, with how many connections each
// attacker keeps busy at once.
var attacks = []struct {
	name  string
	conns int
	run   func(*hostile, context.Context)
}{
	{"trickle", 100, (*hostile).trickle},
	{"big", 2, (*hostile).bigBodies},
	{"bombs", 2, (*hostile).bombs},
	{"flood", 16, (*hostile).flood},
	{"junk", 2, (*hostile).junk},
	{"disconnect", 2, (*hostile).disconnect},
	{"void", 1, (*hostile).voidBurst},
}

// attackKinds are the names of the attacks, in order.
func attackKinds() []string {
	out := make([]string, len(attacks))
	for i, a := range attacks {
		out[i] = a.name
	}
	return out
}

// attack runs the attackers named in which until ctx ends, each from its
// own loopback address, counting outcomes in t, then closes their
// connections.
func attack(ctx context.Context, url string, which map[string]bool, t *tally) {
	var img bytes.Buffer
	_ = png.Encode(&img, image.NewRGBA(image.Rect(0, 0, 64, 64)))
	small := base64.StdEncoding.EncodeToString(img.Bytes())
	var wg sync.WaitGroup
	for i, a := range attacks {
		if !which[a.name] {
			continue
		}
		d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(10+i))}}
		h := &hostile{
			url:    url,
			dialer: d,
			hc:     &http.Client{Timeout: 2 * time.Minute, Transport: &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: 64}},
			png:    small,
			tally:  t,
		}
		for range a.conns {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for ctx.Err() == nil {
					a.run(h, ctx)
				}
			}()
		}
		defer h.hc.CloseIdleConnections()
	}
	wg.Wait()
}

// trickle announces a body and sends it one byte every 2 s.
func (h *hostile) trickle(ctx context.Context) {
	conn, err := h.dialer.DialContext(ctx, "tcp", strings.TrimPrefix(h.url, "http://"))
	if err != nil {
		h.tally.add("trickle", "dial failed")
		sleep(ctx, time.Second)
		return
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	fmt.Fprintf(conn, "POST /v1/algo/nlp/SentimentAnalysis HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n")
	answer := make(chan string, 1)
	go func() {
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			answer <- "closed without an answer"
			return
		}
		resp.Body.Close()
		answer <- fmt.Sprint(resp.StatusCode)
	}()
	for range 1000 {
		select {
		case a := <-answer:
			h.tally.add("trickle", a)
			return
		case <-ctx.Done():
			return
		case <-time.After(2 * time.Second):
		}
		if _, err := conn.Write([]byte("x")); err != nil {
			h.tally.add("trickle", <-answer)
			return
		}
	}
}

// bigBody is what bigBodies sends, made once: the attacker's own cost is
// sending it, not building it.
var bigBody = bytes.Repeat([]byte("a"), 12<<20)

// bigBodies sends 12 MiB, with and without a Content-Length.
func (h *hostile) bigBodies(ctx context.Context) {
	big := bigBody
	h.post(ctx, "big body", "/v1/algo/nlp/SentimentAnalysis", "text/plain", bytes.NewReader(big))
	h.post(ctx, "big body", "/v1/algo/nlp/SentimentAnalysis", "text/plain", io.MultiReader(bytes.NewReader(big)))
}

// bombs are small requests that ask for a great deal of memory or time.
func (h *hostile) bombs(ctx context.Context) {
	deep := strings.Repeat("[", 1<<20) + strings.Repeat("]", 1<<20)
	for _, b := range []struct{ path, body string }{
		{"/v1/algo/util/Transform", `{"program": "[range(1e12)] | length"}`},
		{"/v1/algo/util/Transform", `{"program": "[limit(1e9; repeat(\"xxxxxxxxxxxxxxxx\"))] | length"}`},
		{"/v1/algo/util/Transform", `{"program": "def f: [., .] | f; 1 | f"}`},
		{"/v1/algo/util/Transform", `{"program": "reduce range(1e9) as $i (\"\"; . + \"xxxxxxxx\")"}`},
		{"/v1/algo/image/Transform", fmt.Sprintf(`{"image": %q, "op": "resize", "width": 3037000500}`, h.png)},
		{"/v1/algo/image/Transform", fmt.Sprintf(`{"image": %q, "op": "resize", "width": 65535, "height": 65535}`, h.png)},
		{"/v1/algo/image/Transform", fmt.Sprintf(`{"image": %q, "op": "resize", "width": 9223372036854775807}`, h.png)},
		{"/v1/algo/image/DominantColors", fmt.Sprintf(`{"image": %q, "k": 2147483648}`, h.png)},
		{"/v1/algo/util/QRCode", `{"text": "x", "size": 4294967296}`},
		{"/v1/algo/util/Transform", deep},
		{"/v1/algo/nlp/SentimentAnalysis", `"` + strings.Repeat("good ", 1<<20) + `"`},
	} {
		if ctx.Err() != nil {
			return
		}
		h.post(ctx, "memory bomb", b.path+"?timeout=30", "application/json", strings.NewReader(b.body))
	}
}

// flood is legitimate but heavy work, from more clients than the server runs
// at once: what admission control turns into 429s instead of a pile-up.
func (h *hostile) flood(ctx context.Context) {
	body := fmt.Sprintf(`{"image": %q, "op": "resize", "width": 700, "height": 700}`, h.png)
	h.post(ctx, "flood", "/v1/algo/image/Transform?output=raw", "application/json", strings.NewReader(body))
}

// junk is malformed in every way the server reads: parameters, types,
// charsets, paths, methods.
func (h *hostile) junk(ctx context.Context) {
	for _, j := range []struct{ method, path, ctype, body string }{
		{"POST", "/v1/algo/nlp/SentimentAnalysis?timeout=9223372037", "text/plain", "x"},
		{"POST", "/v1/algo/nlp/SentimentAnalysis?timeout=-1", "text/plain", "x"},
		{"POST", "/v1/algo/nlp/SentimentAnalysis?timeout=NaN", "text/plain", "x"},
		{"POST", "/v1/algo/nlp/SentimentAnalysis?timeout=1e400", "text/plain", "x"},
		{"POST", "/v1/algo/nlp/SentimentAnalysis", "text/plain; charset=klingon", "x"},
		{"POST", "/v1/algo/nlp/SentimentAnalysis", "image/gif", "x"},
		{"POST", "/v1/algo/no/Such", "text/plain", "x"},
		{"POST", "/v1/algo/util/Transform", "application/json", `{"program": `},
		{"GET", "/v1/algo/nlp/SentimentAnalysis", "", ""},
		{"POST", "/v1/algo/" + strings.Repeat("x", 10000) + "/y", "text/plain", "x"},
		{"POST", "/v1/algo/nlp/SentimentAnalysis/99.*", "text/plain", "x"},
	} {
		if ctx.Err() != nil {
			return
		}
		req, err := http.NewRequestWithContext(ctx, j.method, h.url+j.path, strings.NewReader(j.body))
		if err != nil {
			continue
		}
		if j.ctype != "" {
			req.Header.Set("Content-Type", j.ctype)
		}
		h.send("junk", req)
	}
}

// longSummary is 2,000 sentences: a summary of half a second, under the
// summarizer's limit of 5,000 sentences (a longer text is refused after
// the split, which would make this attack a different one).
var longSummary = strings.Repeat("The committee met on Tuesday. Everyone agreed the plan was sound. ", 1000)

// disconnect starts a call that takes a while and leaves after 30 ms.
func (h *hostile) disconnect(ctx context.Context) {
	cctx, cancel := context.WithTimeout(ctx, 30*time.Millisecond)
	defer cancel()
	text := longSummary
	req, _ := http.NewRequestWithContext(cctx, http.MethodPost, h.url+"/v1/algo/nlp/Summarize", strings.NewReader(text))
	req.Header.Set("Content-Type", "text/plain")
	resp, err := h.hc.Do(req)
	if err != nil {
		h.tally.add("disconnect", "left mid-call")
		return
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	h.tally.add("disconnect", fmt.Sprint(resp.StatusCode))
}

// voidBurst posts 300 output=void runs over 32 connections, every 10 s.
func (h *hostile) voidBurst(ctx context.Context) {
	body := fmt.Sprintf(`{"image": %q, "op": "resize", "width": 500}`, h.png)
	var wg sync.WaitGroup
	runs := make(chan struct{}, 300)
	for range cap(runs) {
		runs <- struct{}{}
	}
	close(runs)
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range runs {
				h.post(ctx, "void burst", "/v1/algo/image/Transform?output=void", "application/json", strings.NewReader(body))
			}
		}()
	}
	wg.Wait()
	sleep(ctx, 10*time.Second)
}

func (h *hostile) post(ctx context.Context, kind, path, ctype string, body io.Reader) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.url+path, body)
	if err != nil {
		return
	}
	req.Header.Set("Content-Type", ctype)
	h.send(kind, req)
}

func (h *hostile) send(kind string, req *http.Request) {
	resp, err := h.hc.Do(req)
	if err != nil {
		if req.Context().Err() == nil {
			h.tally.add(kind, "connection cut: "+netReason(err))
		}
		return
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	outcome := fmt.Sprint(resp.StatusCode)
	if t := errorType(b); t != "" {
		outcome += " " + t
	}
	h.tally.add(kind, outcome)
}

func netReason(err error) string {
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "closed"
	case strings.Contains(err.Error(), "reset by peer"):
		return "reset"
	case strings.Contains(err.Error(), "broken pipe"):
		return "broken pipe"
	}
	return "other"
}

// errorType is the error_type of an answer's error object, "" when none.
func errorType(body []byte) string {
	var e struct {
		Error *struct {
			Type string `json:"error_type"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &e) != nil || e.Error == nil {
		return ""
	}
	return e.Error.Type
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
