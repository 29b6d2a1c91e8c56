package client

import (
	"context"

	"pipette/catalog"
)

// Runner is c as a catalog.Runner and catalog.Streamer: how a catalog built
// on top of another (the built-ins or a server, with sources merged in)
// calls it.
func (c *Client) Runner() catalog.Runner { return clientRunner{c} }

type clientRunner struct{ c *Client }

func (r clientRunner) Run(ctx context.Context, ref catalog.Ref, in catalog.Value) (catalog.Output, error) {
	return r.Stream(ctx, ref, in, nil)
}

func (r clientRunner) Stream(ctx context.Context, ref catalog.Ref, in catalog.Value, emit func(catalog.Chunk) error) (catalog.Output, error) {
	var (
		resp *Response
		err  error
	)
	if emit == nil {
		resp, err = r.c.t.call(ctx, ref, in, CallOptions{Stdout: catalog.StdoutWanted(ctx)})
	} else {
		resp, err = r.c.t.stream(ctx, ref, in, CallOptions{Stdout: catalog.StdoutWanted(ctx)}, emit)
	}
	if err != nil {
		return catalog.Output{}, err
	}
	return catalog.Output{Value: resp.Value, Stdout: resp.Stdout, Version: ref.Version, Generation: resp.Generation}, nil
}
