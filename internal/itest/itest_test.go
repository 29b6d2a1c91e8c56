package itest

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestTinyLlamaIsGGUF reads the header and metadata keys back.
func TestTinyLlamaIsGGUF(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := DefaultTinyLlama.Write(&buf); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if string(b[:4]) != "GGUF" || binary.LittleEndian.Uint32(b[4:]) != 3 {
		t.Fatalf("header %q", b[:8])
	}
	tensors := binary.LittleEndian.Uint64(b[8:])
	if want := uint64(3 + 9*DefaultTinyLlama.Layers); tensors != want {
		t.Errorf("tensor count %d, want %d", tensors, want)
	}
	if n := buf.Len(); n > 1<<20 || n%ggufAlignment != 0 {
		t.Errorf("size %d: want under 1 MiB and aligned to %d", n, ggufAlignment)
	}
	for _, key := range []string{"general.architecture", "llama.block_count", "tokenizer.ggml.tokens", "<0x7E>"} {
		if !bytes.Contains(b, []byte(key)) {
			t.Errorf("no %q in the file", key)
		}
	}
}

func post(t *testing.T, url, body string) *http.Response {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		t.Fatalf("POST %s: %s %s", url, resp.Status, b)
	}
	return resp
}

// TestLlamaServerServesTinyModel: the real llama-server loads the model and streams tokens.
func TestLlamaServerServesTinyModel(t *testing.T) {
	t.Parallel()
	s := LlamaServer(t, LlamaOptions{})
	resp := post(t, s.URL+"/v1/completions", `{"model":"pipette-tiny","prompt":"hello","max_tokens":8,"temperature":0}`)
	var out struct {
		Choices []struct{ Text string } `json:"choices"`
		Usage   struct {
			CompletionTokens int `json:"completion_tokens"`
		} `json:"usage"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if len(out.Choices) != 1 || out.Usage.CompletionTokens == 0 {
		t.Fatalf("completion: %+v", out)
	}

	resp = post(t, s.URL+"/v1/chat/completions", `{"model":"pipette-tiny","messages":[{"role":"user","content":"hi"}],"max_tokens":6,"stream":true}`)
	defer resp.Body.Close()
	events := 0
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "data: ") && sc.Text() != "data: [DONE]" {
			events++
		}
	}
	if events < 2 {
		t.Fatalf("streamed %d events, want several", events)
	}
}

// TestOllamaServesTinyModel: the real Ollama takes the model with `ollama create` and generates.
func TestOllamaServesTinyModel(t *testing.T) {
	t.Parallel()
	s := Ollama(t)
	resp := post(t, s.URL+"/api/generate", `{"model":"`+OllamaModel+`","prompt":"hello","stream":false,"options":{"num_predict":8,"temperature":0}}`)
	defer resp.Body.Close()
	var out struct {
		Response  string `json:"response"`
		Done      bool   `json:"done"`
		EvalCount int    `json:"eval_count"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	if !out.Done || out.EvalCount == 0 {
		t.Fatalf("generate: %+v", out)
	}
}
