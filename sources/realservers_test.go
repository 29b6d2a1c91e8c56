package sources

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"pipette/algorithms/builtin"
	"pipette/catalog"
	"pipette/client"
	"pipette/internal/itest"
	"pipette/pipebuilder"
	"pipette/server"
)

// These tests run against the real servers it/build-servers builds:
// llama.cpp's llama-server (under CI) and Ollama (where it is built, or
// when PIPETTE_IT_OLLAMA=1 requires it), loaded with the tiny random-weight
// model of internal/itest. They skip where a server is not built (and fail
// under CI for llama-server). A server starts in a fraction of a second, and
// the tiny model generates thousands of tokens a second.

// realSource merges the server at url, as the source named name, into the
// built-ins and puts the whole behind a gateway (pipette serve).
func realSource(t *testing.T, name, kind, url string) (*Catalog, *Live, *httptest.Server) {
	t.Helper()
	reg := builtin.New()
	merged, err := Merge(context.Background(), reg, reg, []Spec{{Name: name, Kind: kind, URL: url}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	gw := httptest.NewServer(server.New(server.Config{Source: merged, Runner: merged, Sources: merged}))
	t.Cleanup(gw.Close)
	return merged, merged.Remote(name), gw
}

// streamTimes streams a call and returns its pieces with when each came.
func streamTimes(t *testing.T, st *client.Stream) ([]string, []time.Duration, *client.Response) {
	t.Helper()
	start := time.Now()
	var pieces []string
	var at []time.Duration
	for c := range st.Chunks() {
		pieces = append(pieces, c.Text)
		at = append(at, time.Since(start))
	}
	resp, err := st.Wait()
	if err != nil {
		t.Fatalf("stream: %v", err)
	}
	return pieces, at, resp
}

func TestLlamaServer(t *testing.T) {
	t.Parallel()
	ls := itest.LlamaServer(t, itest.LlamaOptions{})
	merged, live, gw := realSource(t, "llamacpp", KindOpenAI, ls.URL)
	ctx := context.Background()
	ref := catalog.ModelRef("llamacpp", ls.Model)

	// Listing: what llama-server says of its model.
	entries, err := merged.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var e catalog.Entry
	for _, x := range entries {
		if x.Ref == ref {
			e = x
		}
	}
	if e.Model == nil || e.Model.Kind != catalog.ModelChat || e.Model.Parameters == 0 || e.Model.Size == 0 || e.Model.ContextLength != int64(itest.DefaultTinyLlama.Context) {
		t.Fatalf("entry %+v, model %+v", e, e.Model)
	}
	if st := live.Status(); st.State != catalog.SourceUp || !strings.HasPrefix(st.Version, "llama.cpp ") || st.Models != 1 {
		t.Errorf("status %+v", st)
	}
	// Docs.
	e, err = merged.Get(ctx, ref)
	if err != nil || !strings.Contains(e.Docs, "llama-server serves `") || !strings.Contains(e.Docs, "pipette-tiny.gguf") {
		t.Errorf("docs: %v\n%s", err, e.Docs)
	}

	// A streamed call, in-process and through the gateway: the first piece
	// arrives before the last, and the timing is reported.
	in := map[string]any{"prompt": "Tell me about pipettes.", "options": map[string]any{"max_tokens": 48.0, "temperature": 0.0}}
	for name, cl := range map[string]*client.Client{"in-process": client.NewLocal(merged, merged), "gateway": client.New(gw.URL, "")} {
		pieces, at, resp := streamTimes(t, cl.AlgoRef(ref).Stream(ctx, in))
		if len(pieces) < 2 || at[0] >= at[len(at)-1] || strings.Join(pieces, "") != resp.Value.Text {
			t.Errorf("%s: %d pieces at %v, result %q", name, len(pieces), at, resp.Value.Text)
		}
		t.Logf("%s: %d pieces, first at %s, last at %s; generation %+v", name, len(pieces), at[0], at[len(at)-1], resp.Generation)
		if g := resp.Generation; g == nil || g.FirstToken <= 0 || g.Tokens == 0 || g.TokensPerSecond <= 0 {
			t.Errorf("%s: generation %+v", name, resp.Generation)
		}
	}

	// Many calls in a row: llama-server closes the connection after each
	// streamed answer though it says keep-alive; no call may fail for it.
	quick := catalog.JSON(map[string]any{"prompt": "hi", "options": map[string]any{"max_tokens": 2.0}})
	for i := range 30 {
		if _, err := merged.Run(ctx, ref, quick); err != nil {
			t.Fatalf("call %d in a row: %v", i+1, err)
		}
	}

	// The gateway answers the OIP API for the remote model too.
	body := `{"inputs":[{"name":"input","shape":[1],"datatype":"BYTES","data":["{\"prompt\":\"hi\",\"options\":{\"max_tokens\":4}}"],"parameters":{"content_type":"json"}}]}`
	r, err := http.Post(gw.URL+"/v2/models/llamacpp~"+ls.Model+"/infer", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != 200 || !strings.Contains(string(b), `"content_type":"str"`) {
		t.Errorf("OIP infer: %d %s", r.StatusCode, b)
	}

	// A chain: the model answers, a built-in scores the answer.
	c, err := pipebuilder.Parse("mixed.yaml", []byte(strings.ReplaceAll(mixedChain, "ollama/llama3.2:latest", ref.String())))
	if err != nil {
		t.Fatal(err)
	}
	tr, err := pipebuilder.Run(ctx, client.New(gw.URL, ""), c, catalog.Text("why is the sky blue?"), pipebuilder.Options{})
	if err != nil || len(tr.Steps) != 2 || tr.Steps[0].ContentType != "text" || tr.Steps[1].ContentType != "json" {
		t.Errorf("chain: %v, %+v", err, tr)
	}
}

// Closing a streamed call through the gateway makes llama-server cancel the
// generation (its log says "cancel task") and free the slot.
func TestLlamaServerCancel(t *testing.T) {
	t.Parallel()
	ls := itest.LlamaServer(t, itest.LlamaOptions{Parallel: 1})
	_, _, gw := realSource(t, "llamacpp", KindOpenAI, ls.URL)
	ref := catalog.ModelRef("llamacpp", ls.Model)
	st := client.New(gw.URL, "").AlgoRef(ref).Stream(context.Background(), map[string]any{
		"prompt": "Write a very long story.", "options": map[string]any{"max_tokens": 400.0, "temperature": 1.0, "seed": 7.0}})
	if _, err := st.Next(); err != nil {
		resp, werr := st.Wait()
		t.Fatalf("no first piece: %v (%+v, %v)", err, resp, werr)
	}
	st.Close()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(ls.Log(), "cancel task") && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(ls.Log(), "cancel task") {
		t.Fatalf("llama-server did not cancel the generation; its log:\n%s", ls.Log())
	}
	var slots []struct {
		IsProcessing bool `json:"is_processing"`
	}
	for time.Now().Before(deadline) {
		resp, err := http.Get(ls.URL + "/slots")
		if err == nil {
			json.NewDecoder(resp.Body).Decode(&slots)
			resp.Body.Close()
		}
		if len(slots) == 1 && !slots[0].IsProcessing {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Errorf("the slot is still processing: %+v", slots)
}

// A source whose server stops shows as down, with why; the built-ins go on;
// when the server is back, so is the source.
func TestLlamaServerDownAndBack(t *testing.T) {
	t.Parallel()
	ls := itest.LlamaServer(t, itest.LlamaOptions{})
	merged, live, _ := realSource(t, "llamacpp", KindOpenAI, ls.URL)
	live.retryMin, live.retryMax = 100*time.Millisecond, 200*time.Millisecond
	ctx := context.Background()
	if _, err := merged.List(ctx); err != nil || live.Status().State != catalog.SourceUp {
		t.Fatalf("before: %v %+v", err, live.Status())
	}
	ls.Stop()
	_, err := merged.Run(ctx, catalog.ModelRef("llamacpp", ls.Model), catalog.Text("hi"))
	if err == nil || !strings.Contains(err.Error(), "cannot reach openai at "+ls.URL) {
		t.Errorf("call to a stopped server: %v", err)
	}
	if st := live.Status(); st.State != catalog.SourceDown || st.Reason == "" {
		t.Errorf("status while stopped: %+v", st)
	}
	if out, err := merged.Run(ctx, catalog.MustParseRef("nlp/SentimentAnalysis"), catalog.Text("fine")); err != nil || out.Value.Kind != catalog.KindJSON {
		t.Errorf("a built-in while the source is down: %v", err)
	}
	ls.Start("/health")
	deadline := time.Now().Add(20 * time.Second)
	for live.Status().State != catalog.SourceUp && time.Now().Before(deadline) {
		merged.List(ctx)
		time.Sleep(50 * time.Millisecond)
	}
	if st := live.Status(); st.State != catalog.SourceUp {
		t.Fatalf("did not come back: %+v", st)
	}
	if _, err := merged.Run(ctx, catalog.ModelRef("llamacpp", ls.Model), catalog.JSON(map[string]any{"prompt": "hi", "options": map[string]any{"max_tokens": 4.0}})); err != nil {
		t.Errorf("call after coming back: %v", err)
	}
}

// An embedding model of llama-server: the vector has the model's width.
func TestLlamaServerEmbeddings(t *testing.T) {
	t.Parallel()
	ls := itest.LlamaServer(t, itest.LlamaOptions{Embeddings: true, Alias: "pipette-tiny-embed"})
	merged, _, _ := realSource(t, "llamacpp", KindOpenAI, ls.URL)
	out, err := merged.Run(context.Background(), catalog.ModelRef("llamacpp", ls.Model), catalog.JSON([]any{"one", "two"}))
	if err != nil {
		t.Fatal(err)
	}
	m := out.Value.JSON.(map[string]any)
	if m["dimensions"] != float64(itest.DefaultTinyLlama.Embed) || len(m["embeddings"].([]any)) != 2 {
		t.Errorf("embeddings: dimensions %v, %d vectors", m["dimensions"], len(m["embeddings"].([]any)))
	}
}

// Ollama: the listing and docs from /api/tags and /api/show, a streamed
// chat, cancel (Ollama's log says it aborted), down and back.
func TestOllama(t *testing.T) {
	t.Parallel()
	ol := itest.Ollama(t)
	merged, live, gw := realSource(t, "ollama", KindOllama, ol.URL)
	live.retryMin, live.retryMax = 100*time.Millisecond, 200*time.Millisecond
	ctx := context.Background()
	ref := catalog.ModelRef("ollama", ol.Model)

	e, err := merged.Get(ctx, ref)
	if err != nil {
		t.Fatal(err)
	}
	m := e.Model
	if m.Kind != catalog.ModelChat || m.Family != "llama" || m.Parameters == 0 || m.Size == 0 || m.ContextLength == 0 || m.Revision == "" {
		t.Errorf("model %+v", m)
	}
	for _, want := range []string{"## Template", "<|im_start|>", "## License", "MIT (random weights", "## Modelfile"} {
		if !strings.Contains(e.Docs, want) {
			t.Errorf("docs lack %q:\n%s", want, e.Docs)
		}
	}
	if st := live.Status(); st.State != catalog.SourceUp || st.Version == "" {
		if _, err := merged.List(ctx); err != nil || live.Status().State != catalog.SourceUp {
			t.Errorf("status %+v", live.Status())
		}
	}

	in := map[string]any{"system": "Be brief.", "prompt": "Tell me about pipettes.", "options": map[string]any{"max_tokens": 32.0, "temperature": 0.0}}
	pieces, at, resp := streamTimes(t, client.New(gw.URL, "").AlgoRef(ref).Stream(ctx, in))
	t.Logf("%d pieces, first at %s, last at %s; generation %+v", len(pieces), at[0], at[len(at)-1], resp.Generation)
	if len(pieces) < 2 || at[0] >= at[len(at)-1] || resp.Generation == nil || resp.Generation.Tokens == 0 {
		t.Errorf("stream: %d pieces, %+v", len(pieces), resp.Generation)
	}

	// The greedy answer to the prompt above ran to its token limit without an
	// end-of-text: asked for 400 tokens it runs for a while, and is cut.
	long := map[string]any{"system": "Be brief.", "prompt": "Tell me about pipettes.", "options": map[string]any{"max_tokens": 400.0, "temperature": 0.0}}
	st := client.New(gw.URL, "").AlgoRef(ref).Stream(ctx, long)
	if _, err := st.Next(); err != nil {
		t.Fatalf("no first piece: %v", err)
	}
	st.Close()
	// Ollama logs nothing when a client leaves mid-generation, but its
	// access log times each request: the closed one ended long before the
	// 400 tokens it asked for would have taken at the rate just measured.
	full := time.Duration(400 / resp.Generation.TokensPerSecond * float64(time.Second))
	deadline := time.Now().Add(full / 4)
	var took time.Duration
	for time.Now().Before(deadline) {
		if took = lastDuration(ol.Log(), "/api/generate"); took > 0 && strings.Count(ol.Log(), `POST     "/api/generate"`) >= 2 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if took <= 0 || took > full/4 {
		t.Errorf("the closed request ran %s; 400 tokens take about %s: Ollama did not stop generating", took, full)
	}
	t.Logf("the closed request ran %s (400 tokens take about %s)", took, full)

	// A conversation goes to /api/chat; a raw prompt (no template) and a
	// prompt with a suffix to /api/generate.
	chat := map[string]any{"messages": []any{map[string]any{"role": "user", "content": "Tell me about pipettes."}}, "options": map[string]any{"max_tokens": 8.0, "temperature": 0.0}}
	raw := map[string]any{"prompt": "<|im_start|>user\nTell me about pipettes.<|im_end|>\n<|im_start|>assistant\n", "raw": true, "options": map[string]any{"max_tokens": 8.0, "temperature": 0.0}}
	for name, in := range map[string]map[string]any{"chat": chat, "raw": raw} {
		out, err := merged.Run(ctx, ref, catalog.JSON(in))
		if err != nil || out.Value.Text == "" || out.Generation == nil || out.Generation.Tokens == 0 {
			t.Errorf("%s: %q, %+v, %v", name, out.Value.Text, out.Generation, err)
		}
	}
	if n := strings.Count(ol.Log(), `POST     "/api/chat"`); n != 1 {
		t.Errorf("%d calls of /api/chat in Ollama's log, want 1:\n%s", n, ol.Log())
	}
	fim := map[string]any{"prompt": "def gcd(a, b):", "suffix": "    return a", "options": map[string]any{"max_tokens": 8.0}}
	// The tiny model has no "insert" capability: Ollama refuses the suffix,
	// and its sentence reaches the caller as an input error.
	if _, err := merged.Run(ctx, ref, catalog.JSON(fim)); catalog.ErrorType(err) != catalog.InputError || !strings.Contains(err.Error(), "does not support insert") {
		t.Errorf("a prompt with a suffix to a model without the insert capability: %v", err)
	}

	ol.Stop()
	if _, err := merged.Run(ctx, ref, catalog.Text("hi")); err == nil || live.Status().State != catalog.SourceDown {
		t.Errorf("while stopped: %v, %+v", err, live.Status())
	}
	ol.Start("/api/version")
	deadline = time.Now().Add(30 * time.Second)
	for live.Status().State != catalog.SourceUp && time.Now().Before(deadline) {
		merged.List(ctx)
		time.Sleep(100 * time.Millisecond)
	}
	if st := live.Status(); st.State != catalog.SourceUp {
		t.Errorf("did not come back: %+v", st)
	}
}

// lastDuration is how long Ollama's access log says the last POST to path
// took ("[GIN] … | 200 |  281.68ms | 127.0.0.1 | POST "/api/generate"").
func lastDuration(log, path string) time.Duration {
	lines := strings.Split(log, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if !strings.Contains(lines[i], `"`+path+`"`) {
			continue
		}
		fields := strings.Split(lines[i], "|")
		if len(fields) < 3 {
			return 0
		}
		d, err := time.ParseDuration(strings.ReplaceAll(strings.TrimSpace(fields[2]), "µ", "u"))
		if err != nil {
			return 0
		}
		return d
	}
	return 0
}
