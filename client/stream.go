package client

import (
	"context"
	"io"

	"pipette/catalog"
)

// Stream is a call under way whose result arrives piece by piece: a chat or
// completion model's text as it is generated. Read the pieces with Next (or
// from Chunks), then the whole answer with Wait. Close stops the call: the
// model's server sees its request closed and stops generating.
type Stream struct {
	chunks chan catalog.Chunk
	done   chan struct{}
	cancel context.CancelFunc
	resp   *Response
	err    error
}

// Stream calls the algorithm like Pipe, handing over its result piece by
// piece as it is produced. An algorithm that does not stream gives no
// pieces; its result is in Wait's Response as usual.
func (a *Algorithm) Stream(ctx context.Context, input any) *Stream {
	ctx, cancel := context.WithCancel(ctx)
	s := &Stream{chunks: make(chan catalog.Chunk, 64), done: make(chan struct{}), cancel: cancel}
	if a.err != nil {
		s.finish(nil, catalog.Errorf(catalog.InputError, "%v", a.err))
		return s
	}
	go func() {
		resp, err := a.c.t.stream(ctx, a.ref, catalog.ValueOf(input), a.opt, func(c catalog.Chunk) error {
			if c.Text == "" {
				return nil
			}
			select {
			case s.chunks <- c:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
		if err != nil {
			err = CallError(a.ref, err, a.opt.Timeout)
		}
		s.finish(resp, err)
	}()
	return s
}

func (s *Stream) finish(resp *Response, err error) {
	s.resp, s.err = resp, err
	close(s.chunks)
	close(s.done)
}

// Chunks delivers the pieces in order; it is closed when the call ends.
func (s *Stream) Chunks() <-chan catalog.Chunk { return s.chunks }

// Next returns the next piece, or io.EOF once the call has ended (Wait then
// says how).
func (s *Stream) Next() (catalog.Chunk, error) {
	c, ok := <-s.chunks
	if !ok {
		return catalog.Chunk{}, io.EOF
	}
	return c, nil
}

// Wait waits for the call to end and returns its whole answer: the result
// (all the pieces together, for a text model), its duration and, for a
// model, its Generation. Pieces not read yet are dropped.
func (s *Stream) Wait() (*Response, error) {
	for {
		select {
		case <-s.done:
			s.cancel()
			return s.resp, s.err
		case <-s.chunks:
		}
	}
}

// Done is closed when the call has ended.
func (s *Stream) Done() <-chan struct{} { return s.done }

// Close stops the call if it is still running and waits for it to end.
func (s *Stream) Close() {
	s.cancel()
	_, _ = s.Wait()
}
