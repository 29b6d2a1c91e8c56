package bench

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"pipette/algorithms/builtin"
	"pipette/catalog"
	"pipette/client"
	"pipette/internal/itest"
	"pipette/server"
	"pipette/sources"
	"pipette/sources/llm"
)

// llamaGateway starts the real llama-server (it/build-servers) with the tiny
// model, and a pipette gateway (`pipette serve --source openai=…`) in front
// of it, both on loopback.
func llamaGateway(b *testing.B) (*itest.Server, *httptest.Server, catalog.Ref) {
	b.Helper()
	ls := itest.LlamaServer(b, itest.LlamaOptions{Parallel: 1})
	lastLog = ls
	reg := builtin.New()
	merged, err := sources.Merge(context.Background(), reg, reg, []sources.Spec{{Name: "llamacpp", Kind: sources.KindOpenAI, URL: ls.URL}}, nil)
	if err != nil {
		b.Fatal(err)
	}
	gw := httptest.NewServer(server.New(server.Config{Source: merged, Runner: merged}))
	b.Cleanup(gw.Close)
	return ls, gw, catalog.ModelRef("llamacpp", ls.Model)
}

var lastLog *itest.Server

// The same request both ways: 8 tokens, greedy, from the same prompt.
const (
	llamaPrompt = "Tell me about pipettes."
	llamaTokens = 8
)

// directChat calls llama-server's /v1/chat/completions streamed, as the
// gateway's source does, and reads to the end; it returns when the first
// piece of text arrived.
func directChat(b *testing.B, url string) time.Duration {
	body := fmt.Sprintf(`{"model":"pipette-tiny","stream":true,"max_tokens":%d,"temperature":0,"messages":[{"role":"user","content":%q}]}`, llamaTokens, llamaPrompt)
	start := time.Now()
	req, _ := http.NewRequest(http.MethodPost, url+"/v1/chat/completions", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header["X-Idempotency-Key"] = nil // as the source sends it: retried on a stale kept-alive connection
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatalf("%v\n%s", err, lastLog.Log())
	}
	defer resp.Body.Close()
	var first time.Duration
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Bytes()
		if first == 0 && bytes.HasPrefix(line, []byte("data: ")) && bytes.Contains(line, []byte(`"content":"`)) {
			first = time.Since(start)
		}
	}
	if resp.StatusCode != 200 || first == 0 {
		b.Fatalf("direct: %s, no piece of text", resp.Status)
	}
	return first
}

var llamaInput = map[string]any{"prompt": llamaPrompt, "options": map[string]any{"max_tokens": float64(llamaTokens), "temperature": 0.0}}

// interleaved runs each call once per iteration, in turn, timing each: on a
// shared, loaded machine the calls then see the same load, and their ratio
// means something even when the times alone drift. It reports each call's
// mean in ms and each one's ratio to the first.
func interleaved(b *testing.B, names []string, calls []func() time.Duration) {
	totals := make([]time.Duration, len(calls))
	for _, call := range calls {
		call() // warm: the listing, the connection, the model's cache
	}
	n := 0
	for b.Loop() {
		for i, call := range calls {
			totals[i] += call()
		}
		n++
	}
	for i, name := range names {
		b.ReportMetric(float64(totals[i].Microseconds())/1000/float64(n), name+"-ms")
		if i > 0 {
			b.ReportMetric(float64(totals[i])/float64(totals[0]), name+"/"+names[0])
		}
	}
}

func timed(f func()) func() time.Duration {
	return func() time.Duration {
		start := time.Now()
		f()
		return time.Since(start)
	}
}

// BenchmarkGateway is one 8-token chat of the tiny model, straight to
// llama-server and through `pipette serve` (the Algorithmia API over HTTP;
// the source streams from llama-server): the gateway's added latency as a
// ratio, measured in the same iterations.
func BenchmarkGateway(b *testing.B) {
	ls, gw, ref := llamaGateway(b)
	ctx := context.Background()
	c := client.New(gw.URL, "")
	interleaved(b, []string{"direct", "gateway"}, []func() time.Duration{
		timed(func() { directChat(b, ls.URL) }),
		timed(func() {
			if _, err := c.AlgoRef(ref).Pipe(ctx, llamaInput); err != nil {
				b.Fatal(err)
			}
		}),
	})
}

// BenchmarkFirstToken is the time to the first streamed piece of text,
// straight from llama-server's SSE and through `pipette serve`'s
// stream=true, in the same iterations.
func BenchmarkFirstToken(b *testing.B) {
	ls, gw, ref := llamaGateway(b)
	ctx := context.Background()
	c := client.New(gw.URL, "")
	interleaved(b, []string{"direct", "gateway"}, []func() time.Duration{
		func() time.Duration { return directChat(b, ls.URL) },
		func() time.Duration {
			start := time.Now()
			st := c.AlgoRef(ref).Stream(ctx, llamaInput)
			if _, err := st.Next(); err != nil {
				_, werr := st.Wait()
				b.Fatalf("no first piece: %v", werr)
			}
			d := time.Since(start)
			if _, err := st.Wait(); err != nil {
				b.Fatal(err)
			}
			return d
		},
	})
}

// hubEntries makes n entries shaped like the Hub's: owner/Name-size-variant
// ids, chat or embedding, parameter counts and downloads, as the hf source
// builds them.
func hubEntries(n int) []catalog.Entry {
	rng := rand.New(rand.NewPCG(7, uint64(n)))
	orgs := []string{"meta-llama", "mistralai", "Qwen", "google", "microsoft", "bartowski", "TheBloke", "unsloth", "sentence-transformers", "nomic-ai"}
	names := []string{"Llama", "Mistral", "Qwen2.5", "gemma", "Phi", "SmolLM", "DeepSeek-R1-Distill", "all-MiniLM", "nomic-embed-text", "bge"}
	variants := []string{"Instruct", "Chat", "GGUF", "AWQ", "it", "base", "v1.5", "Coder"}
	out := make([]catalog.Entry, n)
	for i := range out {
		id := fmt.Sprintf("%s/%s-%dB-%s-%d", orgs[rng.IntN(len(orgs))], names[rng.IntN(len(names))], 1+rng.IntN(70), variants[rng.IntN(len(variants))], i)
		kind := catalog.ModelChat
		if rng.IntN(5) == 0 {
			kind = catalog.ModelEmbedding
		}
		m := catalog.Model{ID: id, Kind: kind, Parameters: int64(1+rng.IntN(70)) * 1e9, Downloads: int64(rng.IntN(5_000_000)), Likes: int64(rng.IntN(5000)),
			Capabilities: []string{"text-generation"}}
		e := llm.NewEntry("hf", m, "")
		e.Tagline = fmt.Sprintf("%s, %s, %d downloads", kind, m.ParamsString(), m.Downloads) // as the hf source writes it
		out[i] = e
	}
	return out
}

// listed is a source whose server has answered with a fixed listing.
type listed struct{ entries []catalog.Entry }

func (l listed) Probe(context.Context) (string, error)              { return "", nil }
func (l listed) List(context.Context) ([]catalog.Entry, error)      { return l.entries, nil }
func (l listed) Get(context.Context, string) (catalog.Entry, error) { return catalog.Entry{}, io.EOF }
func (l listed) Stream(context.Context, catalog.Entry, catalog.Value, func(catalog.Chunk) error) (catalog.Output, error) {
	return catalog.Output{}, io.EOF
}

// BenchmarkCatalogMerge is the merged catalog with 100k Hub-sized entries
// from one source beside the built-ins: merging them (a fresh catalog), a
// listing while nothing changed (the merge reused), indexing, and a search
// as pasted (the best screenful ordered, as the TUI's list asks).
func BenchmarkCatalogMerge(b *testing.B) {
	ctx := context.Background()
	reg := builtin.New()
	live := sources.NewLive(sources.Spec{Name: "hf", Kind: sources.KindHF, URL: "https://huggingface.co"}, listed{hubEntries(100_000)})
	merged, err := sources.NewCatalog(ctx, reg, reg, live)
	if err != nil {
		b.Fatal(err)
	}
	all, err := merged.List(ctx)
	if err != nil || len(all) < 100_000 {
		b.Fatalf("%d entries, %v", len(all), err)
	}
	b.Run("100k/merge", func(b *testing.B) {
		for b.Loop() {
			fresh, err := sources.NewCatalog(ctx, reg, reg, live) // nothing merged yet
			if err != nil {
				b.Fatal(err)
			}
			if _, err := fresh.List(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("100k/list", func(b *testing.B) {
		for b.Loop() {
			if _, err := merged.List(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("100k/index", func(b *testing.B) {
		for b.Loop() {
			catalog.NewIndex(all)
		}
	})
	ix := catalog.NewIndex(all)
	for _, q := range []string{"llama instruct", "qwen"} {
		b.Run("100k/search/"+strings.ReplaceAll(q, " ", "-"), func(b *testing.B) {
			for b.Loop() {
				ix.SearchTop(q, screenful)
			}
		})
	}
}
