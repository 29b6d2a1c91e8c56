package sources

import (
	"context"
	"net/http"
	"sync"
	"time"

	"pipette/sources/upstream"
)

// Usual are the local servers discovery looks for: Ollama, llama.cpp's
// llama-server and LM Studio on their default ports, each with the request
// that tells it from anything else listening there (a pipette serve on 8080
// answers /health with 404).
var Usual = []Candidate{
	{Spec{Name: "ollama", Kind: KindOllama, URL: "http://127.0.0.1:11434"}, "/api/version"},
	{Spec{Name: "llamacpp", Kind: KindOpenAI, URL: "http://127.0.0.1:8080"}, "/health"},
	{Spec{Name: "lmstudio", Kind: KindOpenAI, URL: "http://127.0.0.1:1234"}, "/api/v0/models"},
}

// Candidate is a server discovery looks for: where, and the request only it
// answers with 200.
type Candidate struct {
	Spec  Spec
	Probe string
}

// DiscoverBudget is how long discovery may take in all. A port nobody
// listens on on loopback is refused in microseconds and a local server
// answers its probe in about a millisecond; something slower is not what
// discovery looks for.
const DiscoverBudget = 30 * time.Millisecond

// Discover returns the usual local servers that answer their probe within
// the budget, leaving out any whose name or address a configured source
// already has. The probes run at once; nothing else is asked.
func Discover(ctx context.Context, configured []Spec, budget time.Duration) []Spec {
	return discover(ctx, Usual, configured, budget)
}

func discover(ctx context.Context, candidates []Candidate, configured []Spec, budget time.Duration) []Spec {
	ctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true, Proxy: nil}}
	found := make([]bool, len(candidates))
	var wg sync.WaitGroup
	for i, u := range candidates {
		if taken(u.Spec, configured) {
			continue
		}
		wg.Go(func() {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.Spec.URL+u.Probe, nil)
			if err != nil {
				return
			}
			resp, err := hc.Do(req)
			if err != nil {
				return
			}
			resp.Body.Close()
			found[i] = resp.StatusCode == http.StatusOK
		})
	}
	wg.Wait()
	var out []Spec
	for i, u := range candidates {
		if found[i] {
			sp := u.Spec
			sp.Discovered = true
			out = append(out, sp)
		}
	}
	return out
}

// taken reports whether a configured source already has sp's name or
// address (a configured source always wins over a discovered one).
func taken(sp Spec, configured []Spec) bool {
	want, err := upstream.ParseURL(sp.URL)
	for _, c := range configured {
		if c.Name == sp.Name {
			return true
		}
		if u, uerr := upstream.ParseURL(c.URL); err == nil && uerr == nil && sameHostPort(u.Host, want.Host) {
			return true
		}
	}
	return false
}

// sameHostPort treats localhost and 127.0.0.1 as one host.
func sameHostPort(a, b string) bool {
	norm := func(h string) string {
		if len(h) > 10 && h[:10] == "localhost:" {
			return "127.0.0.1:" + h[10:]
		}
		return h
	}
	return norm(a) == norm(b)
}
