package bench

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"pipette/catalog"
	"pipette/client"
	"pipette/pipebuilder"
	"pipette/server"
)

// fiveEchoes is a chain of five trivial steps (bench/Echo returns its
// input), so what it measures is the chain machinery and the transport, not
// an algorithm. "mapped" gives every step after the first a jq mapping.
func fiveEchoes(name string, mapped bool) string {
	src := fmt.Sprintf("chain: v1\nname: bench/%s\nversion: 1.0.0\ninput: json\nsteps:\n", name)
	for i, id := range []string{"a", "b", "c", "d", "e"} {
		src += fmt.Sprintf("  - id: %s\n    algo: bench/Echo/1.0.0\n", id)
		if mapped && i > 0 {
			src += "    input: '{text: .steps." + string(rune('a'+i-1)) + ".text, n: (.steps." + string(rune('a'+i-1)) + ".n + 1), tags: .input.tags}'\n"
		}
	}
	return src
}

// BenchmarkChain runs a chain of five trivial steps three ways: in process
// (pipebuilder.Run on the local client), over HTTP step by step (Run on the
// HTTP client against a pipette server: five requests), and as one request
// to the chain published by `serve --chains` (LoadLibrary + server.New).
// Beside each, "5-calls" is the same five echo calls made directly with the
// client (one for the published chain), so that chain minus calls is what
// the chain machinery costs. ns/step is ns/op divided by five.
func BenchmarkChain(b *testing.B) {
	reg := registry()
	dir := b.TempDir()
	chains := map[string]*pipebuilder.Chain{}
	for _, variant := range []struct {
		file, name string
		mapped     bool
	}{{"plain.yaml", "FivePlain", false}, {"mapped.yaml", "FiveMapped", true}} {
		src := fiveEchoes(variant.name, variant.mapped)
		if err := os.WriteFile(filepath.Join(dir, variant.file), []byte(src), 0o644); err != nil {
			b.Fatal(err)
		}
		c, err := pipebuilder.Parse(variant.file, []byte(src))
		if err != nil {
			b.Fatal(err)
		}
		if err := c.Validate(context.Background(), reg); err != nil {
			b.Fatal(err)
		}
		chains[variant.file[:len(variant.file)-len(".yaml")]] = c
	}
	lib, err := pipebuilder.LoadLibrary(context.Background(), dir, reg, reg)
	if err != nil || len(lib.Problems()) > 0 {
		b.Fatal(err, lib.Problems())
	}
	plain := httptest.NewServer(server.New(server.Config{Source: reg, Runner: reg}))
	defer plain.Close()
	comb := lib.Combined()
	published := httptest.NewServer(server.New(server.Config{Source: comb, Runner: comb}))
	defer published.Close()

	ctx := context.Background()
	in := catalog.JSON(echoInput)
	perStep := func(b *testing.B, start time.Time, steps int) {
		b.ReportMetric(float64(time.Since(start).Nanoseconds())/float64(b.N*steps), "ns/step")
	}
	runs := func(b *testing.B, cl *client.Client) {
		for _, name := range []string{"plain", "mapped"} {
			c := chains[name]
			b.Run(name, func(b *testing.B) {
				if _, err := pipebuilder.Run(ctx, cl, c, in, pipebuilder.Options{}); err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				start := time.Now()
				for b.Loop() {
					if _, err := pipebuilder.Run(ctx, cl, c, in, pipebuilder.Options{}); err != nil {
						b.Fatal(err)
					}
				}
				perStep(b, start, 5)
			})
		}
		b.Run("5-calls", func(b *testing.B) {
			algo := cl.Algo("bench/Echo/1.0.0")
			b.ReportAllocs()
			start := time.Now()
			for b.Loop() {
				v := any(echoInput)
				for range 5 {
					resp, err := algo.Pipe(ctx, v)
					if err != nil {
						b.Fatal(err)
					}
					v = resp.Result
				}
			}
			perStep(b, start, 5)
		})
	}

	b.Run("in-process", func(b *testing.B) { runs(b, client.NewLocal(reg, reg)) })
	b.Run("http-step-by-step", func(b *testing.B) { runs(b, client.New(plain.URL, "")) })
	b.Run("http-published", func(b *testing.B) {
		cl := client.New(published.URL, "")
		for _, name := range []string{"plain", "mapped"} {
			c := chains[name]
			algo := cl.Algo(c.Name + "/" + c.Version)
			b.Run(name, func(b *testing.B) {
				if _, err := algo.Pipe(ctx, echoInput); err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				start := time.Now()
				for b.Loop() {
					if _, err := algo.Pipe(ctx, echoInput); err != nil {
						b.Fatal(err)
					}
				}
				perStep(b, start, 5)
			})
		}
		b.Run("1-call", func(b *testing.B) {
			algo := cl.Algo("bench/Echo/1.0.0")
			b.ReportAllocs()
			for b.Loop() {
				if _, err := algo.Pipe(ctx, echoInput); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
}

// TestChainBenchmarkAgrees checks that the three ways of running the
// benchmark's chains give the same result, so the figures compare like
// with like.
func TestChainBenchmarkAgrees(t *testing.T) {
	reg := registry()
	for _, mapped := range []bool{false, true} {
		c, err := pipebuilder.Parse("five.yaml", []byte(fiveEchoes("Five", mapped)))
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "five.yaml"), []byte(fiveEchoes("Five", mapped)), 0o644)
		lib, err := pipebuilder.LoadLibrary(context.Background(), dir, reg, reg)
		if err != nil || len(lib.Problems()) > 0 {
			t.Fatal(err, lib.Problems())
		}
		comb := lib.Combined()
		srv := httptest.NewServer(server.New(server.Config{Source: comb, Runner: comb}))
		defer srv.Close()

		local, err := pipebuilder.Run(context.Background(), client.NewLocal(reg, reg), c, catalog.JSON(echoInput), pipebuilder.Options{})
		if err != nil {
			t.Fatal(err)
		}
		remote, err := pipebuilder.Run(context.Background(), client.New(srv.URL, ""), c, catalog.JSON(echoInput), pipebuilder.Options{})
		if err != nil {
			t.Fatal(err)
		}
		resp, err := client.New(srv.URL, "").Algo("bench/Five/1.0.0").Pipe(context.Background(), echoInput)
		if err != nil {
			t.Fatal(err)
		}
		want := local.Output.Summary(1000)
		if remote.Output.Summary(1000) != want || resp.Value.Summary(1000) != want {
			t.Errorf("mapped=%v: in-process %s, step by step over HTTP %s, published %s", mapped, want, remote.Output.Summary(1000), resp.Value.Summary(1000))
		}
		n := local.Output.JSON.(map[string]any)["n"]
		if wantN := 42.0 + map[bool]float64{false: 0, true: 4}[mapped]; n != wantN {
			t.Errorf("mapped=%v: n = %v after five steps, want %v", mapped, n, wantN)
		}
	}
}
