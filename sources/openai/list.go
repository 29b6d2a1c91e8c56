package openai

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"pipette/catalog"
	"pipette/sources/llm"
)

// List is /v1/models, each model with what the richer listings add.
func (s *Source) List(ctx context.Context) ([]catalog.Entry, error) {
	models, extra, err := s.listAll(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]catalog.Entry, 0, len(models))
	for _, m := range models {
		out = append(out, s.entry(m, extra, false))
	}
	return out, nil
}

// Get is one model of the listing, with docs.
func (s *Source) Get(ctx context.Context, id string) (catalog.Entry, error) {
	models, extra, err := s.listAll(ctx)
	if err != nil {
		return catalog.Entry{}, err
	}
	i := slices.IndexFunc(models, func(m model) bool { return m.ID == id })
	if i < 0 {
		return catalog.Entry{}, catalog.NotFound("%s has no model %q", s.api.Who(), id)
	}
	return s.entry(models[i], extra, true), nil
}

// extras is what a server says beyond /v1/models.
type extras struct {
	props  *props
	llama  map[string]llamaItem
	studio map[string]lmModel
}

func (s *Source) listAll(ctx context.Context) ([]model, extras, error) {
	var list modelList
	if err := s.api.GetJSON(ctx, "/models", &list); err != nil {
		return nil, extras{}, err
	}
	ex := extras{studio: s.lmStudio(ctx), llama: map[string]llamaItem{}}
	for _, m := range list.Models {
		ex.llama[m.Model] = m
	}
	if len(list.Models) > 0 || anyOwnedBy(list.Data, "llamacpp") {
		ex.props, _ = s.props(ctx)
	}
	return list.Data, ex, nil
}

func anyOwnedBy(ms []model, owner string) bool {
	return slices.ContainsFunc(ms, func(m model) bool { return m.OwnedBy == owner })
}

func (s *Source) entry(m model, ex extras, withDocs bool) catalog.Entry {
	md := modelOf(m, ex)
	docs := ""
	if withDocs {
		docs = modelDocs(md, m, ex)
	}
	e := llm.NewEntry(s.name, md, docs)
	if m.Description != "" {
		e.Tagline = md.Summary() + ": " + firstSentence(m.Description)
	}
	if m.Name != "" && m.Name != m.ID {
		e.Label = m.Name
	}
	return e
}

// modelOf gathers what is known about m from every listing.
func modelOf(m model, ex extras) catalog.Model {
	md := catalog.Model{ID: m.ID, ContextLength: m.ContextLength}
	if m.Created > 0 {
		md.Modified = time.Unix(m.Created, 0).UTC()
	}
	if mt := m.Meta; mt != nil { // llama-server
		md.Parameters, md.Size = mt.NParams, mt.Size
		md.ContextLength = cmpOr(mt.NCtx, mt.NCtxTrain)
		md.Pricing = &catalog.Pricing{}
	}
	if it, ok := ex.llama[m.ID]; ok {
		md.Capabilities = nonEmpty(it.Capabilities)
		md.Family = it.Details.Family
		md.Quantization = it.Details.QuantizationLevel
	}
	if p := ex.props; p != nil && m.Meta != nil {
		if n := p.DefaultGenerationSettings.NCtx; n > 0 {
			md.ContextLength = n // what the server serves, which may be less than the model was trained on
		}
		for k, on := range p.Modalities {
			if on && !slices.Contains(md.Capabilities, k) {
				md.Capabilities = append(md.Capabilities, k)
			}
		}
	}
	if lm, ok := ex.studio[m.ID]; ok { // LM Studio
		md.Family, md.Quantization = lm.Arch, lm.Quantization
		md.ContextLength = cmpOr(md.ContextLength, lm.MaxContextLength)
		md.Loaded = lm.State == "loaded"
		md.Pricing = &catalog.Pricing{}
		if lm.Type == "vlm" {
			md.Capabilities = append(md.Capabilities, "vision")
		}
	}
	if a := m.Architecture; a != nil { // OpenRouter
		md.Modalities = modalities(a)
		if t := m.TopProvider; t != nil && md.ContextLength == 0 {
			md.ContextLength = t.ContextLength
		}
	}
	if p := m.Pricing; p != nil {
		md.Pricing = &catalog.Pricing{Prompt: price(p.Prompt), Completion: price(p.Completion), Request: price(p.Request), Image: price(p.Image)}
	}
	md.Kind = kindOf(m, ex)
	return md
}

// kindOf decides how a model is called: what the server says (LM Studio's
// type, OpenRouter's output modalities), else its name ("embed" in it means
// an embedding model; OpenAI's few completion-only models by name), else chat.
func kindOf(m model, ex extras) catalog.ModelKind {
	if lm, ok := ex.studio[m.ID]; ok && lm.Type == "embeddings" {
		return catalog.ModelEmbedding
	}
	if a := m.Architecture; a != nil && slices.Contains(a.OutputModalities, "embeddings") {
		return catalog.ModelEmbedding
	}
	id := strings.ToLower(m.ID)
	switch {
	case strings.Contains(id, "embed"):
		return catalog.ModelEmbedding
	case strings.HasPrefix(id, "gpt-3.5-turbo-instruct"), strings.HasPrefix(id, "davinci-0"), strings.HasPrefix(id, "babbage-0"):
		return catalog.ModelCompletion
	}
	return catalog.ModelChat
}

// modalities writes OpenRouter's architecture as "text+image->text".
func modalities(a *architecture) []string {
	if len(a.InputModalities) > 0 && len(a.OutputModalities) > 0 {
		return []string{strings.Join(a.InputModalities, "+") + "->" + strings.Join(a.OutputModalities, "+")}
	}
	if a.Modality != "" {
		return []string{a.Modality}
	}
	return nil
}

// price reads OpenRouter's decimal strings ("0.000003"); a price that does
// not parse, or is negative (OpenRouter's "-1" for a router whose price
// varies), counts as unknown: zero.
func price(s string) float64 {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || f < 0 || f > 1e6 {
		return 0
	}
	return f
}

func cmpOr(a, b int64) int64 {
	if a > 0 {
		return a
	}
	return b
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// firstSentence keeps a description's first sentence, or its first 120
// characters.
func firstSentence(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if i := strings.Index(s, ". "); i > 0 && i < 160 {
		return s[:i+1]
	}
	if r := []rune(s); len(r) > 120 {
		return string(r[:119]) + "…"
	}
	return s
}

// modelDocs is a model's docs: its description (OpenRouter), the card, how
// to call it, and what llama-server says about itself.
func modelDocs(md catalog.Model, m model, ex extras) string {
	var b strings.Builder
	title := m.ID
	if m.Name != "" && m.Name != m.ID {
		title = m.Name
	}
	fmt.Fprintf(&b, "# %s\n\n", title)
	if m.Description != "" {
		b.WriteString(strings.TrimSpace(m.Description) + "\n\n")
	} else {
		fmt.Fprintf(&b, "`%s`, served by an OpenAI-compatible server.\n\n", m.ID)
	}
	b.WriteString(llm.Card(md) + "\n")
	if len(m.Supported) > 0 {
		fmt.Fprintf(&b, "Supported parameters: %s.\n\n", strings.Join(m.Supported, ", "))
	}
	b.WriteString(llm.Usage(md.Kind) + "\n")
	if p := ex.props; p != nil && m.Meta != nil {
		if p.ModelPath != "" {
			fmt.Fprintf(&b, "llama-server serves `%s` (%s, %d slots).\n\n", p.ModelPath, p.BuildInfo, p.TotalSlots)
		}
		b.WriteString(llm.Section("Chat template", p.ChatTemplate))
	}
	return strings.TrimSpace(b.String()) + "\n"
}
