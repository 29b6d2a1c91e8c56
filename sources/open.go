package sources

import (
	"fmt"
	"net/http"

	"pipette/sources/hf"
	"pipette/sources/oip"
	"pipette/sources/ollama"
	"pipette/sources/openai"
	"pipette/sources/pipette"
)

// openBackend builds the backend of a checked spec.
func openBackend(sp Spec, hc *http.Client) (Backend, error) {
	switch sp.Kind {
	case KindOllama:
		return ollama.New(sp.Name, sp.URL, sp.Key(), hc)
	case KindOpenAI:
		return openai.New(sp.Name, sp.URL, sp.Key(), hc)
	case KindOIP:
		return oip.New(sp.Name, sp.URL, sp.Key(), hc)
	case KindHF:
		return hf.New(sp.Name, sp.URL, sp.Key(), hc, hf.Options{Search: sp.Search, Filter: sp.Filter, Sort: sp.Sort, Limit: sp.Limit})
	case KindPipette:
		return pipette.New(sp.Name, sp.URL, sp.Key(), hc)
	}
	return nil, fmt.Errorf("unknown kind %q", sp.Kind)
}
