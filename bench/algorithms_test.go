package bench

import (
	"context"
	"os/exec"
	"testing"

	"pipette/algorithms/builtin"
	"pipette/client"
)

// BenchmarkAlgorithm times one in-process call of every built-in algorithm on
// its first sample — what a user pays for `pipette call REF --sample 1`, less
// process start. Models load before the timer starts: the figures are warm calls.
func BenchmarkAlgorithm(b *testing.B) {
	reg := builtin.Registry()
	c := client.NewLocal(reg, reg)
	ctx := context.Background()
	entries, err := reg.List(ctx)
	if err != nil {
		b.Fatal(err)
	}
	for _, e := range entries {
		b.Run(e.Ref.Path(), func(b *testing.B) {
			if e.Unavailable != "" {
				b.Skip(e.Unavailable)
			}
			if e.Ref.Path() == "ocr/ExtractText" {
				if _, err := exec.LookPath("tesseract"); err != nil {
					b.Skip("tesseract is not installed: apt-get install tesseract-ocr tesseract-ocr-eng")
				}
			}
			if len(e.Samples) == 0 {
				b.Skip("no sample")
			}
			in := e.Samples[0].Input
			algo := c.AlgoRef(e.Ref)
			if _, err := algo.Pipe(ctx, in); err != nil {
				b.Fatalf("sample %q: %v", e.Samples[0].Name, err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := algo.Pipe(ctx, in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
