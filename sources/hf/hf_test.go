package hf

import (
	"context"
	"strings"
	"testing"

	"pipette/catalog"
	"pipette/internal/replay"
)

// newHub answers as testdata/README.md says: the Hub and its router.
func newHub(t *testing.T) *replay.Server {
	return replay.New(t, "testdata", map[string]string{
		"GET /api/models": "models.json", "GET /api/models/meta-llama/Llama-3.1-8B-Instruct": "model.json",
		"GET /meta-llama/Llama-3.1-8B-Instruct/resolve/main/README.md": "card.md", "POST /v1/chat/completions": "router_chat.sse",
	})
}

func TestListWithoutToken(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	s, err := New("hf", h.URL, "", nil, Options{Filter: "text-generation", Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	entries, err := s.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := h.Requests()[0]; got != "GET /api/models?direction=-1&filter=text-generation&limit=2&sort=downloads " {
		t.Errorf("request %q", got)
	}
	if len(entries) != 2 {
		t.Fatalf("%d entries", len(entries))
	}
	llama, mini := entries[0], entries[1]
	if llama.Ref.String() != "hf/meta-llama~Llama-3.1-8B-Instruct" || llama.Model.Kind != catalog.ModelChat ||
		llama.Tagline != "chat, 5.2M downloads, 4.3k likes" || !strings.Contains(llama.Unavailable, "needs a token: set HF_TOKEN") {
		t.Errorf("llama: %+v", llama)
	}
	if mini.Model.Kind != catalog.ModelEmbedding || !strings.Contains(mini.Unavailable, "this model is sentence-similarity") {
		t.Errorf("minilm: %+v", mini)
	}
	_, err = s.Stream(context.Background(), llama, catalog.Text("hi"), nil)
	if catalog.ErrorType(err) != catalog.UnsupportedError || !strings.Contains(err.Error(), "set HF_TOKEN") {
		t.Errorf("call without a token: %v", err)
	}
}

func TestGetCardAndChatThroughRouter(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	s, err := New("hf", h.URL, "hf_secret", nil, Options{Router: h.URL + "/v1"})
	if err != nil {
		t.Fatal(err)
	}
	e, err := s.Get(context.Background(), "meta-llama/Llama-3.1-8B-Instruct")
	if err != nil {
		t.Fatal(err)
	}
	m := e.Model
	if m.Parameters != 8030261248 || m.Family != "llama" || m.Revision != "0e9e39f249a1" || e.License != "llama3.1" || e.Unavailable != "" ||
		e.Tagline != "chat, 8.0B, 5.2M downloads, 4.3k likes, gated" {
		t.Errorf("entry %+v model %+v", e, m)
	}
	for _, want := range []string{"https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct", "| parameters | 8.0B |", "| license | llama3.1 |", "## Model Information", "## Calling it"} {
		if !strings.Contains(e.Docs, want) {
			t.Errorf("docs lack %q:\n%s", want, e.Docs)
		}
	}
	if strings.Contains(e.Docs, "base_model:") {
		t.Errorf("the card's YAML header is in the docs:\n%s", e.Docs)
	}
	out, err := s.Stream(context.Background(), e, catalog.Text("Hello!"), nil)
	if err != nil || out.Value.Text != "Hello" {
		t.Fatalf("chat = %+v, %v", out, err)
	}
	for _, r := range h.Requests() {
		if !strings.HasSuffix(r, " Bearer hf_secret") {
			t.Errorf("request without the token: %q", r)
		}
	}
	if _, err := s.Get(context.Background(), "nobody/nothing"); catalog.ErrorType(err) != catalog.EntityNotFoundError {
		t.Errorf("Get(unknown) = %v", err)
	}
}

func TestSearch(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	s, _ := New("hf", h.URL, "", nil, Options{})
	if _, err := s.Search(context.Background(), "llama 3.1", 20); err != nil {
		t.Fatal(err)
	}
	if got := h.Requests()[0]; got != "GET /api/models?direction=-1&limit=20&search=llama+3.1&sort=downloads " {
		t.Errorf("request %q", got)
	}
}
