// Package hf is the Hugging Face Hub as a pipette source: its model search
// (/api/models?search=&filter=&sort=&limit=) lists and finds models,
// /api/models/{repo} describes one and its model card (the repository's
// README) is its docs. Chat models are called through the Hub's router,
// its OpenAI-compatible endpoint, when a token is given; the Hub's field
// names are those of its official clients (huggingface.js's ApiModelInfo).
package hf

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"pipette/catalog"
	"pipette/sources/llm"
	"pipette/sources/openai"
	"pipette/sources/upstream"
)

// DefaultRouterURL is the Hub's OpenAI-compatible router.
const DefaultRouterURL = "https://router.huggingface.co/v1"

// maxCard bounds a model card read as docs.
const maxCard = 1 << 20

// Options say what the listing shows before anything is searched, and
// where chat calls go.
type Options struct {
	Search string // a search query
	Filter string // a tag, such as a pipeline tag: text-generation
	Sort   string // downloads (default), likes, lastModified, trendingScore, createdAt
	Limit  int    // models listed: 1 to 1000, default 50
	Router string // the router's URL; "" is DefaultRouterURL
}

// Source is the Hub.
type Source struct {
	name   string
	hub    *upstream.Client
	router *openai.Source // nil without a token: calls need one
	opt    Options
}

// New returns the Hub at url as the source named name. key is a Hugging
// Face token: it lifts rate limits, reaches gated and private models, and
// makes chat models callable through the router.
func New(name, url, key string, hc *http.Client, opt Options) (*Source, error) {
	hub, err := upstream.New("the Hugging Face Hub", url, key, hc)
	if err != nil {
		return nil, err
	}
	if opt.Limit <= 0 || opt.Limit > 1000 {
		opt.Limit = 50
	}
	if opt.Sort == "" {
		opt.Sort = "downloads"
	}
	if opt.Router == "" {
		opt.Router = DefaultRouterURL
	}
	s := &Source{name: name, hub: hub, opt: opt}
	if key != "" {
		if s.router, err = openai.New(name, opt.Router, key, hc); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Probe searches for one model: the Hub has no version endpoint.
func (s *Source) Probe(ctx context.Context) (string, error) {
	var list []apiModel
	if err := s.hub.GetJSON(ctx, "/api/models?limit=1", &list); err != nil {
		return "", err
	}
	return "", nil
}

// apiModel is a model of /api/models and /api/models/{repo}: the fields of
// huggingface.js's ApiModelInfo that pipette reads.
type apiModel struct {
	ID           string    `json:"id"`
	Author       string    `json:"author"`
	SHA          string    `json:"sha"`
	PipelineTag  string    `json:"pipeline_tag"`
	LibraryName  string    `json:"library_name"`
	Tags         []string  `json:"tags"`
	Downloads    int64     `json:"downloads"`
	Likes        int64     `json:"likes"`
	Gated        any       `json:"gated"` // false, "auto" or "manual"
	Private      bool      `json:"private"`
	LastModified time.Time `json:"lastModified"`
	CreatedAt    time.Time `json:"createdAt"`
	Safetensors  *struct {
		Total int64 `json:"total"`
	} `json:"safetensors"`
	CardData *struct {
		License   any `json:"license"`
		BaseModel any `json:"base_model"`
	} `json:"cardData"`
	Config *struct {
		ModelType string `json:"model_type"`
	} `json:"config"`
}

// List is the search the source is configured with (by default the most
// downloaded models).
func (s *Source) List(ctx context.Context) ([]catalog.Entry, error) {
	return s.search(ctx, s.opt.Search, s.opt.Limit)
}

// Search asks the Hub for models matching query, the configured filter
// applied, most downloaded first.
func (s *Source) Search(ctx context.Context, query string, limit int) ([]catalog.Entry, error) {
	return s.search(ctx, query, limit)
}

func (s *Source) search(ctx context.Context, query string, limit int) ([]catalog.Entry, error) {
	q := url.Values{}
	if query = strings.TrimSpace(query); query != "" {
		q.Set("search", query)
	}
	if s.opt.Filter != "" {
		q.Set("filter", s.opt.Filter)
	}
	q.Set("sort", s.opt.Sort)
	q.Set("direction", "-1")
	q.Set("limit", strconv.Itoa(max(1, min(limit, 1000))))
	var list []apiModel
	if err := s.hub.GetJSON(ctx, "/api/models?"+q.Encode(), &list); err != nil {
		return nil, err
	}
	out := make([]catalog.Entry, 0, len(list))
	for _, m := range list {
		out = append(out, s.entry(m, ""))
	}
	return out, nil
}

// Get is one repository's details, its model card as the docs.
func (s *Source) Get(ctx context.Context, id string) (catalog.Entry, error) {
	if strings.Count(id, "/") > 1 || strings.Contains(id, "..") {
		return catalog.Entry{}, catalog.NotFound("%q is not a Hub repository id (owner/name)", id)
	}
	var m apiModel
	if err := s.hub.GetJSON(ctx, "/api/models/"+repoPath(id), &m); err != nil {
		return catalog.Entry{}, err
	}
	card, err := s.hub.GetText(ctx, "/"+repoPath(id)+"/resolve/main/README.md", maxCard)
	if err != nil && !isNotFound(err) {
		card = fmt.Sprintf("*The model card could not be read: %v*", err)
	}
	return s.entry(m, card), nil
}

func isNotFound(err error) bool { return catalog.ErrorType(err) == catalog.EntityNotFoundError }

// repoPath escapes each part of an owner/name id.
func repoPath(id string) string {
	parts := strings.Split(id, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}

// kindOf maps the Hub's pipeline tag to how a model is called.
func kindOf(tag string) catalog.ModelKind {
	switch tag {
	case "text-generation", "image-text-to-text":
		return catalog.ModelChat
	case "feature-extraction", "sentence-similarity":
		return catalog.ModelEmbedding
	}
	return ""
}

func (s *Source) entry(m apiModel, card string) catalog.Entry {
	md := catalog.Model{
		ID: m.ID, Kind: kindOf(m.PipelineTag), Downloads: m.Downloads, Likes: m.Likes,
		Revision: shortSHA(m.SHA), Modified: m.LastModified,
	}
	if m.Safetensors != nil {
		md.Parameters = m.Safetensors.Total
	}
	if m.Config != nil {
		md.Family = m.Config.ModelType
	}
	if m.PipelineTag != "" {
		md.Capabilities = []string{m.PipelineTag}
	}
	docs := ""
	if card != "" {
		docs = cardDocs(md, m, card)
	}
	e := llm.NewEntry(s.name, md, docs)
	e.Tagline = tagline(md, m)
	if m.CardData != nil {
		e.License = licenseOf(m.CardData.License)
	}
	if m.LibraryName != "" {
		e.Tags = append(e.Tags, m.LibraryName)
	}
	e.Unavailable = s.unavailable(md.Kind, m.PipelineTag)
	return e
}

// unavailable says why a model cannot be called here, or "".
func (s *Source) unavailable(kind catalog.ModelKind, tag string) string {
	switch {
	case kind != catalog.ModelChat:
		if tag == "" {
			tag = "of no pipeline"
		}
		return fmt.Sprintf("pipette calls the Hub's chat models, through its router; this model is %s", tag)
	case s.router == nil:
		return "calling Hub models goes through the Hugging Face router, which needs a token: set HF_TOKEN (or the source's key_env)"
	}
	return ""
}

// tagline: the kind and size, then what the Hub counts.
func tagline(md catalog.Model, m apiModel) string {
	parts := []string{}
	if md.Kind != "" {
		parts = append(parts, string(md.Kind))
	} else if m.PipelineTag != "" {
		parts = append(parts, m.PipelineTag)
	}
	if p := md.ParamsString(); p != "" {
		parts = append(parts, p)
	}
	if m.Downloads > 0 {
		parts = append(parts, shortCount(m.Downloads)+" downloads")
	}
	if m.Likes > 0 {
		parts = append(parts, shortCount(m.Likes)+" likes")
	}
	if m.Gated != nil && m.Gated != false {
		parts = append(parts, "gated")
	}
	return strings.Join(parts, ", ")
}

func shortCount(n int64) string {
	switch {
	case n >= 1_000_000:
		return fmt.Sprintf("%.1fM", float64(n)/1e6)
	case n >= 1_000:
		return fmt.Sprintf("%.1fk", float64(n)/1e3)
	}
	return strconv.FormatInt(n, 10)
}

func shortSHA(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}

// licenseOf reads cardData.license: a string or a list of them.
func licenseOf(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case []any:
		var out []string
		for _, x := range t {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return strings.Join(out, ", ")
	}
	return ""
}

// Stream calls a chat model through the router.
func (s *Source) Stream(ctx context.Context, e catalog.Entry, in catalog.Value, emit func(catalog.Chunk) error) (catalog.Output, error) {
	kind := catalog.ModelKind("")
	tag := ""
	if e.Model != nil {
		kind = e.Model.Kind
		if len(e.Model.Capabilities) > 0 {
			tag = e.Model.Capabilities[0]
		}
	}
	if why := s.unavailable(kind, tag); why != "" {
		return catalog.Output{}, catalog.Errorf(catalog.UnsupportedError, "%s cannot be called: %s", e.Ref.WithVersion(""), why)
	}
	return s.router.Stream(ctx, e, in, emit)
}
