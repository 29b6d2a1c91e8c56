// Package client calls algorithms: the Pipe() client of the Algorithmia API
// over a transport that is either in-process (the built-in registry) or HTTP
// (a pipette server, docs/API.md). The same call gives the same result
// either way.
package client

import (
	"context"
	"time"

	"pipette/catalog"
)

// Response is the answer of one call.
type Response struct {
	// Result is the value decoded by content type: string (text), []byte
	// (binary), generic JSON (json), nil (void).
	Result      any
	Value       catalog.Value
	ContentType string        // text, json, binary, void
	Duration    time.Duration // as the algorithm's host measured it
	Stdout      string        // only when asked for with WithStdout
	// Generation is how a chat or completion model produced its text: time
	// to first token, tokens/s. nil for everything else.
	Generation *catalog.Generation
}

// CallOptions tune one call.
type CallOptions struct {
	Timeout time.Duration // 0: the server's default (300 s)
	Stdout  bool          // ask for what the algorithm logged
}

// transport is what differs between an in-process and a remote client.
type transport interface {
	call(ctx context.Context, ref catalog.Ref, in catalog.Value, opt CallOptions) (*Response, error)
	// stream is call, handing each piece of text to emit as it arrives.
	stream(ctx context.Context, ref catalog.Ref, in catalog.Value, opt CallOptions, emit func(catalog.Chunk) error) (*Response, error)
	source() catalog.Source
}

// Client calls algorithms of one catalog.
type Client struct{ t transport }

// Algo returns a handle on the algorithm ref names ("owner/name[/version]" or
// "algo://…"). A malformed ref is reported by Pipe.
func (c *Client) Algo(ref string) *Algorithm {
	r, err := catalog.ParseRef(ref)
	return &Algorithm{c: c, ref: r, err: err}
}

// AlgoRef is Algo for an already parsed reference.
func (c *Client) AlgoRef(ref catalog.Ref) *Algorithm { return &Algorithm{c: c, ref: ref} }

// Source is the catalog this client calls into.
func (c *Client) Source() catalog.Source { return c.t.source() }

// Algorithm is a callable algorithm.
type Algorithm struct {
	c   *Client
	ref catalog.Ref
	err error
	opt CallOptions
}

// WithTimeout bounds the call; the server cancels the algorithm when it passes.
func (a *Algorithm) WithTimeout(d time.Duration) *Algorithm { b := *a; b.opt.Timeout = d; return &b }

// WithStdout asks for the algorithm's log in Response.Stdout.
func (a *Algorithm) WithStdout(on bool) *Algorithm { b := *a; b.opt.Stdout = on; return &b }

// Ref is the algorithm's reference.
func (a *Algorithm) Ref() catalog.Ref { return a.ref }

// Pipe calls the algorithm. input is sent by its Go type: []byte as binary,
// string as text, a catalog.Value as itself, anything else as JSON. Errors
// are *catalog.Error values carrying the error_type and message.
func (a *Algorithm) Pipe(ctx context.Context, input any) (*Response, error) {
	if a.err != nil {
		return nil, catalog.Errorf(catalog.InputError, "%v", a.err)
	}
	return a.c.t.call(ctx, a.ref, catalog.ValueOf(input), a.opt)
}
