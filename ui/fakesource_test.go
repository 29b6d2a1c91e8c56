package ui

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"pipette/catalog"
	"pipette/client"
	"pipette/sources"
	"pipette/sources/llm"
	"pipette/sources/oip"
)

// fakeServer is a model server for the UI's tests: a sources.Backend that
// lists a few models and streams a chat answer a word at a time on a timer,
// and that a test stops and starts like a real server. The catalog and the
// client over it are the real ones (sources.Catalog, client.NewLocal), so
// the UI sees what it sees with a real Ollama or llama-server.
type fakeServer struct {
	name   string
	down   atomic.Bool
	every  time.Duration // between two pieces
	answer string        // what every chat model answers
	models []catalog.Model

	mu        sync.Mutex
	started   int // streams started
	cancelled int // streams that stopped because their call was cancelled
	inputs    []catalog.Value
}

var errRefused = errors.New("dial tcp 127.0.0.1:9: connect: connection refused")

func (f *fakeServer) Probe(ctx context.Context) (string, error) {
	if f.down.Load() {
		return "", errRefused
	}
	return "0.1.0", nil
}

func (f *fakeServer) List(ctx context.Context) ([]catalog.Entry, error) {
	if f.down.Load() {
		return nil, errRefused
	}
	var out []catalog.Entry
	for _, m := range f.models {
		out = append(out, llm.NewEntry(f.name, m, ""))
	}
	return out, nil
}

func (f *fakeServer) Get(ctx context.Context, id string) (catalog.Entry, error) {
	for _, m := range f.models {
		if m.ID == id {
			e := llm.NewEntry(f.name, m, "# "+m.ID+"\n\n"+llm.Card(m)+"\n"+llm.Usage(m.Kind))
			if m.Kind == catalog.ModelTensor {
				// As the OIP source does: a sample from the tensors' metadata.
				var ins []oip.TensorMeta
				for _, in := range m.Inputs {
					ins = append(ins, oip.TensorMeta{Name: in.Name, Datatype: in.Datatype, Shape: in.Shape})
				}
				if sample, ok := oip.Sample(ins); ok {
					e.Samples = []catalog.Sample{{Name: "from the tensor metadata", Input: catalog.JSON(sample)}}
				}
			}
			return e, nil
		}
	}
	return catalog.Entry{}, catalog.NotFound("no model %s", id)
}

func (f *fakeServer) Stream(ctx context.Context, e catalog.Entry, in catalog.Value, emit func(catalog.Chunk) error) (catalog.Output, error) {
	if f.down.Load() {
		return catalog.Output{}, errRefused
	}
	f.mu.Lock()
	f.started++
	f.inputs = append(f.inputs, in)
	f.mu.Unlock()
	switch e.Model.Kind {
	case catalog.ModelEmbedding:
		vec := make([]any, 8)
		for i := range vec {
			vec[i] = float64(i) / 10
		}
		return catalog.Output{Value: catalog.JSON(map[string]any{"dimensions": float64(len(vec)), "embedding": vec})}, nil
	case catalog.ModelTensor:
		return catalog.Output{Value: catalog.JSON(map[string]any{"outputs": []any{}})}, nil
	}
	start := time.Now()
	words := strings.SplitAfter(f.answer, " ")
	for _, w := range words {
		select {
		case <-ctx.Done():
			f.mu.Lock()
			f.cancelled++
			f.mu.Unlock()
			return catalog.Output{}, ctx.Err()
		case <-time.After(f.every):
		}
		if emit != nil {
			if err := emit(catalog.Chunk{Text: w}); err != nil {
				return catalog.Output{}, err
			}
		}
	}
	// The figures a model's server reports, fixed so that screens are too.
	gen := &catalog.Generation{FirstToken: 120 * time.Millisecond, Total: time.Since(start), Tokens: int64(len(words)), TokensPerSecond: 42, FinishReason: "stop"}
	return catalog.Output{Value: catalog.Text(f.answer), Generation: gen}, nil
}

// counts are the streams started and cancelled so far.
func (f *fakeServer) counts() (started, cancelled int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.started, f.cancelled
}

// fakeModels are the models a fake server lists: two chat models of
// different sizes, an embedding model.
func fakeModels() []catalog.Model {
	free := catalog.Pricing{}
	return []catalog.Model{
		{ID: "tiny-chat:1b", Kind: catalog.ModelChat, Family: "llama", Parameters: 1_235_814_400, Quantization: "Q4_K_M", ContextLength: 131072, Size: 807_694_464, Capabilities: []string{"completion", "tools"}, Pricing: &free},
		{ID: "big-chat:8b", Kind: catalog.ModelChat, Family: "qwen2", Parameters: 8_030_261_248, Quantization: "Q8_0", ContextLength: 32768, Size: 8_540_000_000, Capabilities: []string{"completion", "vision"}, Pricing: &catalog.Pricing{Prompt: 0.15e-6, Completion: 0.6e-6}},
		{ID: "embed-text", Kind: catalog.ModelEmbedding, Family: "bert", Parameters: 137_000_000, ContextLength: 8192, Size: 274_000_000},
	}
}

// newFakeCatalog merges fake servers into the test registry, the way
// --source does, and returns the client the UI is given.
func newFakeCatalog(t testing.TB, servers ...*fakeServer) *client.Client {
	t.Helper()
	reg := testRegistry()
	var lives []*sources.Live
	for _, f := range servers {
		lives = append(lives, sources.NewLive(sources.Spec{Name: f.name, Kind: sources.KindOllama, URL: "http://127.0.0.1:11434"}, f))
	}
	c, err := sources.NewCatalog(context.Background(), reg, reg, lives...)
	if err != nil {
		t.Fatal(err)
	}
	return client.NewLocal(c, c)
}

func newFakeServer(name string) *fakeServer {
	return &fakeServer{name: name, every: 5 * time.Millisecond, answer: "The sky is blue because air scatters blue light.", models: fakeModels()}
}
