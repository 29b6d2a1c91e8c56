package catalog

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// ModelKind is what a remote model does, and so how it is called and shown.
type ModelKind string

const (
	// ModelChat answers a conversation: text, or {messages, options}, in;
	// text out, streamed.
	ModelChat ModelKind = "chat"
	// ModelCompletion continues a prompt: text, or {prompt, options}, in;
	// text out, streamed.
	ModelCompletion ModelKind = "completion"
	// ModelEmbedding turns text (or a list of texts) into vectors.
	ModelEmbedding ModelKind = "embedding"
	// ModelTensor takes and returns named tensors (Open Inference Protocol).
	ModelTensor ModelKind = "tensor"
)

// ModelKinds lists the kinds in the order facets show them.
var ModelKinds = []ModelKind{ModelChat, ModelCompletion, ModelEmbedding, ModelTensor}

// Model is what a remote source says about one of its models: what a user
// chooses a model by. Every field but ID and Kind is optional; zero means
// the source did not say.
type Model struct {
	ID   string    // the id the source knows it by: "llama3.2:3b"
	Kind ModelKind // how it is called

	Family        string   // "llama", "qwen2"
	Parameters    int64    // parameter count: 3_212_749_888
	Quantization  string   // "Q4_K_M", "F16"
	ContextLength int64    // tokens the model can attend to
	Size          int64    // bytes on disk (or in memory, for a server that only says that)
	Capabilities  []string // as the source names them: "completion", "tools", "vision", "embedding", "thinking"
	Modalities    []string // input→output, as OpenRouter writes them: "text+image->text"
	Pricing       *Pricing // nil: unknown (a local model costs nothing and says so with a zero Pricing)
	Revision      string   // digest or commit the source serves now
	Modified      time.Time
	Loaded        bool     // in memory now (Ollama's /api/ps, LM Studio's state)
	Downloads     int64    // Hugging Face Hub: downloads last month
	Likes         int64    // Hugging Face Hub
	Inputs        []Tensor // ModelTensor: the input tensors
	Outputs       []Tensor // ModelTensor: the output tensors
	Versions      []string // the source's own version names, when it has versions (OIP)
}

// Pricing is what a hosted model costs, in US dollars.
type Pricing struct {
	Prompt     float64 // per input token
	Completion float64 // per output token
	Request    float64 // per request
	Image      float64 // per input image
}

// Tensor is one input or output of a tensor model: its name, datatype (OIP's
// BOOL, UINT8…, FP32, BYTES) and shape (-1 for a dimension of any size).
type Tensor struct {
	Name     string
	Datatype string
	Shape    []int64
}

// Generation is how a model produced a streamed result: what a user compares
// models by. Zero fields are unknown.
type Generation struct {
	FirstToken      time.Duration // from the call to the first piece of text
	Total           time.Duration // from the call to the last piece
	PromptTokens    int64
	Tokens          int64   // tokens generated
	TokensPerSecond float64 // generated tokens over the time after the first
	FinishReason    string  // "stop", "length", …
}

// Chunk is a piece of a result as it is produced: text for chat and
// completion models.
type Chunk struct {
	Text string
}

// Streamer is a Runner that can hand over a result piece by piece as it is
// produced. Stream calls emit with each piece, in order, from the calling
// goroutine, and returns the whole output at the end, as Run would. When
// emit returns an error, the call stops (the upstream request is closed, so
// the model stops generating) and Stream returns that error. Cancelling ctx
// does the same.
type Streamer interface {
	Stream(ctx context.Context, ref Ref, in Value, emit func(Chunk) error) (Output, error)
}

// SourceState is whether a source answers.
type SourceState string

const (
	SourceUp       SourceState = "up"
	SourceDown     SourceState = "down"
	SourceChecking SourceState = "checking" // not asked yet, or asked and not answered yet
)

// SourceStatus is how a source is doing, for the status line and `ls`.
type SourceStatus struct {
	Name    string // the owner of its references
	Kind    string // pipette, ollama, openai, oip, hf
	URL     string // where it is, without credentials
	State   SourceState
	Reason  string    // when down: why, in one sentence
	Checked time.Time // when it was last asked
	Models  int       // models listed at the last success
	Version string    // the server's version, when it says
	// Discovered is set for a source found on its usual local port rather
	// than configured.
	Discovered bool
}

// StatusReporter is a catalog that knows how its sources are doing.
type StatusReporter interface {
	Statuses() []SourceStatus
}

// SourceChecker is a catalog that can ask its sources how they are now,
// rather than report what it last saw: the TUI checks every few seconds so
// that a source going down or coming back shows without a reload.
type SourceChecker interface {
	// CheckSources asks every source whose status is older than maxAge
	// (a source that is down: once its back-off has passed) whether it
	// answers, concurrently and within ctx, and returns the statuses.
	CheckSources(ctx context.Context, maxAge time.Duration) []SourceStatus
}

// ParamsString is the parameter count as model cards write it: "3.2B",
// "135M"; "" when unknown.
func (m *Model) ParamsString() string {
	return shortCount(m.Parameters, 1000, []string{"", "K", "M", "B", "T"})
}

// ContextString is the context length in tokens: "128K", "4K", "512";
// "" when unknown.
func (m *Model) ContextString() string {
	return shortCount(m.ContextLength, 1024, []string{"", "K", "M"})
}

// SizeString is the size on disk: "2.0 GB", "470 KB"; "" when unknown.
func (m *Model) SizeString() string {
	s := shortCount(m.Size, 1000, []string{" B", " KB", " MB", " GB", " TB"})
	return s
}

// shortCount writes n with the largest unit that leaves it at least 1: one
// decimal below 10 ("3.2B"), none above ("135M").
func shortCount(n, base int64, units []string) string {
	if n <= 0 {
		return ""
	}
	f, u := float64(n), 0
	for f >= float64(base) && u < len(units)-1 {
		f /= float64(base)
		u++
	}
	switch {
	case u == 0:
		return fmt.Sprintf("%d%s", n, units[0])
	case f < 10 && f != float64(int64(f)):
		return fmt.Sprintf("%.1f%s", f, units[u])
	}
	return fmt.Sprintf("%.0f%s", f, units[u])
}

// Summary is the one line lists show for a model: kind, parameters,
// quantization, context and size, as far as they are known. It is plain
// ASCII, as taglines should be: the catalog's fast matcher takes only ASCII
// text, and one "·" would send every search of the entry to the slow one
// (six times slower over 100k Hub entries).
func (m *Model) Summary() string {
	parts := []string{string(m.Kind)}
	if p := m.ParamsString(); p != "" {
		parts = append(parts, p)
	}
	if m.Quantization != "" {
		parts = append(parts, m.Quantization)
	}
	if c := m.ContextString(); c != "" {
		parts = append(parts, c+" ctx")
	}
	if s := m.SizeString(); s != "" {
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}
