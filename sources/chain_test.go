package sources

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"pipette/algorithms/builtin"
	"pipette/catalog"
	"pipette/client"
	"pipette/internal/testenv"
	"pipette/pipebuilder"
	"pipette/server"
)

// A chain that mixes a built-in and a remote model: an Ollama model writes
// a sentence (from {system, prompt} built by a mapping), the built-in
// scores its mood.
const mixedChain = `chain: v1
name: demo/SkyMood
version: 1.0.0
tagline: An Ollama model answers, a built-in scores the answer
input: text
steps:
  - id: answer
    algo: ollama/llama3.2:latest
    input: '{system: "Answer in one sentence.", prompt: .input, options: {temperature: 0, max_tokens: 32}}'
  - id: mood
    algo: nlp/SentimentAnalysis
output: '{answer: .steps.answer, compound: .steps.mood.compound}'
`

// A chain published with `serve --chains` calls the Ollama model on the
// server: an Algorithmia client calls the chain in one request.
func TestPublishedChainCallsARemoteModel(t *testing.T) {
	t.Parallel()
	o := &ollamaDocs{}
	o.start(t)
	defer o.stop()
	reg := builtin.New()
	merged, err := Merge(context.Background(), reg, reg, []Spec{{Name: "ollama", Kind: KindOllama, URL: "http://" + o.addr}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "sky.yaml"), []byte(mixedChain), 0o644); err != nil {
		t.Fatal(err)
	}
	lib, err := pipebuilder.LoadLibrary(context.Background(), dir, merged, merged)
	if err != nil || len(lib.Problems()) > 0 || len(lib.Chains()) != 1 {
		t.Fatalf("library: %v %v", err, lib.Problems())
	}
	comb := lib.Combined()
	ts := httptest.NewServer(server.New(server.Config{Source: comb, Runner: comb}))
	defer ts.Close()
	resp, err := client.New(ts.URL, "").Algo("demo/SkyMood").Pipe(context.Background(), "why is the sky blue?")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := json.Marshal(resp.Result); string(got) != `{"answer":"The sky is blue.","compound":0}` {
		t.Errorf("the published chain answered %s", got)
	}
}

func TestChainAcrossSources(t *testing.T) {
	t.Parallel()
	o := &ollamaDocs{}
	o.start(t)
	defer o.stop()
	ts, merged := gateway(t, "http://"+o.addr)
	c, err := pipebuilder.Parse("sky.yaml", []byte(mixedChain))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	local := client.NewLocal(merged, merged)
	if err := c.Validate(ctx, local.Source()); err != nil {
		t.Fatalf("validate: %v", err)
	}
	want := `{"answer":"The sky is blue.","compound":0}`
	for name, cl := range map[string]*client.Client{"in-process": local, "through the gateway": client.New(ts.URL, "")} {
		tr, err := pipebuilder.Run(ctx, cl, c, catalog.Text("why is the sky blue?"), pipebuilder.Options{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got, _ := json.Marshal(tr.Output.JSON); string(got) != want {
			t.Errorf("%s: output %s, want %s", name, got, want)
		}
		if len(tr.Steps) != 2 || tr.Steps[0].ContentType != "text" || tr.Steps[0].Result.Text != "The sky is blue." ||
			tr.Steps[0].Input.Kind != catalog.KindJSON || tr.Steps[1].Input.Text != "The sky is blue." {
			t.Errorf("%s: trace %+v", name, tr.Steps)
		}
	}
	// The exported shell script calls both steps over the API.
	for _, tool := range []string{"bash", "curl", "jq"} {
		testenv.Tool(t, tool)
	}
	sh, err := pipebuilder.ExportShell(c)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	script := filepath.Join(dir, "chain.sh")
	os.WriteFile(script, sh, 0o755)
	in := filepath.Join(dir, "in.txt")
	os.WriteFile(in, []byte("why is the sky blue?"), 0o644)
	cmd := exec.Command("bash", script, in)
	cmd.Env = append(os.Environ(), "PIPETTE_API="+ts.URL)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("the exported script: %v\n%s", err, errb.String())
	}
	var got any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("the script printed %q", out.String())
	}
	if b, _ := json.Marshal(got); string(b) != want {
		t.Errorf("the script printed %s, want %s", b, want)
	}
}
