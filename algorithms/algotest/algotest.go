// Package algotest holds the checks every algorithm package's tests make of
// its catalog entries and samples, written once so that they stay the same
// everywhere. Only tests import it.
package algotest

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime/metrics"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"pipette/algorithms"
	"pipette/catalog"
	"pipette/data"
)

// SampleCheck looks further at the result of sample i of entry e.
type SampleCheck func(t *testing.T, e catalog.Entry, i int, out catalog.Value)

// RunSamples registers algs in a fresh registry and runs every sample of
// every entry it lists, the way the TUI's Try tab and the server run them.
// Each entry must pass CheckEntry. Each sample is a subtest "Name/sample",
// which fails when the run returns an error, nothing, or a result that does
// not encode for the wire; check, when not nil, then looks further at the
// result. It returns the registry's entries for further checks.
func RunSamples(t *testing.T, algs []algorithms.Algorithm, check SampleCheck) []catalog.Entry {
	t.Helper()
	reg := algorithms.NewRegistry("test")
	reg.Register(algs...)
	entries, err := reg.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx := DataContext(t)
	for _, e := range entries {
		CheckEntry(t, e)
		for i, s := range e.Samples {
			t.Run(e.Ref.Name+"/"+s.Name, func(t *testing.T) {
				out, err := reg.Run(ctx, e.Ref, s.Input)
				if err != nil {
					t.Fatalf("sample %q: %v", s.Name, err)
				}
				if _, err := out.Value.WireResult(); err != nil {
					t.Fatalf("sample %q: result does not encode: %v", s.Name, err)
				}
				if out.Value.Kind == catalog.KindVoid || out.Value.IsZero() {
					t.Fatalf("sample %q returned nothing", s.Name)
				}
				if check != nil {
					check(t, e, i, out.Value)
				}
			})
		}
	}
	return entries
}

// DataContext is a context whose calls have a Data API store of their own,
// in memory, as the anonymous owner of a server at http://127.0.0.1:8080:
// what util/Upload and data:// inputs need, as a server gives them.
func DataContext(t testing.TB) context.Context {
	t.Helper()
	st, err := data.Open(context.Background(), "mem://", data.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return data.WithAccess(context.Background(), data.Access{Store: st, Owner: data.AnonymousOwner, LinkBase: "http://127.0.0.1:8080"})
}

// CheckEntry fails t when e lacks what every catalog entry shows: at least
// two samples, docs, a license, a one-line tagline under 60 characters and
// an input schema, with every schema valid JSON.
func CheckEntry(t testing.TB, e catalog.Entry) {
	t.Helper()
	if len(e.Samples) < 2 {
		t.Errorf("%s has %d samples, want at least 2", e.Ref.Path(), len(e.Samples))
	}
	if e.Docs == "" || e.License == "" {
		t.Errorf("%s: docs (%d bytes) or license (%q) missing", e.Ref.Path(), len(e.Docs), e.License)
	}
	if n := utf8.RuneCountInString(e.Tagline); n == 0 || n >= 60 {
		t.Errorf("%s: tagline %q is %d characters; want one under 60", e.Ref.Path(), e.Tagline, n)
	}
	if len(e.InputSchema) == 0 {
		t.Errorf("%s has no input schema", e.Ref.Path())
	}
	for _, schema := range []json.RawMessage{e.InputSchema, e.OutputSchema} {
		if len(schema) > 0 && !json.Valid(schema) {
			t.Errorf("%s: schema is not valid JSON", e.Ref.Path())
		}
	}
}

// WantError fails t unless err is a *catalog.Error of type typ (InputError,
// TooLargeError…) whose message contains every fragment: the sentence a
// user reads must say what was wrong.
func WantError(t testing.TB, err error, typ string, fragments ...string) {
	t.Helper()
	var e *catalog.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T), want a %s", err, err, typ)
	}
	if e.Type != typ {
		t.Fatalf("error type %s (%q), want %s", e.Type, e.Message, typ)
	}
	for _, f := range fragments {
		if !strings.Contains(e.Message, f) {
			t.Errorf("message %q does not mention %q", e.Message, f)
		}
	}
}

// BenchmarkSample runs sample i of a as the benchmark's loop: the samples are
// the inputs users try first, so their speed is the one worth watching.
func BenchmarkSample(b *testing.B, a algorithms.Algorithm, i int) {
	b.Helper()
	in := a.Entry.Samples[i].Input
	ctx := context.Background()
	for b.Loop() {
		if _, err := a.Run(ctx, in, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// Result runs a on in and returns its result, which must be a T; an error or
// a result of another type fails t.
func Result[T any](t testing.TB, a algorithms.Algorithm, in catalog.Value) T {
	t.Helper()
	v := run(t, a, in)
	res, ok := v.JSON.(T)
	if !ok {
		t.Fatalf("%s on %s returned %T, want %T", a.Entry.Ref.Path(), in.Summary(60), v.JSON, res)
	}
	return res
}

// WireResult runs a on in and decodes its result through JSON into a T, as
// a caller over the wire sees it; an error fails t.
func WireResult[T any](t testing.TB, a algorithms.Algorithm, in catalog.Value) T {
	t.Helper()
	v := run(t, a, in)
	raw, err := json.Marshal(v.JSON)
	if err != nil {
		t.Fatalf("%s on %s: result does not encode: %v", a.Entry.Ref.Path(), in.Summary(60), err)
	}
	var res T
	if err := json.Unmarshal(raw, &res); err != nil {
		t.Fatalf("%s on %s: result %.300s does not decode into %T: %v", a.Entry.Ref.Path(), in.Summary(60), raw, res, err)
	}
	return res
}

func run(t testing.TB, a algorithms.Algorithm, in catalog.Value) catalog.Value {
	t.Helper()
	v, err := a.Run(context.Background(), in, io.Discard)
	if err != nil {
		t.Fatalf("%s on %s: %v", a.Entry.Ref.Path(), in.Summary(60), err)
	}
	return v
}

// TestImage reads one of the shared test images in algorithms/testdata/images
// (their origins are in SOURCES.md there). Tests run in their package's
// directory, which sits directly under algorithms/.
func TestImage(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "images", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// HeapAllocs is the process's cumulative heap allocations so far
// (runtime/metrics), for measuring what one call allocated.
func HeapAllocs() int64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64())
}

// Hostile runs a on in, an input built to make it allocate without bound,
// and checks that the answer is one plain sentence (no panic, no stack, no
// line break) of one of the given error types, or a result. A refusal may
// have allocated at most refusalAlloc bytes in all: it must come before the
// allocation, not after it; a result may have allocated at most the call's
// memory budget in all (so its peak was under it too). The allocations are
// the whole process's, so a test calling Hostile must not run in parallel
// with others.
func Hostile(t testing.TB, a algorithms.Algorithm, ctx context.Context, in catalog.Value, refusalAlloc int64, types ...string) error {
	t.Helper()
	before := HeapAllocs()
	_, err := a.Run(ctx, in, io.Discard)
	got := HeapAllocs() - before
	if err == nil {
		if budget := catalog.MemoryBudget(ctx); got > budget {
			t.Errorf("%s on %s allocated %d MiB, over the call's budget of %d MiB", a.Entry.Ref.Path(), in.Summary(80), got>>20, budget>>20)
		}
		return nil
	}
	if got > refusalAlloc {
		t.Errorf("%s on %s allocated %d MiB before refusing, over the %d MiB a refusal may cost (%v)", a.Entry.Ref.Path(), in.Summary(80), got>>20, refusalAlloc>>20, err)
	}
	var e *catalog.Error
	if !errors.As(err, &e) {
		t.Errorf("%s on %s: error %v (%T) is not a *catalog.Error", a.Entry.Ref.Path(), in.Summary(80), err, err)
		return err
	}
	if !slices.Contains(types, e.Type) {
		t.Errorf("%s on %s: %s %q, want one of %v", a.Entry.Ref.Path(), in.Summary(80), e.Type, e.Message, types)
	}
	if e.Message == "" || strings.ContainsAny(e.Message, "\n") || strings.Contains(e.Message, "goroutine") || strings.Contains(e.Message, "panic") {
		t.Errorf("%s on %s: %q is not one plain sentence", a.Entry.Ref.Path(), in.Summary(80), e.Message)
	}
	return err
}

// HostileNumbers are the numbers every numeric option is tried with: the
// edges of 32- and 64-bit integers, where sizes wrap, and their neighbours.
var HostileNumbers = []float64{-1, 0, 1 << 31, 1<<31 - 1, 1 << 32, 3037000500, 1 << 53, 1 << 63, -(1 << 63), 1e308, -1e308}
