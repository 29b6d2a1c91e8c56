package algotest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	"pipette/algorithms"
	"pipette/catalog"
)

// fakeTB records failures instead of failing the real test, so that the
// helpers can be shown to fail when they should.
type fakeTB struct {
	testing.TB
	msgs []string
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Errorf(format string, args ...any) {
	f.msgs = append(f.msgs, fmt.Sprintf(format, args...))
}
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.Errorf(format, args...)
	runtime.Goexit()
}

// check runs fn against a fakeTB on its own goroutine (Fatalf ends it) and
// reports whether fn failed.
func check(fn func(tb testing.TB)) bool {
	f := &fakeTB{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(f)
	}()
	<-done
	return len(f.msgs) > 0
}

func TestWantError(t *testing.T) {
	input := catalog.InputErrorf("the text is empty; send some text")
	cases := []struct {
		name string
		err  error
		typ  string
		frag []string
		fail bool
	}{
		{"matching", input, catalog.InputError, []string{"empty", "send some text"}, false},
		{"no error", nil, catalog.InputError, nil, true},
		{"not a catalog error", errors.New("boom"), catalog.InputError, nil, true},
		{"other type", input, catalog.AlgorithmError, nil, true},
		{"missing words", input, catalog.InputError, []string{"too long"}, true},
	}
	for _, c := range cases {
		if got := check(func(tb testing.TB) { WantError(tb, c.err, c.typ, c.frag...) }); got != c.fail {
			t.Errorf("%s: failed = %v, want %v", c.name, got, c.fail)
		}
	}
}

type answer struct {
	N int `json:"n"`
}

func fixed(v catalog.Value, err error) algorithms.Algorithm {
	return algorithms.Algorithm{
		Entry: catalog.Entry{Ref: catalog.Ref{Owner: "test", Name: "Fixed", Version: "1.0.0"}},
		Run:   func(context.Context, catalog.Value, io.Writer) (catalog.Value, error) { return v, err },
	}
}

func TestResult(t *testing.T) {
	ok := fixed(catalog.JSON(answer{N: 3}), nil)
	if got := Result[answer](t, ok, catalog.Text("x")); got.N != 3 {
		t.Errorf("Result = %+v", got)
	}
	if got := WireResult[map[string]int](t, ok, catalog.Text("x")); got["n"] != 3 {
		t.Errorf("WireResult = %v", got)
	}
	if !check(func(tb testing.TB) { Result[string](tb, ok, catalog.Text("x")) }) {
		t.Error("Result accepted a result of another type")
	}
	failing := fixed(catalog.Value{}, catalog.InputErrorf("no"))
	if !check(func(tb testing.TB) { Result[answer](tb, failing, catalog.Text("x")) }) {
		t.Error("Result accepted an error")
	}
	if !check(func(tb testing.TB) { WireResult[[]int](tb, ok, catalog.Text("x")) }) {
		t.Error("WireResult decoded an object into a list")
	}
}

func TestCheckEntry(t *testing.T) {
	good := catalog.Entry{
		Ref:         catalog.Ref{Owner: "test", Name: "Good", Version: "1.0.0"},
		Tagline:     "Does one thing well",
		Docs:        "# Good",
		License:     "MIT",
		InputSchema: []byte(`{"type": "string"}`),
		Samples:     []catalog.Sample{{Name: "a"}, {Name: "b"}},
	}
	if check(func(tb testing.TB) { CheckEntry(tb, good) }) {
		t.Error("a complete entry failed")
	}
	for name, spoil := range map[string]func(*catalog.Entry){
		"one sample":        func(e *catalog.Entry) { e.Samples = e.Samples[:1] },
		"no docs":           func(e *catalog.Entry) { e.Docs = "" },
		"no license":        func(e *catalog.Entry) { e.License = "" },
		"long tagline":      func(e *catalog.Entry) { e.Tagline = strings.Repeat("x", 60) },
		"no input schema":   func(e *catalog.Entry) { e.InputSchema = nil },
		"broken out schema": func(e *catalog.Entry) { e.OutputSchema = []byte(`{"type":`) },
	} {
		e := good
		spoil(&e)
		if !check(func(tb testing.TB) { CheckEntry(tb, e) }) {
			t.Errorf("%s: passed", name)
		}
	}
}
