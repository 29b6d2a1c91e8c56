// Package openai is an OpenAI-compatible server as a pipette source:
// llama.cpp's llama-server, vLLM, LM Studio, OpenRouter, the Hugging Face
// router, OpenAI itself. It lists /v1/models and reads the richer listings
// where a server has them (llama-server's /props and the meta of its
// models, LM Studio's /api/v0/models, OpenRouter's context lengths,
// modalities and prices, which come in its /models), and calls
// /v1/chat/completions, /v1/completions and /v1/embeddings, streamed as
// server-sent events. The wire types are written here (from OpenAI's
// published OpenAPI description and the servers' docs) rather than taken
// from a client library: the libraries model OpenAI's own fields only,
// while a source needs each server's extras, "data": null from an empty
// server, and bounded reads.
package openai

import (
	"context"
	"net/http"
	"strings"

	"pipette/catalog"
	"pipette/sources/upstream"
)

// Source is one OpenAI-compatible server.
type Source struct {
	name string
	api  *upstream.Client // the /v1 base
	root *upstream.Client // the server's root, for /props and /api/v0 (nil when the base has another prefix)
}

// New returns the server at url as the source named name. url is the API
// base (…/v1, as clients are configured) or the server's root, to which /v1
// is added.
func New(name, url, key string, hc *http.Client) (*Source, error) {
	u, err := upstream.ParseURL(url)
	if err != nil {
		return nil, err
	}
	path := strings.TrimRight(u.Path, "/")
	rootURL := *u
	switch {
	case path == "":
		u.Path = "/v1"
	case strings.HasSuffix(path, "/v1"):
		rootURL.Path = strings.TrimSuffix(path, "/v1")
	}
	api, err := upstream.New("openai", u.String(), key, hc)
	if err != nil {
		return nil, err
	}
	s := &Source{name: name, api: api}
	// /props and /api/v0 live at the root of llama-server and LM Studio,
	// which serve /v1 there; a base with another prefix (OpenRouter's
	// /api/v1) has neither.
	if rootURL.Path == "" || rootURL.Path == "/" {
		if s.root, err = upstream.New("openai", rootURL.String(), key, hc); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Client is the API's upstream client.
func (s *Source) Client() *upstream.Client { return s.api }

// Probe lists /models: the one endpoint every compatible server has.
func (s *Source) Probe(ctx context.Context) (string, error) {
	var list modelList
	if err := s.api.GetJSON(ctx, "/models", &list); err != nil {
		return "", err
	}
	if p, err := s.props(ctx); err == nil && p.BuildInfo != "" {
		return "llama.cpp " + p.BuildInfo, nil
	}
	return "", nil
}

// modelList is /v1/models. Data may be null (an empty Ollama sends that);
// llama-server adds a models array in Ollama's shape.
type modelList struct {
	Data   []model     `json:"data"`
	Models []llamaItem `json:"models"`
}

// model is one entry of /v1/models with the extra fields servers add:
// llama-server's meta, OpenRouter's name, description, context length,
// architecture and pricing.
type model struct {
	ID            string        `json:"id"`
	OwnedBy       string        `json:"owned_by"`
	Created       int64         `json:"created"`
	Name          string        `json:"name"`
	Description   string        `json:"description"`
	ContextLength int64         `json:"context_length"`
	Architecture  *architecture `json:"architecture"`
	Pricing       *pricing      `json:"pricing"`
	TopProvider   *topProvider  `json:"top_provider"`
	Supported     []string      `json:"supported_parameters"`
	Meta          *llamaMeta    `json:"meta"`
}

type architecture struct {
	Modality         string   `json:"modality"`
	InputModalities  []string `json:"input_modalities"`
	OutputModalities []string `json:"output_modalities"`
	Tokenizer        string   `json:"tokenizer"`
}

type pricing struct {
	Prompt     string `json:"prompt"`
	Completion string `json:"completion"`
	Request    string `json:"request"`
	Image      string `json:"image"`
}

type topProvider struct {
	ContextLength       int64 `json:"context_length"`
	MaxCompletionTokens int64 `json:"max_completion_tokens"`
}

type llamaMeta struct {
	NCtx      int64 `json:"n_ctx"`
	NCtxTrain int64 `json:"n_ctx_train"`
	NParams   int64 `json:"n_params"`
	Size      int64 `json:"size"`
	NEmbd     int64 `json:"n_embd"`
}

type llamaItem struct {
	Model        string   `json:"model"`
	Capabilities []string `json:"capabilities"`
	Details      struct {
		Family            string `json:"family"`
		QuantizationLevel string `json:"quantization_level"`
	} `json:"details"`
}

// props is llama-server's GET /props, the fields pipette reads.
type props struct {
	DefaultGenerationSettings struct {
		NCtx int64 `json:"n_ctx"`
	} `json:"default_generation_settings"`
	ModelPath    string          `json:"model_path"`
	ChatTemplate string          `json:"chat_template"`
	Modalities   map[string]bool `json:"modalities"`
	BuildInfo    string          `json:"build_info"`
	TotalSlots   int             `json:"total_slots"`
}

func (s *Source) props(ctx context.Context) (*props, error) {
	if s.root == nil {
		return nil, catalog.NotFound("no /props")
	}
	var p props
	if err := s.root.GetJSON(ctx, "/props", &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// lmModel is one entry of LM Studio's GET /api/v0/models.
type lmModel struct {
	ID               string `json:"id"`
	Type             string `json:"type"` // llm, vlm, embeddings
	Publisher        string `json:"publisher"`
	Arch             string `json:"arch"`
	Quantization     string `json:"quantization"`
	State            string `json:"state"` // loaded, not-loaded
	MaxContextLength int64  `json:"max_context_length"`
}

func (s *Source) lmStudio(ctx context.Context) map[string]lmModel {
	if s.root == nil {
		return nil
	}
	var list struct {
		Data []lmModel `json:"data"`
	}
	if err := s.root.GetJSON(ctx, "/api/v0/models", &list); err != nil {
		return nil
	}
	out := make(map[string]lmModel, len(list.Data))
	for _, m := range list.Data {
		out[m.ID] = m
	}
	return out
}
