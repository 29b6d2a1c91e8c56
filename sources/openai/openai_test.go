package openai

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"pipette/catalog"
	"pipette/internal/replay"
)

func newFixtureServer(t *testing.T, routes map[string]string) *replay.Server {
	t.Helper()
	f := replay.New(t, "testdata", routes)
	f.NotFound = func(w http.ResponseWriter, r *http.Request) { // as llama-server answers
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"error":{"message":"File Not Found","type":"not_found_error","code":404}}`)
	}
	return f
}

func open(t *testing.T, url string) *Source {
	t.Helper()
	s, err := New("srv", url, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestListOpenAI(t *testing.T) {
	t.Parallel()
	f := newFixtureServer(t, map[string]string{"GET /v1/models": "models.json"})
	for _, base := range []string{f.URL, f.URL + "/v1", f.URL + "/v1/"} {
		entries, err := open(t, base).List(context.Background())
		if err != nil {
			t.Fatalf("%s: %v", base, err)
		}
		if len(entries) != 3 || entries[0].Ref.String() != "srv/model-id-0" || entries[0].Model.Kind != catalog.ModelChat {
			t.Errorf("%s: %+v", base, entries)
		}
	}
}

func TestNullData(t *testing.T) {
	t.Parallel()
	f := newFixtureServer(t, map[string]string{"GET /v1/models": "null_data.json"})
	entries, err := open(t, f.URL).List(context.Background())
	if err != nil || len(entries) != 0 {
		t.Errorf("List = %v, %v", entries, err)
	}
}

func TestListLlamaServer(t *testing.T) {
	t.Parallel()
	f := newFixtureServer(t, map[string]string{"GET /v1/models": "llama_models.json", "GET /props": "llama_props.json"})
	s := open(t, f.URL)
	v, err := s.Probe(context.Background())
	if err != nil || v != "llama.cpp b(build number)-(build commit hash)" {
		t.Errorf("Probe = %q, %v", v, err)
	}
	id := "../models/Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf"
	e, err := s.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if e.Ref.String() != "srv/..~models~Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf" {
		t.Errorf("ref %s", e.Ref)
	}
	m := e.Model
	// The context is what the server serves (/props), not what the model was trained on.
	if m.Parameters != 8030261312 || m.Size != 4912898304 || m.ContextLength != 1024 || m.Kind != catalog.ModelChat || m.Pricing == nil {
		t.Errorf("model %+v", m)
	}
	for _, want := range []string{"| parameters | 8.0B |", "| context | 1024 tokens |", "| size | 4.9 GB |", "llama-server serves `../models/Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf`", "## Chat template"} {
		if !strings.Contains(e.Docs, want) {
			t.Errorf("docs lack %q:\n%s", want, e.Docs)
		}
	}
}

func TestListLMStudio(t *testing.T) {
	t.Parallel()
	f := newFixtureServer(t, map[string]string{"GET /v1/models": "lmstudio_models.json", "GET /api/v0/models": "lmstudio_v0_models.json"})
	entries, err := open(t, f.URL+"/v1").List(context.Background())
	if err != nil || len(entries) != 3 {
		t.Fatalf("List = %v, %v", entries, err)
	}
	got := map[string]string{}
	for _, e := range entries {
		m := e.Model
		got[m.ID] = fmt.Sprintf("%s %s %s %d %v", m.Kind, m.Family, m.Quantization, m.ContextLength, m.Capabilities)
	}
	want := map[string]string{
		"qwen2-vl-7b-instruct":                 "chat qwen2_vl 4bit 32768 [vision]",
		"meta-llama-3.1-8b-instruct":           "chat llama Q4_K_M 131072 []",
		"text-embedding-nomic-embed-text-v1.5": "embedding nomic-bert Q4_0 2048 []",
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s: %q, want %q", id, got[id], w)
		}
	}
}

func TestListOpenRouter(t *testing.T) {
	t.Parallel()
	f := newFixtureServer(t, map[string]string{"GET /api/v1/models": "openrouter_models.json"})
	s := open(t, f.URL+"/api/v1")
	if s.root != nil {
		t.Fatal("a base under /api/v1 has no root endpoints to ask")
	}
	e, err := s.Get(context.Background(), "google/gemini-2.5-pro-preview")
	if err != nil {
		t.Fatal(err)
	}
	m := e.Model
	if e.Ref.String() != "srv/google~gemini-2.5-pro-preview" || e.Label != "Google: Gemini 2.5 Pro Preview" ||
		m.ContextLength != 1048576 || m.Pricing.Prompt != 0.00000125 || m.Pricing.Completion != 0.00001 ||
		strings.Join(m.Modalities, ",") != "text+image+file->text" {
		t.Errorf("entry %+v model %+v", e, m)
	}
	if !strings.HasSuffix(e.Tagline, ": Gemini 2.5 Pro is Google's state-of-the-art AI model designed for advanced reasoning.") {
		t.Errorf("tagline %q", e.Tagline)
	}
	for _, want := range []string{"Gemini 2.5 Pro is Google's", "$1.25/M input tokens, $10/M output tokens, $0.00516 an image", "Supported parameters: max_tokens"} {
		if !strings.Contains(e.Docs, want) {
			t.Errorf("docs lack %q:\n%s", want, e.Docs)
		}
	}
}

func TestChatStream(t *testing.T) {
	t.Parallel()
	f := newFixtureServer(t, map[string]string{"POST /v1/chat/completions": "chat.sse"})
	s := open(t, f.URL)
	e := catalog.Entry{Ref: catalog.ModelRef("srv", "gpt-4o-mini"), Model: &catalog.Model{ID: "gpt-4o-mini", Kind: catalog.ModelChat}}
	var pieces []string
	out, err := s.Stream(context.Background(), e, catalog.JSON(map[string]any{
		"prompt": "Hello!", "system": "Be kind.", "options": map[string]any{"max_tokens": float64(7), "seed": float64(3), "top_p": 0.5},
	}), func(c catalog.Chunk) error { pieces = append(pieces, c.Text); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if out.Value.Text != "Hello" || strings.Join(pieces, "|") != "Hello" || out.Generation.FinishReason != "stop" || out.Generation.Tokens != 1 {
		t.Errorf("out %+v gen %+v pieces %q", out.Value, out.Generation, pieces)
	}
	got, _ := json.Marshal(f.Last("/v1/chat/completions"))
	want := `{"max_tokens":7,"messages":[{"content":"Be kind.","role":"system"},{"content":"Hello!","role":"user"}],"model":"gpt-4o-mini","seed":3,"stream":true,"stream_options":{"include_usage":true},"top_p":0.5}`
	if string(got) != want {
		t.Errorf("request\n%s\nwant\n%s", got, want)
	}
}

func TestCompletionStream(t *testing.T) {
	t.Parallel()
	f := newFixtureServer(t, map[string]string{"POST /v1/completions": "completions.sse"})
	e := catalog.Entry{Ref: catalog.ModelRef("srv", "gpt-3.5-turbo-instruct"), Model: &catalog.Model{ID: "gpt-3.5-turbo-instruct", Kind: catalog.ModelCompletion}}
	out, err := open(t, f.URL).Stream(context.Background(), e, catalog.Text("Say this is a test"), nil)
	if err != nil || out.Value.Text != "This" {
		t.Fatalf("out %+v, %v", out, err)
	}
	if p := f.Last("/v1/completions")["prompt"]; p != "Say this is a test" {
		t.Errorf("prompt sent %v", p)
	}
}

func TestEmbeddings(t *testing.T) {
	t.Parallel()
	f := newFixtureServer(t, map[string]string{"POST /v1/embeddings": "embeddings.json"})
	e := catalog.Entry{Ref: catalog.ModelRef("srv", "text-embedding-ada-002"), Model: &catalog.Model{ID: "text-embedding-ada-002", Kind: catalog.ModelEmbedding}}
	out, err := open(t, f.URL).Stream(context.Background(), e, catalog.Text("The food was delicious and the waiter..."), nil)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(out.Value.JSON)
	if string(got) != `{"dimensions":2,"embedding":[0.0023064255,-0.009327292]}` {
		t.Errorf("result %s", got)
	}
}

func TestErrorsAndHostileAnswers(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v1/models":
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"error":{"message":"Incorrect API key provided","type":"invalid_request_error"}}`)
		case "/v1/chat/completions":
			w.Header().Set("Content-Type", "text/event-stream")
			switch r.Header.Get("X-Test") {
			case "long-line":
				io.WriteString(w, "data: "+strings.Repeat("x", 9<<20))
			default: // a model that never stops: 64 KiB pieces, forever
				piece, _ := json.Marshal(map[string]any{"choices": []any{map[string]any{"delta": map[string]any{"content": strings.Repeat("y", 64<<10)}}}})
				for r.Context().Err() == nil {
					if _, err := fmt.Fprintf(w, "data: %s\n\n", piece); err != nil {
						return
					}
				}
			}
		}
	}))
	defer srv.Close()
	s := open(t, srv.URL)
	_, err := s.List(context.Background())
	if catalog.ErrorType(err) != catalog.ThirdPartyCredentialError || !strings.Contains(err.Error(), "Incorrect API key provided") {
		t.Errorf("List = %v", err)
	}
	e := catalog.Entry{Ref: catalog.ModelRef("srv", "m"), Model: &catalog.Model{ID: "m", Kind: catalog.ModelChat}}
	_, err = s.Stream(context.Background(), e, catalog.Text("hi"), nil)
	if catalog.ErrorType(err) != catalog.TooLargeError || !strings.Contains(err.Error(), "passed 16 MiB") {
		t.Errorf("endless stream: %v", err)
	}
	hc := &http.Client{Transport: headerTransport{"X-Test", "long-line"}}
	s2, _ := New("srv", srv.URL, "", hc)
	_, err = s2.Stream(context.Background(), e, catalog.Text("hi"), nil)
	if err == nil || !strings.Contains(err.Error(), "a line longer than 8 MiB") {
		t.Errorf("long line: %v", err)
	}
}

type headerTransport struct{ k, v string }

func (h headerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set(h.k, h.v)
	return http.DefaultTransport.RoundTrip(r)
}
