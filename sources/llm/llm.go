// Package llm is what every language-model source shares: how a chat,
// completion or embedding call's input is read (text, or {messages,
// options}), how its options are checked, what an embedding answers, and how
// the time to first token and tokens/s of a streamed answer are measured.
// The sources translate a Request into their own protocol.
package llm

import (
	"encoding/json"
	"strings"

	"pipette/catalog"
)

// Message is one turn of a conversation.
type Message struct {
	Role    string `json:"role"` // system, user, assistant
	Content string `json:"content"`
}

// Options are the usual generation parameters; nil or zero means the
// server's default.
type Options struct {
	Temperature *float64 `json:"temperature,omitempty"`
	TopP        *float64 `json:"top_p,omitempty"`
	MaxTokens   int64    `json:"max_tokens,omitempty"`
	Stop        []string `json:"stop,omitempty"`
	Seed        *int64   `json:"seed,omitempty"`
}

// Request is a chat or completion call, read from its input.
type Request struct {
	Messages []Message // chat: the conversation, system prompt first when given
	Prompt   string    // completion: the text to continue
	Options  Options

	// A prompt for a model's own prompt endpoint (Ollama's /api/generate;
	// ParsePrompt): the system prompt apart, the text that follows the
	// answer (fill in the middle), and whether the prompt is sent as it is,
	// without the model's template.
	System string `json:",omitempty"`
	Suffix string `json:",omitempty"`
	Raw    bool   `json:",omitempty"`
}

// Limits on what a caller may ask for. max_tokens is bounded so that a
// mistyped 2^31 or 2^63 is a clear error rather than a server-side surprise.
const (
	MaxTokensLimit = 1 << 20
	maxStops       = 16
	maxSeed        = 1 << 53 // the largest integer a JSON number holds exactly
)

// input is the JSON form of a chat or completion input.
type input struct {
	Messages *[]Message      `json:"messages"`
	Prompt   *string         `json:"prompt"`
	System   string          `json:"system"`
	Options  json.RawMessage `json:"options"`
	// suffix and raw are read by ParsePrompt only; the other parsers refuse
	// them (a chat or an OpenAI-style completion has no place for them).
	Suffix *string `json:"suffix"`
	Raw    *bool   `json:"raw"`
}

// promptOnly is the sentence for suffix or raw sent where they cannot go.
const promptOnly = "suffix and raw go with a prompt to an Ollama model (its /api/generate); this model takes neither: leave them out"

// ParseChat reads a chat model's input: text is one user message; JSON is
// {"messages": [{role, content}…] or "prompt": "…", "system": "…",
// "options": {…}}, or a JSON string taken as text.
func ParseChat(in catalog.Value) (Request, error) {
	text, obj, err := split(in)
	if err != nil {
		return Request{}, err
	}
	var r Request
	if obj == nil {
		r.Messages = []Message{{Role: "user", Content: text}}
		return r, nil
	}
	if obj.Suffix != nil || obj.Raw != nil {
		return Request{}, catalog.InputErrorf(promptOnly)
	}
	if obj.System != "" {
		r.Messages = append(r.Messages, Message{Role: "system", Content: obj.System})
	}
	switch {
	case obj.Messages != nil && obj.Prompt != nil:
		return Request{}, catalog.InputErrorf("give either messages or prompt, not both")
	case obj.Messages != nil:
		if len(*obj.Messages) == 0 {
			return Request{}, catalog.InputErrorf("messages is empty: give at least one {\"role\": \"user\", \"content\": \"…\"}")
		}
		for i, m := range *obj.Messages {
			switch m.Role {
			case "system", "user", "assistant":
			default:
				return Request{}, catalog.InputErrorf("messages[%d] has role %q: use system, user or assistant", i, m.Role)
			}
		}
		r.Messages = append(r.Messages, *obj.Messages...)
	case obj.Prompt != nil:
		r.Messages = append(r.Messages, Message{Role: "user", Content: *obj.Prompt})
	default:
		return Request{}, catalog.InputErrorf("a chat input is text, or JSON with messages (a list of {role, content}) or prompt")
	}
	r.Options, err = parseOptions(obj.Options)
	return r, err
}

// ParseCompletion reads a completion model's input: text is the prompt;
// JSON is {"prompt": "…", "options": {…}} or a JSON string.
func ParseCompletion(in catalog.Value) (Request, error) {
	text, obj, err := split(in)
	if err != nil {
		return Request{}, err
	}
	if obj == nil {
		return Request{Prompt: text}, nil
	}
	if obj.Prompt == nil || obj.Messages != nil {
		return Request{}, catalog.InputErrorf("a completion input is text, or JSON with a prompt (and options)")
	}
	if obj.Suffix != nil || obj.Raw != nil {
		return Request{}, catalog.InputErrorf(promptOnly)
	}
	r := Request{Prompt: *obj.Prompt}
	if obj.System != "" {
		r.Prompt = obj.System + "\n\n" + r.Prompt
	}
	r.Options, err = parseOptions(obj.Options)
	return r, err
}

// ParsePrompt reads a prompt for a model's own prompt endpoint (Ollama's
// /api/generate): JSON {"prompt": "…", "system": "…", "suffix": "…", "raw":
// true, "options": {…}}. ok is false, with no error, for any other input
// (text, messages, no prompt): ParseChat reads those and says what is wrong
// with them.
func ParsePrompt(in catalog.Value) (r Request, ok bool, err error) {
	// Text and conversations, the usual inputs, are left to ParseChat
	// without being read twice.
	if m, isObj := in.JSON.(map[string]any); in.Kind != catalog.KindJSON || !isObj || m["prompt"] == nil {
		return Request{}, false, nil
	}
	_, obj, err := split(in)
	if err != nil || obj == nil || obj.Prompt == nil || obj.Messages != nil {
		return Request{}, false, nil
	}
	r = Request{Prompt: *obj.Prompt, System: obj.System}
	if obj.Suffix != nil {
		r.Suffix = *obj.Suffix
	}
	if obj.Raw != nil {
		r.Raw = *obj.Raw
	}
	r.Options, err = parseOptions(obj.Options)
	return r, true, err
}

// split tells a text input (a string, text or a JSON string) from an object
// input.
func split(in catalog.Value) (string, *input, error) {
	switch in.Kind {
	case catalog.KindText:
		return in.Text, nil, nil
	case catalog.KindJSON:
		if s, ok := in.JSON.(string); ok {
			return s, nil, nil
		}
		if _, ok := in.JSON.(map[string]any); !ok {
			return "", nil, catalog.InputErrorf("the input is JSON %s: send text, or an object with messages or prompt", jsonType(in.JSON))
		}
		raw, err := json.Marshal(in.JSON)
		if err != nil {
			return "", nil, catalog.InputErrorf("the input is not valid JSON: %v", err)
		}
		var obj input
		dec := json.NewDecoder(strings.NewReader(string(raw)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&obj); err != nil {
			return "", nil, catalog.InputErrorf("the input does not fit {messages | prompt, system, options} (with a prompt to an Ollama model, also suffix and raw): %v", strings.TrimPrefix(err.Error(), "json: "))
		}
		return "", &obj, nil
	case catalog.KindBinary:
		return "", nil, catalog.InputErrorf("a language model takes text or JSON, not binary data")
	}
	return "", nil, catalog.InputErrorf("a language model needs an input: text, or JSON with messages or prompt")
}

// parseOptions reads and checks {temperature, top_p, max_tokens, stop,
// seed}. Numbers out of range are refused with the range, so 2^31, 2^63 and
// -1 each get a sentence rather than a surprise.
func parseOptions(raw json.RawMessage) (Options, error) {
	var o Options
	if len(raw) == 0 || string(raw) == "null" {
		return o, nil
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return o, catalog.InputErrorf("options is not an object of temperature, top_p, max_tokens, stop, seed")
	}
	for k, v := range m {
		switch k {
		case "temperature":
			f, err := number(k, v, 0, 2, false)
			if err != nil {
				return o, err
			}
			o.Temperature = &f
		case "top_p":
			f, err := number(k, v, 0, 1, false)
			if err != nil {
				return o, err
			}
			o.TopP = &f
		case "max_tokens":
			f, err := number(k, v, 1, MaxTokensLimit, true)
			if err != nil {
				return o, err
			}
			o.MaxTokens = int64(f)
		case "seed":
			f, err := number(k, v, 0, maxSeed, true)
			if err != nil {
				return o, err
			}
			s := int64(f)
			o.Seed = &s
		case "stop":
			stops, err := stopList(v)
			if err != nil {
				return o, err
			}
			o.Stop = stops
		default:
			return o, catalog.InputErrorf("unknown option %q: use temperature, top_p, max_tokens, stop or seed", k)
		}
	}
	return o, nil
}

// number is options.name as a number within [lo, hi] (whole when integer).
func number(name string, v any, lo, hi float64, integer bool) (float64, error) {
	return catalog.JSONNumber("options."+name, v, lo, hi, integer, "")
}

func stopList(v any) ([]string, error) {
	switch t := v.(type) {
	case string:
		return []string{t}, nil
	case []any:
		if len(t) > maxStops {
			return nil, catalog.InputErrorf("options.stop has %d entries; at most %d", len(t), maxStops)
		}
		out := make([]string, 0, len(t))
		for _, s := range t {
			str, ok := s.(string)
			if !ok || str == "" {
				return nil, catalog.InputErrorf("options.stop must be a string or a list of non-empty strings")
			}
			out = append(out, str)
		}
		return out, nil
	}
	return nil, catalog.InputErrorf("options.stop must be a string or a list of non-empty strings")
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case []any:
		return "array"
	case float64:
		return "number"
	case bool:
		return "boolean"
	}
	return "value"
}

// Params are the options that are set, under the names most protocols use
// (temperature, top_p, stop, seed), with the maximum number of tokens under
// maxTokensName (Ollama's num_predict, OpenAI's max_tokens).
func (o Options) Params(maxTokensName string) map[string]any {
	m := map[string]any{}
	if o.Temperature != nil {
		m["temperature"] = *o.Temperature
	}
	if o.TopP != nil {
		m["top_p"] = *o.TopP
	}
	if o.MaxTokens > 0 {
		m[maxTokensName] = o.MaxTokens
	}
	if len(o.Stop) > 0 {
		m["stop"] = o.Stop
	}
	if o.Seed != nil {
		m["seed"] = *o.Seed
	}
	return m
}
