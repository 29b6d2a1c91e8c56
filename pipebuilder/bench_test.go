package pipebuilder_test

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"pipette/catalog"
	"pipette/client"
	"pipette/pipebuilder"
	"pipette/server"
)

// fiveSteps is five trivial steps, three of them mapped with jq.
const fiveSteps = `chain: v1
name: bench/Five
version: 1.0.0
input: text
steps:
  - id: a
    algo: test/Echo/1.0.0
  - id: b
    algo: test/Upper/1.0.0
  - id: c
    algo: test/Echo/1.0.0
    input: '{text: .steps.b, n: 1}'
  - id: d
    algo: test/Echo/1.0.0
    input: .steps.c.text
  - id: e
    algo: test/Length/1.0.0
    input: .steps.d
`

// BenchmarkChain measures a five-step chain of trivial algorithms: in
// process, over HTTP step by step, and as one request to the chain
// published by a Library. Divide ns/op by 5 for the per-step cost.
func BenchmarkChain(b *testing.B) {
	reg := pipebuilder.NewTestRegistry()
	c, err := pipebuilder.Parse("five.yaml", []byte(fiveSteps))
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "five.yaml"), []byte(fiveSteps), 0o644); err != nil {
		b.Fatal(err)
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
	in := catalog.Text("hello chain")
	ctx := context.Background()

	b.Run("in-process", func(b *testing.B) {
		cl := client.NewLocal(reg, reg)
		for b.Loop() {
			if _, err := pipebuilder.Run(ctx, cl, c, in, pipebuilder.Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("http-step-by-step", func(b *testing.B) {
		cl := client.New(plain.URL, "")
		for b.Loop() {
			if _, err := pipebuilder.Run(ctx, cl, c, in, pipebuilder.Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("http-published", func(b *testing.B) {
		algo := client.New(published.URL, "").Algo("bench/Five/1.0.0")
		for b.Loop() {
			if _, err := algo.Pipe(ctx, in); err != nil {
				b.Fatal(err)
			}
		}
	})
}
