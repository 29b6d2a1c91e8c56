package sources

import (
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"

	"pipette/sources/ollama"
	"pipette/sources/upstream"
)

// The kinds of source.
const (
	KindPipette = "pipette" // another pipette server (the Algorithmia API)
	KindOllama  = "ollama"  // Ollama's REST API
	KindOpenAI  = "openai"  // an OpenAI-compatible server: llama-server, vLLM, LM Studio, OpenRouter, the HF router
	KindOIP     = "oip"     // the Open Inference Protocol v2: KServe, Triton, MLServer, Seldon
	KindHF      = "hf"      // the Hugging Face Hub
)

// Kinds lists the kinds in the order help texts name them.
var Kinds = []string{KindPipette, KindOllama, KindOpenAI, KindOIP, KindHF}

// DefaultHFURL is the Hub.
const DefaultHFURL = "https://huggingface.co"

// Spec says where a source is and what it is called. It comes from
// --source [NAME=]KIND=URL or from the sources list of config.yaml; a key
// is never written in either, only the name of the environment variable
// that holds it.
type Spec struct {
	Name   string `yaml:"name"`
	Kind   string `yaml:"kind"`
	URL    string `yaml:"url"`
	KeyEnv string `yaml:"key_env"`
	// Hub sources: what the listing shows before anything is searched.
	Search string `yaml:"search"`
	Filter string `yaml:"filter"`
	Sort   string `yaml:"sort"`
	Limit  int    `yaml:"limit"`
	// Discovered marks a source found on its usual local port.
	Discovered bool `yaml:"-"`
}

// ParseFlag reads the value of --source: KIND=URL, NAME=KIND=URL, or a
// kind alone when it has a usual address (ollama, hf). The name defaults to
// the kind.
func ParseFlag(s string) (Spec, error) {
	s = strings.TrimSpace(s)
	first, rest, hasURL := strings.Cut(s, "=")
	var sp Spec
	switch {
	case !hasURL:
		sp.Kind = first
	case isKind(first) && !startsWithKind(rest):
		sp.Kind, sp.URL = first, rest
	default:
		kind, u, ok := strings.Cut(rest, "=")
		if !ok {
			return Spec{}, fmt.Errorf("--source %q: write KIND=URL or NAME=KIND=URL, KIND one of %s", s, strings.Join(Kinds, ", "))
		}
		sp.Name, sp.Kind, sp.URL = first, kind, u
	}
	sp.Kind = strings.ToLower(strings.TrimSpace(sp.Kind))
	sp.URL = strings.TrimSpace(sp.URL)
	if err := sp.Check(); err != nil {
		return Spec{}, fmt.Errorf("--source %q: %w", s, err)
	}
	return sp, nil
}

func isKind(s string) bool { return slices.Contains(Kinds, strings.ToLower(strings.TrimSpace(s))) }

func startsWithKind(s string) bool {
	k, _, ok := strings.Cut(s, "=")
	return ok && isKind(k)
}

// Check fills in what has a default (the name, the URL of ollama and hf)
// and says in one sentence what is wrong with the rest.
func (sp *Spec) Check() error {
	if !isKind(sp.Kind) {
		return fmt.Errorf("unknown kind %q: use one of %s", sp.Kind, strings.Join(Kinds, ", "))
	}
	if sp.URL == "" {
		switch sp.Kind {
		case KindOllama:
			sp.URL = ollama.DefaultURL
		case KindHF:
			sp.URL = DefaultHFURL
		default:
			article := "a"
			if strings.ContainsRune("aeiou", rune(sp.Kind[0])) {
				article = "an"
			}
			return fmt.Errorf("%s %s source needs the server's URL, like %s=http://127.0.0.1:8080", article, sp.Kind, sp.Kind)
		}
	}
	if _, err := upstream.ParseURL(sp.URL); err != nil {
		return err
	}
	if sp.Name == "" {
		sp.Name = sp.Kind
	}
	if err := checkName(sp.Name); err != nil {
		return err
	}
	if sp.KeyEnv != "" && !validEnvName(sp.KeyEnv) {
		return fmt.Errorf("key_env %q is not the name of an environment variable (write the variable's name, never the key)", sp.KeyEnv)
	}
	if sp.Limit < 0 || sp.Limit > 1000 {
		return fmt.Errorf("limit %d: a listing is from 1 to 1000 models", sp.Limit)
	}
	return nil
}

// checkName: a source name is the owner of its references, so it has the
// characters of an owner, in lower case, and is short.
func checkName(n string) error {
	if n == "" || len(n) > 40 {
		return fmt.Errorf("source name %q must be 1 to 40 characters", n)
	}
	for i, r := range n {
		ok := (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || (i > 0 && (r == '-' || r == '_' || r == '.'))
		if !ok {
			return fmt.Errorf("source name %q may hold lower-case letters, digits, - _ and . (and starts with a letter or digit)", n)
		}
	}
	return nil
}

func validEnvName(s string) bool {
	for i, r := range s {
		if !(r == '_' || (r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z') || (i > 0 && r >= '0' && r <= '9')) {
			return false
		}
	}
	return s != ""
}

// ShownURL is the URL as it may be shown: without credentials.
func (sp Spec) ShownURL() string {
	u, err := upstream.ParseURL(sp.URL)
	if err != nil {
		return sp.URL
	}
	return upstream.Redact(u)
}

// wellKnownKeys are the variables whose keys go to the hosts that issued
// them when a source names no key_env. A key is never sent anywhere else
// unasked: a local llama-server or a stranger's proxy does not get
// $OPENAI_API_KEY.
var wellKnownKeys = map[string]string{
	"huggingface.co":        "HF_TOKEN",
	"router.huggingface.co": "HF_TOKEN",
	"api.openai.com":        "OPENAI_API_KEY",
	"openrouter.ai":         "OPENROUTER_API_KEY",
	"ollama.com":            "OLLAMA_API_KEY",
}

// Key is the source's key: the variable key_env names, else the usual one
// for a well-known host, else none.
func (sp Spec) Key() string {
	if sp.KeyEnv != "" {
		return os.Getenv(sp.KeyEnv)
	}
	u, err := url.Parse(sp.URL)
	if err != nil {
		return ""
	}
	if env, ok := wellKnownKeys[strings.ToLower(u.Hostname())]; ok {
		return os.Getenv(env)
	}
	return ""
}

// KeyName is the variable the key comes from, for messages ("" for none).
func (sp Spec) KeyName() string {
	if sp.KeyEnv != "" {
		return sp.KeyEnv
	}
	if u, err := url.Parse(sp.URL); err == nil {
		return wellKnownKeys[strings.ToLower(u.Hostname())]
	}
	return ""
}

// Dedupe gives every spec a name of its own: a second "ollama" becomes
// "ollama2", and so on. Names given explicitly that collide are an error.
func Dedupe(specs []Spec) ([]Spec, error) {
	seen := map[string]bool{}
	out := make([]Spec, len(specs))
	for i, sp := range specs {
		if seen[sp.Name] {
			if sp.Name != sp.Kind {
				return nil, fmt.Errorf("two sources are named %q: give each its own name", sp.Name)
			}
			base := sp.Name
			for n := 2; seen[sp.Name]; n++ {
				sp.Name = fmt.Sprintf("%s%d", base, n)
			}
		}
		seen[sp.Name] = true
		out[i] = sp
	}
	return out, nil
}
