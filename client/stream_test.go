package client

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"pipette/catalog"
)

// wordRunner is a catalog that streams: echo/Words sends its text back one
// word at a time, each after a pause, and stops when told to.
type wordRunner struct{ stopped chan error }

func (wordRunner) Name() string { return "words" }
func (wordRunner) List(context.Context) ([]catalog.Entry, error) {
	return []catalog.Entry{{Ref: catalog.Ref{Owner: "echo", Name: "Words", Version: "1.0.0"}}}, nil
}
func (w wordRunner) Get(ctx context.Context, ref catalog.Ref) (catalog.Entry, error) {
	es, _ := w.List(ctx)
	return es[0], nil
}
func (w wordRunner) Run(ctx context.Context, ref catalog.Ref, in catalog.Value) (catalog.Output, error) {
	return w.Stream(ctx, ref, in, func(catalog.Chunk) error { return nil })
}
func (w wordRunner) Stream(ctx context.Context, ref catalog.Ref, in catalog.Value, emit func(catalog.Chunk) error) (catalog.Output, error) {
	var sent []string
	for _, word := range strings.Fields(in.Text) {
		select {
		case <-time.After(time.Millisecond):
		case <-ctx.Done():
			w.stopped <- ctx.Err()
			return catalog.Output{}, ctx.Err()
		}
		if err := emit(catalog.Chunk{Text: word}); err != nil {
			w.stopped <- err
			return catalog.Output{}, err
		}
		sent = append(sent, word)
	}
	return catalog.Output{Value: catalog.Text(strings.Join(sent, " ")), Generation: &catalog.Generation{Tokens: int64(len(sent))}}, nil
}

func TestLocalStream(t *testing.T) {
	t.Parallel()
	w := wordRunner{stopped: make(chan error, 1)}
	c := NewLocal(w, w)
	s := c.Algo("echo/Words").Stream(context.Background(), "one two three")
	var got []string
	for {
		ch, err := s.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		got = append(got, ch.Text)
	}
	resp, err := s.Wait()
	if err != nil || strings.Join(got, "|") != "one|two|three" || resp.Value.Text != "one two three" || resp.Generation.Tokens != 3 {
		t.Fatalf("got %q, %+v, %v", got, resp, err)
	}

	// Close stops the algorithm while it streams.
	s = c.Algo("echo/Words").Stream(context.Background(), strings.Repeat("word ", 10000))
	if _, err := s.Next(); err != nil {
		t.Fatal(err)
	}
	s.Close()
	select {
	case err := <-w.stopped:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("stopped with %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the algorithm did not stop after Close")
	}
	if _, err := s.Wait(); catalog.ErrorType(err) != catalog.AlgorithmError || !strings.Contains(err.Error(), "cancelled") {
		t.Errorf("Wait after Close = %v", err)
	}
}
