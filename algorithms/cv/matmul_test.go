package cv

import (
	"math"
	"math/rand/v2"
	"sync"
	"testing"
)

// The vector kernel and the portable one agree on every shape the networks
// use and on ragged edges (rows not a multiple of 4, channels of 16).
func TestMatmulKernelsAgree(t *testing.T) {
	t.Parallel()
	if !hasGemm4x16 {
		t.Skip("no AVX2+FMA here: only the portable kernel runs")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct{ n, k, cout int }{
		{1, 3, 16}, {3, 27, 16}, {4, 27, 16}, {7, 16, 32}, {414, 27, 16}, {13, 512, 25},
		{13, 256, 512}, {9, 5, 48}, {6, 1, 17}, {56, 32, 32},
	} {
		a := randFloats(rng, c.n*c.k)
		w := randFloats(rng, c.k*c.cout)
		bias := randFloats(rng, c.cout)
		for _, act := range []activation{linear, relu, leaky} {
			scalar := newConvLayer(w, bias, 1, c.k, c.cout, 1, false, act)
			scalar.vector = false
			scalar.filters = make([]float32, len(w))
			for i := range c.k {
				for co := range c.cout {
					scalar.filters[co*c.k+i] = w[i*c.cout+co]
				}
			}
			want := make([]float32, c.n*c.cout)
			got := make([]float32, c.n*c.cout)
			scalar.matmul(want, a, c.n, c.k)
			matmulVector(got, a, w, bias, c.n, c.k, c.cout, act)
			for i := range want {
				if d := math.Abs(float64(got[i] - want[i])); d > 1e-4*math.Max(1, math.Abs(float64(want[i]))) {
					t.Fatalf("n=%d k=%d cout=%d act=%d: out[%d] = %v, want %v", c.n, c.k, c.cout, act, i, got[i], want[i])
				}
			}
		}
	}
}

func randFloats(rng *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(rng.NormFloat64())
	}
	return v
}

// Every row goes to exactly one goroutine: the kernels are exempt from the
// race detector, so this is what keeps their writes apart.
func TestParallelRowsPartition(t *testing.T) {
	t.Parallel()
	for n := range 40 {
		var mu sync.Mutex
		seen := make([]int, n)
		parallelRows(n, func(lo, hi int) {
			mu.Lock()
			defer mu.Unlock()
			for i := lo; i < hi; i++ {
				seen[i]++
			}
		})
		for i, c := range seen {
			if c != 1 {
				t.Fatalf("n=%d: row %d handled %d times", n, i, c)
			}
		}
	}
}
