// Package pipette is another pipette server (or any server of the
// Algorithmia API that lists its catalog) as a source merged into this
// one. Its algorithms keep their docs, samples and versions; their
// references move under the source's name, the remote reference becoming
// the model id: lab/nlp~SentimentAnalysis/1.0.0 is nlp/SentimentAnalysis
// 1.0.0 of the server named lab. (--server, by contrast, replaces the
// catalog with the server's.)
package pipette

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"pipette/catalog"
	"pipette/client"
	"pipette/sources/upstream"
)

// Source is one pipette server.
type Source struct {
	name string
	c    *client.Client
	who  string
}

// New returns the pipette server at url as the source named name; key is
// its API key.
func New(name, url, key string, hc *http.Client) (*Source, error) {
	u, err := upstream.ParseURL(url)
	if err != nil {
		return nil, err
	}
	if hc == nil {
		hc = upstream.NewHTTPClient()
	}
	return &Source{name: name, c: client.New(u.String(), key, client.WithHTTPClient(hc)), who: "pipette at " + upstream.Redact(u)}, nil
}

// Probe says nothing: the catalog API has no version endpoint, and the
// listing that follows a probe shows whether the server answers.
func (s *Source) Probe(ctx context.Context) (string, error) { return "", nil }

// List is the server's catalog, each entry under this source.
func (s *Source) List(ctx context.Context) ([]catalog.Entry, error) {
	entries, err := s.c.Source().List(ctx)
	if err != nil {
		return nil, s.wrap(err)
	}
	for i := range entries {
		entries[i] = s.adopt(entries[i])
	}
	return entries, nil
}

// Get is one algorithm of the server; id is its reference there
// (owner/name).
func (s *Source) Get(ctx context.Context, id string) (catalog.Entry, error) {
	ref, err := catalog.ParseRef(id)
	if err != nil || ref.Version != "" {
		return catalog.Entry{}, catalog.NotFound("%q is not an algorithm of %s (owner/name)", id, s.who)
	}
	e, err := s.c.Source().Get(ctx, ref)
	if err != nil {
		return catalog.Entry{}, s.wrap(err)
	}
	return s.adopt(e), nil
}

// adopt moves a remote entry under this source's name.
func (s *Source) adopt(e catalog.Entry) catalog.Entry {
	remote := e.Ref
	e.Ref = catalog.ModelRef(s.name, remote.Path())
	e.Ref.Version = remote.Version
	if e.Label == "" {
		e.Label = remote.Path()
	}
	e.Source = s.name
	return e
}

// Stream calls the algorithm, streamed when the server streams it.
func (s *Source) Stream(ctx context.Context, e catalog.Entry, in catalog.Value, emit func(catalog.Chunk) error) (catalog.Output, error) {
	remote, err := catalog.ParseRef(e.Ref.ModelID())
	if err != nil {
		return catalog.Output{}, catalog.NotFound("%s is not an algorithm of %s", e.Ref, s.who)
	}
	remote.Version = e.Ref.Version
	st := s.c.AlgoRef(remote).Stream(ctx, in)
	for {
		c, err := st.Next()
		if err != nil {
			break
		}
		if emit != nil {
			if err := emit(c); err != nil {
				st.Close()
				return catalog.Output{}, err
			}
		}
	}
	resp, err := st.Wait()
	if err != nil {
		return catalog.Output{}, s.wrap(err)
	}
	return catalog.Output{Value: resp.Value, Stdout: resp.Stdout, Version: remote.Version, Generation: resp.Generation}, nil
}

// wrap marks a server that could not be reached as such, so its source is
// shown down.
func (s *Source) wrap(err error) error {
	var se *client.ServerError
	if errors.As(err, &se) && strings.HasPrefix(se.Msg, "cannot reach") {
		return &upstream.Unreachable{Who: s.who, Err: se.Err}
	}
	return err
}
