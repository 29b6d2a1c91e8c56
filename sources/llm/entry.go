package llm

import (
	"encoding/json"
	"slices"
	"strings"

	"pipette/catalog"
)

// NewEntry is the catalog entry of a model that the source named source
// serves, built from what the source said about it (m) and its docs
// (markdown; "" for none yet). Everything a list shows comes from m: the
// tagline is its summary, the tags its kind, family and capabilities.
func NewEntry(source string, m catalog.Model, docs string) catalog.Entry {
	e := catalog.Entry{
		Ref:     catalog.ModelRef(source, m.ID),
		Label:   m.ID,
		Tagline: m.Summary(),
		Docs:    docs,
		Source:  source,
	}
	model := m
	e.Model = &model
	e.Tags = modelTags(m)
	switch m.Kind {
	case catalog.ModelChat:
		e.InputKind, e.OutputKind = catalog.KindAny, catalog.KindText
		e.InputSchema, e.Samples = chatSchema, chatSamples()
	case catalog.ModelCompletion:
		e.InputKind, e.OutputKind = catalog.KindAny, catalog.KindText
		e.InputSchema, e.Samples = completionSchema, completionSamples()
	case catalog.ModelEmbedding:
		e.InputKind, e.OutputKind = catalog.KindAny, catalog.KindJSON
		e.InputSchema, e.Samples = embedSchema, embedSamples()
	case catalog.ModelTensor:
		e.InputKind, e.OutputKind = catalog.KindJSON, catalog.KindJSON
	default:
		e.InputKind, e.OutputKind = catalog.KindAny, catalog.KindAny
	}
	return e
}

// modelTags are the tags a model is found by: its kind, family and
// capabilities, lower-cased, each once.
func modelTags(m catalog.Model) []string {
	var tags []string
	add := func(t string) {
		t = strings.ToLower(strings.TrimSpace(t))
		if t != "" && !slices.Contains(tags, t) {
			tags = append(tags, t)
		}
	}
	add(string(m.Kind))
	add(m.Family)
	for _, c := range m.Capabilities {
		add(c)
	}
	return tags
}

var (
	chatSchema = json.RawMessage(`{"oneOf":[{"type":"string","description":"one user message"},` +
		`{"type":"object","properties":{` +
		`"messages":{"type":"array","items":{"type":"object","properties":{"role":{"enum":["system","user","assistant"]},"content":{"type":"string"}},"required":["role","content"]}},` +
		`"prompt":{"type":"string"},"system":{"type":"string"},"options":` + optionsSchema + `},"additionalProperties":false}]}`)
	// PromptChatSchema is chatSchema for a model that also takes a prompt
	// with suffix and raw (Ollama's, through /api/generate: ParsePrompt).
	PromptChatSchema = json.RawMessage(`{"oneOf":[{"type":"string","description":"one user message"},` +
		`{"type":"object","properties":{` +
		`"messages":{"type":"array","items":{"type":"object","properties":{"role":{"enum":["system","user","assistant"]},"content":{"type":"string"}},"required":["role","content"]}},` +
		`"system":{"type":"string"},"options":` + optionsSchema + `},"required":["messages"],"additionalProperties":false},` +
		`{"type":"object","properties":{"prompt":{"type":"string"},"system":{"type":"string"},"suffix":{"type":"string"},"raw":{"type":"boolean"},"options":` + optionsSchema + `},` +
		`"required":["prompt"],"additionalProperties":false}]}`)
	completionSchema = json.RawMessage(`{"oneOf":[{"type":"string","description":"the prompt"},` +
		`{"type":"object","properties":{"prompt":{"type":"string"},"system":{"type":"string"},"options":` + optionsSchema + `},"required":["prompt"],"additionalProperties":false}]}`)
	embedSchema = json.RawMessage(`{"oneOf":[{"type":"string"},{"type":"array","items":{"type":"string"},"minItems":1,"maxItems":2048}]}`)
)

const optionsSchema = `{"type":"object","properties":{` +
	`"temperature":{"type":"number","minimum":0,"maximum":2},"top_p":{"type":"number","minimum":0,"maximum":1},` +
	`"max_tokens":{"type":"integer","minimum":1,"maximum":1048576},"seed":{"type":"integer","minimum":0},` +
	`"stop":{"oneOf":[{"type":"string"},{"type":"array","items":{"type":"string"},"maxItems":16}]}},"additionalProperties":false}`

func chatSamples() []catalog.Sample {
	return []catalog.Sample{
		{Name: "question", Input: catalog.Text("In one sentence: what is a pipette used for?")},
		{Name: "messages and options", Input: catalog.JSON(map[string]any{
			"system":   "You answer in one short sentence.",
			"messages": []any{map[string]any{"role": "user", "content": "Name three things a laboratory pipette is used for."}},
			"options":  map[string]any{"temperature": 0.2, "max_tokens": float64(64)},
		})},
	}
}

func completionSamples() []catalog.Sample {
	return []catalog.Sample{
		{Name: "prompt", Input: catalog.Text("A pipette is a laboratory tool that")},
		{Name: "prompt and options", Input: catalog.JSON(map[string]any{
			"prompt": "The three steps of using a pipette are", "options": map[string]any{"max_tokens": float64(48), "stop": []any{"\n\n"}},
		})},
	}
}

func embedSamples() []catalog.Sample {
	return []catalog.Sample{
		{Name: "one text", Input: catalog.Text("A pipette moves a measured volume of liquid.")},
		{Name: "two texts", Input: catalog.JSON([]any{"A pipette moves liquid.", "A burette measures titrant."})},
	}
}
