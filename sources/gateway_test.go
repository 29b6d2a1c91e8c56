package sources

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"pipette/algorithms/builtin"
	"pipette/catalog"
	"pipette/client"
	"pipette/internal/replay"
	"pipette/server"
)

// gateway is `pipette serve --source ollama=…`: the built-ins and an
// Ollama behind the Algorithmia API and the OIP face.
func gateway(t *testing.T, ollamaURL string) (*httptest.Server, *Catalog) {
	t.Helper()
	reg := builtin.New()
	merged, err := Merge(context.Background(), reg, reg, []Spec{{Name: "ollama", Kind: KindOllama, URL: ollamaURL}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(server.New(server.Config{Source: merged, Runner: merged, Sources: merged}))
	t.Cleanup(ts.Close)
	return ts, merged
}

func TestGatewayPutsAnOllamaModelBehindBothAPIs(t *testing.T) {
	t.Parallel()
	o := &ollamaDocs{}
	o.start(t)
	defer o.stop()
	ts, _ := gateway(t, "http://"+o.addr)
	c := client.New(ts.URL, "")
	ctx := context.Background()

	// The Algorithmia API: one answer, with how it was generated.
	resp, err := c.Algo("ollama/llama3.2:latest").Pipe(ctx, "why is the sky blue?")
	if err != nil || resp.Result != "The sky is blue." || resp.Generation == nil || resp.Generation.Tokens != 282 {
		t.Fatalf("Pipe = %+v, %v", resp, err)
	}
	// Streamed: the pieces arrive as events, then the whole answer.
	st := c.Algo("ollama/llama3.2:latest").Stream(ctx, "why is the sky blue?")
	var pieces []string
	for ch := range st.Chunks() {
		pieces = append(pieces, ch.Text)
	}
	resp, err = st.Wait()
	if err != nil || strings.Join(pieces, "|") != "The| sky| is blue." || resp.Value.Text != "The sky is blue." || resp.Generation.PromptTokens != 26 {
		t.Errorf("Stream: pieces %q, %+v, %v", pieces, resp, err)
	}
	// A built-in asked to stream answers as usual.
	st = c.Algo("nlp/SentimentAnalysis").Stream(ctx, "what a great day")
	if resp, err := st.Wait(); err != nil || resp.ContentType != "json" {
		t.Errorf("built-in streamed: %+v, %v", resp, err)
	}
	// The catalog lists it, and /v1/sources says how its source is.
	e, err := c.Source().Get(ctx, catalog.MustParseRef("ollama/llama3.2:latest"))
	if err != nil || e.Model == nil || e.Model.Parameters != 8030261248 || !strings.Contains(e.Docs, "## Modelfile") {
		t.Errorf("catalog entry %+v, %v", e, err)
	}
	sts := c.Source().(catalog.StatusReporter).Statuses()
	if len(sts) != 1 || sts[0].Name != "ollama" || sts[0].State != catalog.SourceUp {
		t.Errorf("/v1/sources = %+v", sts)
	}
	// The OIP face: the model is ollama~llama3.2:latest.
	body := `{"inputs":[{"name":"input","shape":[1],"datatype":"BYTES","data":["why is the sky blue?"]}]}`
	r, err := http.Post(ts.URL+"/v2/models/ollama~llama3.2:latest/infer", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != 200 || !strings.Contains(string(b), `"data":["The sky is blue."]`) || !strings.Contains(string(b), `"model_name":"ollama~llama3.2:latest"`) {
		t.Errorf("OIP infer: %d %s", r.StatusCode, b)
	}
}

// endlessOllama speaks Ollama's API (docs/api.md's shapes) for one model
// whose /api/chat and /api/generate stream a piece every 10 ms until the
// client goes away;
// it reports when that was.
func endlessOllama(t *testing.T) (*httptest.Server, <-chan time.Time) {
	gone := make(chan time.Time, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/tags":
			io.WriteString(w, `{"models":[{"name":"m:latest","model":"m:latest","details":{"family":"llama"}}]}`)
			return
		case "/api/show":
			io.WriteString(w, `{"capabilities":["completion"]}`)
			return
		case "/api/chat", "/api/generate":
		default:
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/x-ndjson")
		for i := 0; ; i++ {
			piece := map[string]any{"model": "m", "message": map[string]any{"role": "assistant", "content": fmt.Sprintf("w%d ", i)}, "done": false}
			if r.URL.Path == "/api/generate" {
				piece = map[string]any{"model": "m", "response": fmt.Sprintf("w%d ", i), "done": false}
			}
			line, _ := json.Marshal(piece)
			if _, err := fmt.Fprintf(w, "%s\n", line); err != nil {
				gone <- time.Now()
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				gone <- time.Now()
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}))
	t.Cleanup(srv.Close)
	return srv, gone
}

// Closing a streamed call through the gateway closes the request to the
// model's server: it stops generating.
func TestGatewayCancelStopsTheModel(t *testing.T) {
	t.Parallel()
	up, gone := endlessOllama(t)
	ts, _ := gateway(t, up.URL)
	c := client.New(ts.URL, "")
	st := c.Algo("ollama/m:latest").Stream(context.Background(), "go on forever")
	for range 3 {
		if _, err := st.Next(); err != nil {
			t.Fatalf("Next: %v", err)
		}
	}
	closed := time.Now()
	st.Close()
	select {
	case at := <-gone:
		if d := at.Sub(closed); d > 2*time.Second {
			t.Errorf("the model's server saw the request closed %s after the client closed it", d)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the model's server kept generating after the client closed the stream")
	}
}

// A tensor model of an OIP source keeps its tensors behind pipette's own
// OIP face: its metadata and an inference request pass through.
func TestGatewayPassesATensorModelThrough(t *testing.T) {
	t.Parallel()
	kserve := replay.New(t, "oip/testdata", map[string]string{
		"GET /v2": "server_metadata.json", "POST /v2/repository/index": "index.json",
		"GET /v2/models/mymodel": "model_metadata.json", "POST /v2/models/mymodel/versions/2/infer": "infer_response.json",
	})
	reg := builtin.New()
	merged, err := Merge(context.Background(), reg, reg, []Spec{{Name: "kserve", Kind: KindOIP, URL: kserve.URL}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	gw := httptest.NewServer(server.New(server.Config{Source: merged, Runner: merged}))
	defer gw.Close()
	get := func(path string) string {
		r, err := http.Get(gw.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		return string(b)
	}
	if md := get("/v2/models/kserve~mymodel"); !strings.Contains(md, `"platform":"onnxruntime_onnx"`) ||
		!strings.Contains(md, `{"name":"input0","datatype":"UINT32","shape":[2,2]}`) || !strings.Contains(md, `"versions":["2.0.0","1.0.0"]`) {
		t.Errorf("metadata %s", md)
	}
	raw, _ := os.ReadFile("oip/testdata/infer_request.json")
	r, err := http.Post(gw.URL+"/v2/models/kserve~mymodel/infer", "application/json", bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != 200 || !strings.Contains(string(b), `"model_name":"kserve~mymodel","model_version":"2.0.0"`) ||
		!strings.Contains(string(b), `"data":[1,1.1,2,2.1,3,3.1]`) {
		t.Errorf("infer: %d %s", r.StatusCode, b)
	}
	if sent, _ := json.Marshal(kserve.Last("/v2/models/mymodel/versions/2/infer")["inputs"]); !strings.Contains(string(sent), `"name":"input0"`) {
		t.Errorf("the request reached the OIP server as %s", sent)
	}
}
