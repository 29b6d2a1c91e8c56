package sources

import (
	"fmt"
	"net/http"

	"pipette/sources/ollama"
	"pipette/sources/openai"
)

// openBackend builds the backend of a checked spec.
func openBackend(sp Spec, hc *http.Client) (Backend, error) {
	switch sp.Kind {
	case KindOllama:
		return ollama.New(sp.Name, sp.URL, sp.Key(), hc)
	case KindOpenAI:
		return openai.New(sp.Name, sp.URL, sp.Key(), hc)
	}
	return nil, fmt.Errorf("kind %q is not supported yet", sp.Kind)
}
