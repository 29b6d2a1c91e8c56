package client

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"pipette/catalog"
)

// runnerFunc adapts a function to catalog.Runner.
type runnerFunc func(ctx context.Context, ref catalog.Ref, in catalog.Value) (catalog.Output, error)

func (f runnerFunc) Run(ctx context.Context, ref catalog.Ref, in catalog.Value) (catalog.Output, error) {
	return f(ctx, ref, in)
}

func TestLocalCall(t *testing.T) {
	t.Parallel()
	var seen catalog.Value
	r := runnerFunc(func(ctx context.Context, ref catalog.Ref, in catalog.Value) (catalog.Output, error) {
		seen = in
		return catalog.Output{Value: catalog.JSON(struct {
			N int `json:"n"`
		}{7}), Stdout: "log\n", Version: "1.0.0"}, nil
	})
	c := NewLocal(r, nil)
	// A struct input reaches the algorithm as plain JSON, as over HTTP.
	res, err := c.Algo("o/x").Pipe(context.Background(), struct{ A []int }{[]int{1}})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(seen.JSON, map[string]any{"A": []any{1.0}}) {
		t.Errorf("algorithm saw %#v", seen.JSON)
	}
	if !reflect.DeepEqual(res.Result, map[string]any{"n": 7.0}) || res.ContentType != "json" {
		t.Errorf("result %#v %s", res.Result, res.ContentType)
	}
	if res.Stdout != "" {
		t.Errorf("stdout %q without asking", res.Stdout)
	}
	res, _ = c.Algo("o/x").WithStdout(true).Pipe(context.Background(), nil)
	if res.Stdout != "log\n" {
		t.Errorf("stdout %q", res.Stdout)
	}
}

func TestLocalResults(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		out  catalog.Value
		kind string
	}{
		{catalog.Value{}, "void"}, {catalog.Void(), "void"}, {catalog.Text("t"), "text"}, {catalog.Bytes([]byte{1}), "binary"},
	} {
		c := NewLocal(runnerFunc(func(context.Context, catalog.Ref, catalog.Value) (catalog.Output, error) {
			return catalog.Output{Value: tc.out}, nil
		}), nil)
		res, err := c.Algo("o/x").Pipe(context.Background(), "x")
		if err != nil || res.ContentType != tc.kind {
			t.Errorf("%#v: %v %v", tc.out, res, err)
		}
	}
	c := NewLocal(runnerFunc(func(context.Context, catalog.Ref, catalog.Value) (catalog.Output, error) {
		return catalog.Output{Value: catalog.JSON(make(chan int))}, nil
	}), nil)
	_, err := c.Algo("o/x").Pipe(context.Background(), "x")
	if catalog.ErrorType(err) != catalog.AlgorithmError || !strings.Contains(err.Error(), "not valid JSON") {
		t.Errorf("unencodable result: %v", err)
	}
}

func TestLocalTimeout(t *testing.T) {
	t.Parallel()
	c := NewLocal(runnerFunc(func(ctx context.Context, _ catalog.Ref, _ catalog.Value) (catalog.Output, error) {
		<-ctx.Done()
		return catalog.Output{}, fmt.Errorf("stopped: %w", ctx.Err())
	}), nil)
	_, err := c.Algo("o/x").WithTimeout(20*time.Millisecond).Pipe(context.Background(), "x")
	var ce *catalog.Error
	if !errors.As(err, &ce) || ce.Type != catalog.AlgorithmError || ce.Message != "o/x did not finish within 20ms; raise the timeout (seconds, max 3000) or send less input" {
		t.Errorf("timeout: %v", err)
	}
}

func TestCallError(t *testing.T) {
	t.Parallel()
	ref := catalog.MustParseRef("o/x/1.*")
	tests := []struct {
		err     error
		timeout time.Duration
		want    catalog.Error
	}{
		{context.DeadlineExceeded, 5 * time.Second, catalog.Error{Type: "AlgorithmError", Message: "o/x/1.* did not finish within 5s; raise the timeout (seconds, max 3000) or send less input"}},
		{context.DeadlineExceeded, 0, catalog.Error{Type: "AlgorithmError", Message: "o/x/1.* did not finish in time"}},
		{fmt.Errorf("wrapped: %w", context.Canceled), 0, catalog.Error{Type: "AlgorithmError", Message: "o/x/1.*: the call was cancelled"}},
		{catalog.InputErrorf("bad"), 0, catalog.Error{Type: "InputError", Message: "bad"}},
		{catalog.NotFound("nope"), 0, catalog.Error{Type: "EntityNotFoundError", Message: "nope", Status: 404, Code: 1000}},
		{errors.New("plain"), 0, catalog.Error{Type: "AlgorithmError", Message: "plain"}},
	}
	for _, tc := range tests {
		if got := CallError(ref, tc.err, tc.timeout); *got != tc.want {
			t.Errorf("CallError(%v) = %+v, want %+v", tc.err, *got, tc.want)
		}
	}
}
