package catalog

import (
	"context"
	"encoding/json"
)

// Sample is a named example input shown in the docs and the Try tab.
type Sample struct {
	Name  string
	Input Value
}

// VersionInfo describes one published version.
type VersionInfo struct {
	Version      string
	ReleaseNotes string
}

// Entry is one algorithm in the catalog.
type Entry struct {
	Ref          Ref           // Version is the newest published version
	Versions     []VersionInfo // newest first
	Label        string        // human name, "Sentiment Analysis"
	Tagline      string        // one line
	Docs         string        // markdown
	Tags         []string
	InputKind    Kind
	OutputKind   Kind
	InputSchema  json.RawMessage // JSON Schema, optional
	OutputSchema json.RawMessage // JSON Schema, optional
	Samples      []Sample
	SampleOutput string // optional: what the first sample returns, for the docs
	License      string
	Source       string // name of the Source it came from
	// Unavailable, when set, says why the entry cannot run here and how to fix
	// it in one sentence ("needs tesseract: apt-get install tesseract-ocr").
	Unavailable string
	// Model describes a model of a remote source (kind, size, context…);
	// nil for built-ins and chains.
	Model *Model
}

// VersionNames lists the entry's version strings, newest first.
func (e Entry) VersionNames() []string {
	out := make([]string, len(e.Versions))
	for i, v := range e.Versions {
		out[i] = v.Version
	}
	return out
}

// Source is where entries come from: the built-in registry, a remote server,
// a folder of chains, a model server (Ollama, an OpenAI-compatible server,
// an OIP v2 server, the Hugging Face Hub).
type Source interface {
	Name() string
	List(ctx context.Context) ([]Entry, error)
	// Get returns the entry for ref with ref.Version resolved; an unknown
	// algorithm or version is a NotFound *Error.
	Get(ctx context.Context, ref Ref) (Entry, error)
}

// Output is what running an algorithm produced.
type Output struct {
	Value   Value
	Stdout  string // what the algorithm logged
	Version string // the version that ran
	// Generation is how a chat or completion model produced its text (time
	// to first token, tokens/s); nil for everything else.
	Generation *Generation
}

// Runner runs algorithms. Errors are *Error values: an algorithm's own
// (InputError, AlgorithmError…) or a platform one (NotFound).
type Runner interface {
	Run(ctx context.Context, ref Ref, in Value) (Output, error)
}

type stdoutWantedKey struct{}

// WithStdoutWanted marks ctx as a call whose caller asked for the algorithm's
// log (stdout=true). A Runner whose log is costly to build, such as a
// published chain's per-step trace, builds it only when asked.
func WithStdoutWanted(ctx context.Context) context.Context {
	return context.WithValue(ctx, stdoutWantedKey{}, true)
}

// StdoutWanted reports whether the caller of this call asked for its log.
func StdoutWanted(ctx context.Context) bool {
	v, _ := ctx.Value(stdoutWantedKey{}).(bool)
	return v
}
