package client

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"pipette/catalog"
	"pipette/data"
)

// NewLocal returns a client that runs algorithms in this process.
func NewLocal(runner catalog.Runner, src catalog.Source, opts ...LocalOption) *Client {
	l := &local{runner: runner, src: src}
	for _, o := range opts {
		o(l)
	}
	return &Client{t: l}
}

// LocalOption configures an in-process client.
type LocalOption func(*local)

// WithStore gives the in-process client a Data API store, as the anonymous
// owner: its File and Dir helpers use it, and the algorithms it calls read
// data:// references and keep uploads there. open is called once, on first
// use, so commands that never touch the store never open it.
func WithStore(open func() (*data.Store, error)) LocalOption {
	return func(l *local) { l.store = sync.OnceValues(open) }
}

type local struct {
	runner catalog.Runner
	src    catalog.Source
	store  func() (*data.Store, error) // nil: no store
}

// withData gives ctx the anonymous owner's access to the client's store,
// unless the call already runs with one (a step of a chain the server runs
// for a caller keeps that caller's).
func (l *local) withData(ctx context.Context) (context.Context, error) {
	if _, ok := data.AccessFrom(ctx); ok || l.store == nil {
		return ctx, nil
	}
	st, err := l.store()
	if err != nil {
		return ctx, err
	}
	return data.WithAccess(ctx, data.Access{Store: st, Owner: data.AnonymousOwner}), nil
}

func (l *local) source() catalog.Source { return l.src }

func (l *local) call(ctx context.Context, ref catalog.Ref, in catalog.Value, opt CallOptions) (*Response, error) {
	return l.stream(ctx, ref, in, opt, nil)
}

// stream runs the algorithm, through the runner's Stream when it streams and
// emit wants the pieces.
func (l *local) stream(ctx context.Context, ref catalog.Ref, in catalog.Value, opt CallOptions, emit func(catalog.Chunk) error) (*Response, error) {
	if opt.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opt.Timeout)
		defer cancel()
	}
	ctx, err := l.withData(ctx)
	if err != nil {
		return nil, catalog.Errorf(catalog.UnsupportedError, "open the data store: %v", err)
	}
	// The input goes through the same normalisation a request body would, so
	// an algorithm sees identical values in-process and over HTTP.
	in, err = in.Normalize()
	if err != nil {
		return nil, catalog.InputErrorf("%v", err)
	}
	start := time.Now()
	if opt.Stdout {
		ctx = catalog.WithStdoutWanted(ctx)
	}
	var out catalog.Output
	if s, ok := l.runner.(catalog.Streamer); ok && emit != nil {
		out, err = s.Stream(ctx, ref, in, emit)
	} else {
		out, err = l.runner.Run(ctx, ref, in)
	}
	d := time.Since(start)
	if err != nil {
		return nil, CallError(ref, err, opt.Timeout)
	}
	v, err := out.Value.Normalize()
	if err != nil {
		return nil, catalog.Errorf(catalog.AlgorithmError, "%s returned a result that is not valid JSON: %v", ref, err)
	}
	if v.Kind == "" {
		v = catalog.Void()
	}
	r := &Response{Result: v.Go(), Value: v, ContentType: string(v.Kind), Duration: d, Generation: out.Generation}
	if opt.Stdout {
		r.Stdout = out.Stdout
	}
	return r, nil
}

// CallError turns what a runner returned into the *catalog.Error a caller
// sees, so the in-process client and the server describe a timeout or a
// cancelled call in the same words.
func CallError(ref catalog.Ref, err error, timeout time.Duration) *catalog.Error {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		msg := fmt.Sprintf("%s did not finish in time", ref)
		if timeout > 0 {
			msg = fmt.Sprintf("%s did not finish within %s; raise the timeout (seconds, max 3000) or send less input", ref, timeout)
		}
		return &catalog.Error{Type: catalog.AlgorithmError, Message: msg}
	case errors.Is(err, context.Canceled):
		return &catalog.Error{Type: catalog.AlgorithmError, Message: fmt.Sprintf("%s: the call was cancelled", ref)}
	}
	return catalog.AsError(err)
}
