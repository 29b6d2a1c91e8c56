// Package ollama is an Ollama server as a pipette source: its local models
// (/api/tags, with /api/show for each model's details and /api/ps for what
// is loaded) as catalog entries, and calls through /api/chat, /api/generate
// and /api/embed, streamed as NDJSON. The wire types are Ollama's REST API
// (docs/api.md in github.com/ollama/ollama), written here rather than
// imported: the official api package brings Ollama's whole module graph
// (gin, x/crypto through its auth package, bubbletea v1) and reads answers
// without a bound.
package ollama

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"pipette/catalog"
	"pipette/sources/llm"
	"pipette/sources/upstream"
)

// DefaultURL is where Ollama listens unless told otherwise.
const DefaultURL = "http://127.0.0.1:11434"

// showConcurrency bounds the /api/show requests of one listing.
const showConcurrency = 4

// Source is one Ollama server.
type Source struct {
	name string
	c    *upstream.Client

	mu    sync.Mutex
	shown map[string]*showResponse // by digest: a model's details never change under one digest
}

// New returns the Ollama server at url as the source named name. key, when
// set, is sent as a bearer token (ollama.com and proxies take one).
func New(name, url, key string, hc *http.Client) (*Source, error) {
	c, err := upstream.New("ollama", url, key, hc)
	if err != nil {
		return nil, err
	}
	return &Source{name: name, c: c, shown: map[string]*showResponse{}}, nil
}

// Client is the upstream client, for the status line's address.
func (s *Source) Client() *upstream.Client { return s.c }

// Probe asks /api/version.
func (s *Source) Probe(ctx context.Context) (string, error) {
	var v struct {
		Version string `json:"version"`
	}
	if err := s.c.GetJSON(ctx, "/api/version", &v); err != nil {
		return "", err
	}
	return v.Version, nil
}

type details struct {
	Format            string   `json:"format"`
	Family            string   `json:"family"`
	Families          []string `json:"families"`
	ParameterSize     string   `json:"parameter_size"`
	QuantizationLevel string   `json:"quantization_level"`
}

type listedModel struct {
	Name       string    `json:"name"`
	Model      string    `json:"model"`
	ModifiedAt time.Time `json:"modified_at"`
	Size       int64     `json:"size"`
	Digest     string    `json:"digest"`
	Details    details   `json:"details"`
}

type showResponse struct {
	License      string         `json:"license"`
	Modelfile    string         `json:"modelfile"`
	Parameters   string         `json:"parameters"`
	Template     string         `json:"template"`
	System       string         `json:"system"`
	Details      details        `json:"details"`
	ModelInfo    map[string]any `json:"model_info"`
	Capabilities []string       `json:"capabilities"`
	ModifiedAt   time.Time      `json:"modified_at"`
}

// List is every local model, each with the details /api/show gives (its
// capabilities say whether it chats or embeds; its model_info holds the
// context length and parameter count).
func (s *Source) List(ctx context.Context) ([]catalog.Entry, error) {
	var tags struct {
		Models []listedModel `json:"models"`
	}
	if err := s.c.GetJSON(ctx, "/api/tags", &tags); err != nil {
		return nil, err
	}
	loaded := s.loaded(ctx)
	shows := make([]*showResponse, len(tags.Models))
	var wg sync.WaitGroup
	sem := make(chan struct{}, showConcurrency)
	for i, m := range tags.Models {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			shows[i], _ = s.show(ctx, m.Model, m.Digest) // a model /api/show fails on is still listed, with less detail
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make([]catalog.Entry, 0, len(tags.Models))
	for i, m := range tags.Models {
		out = append(out, s.entry(m, shows[i], loaded[m.Model], false))
	}
	return out, nil
}

// Get is one model with its full docs.
func (s *Source) Get(ctx context.Context, id string) (catalog.Entry, error) {
	var tags struct {
		Models []listedModel `json:"models"`
	}
	if err := s.c.GetJSON(ctx, "/api/tags", &tags); err != nil {
		return catalog.Entry{}, err
	}
	// A name without a tag is its :latest, as Ollama's own commands read it.
	full := id
	if !strings.Contains(id[strings.LastIndex(id, "/")+1:], ":") {
		full += ":latest"
	}
	i := slices.IndexFunc(tags.Models, func(m listedModel) bool { return m.Model == id || m.Name == id || m.Model == full })
	if i < 0 {
		return catalog.Entry{}, catalog.NotFound("%s has no model %q: `ollama pull %s` fetches it", s.c.Who(), id, id)
	}
	m := tags.Models[i]
	sh, err := s.show(ctx, m.Model, m.Digest)
	if err != nil {
		return catalog.Entry{}, err
	}
	return s.entry(m, sh, s.loaded(ctx)[m.Model], true), nil
}

// show asks /api/show about a model once per digest.
func (s *Source) show(ctx context.Context, model, digest string) (*showResponse, error) {
	s.mu.Lock()
	sh, ok := s.shown[digest]
	s.mu.Unlock()
	if ok && digest != "" {
		return sh, nil
	}
	sh = new(showResponse)
	if err := s.c.PostJSON(ctx, "/api/show", map[string]any{"model": model}, sh); err != nil {
		return nil, err
	}
	s.mu.Lock()
	if len(s.shown) > 4096 { // a server that renames models forever must not grow this without end
		clear(s.shown)
	}
	s.shown[digest] = sh
	s.mu.Unlock()
	return sh, nil
}

// loaded is the set of models in memory now (/api/ps); empty when it
// cannot be read (older servers).
func (s *Source) loaded(ctx context.Context) map[string]bool {
	var ps struct {
		Models []listedModel `json:"models"`
	}
	out := map[string]bool{}
	if err := s.c.GetJSON(ctx, "/api/ps", &ps); err != nil {
		return out
	}
	for _, m := range ps.Models {
		out[m.Model] = true
	}
	return out
}

func (s *Source) entry(m listedModel, sh *showResponse, loaded, withDocs bool) catalog.Entry {
	model := modelOf(m, sh, loaded)
	docs := ""
	if withDocs && sh != nil {
		docs = showDocs(model, sh)
	}
	e := llm.NewEntry(s.name, model, docs)
	if model.Kind == catalog.ModelChat {
		e.InputSchema = llm.PromptChatSchema // a prompt goes to /api/generate (Stream)
	}
	if sh != nil {
		e.License = firstLine(sh.License, 60)
	}
	return e
}

// modelOf is what /api/tags and /api/show say about a model.
func modelOf(m listedModel, sh *showResponse, loaded bool) catalog.Model {
	model := catalog.Model{
		ID:           m.Model,
		Family:       m.Details.Family,
		Quantization: m.Details.QuantizationLevel,
		Size:         m.Size,
		Revision:     shortDigest(m.Digest),
		Modified:     m.ModifiedAt,
		Loaded:       loaded,
		Pricing:      &catalog.Pricing{},
	}
	if sh != nil {
		model.Capabilities = sh.Capabilities
		model.Parameters = infoInt(sh.ModelInfo, "general.parameter_count")
		if arch, _ := sh.ModelInfo["general.architecture"].(string); arch != "" {
			model.ContextLength = infoInt(sh.ModelInfo, arch+".context_length")
		}
	}
	if model.Parameters == 0 {
		model.Parameters = parseParamSize(m.Details.ParameterSize)
	}
	model.Kind = kindOf(model.Capabilities, m.Details.Family, m.Model)
	return model
}

// kindOf decides how a model is called: an embedding model embeds; the rest
// chat (Ollama's "completion" capability covers both /api/chat and
// /api/generate). Without capabilities (an old server, a failed show) the
// name decides.
func kindOf(caps []string, family, id string) catalog.ModelKind {
	if slices.Contains(caps, "embedding") && !slices.Contains(caps, "completion") {
		return catalog.ModelEmbedding
	}
	if len(caps) == 0 && (strings.Contains(id, "embed") || family == "bert" || family == "nomic-bert") {
		return catalog.ModelEmbedding
	}
	return catalog.ModelChat
}

func infoInt(info map[string]any, key string) int64 {
	f, ok := info[key].(float64)
	if !ok || f <= 0 || f > math.MaxInt64/2 {
		return 0
	}
	return int64(f)
}

// parseParamSize reads Ollama's "3.2B", "137M", "8x7B" (as 56B).
func parseParamSize(s string) int64 {
	s = strings.TrimSpace(strings.ToUpper(s))
	mult := int64(1)
	if a, b, ok := strings.Cut(s, "X"); ok {
		var n int64
		if _, err := fmt.Sscan(a, &n); err != nil || n <= 0 || n > 1024 {
			return 0
		}
		mult, s = n, b
	}
	units := map[byte]float64{'K': 1e3, 'M': 1e6, 'B': 1e9, 'T': 1e12}
	if s == "" {
		return 0
	}
	u, ok := units[s[len(s)-1]]
	if !ok {
		return 0
	}
	var f float64
	if _, err := fmt.Sscan(s[:len(s)-1], &f); err != nil || f <= 0 || f > 1e6 {
		return 0
	}
	return int64(f*u) * mult
}

func shortDigest(d string) string {
	d = strings.TrimPrefix(d, "sha256:")
	if len(d) > 12 {
		return d[:12]
	}
	return d
}

func firstLine(s string, max int) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if r := []rune(s); len(r) > max {
		s = string(r[:max-1]) + "…"
	}
	return s
}
