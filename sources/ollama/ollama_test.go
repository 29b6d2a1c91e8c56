package ollama

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"pipette/catalog"
	"pipette/internal/replay"
	"pipette/sources/ollama/ollamatest"
)

func newDocsServer(t *testing.T) *replay.Server { return ollamatest.Docs(t) }

func newSource(t *testing.T, url string) *Source {
	t.Helper()
	s, err := New("ollama", url, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestListFromDocs(t *testing.T) {
	t.Parallel()
	d := newDocsServer(t)
	s := newSource(t, d.URL)
	v, err := s.Probe(context.Background())
	if err != nil || v != "0.5.1" {
		t.Fatalf("Probe = %q, %v", v, err)
	}
	entries, err := s.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		t.Fatalf("%d entries", len(entries))
	}
	e := entries[1]
	if e.Ref.String() != "ollama/llama3.2:latest" || e.Source != "ollama" || e.Model == nil {
		t.Fatalf("entry %+v", e)
	}
	m := e.Model
	// /api/show's model_info wins over the listing's rounded parameter size.
	if m.ID != "llama3.2:latest" || m.Kind != catalog.ModelChat || m.Family != "llama" || m.Parameters != 8030261248 ||
		m.Quantization != "Q4_K_M" || m.ContextLength != 8192 || m.Size != 2019393189 || m.Revision != "a80c4f17acd5" ||
		strings.Join(m.Capabilities, ",") != "completion,vision" || m.Loaded {
		t.Errorf("model %+v", m)
	}
	if e.Tagline != "chat, 8.0B, Q4_K_M, 8K ctx, 2.0 GB" {
		t.Errorf("tagline %q", e.Tagline)
	}
	if e.InputKind != catalog.KindAny || e.OutputKind != catalog.KindText || len(e.Samples) == 0 {
		t.Errorf("kinds %s→%s, %d samples", e.InputKind, e.OutputKind, len(e.Samples))
	}
	// The listing asks /api/show about each model (capabilities, context).
	if n := len(d.Bodies("/api/show")); n != 2 {
		t.Errorf("%d /api/show requests, want 2", n)
	}
	// Details are cached by digest: a second listing asks no more.
	if _, err := s.List(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(d.Bodies("/api/show")); n != 2 {
		t.Errorf("%d /api/show requests after a second listing, want still 2", n)
	}
}

func TestGetDocsFromShow(t *testing.T) {
	t.Parallel()
	_, s, e := docsModel(t, "deepseek-r1:latest")
	for _, want := range []string{
		"# deepseek-r1:latest", "| family | qwen2 |", "| parameters | 8.0B |", "| context | 8192 tokens |",
		"## Parameters", "num_keep", "## Template", "<|start_header_id|>", "## Modelfile", "PARAMETER num_ctx 4096",
		"## Calling it",
	} {
		if !strings.Contains(e.Docs, want) {
			t.Errorf("docs lack %q:\n%s", want, e.Docs)
		}
	}
	if e, err := s.Get(context.Background(), "llama3.2"); err != nil || e.Model.ID != "llama3.2:latest" {
		t.Errorf("a name without its tag is :latest: %v, %+v", err, e.Model)
	}
	if _, err := s.Get(context.Background(), "nope:latest"); catalog.ErrorType(err) != catalog.EntityNotFoundError ||
		!strings.Contains(err.Error(), "ollama pull nope:latest") {
		t.Errorf("Get(unknown) = %v", err)
	}
}

// streamDocsAnswer streams in to the model e and checks that the docs'
// example answer arrived whole and piece by piece, as Ollama streams it.
// docsModel serves the docs' answers and returns the source over them and
// its entry for the model id.
func docsModel(t *testing.T, id string) (*replay.Server, *Source, catalog.Entry) {
	t.Helper()
	d := newDocsServer(t)
	s := newSource(t, d.URL)
	e, err := s.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return d, s, e
}

func streamDocsAnswer(t *testing.T, s *Source, e catalog.Entry, in map[string]any) catalog.Output {
	t.Helper()
	var pieces []string
	out, err := s.Stream(context.Background(), e, catalog.JSON(in), func(c catalog.Chunk) error {
		pieces = append(pieces, c.Text)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if out.Value.Text != "The sky is blue." || strings.Join(pieces, "|") != "The| sky| is blue." {
		t.Errorf("result %q, pieces %q", out.Value.Text, pieces)
	}
	return out
}

func TestChatStreams(t *testing.T) {
	t.Parallel()
	d, s, e := docsModel(t, "llama3.2:latest")
	out := streamDocsAnswer(t, s, e, map[string]any{
		"system":   "Be brief.",
		"messages": []any{map[string]any{"role": "user", "content": "why is the sky blue?"}},
		"options":  map[string]any{"temperature": 0.5, "max_tokens": float64(20), "stop": "\n"},
	})
	g := out.Generation
	if g == nil || g.PromptTokens != 26 || g.Tokens != 282 || g.FirstToken <= 0 {
		t.Errorf("generation %+v", g)
	}
	body := d.Bodies("/api/chat")[0]
	want := `{"messages":[{"content":"Be brief.","role":"system"},{"content":"why is the sky blue?","role":"user"}],"model":"llama3.2:latest","options":{"num_predict":20,"stop":["\n"],"temperature":0.5},"stream":true}`
	if got, _ := json.Marshal(body); string(got) != want {
		t.Errorf("request\n%s\nwant\n%s", got, want)
	}
}

// TestGenerateStreams: a prompt object goes to /api/generate with its
// system, suffix (fill in the middle) and raw, and streams like a chat.
func TestGenerateStreams(t *testing.T) {
	t.Parallel()
	d, s, e := docsModel(t, "llama3.2:latest")
	for _, tc := range []struct {
		in   map[string]any
		want string // the request /api/generate received
	}{
		{map[string]any{"prompt": "Why is the sky blue?"},
			`{"model":"llama3.2:latest","prompt":"Why is the sky blue?","stream":true}`},
		{map[string]any{"prompt": "def compute_gcd(a, b):", "suffix": "    return result", "system": "Write Python.", "raw": true, "options": map[string]any{"temperature": 0.0, "max_tokens": 64.0}},
			`{"model":"llama3.2:latest","options":{"num_predict":64,"temperature":0},"prompt":"def compute_gcd(a, b):","raw":true,"stream":true,"suffix":"    return result","system":"Write Python."}`},
	} {
		out := streamDocsAnswer(t, s, e, tc.in)
		if g := out.Generation; g == nil || g.PromptTokens != 26 || g.Tokens != 259 {
			t.Errorf("generation %+v", g)
		}
		bodies := d.Bodies("/api/generate")
		if got, _ := json.Marshal(bodies[len(bodies)-1]); string(got) != tc.want {
			t.Errorf("request\n%s\nwant\n%s", got, tc.want)
		}
	}
	if len(d.Bodies("/api/chat")) != 0 {
		t.Error("a prompt went to /api/chat")
	}
	// suffix and raw belong to a prompt: with messages they are refused.
	_, err := s.Stream(context.Background(), e, catalog.JSON(map[string]any{"messages": []any{map[string]any{"role": "user", "content": "a"}}, "raw": true}), func(catalog.Chunk) error { return nil })
	if catalog.ErrorType(err) != catalog.InputError || !strings.Contains(err.Error(), "suffix and raw go with a prompt") {
		t.Errorf("messages with raw: %v", err)
	}
}

func TestChatErrorMidStream(t *testing.T) {
	t.Parallel()
	d := replay.New(t, "testdata", map[string]string{"POST /api/chat": "chat_error.ndjson"})
	s := newSource(t, d.URL)
	e := catalog.Entry{Ref: catalog.ModelRef("ollama", "gemma3"), Model: &catalog.Model{ID: "gemma3", Kind: catalog.ModelChat}}
	var got string
	_, err := s.Stream(context.Background(), e, catalog.Text("hi"), func(c catalog.Chunk) error { got += c.Text; return nil })
	if err == nil || !strings.Contains(err.Error(), "an error was encountered while running the model") {
		t.Fatalf("err = %v", err)
	}
	if got != " Yes.Ican" {
		t.Errorf("streamed %q before the error", got)
	}
}

func TestEmbed(t *testing.T) {
	t.Parallel()
	d := newDocsServer(t)
	s := newSource(t, d.URL)
	e := catalog.Entry{Ref: catalog.ModelRef("ollama", "all-minilm"), Model: &catalog.Model{ID: "all-minilm", Kind: catalog.ModelEmbedding}}
	out, err := s.Stream(context.Background(), e, catalog.JSON([]any{"Why is the sky blue?", "Why is the grass green?"}), nil)
	if err != nil {
		t.Fatal(err)
	}
	m := out.Value.JSON.(map[string]any)
	if m["dimensions"] != float64(10) || len(m["embeddings"].([]any)) != 2 {
		t.Errorf("result %v", m)
	}
	if got := d.Bodies("/api/embed")[0]["input"]; len(got.([]any)) != 2 {
		t.Errorf("input sent %v", got)
	}
}

func TestParseParamSize(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int64{"3.2B": 3_200_000_000, "137M": 137_000_000, "8x7B": 56_000_000_000, "": 0, "huge": 0, "-1B": 0, "1e400B": 0} {
		if got := parseParamSize(in); got != want {
			t.Errorf("parseParamSize(%q) = %d, want %d", in, got, want)
		}
	}
}
