package pipebuilder

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"pipette/algorithms"
	"pipette/catalog"
	"pipette/client"
)

// The tests' own algorithms: small, deterministic, and independent of the
// built-ins other packages provide.

func testAlgo(ref string, in, out catalog.Kind, run algorithms.Func) algorithms.Algorithm {
	r := catalog.MustParseRef(ref)
	return algorithms.Algorithm{
		Entry: catalog.Entry{
			Ref: r, Versions: []catalog.VersionInfo{{Version: r.Version}},
			Label: r.Name, Tagline: "test algorithm " + r.Name, InputKind: in, OutputKind: out,
			Samples: []catalog.Sample{{Name: "sample", Input: sampleFor(in)}},
		},
		Run: run,
	}
}

func sampleFor(k catalog.Kind) catalog.Value {
	switch k {
	case catalog.KindBinary:
		return catalog.Bytes([]byte{1, 2, 3})
	case catalog.KindJSON:
		return catalog.JSON(map[string]any{"a": "x", "b": "y"})
	}
	return catalog.Text("hello world")
}

// inFlight and maxInFlight measure the concurrency of test/Slow.
var inFlight, maxInFlight atomic.Int64

func testRegistry() *algorithms.Registry {
	reg := algorithms.NewRegistry("test")
	reg.Register(
		testAlgo("test/Echo/1.0.0", catalog.KindAny, catalog.KindAny, func(ctx context.Context, in catalog.Value, _ io.Writer) (catalog.Value, error) {
			return in, nil
		}),
		testAlgo("test/Upper/1.0.0", catalog.KindText, catalog.KindText, func(ctx context.Context, in catalog.Value, _ io.Writer) (catalog.Value, error) {
			if in.Kind != catalog.KindText {
				return catalog.Value{}, catalog.InputErrorf("expected text, got %s", in.Kind)
			}
			return catalog.Text(strings.ToUpper(in.Text)), nil
		}),
		testAlgo("test/Upper/2.0.0", catalog.KindText, catalog.KindText, func(ctx context.Context, in catalog.Value, _ io.Writer) (catalog.Value, error) {
			return catalog.Text("v2:" + strings.ToUpper(in.Text)), nil
		}),
		testAlgo("test/Words/1.0.0", catalog.KindText, catalog.KindJSON, func(ctx context.Context, in catalog.Value, _ io.Writer) (catalog.Value, error) {
			if in.Kind != catalog.KindText {
				return catalog.Value{}, catalog.InputErrorf("expected text, got %s", in.Kind)
			}
			words := []any{}
			for _, w := range strings.Fields(in.Text) {
				words = append(words, w)
			}
			return catalog.JSON(words), nil
		}),
		testAlgo("test/Length/1.0.0", catalog.KindText, catalog.KindJSON, func(ctx context.Context, in catalog.Value, _ io.Writer) (catalog.Value, error) {
			return catalog.JSON(map[string]any{"text": in.Text, "length": len([]rune(in.Text))}), nil
		}),
		testAlgo("test/Reverse/1.0.0", catalog.KindBinary, catalog.KindBinary, func(ctx context.Context, in catalog.Value, _ io.Writer) (catalog.Value, error) {
			if in.Kind != catalog.KindBinary {
				return catalog.Value{}, catalog.InputErrorf("expected bytes, got %s", in.Kind)
			}
			b := slices.Clone(in.Bytes)
			slices.Reverse(b)
			return catalog.Bytes(b), nil
		}),
		testAlgo("test/Join/1.0.0", catalog.KindJSON, catalog.KindText, func(ctx context.Context, in catalog.Value, _ io.Writer) (catalog.Value, error) {
			var req struct {
				Parts []string `json:"parts"`
				Sep   string   `json:"sep"`
			}
			if err := algorithms.DecodeJSONInput(in, &req, `{"parts": [strings], "sep": string}`); err != nil {
				return catalog.Value{}, err
			}
			return catalog.Text(strings.Join(req.Parts, req.Sep)), nil
		}),
		testAlgo("test/Fail/1.0.0", catalog.KindAny, catalog.KindAny, func(ctx context.Context, in catalog.Value, _ io.Writer) (catalog.Value, error) {
			if in.Kind == catalog.KindText && strings.HasPrefix(in.Text, "ok") {
				return in, nil
			}
			return catalog.Value{}, catalog.InputErrorf("this input is not ok")
		}),
		testAlgo("test/Slow/1.0.0", catalog.KindAny, catalog.KindAny, func(ctx context.Context, in catalog.Value, _ io.Writer) (catalog.Value, error) {
			n := inFlight.Add(1)
			defer inFlight.Add(-1)
			for {
				m := maxInFlight.Load()
				if n <= m || maxInFlight.CompareAndSwap(m, n) {
					break
				}
			}
			d := 20 * time.Millisecond
			if in.Kind == catalog.KindJSON {
				if ms, ok := in.JSON.(float64); ok {
					d = time.Duration(ms) * time.Millisecond
				}
			}
			select {
			case <-time.After(d):
				return in, nil
			case <-ctx.Done():
				return catalog.Value{}, ctx.Err()
			}
		}),
		testAlgo("test/Void/1.0.0", catalog.KindAny, catalog.KindVoid, func(ctx context.Context, in catalog.Value, _ io.Writer) (catalog.Value, error) {
			return catalog.Void(), nil
		}),
	)
	return reg
}

func localClient() *client.Client {
	reg := testRegistry()
	return client.NewLocal(reg, reg)
}

func mustParse(src string) *Chain {
	c, err := Parse("test.yaml", []byte(src))
	if err != nil {
		panic(fmt.Sprintf("parse test chain: %v", err))
	}
	return c
}

// NewTestRegistry gives the external tests (package pipebuilder_test) the
// test algorithms.
func NewTestRegistry() *algorithms.Registry { return testRegistry() }
