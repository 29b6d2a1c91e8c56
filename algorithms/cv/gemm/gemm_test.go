package gemm

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The assembly kernel and the portable one agree, strides and activations
// included.
func TestPortableMatchesVector(t *testing.T) {
	t.Parallel()
	if !HasVector {
		t.Skip("no AVX2+FMA here: only the portable kernel runs")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, c := range []struct{ k, lda, ldw, ldo int }{{1, 1, 16, 16}, {27, 27, 32, 48}, {300, 301, 16, 20}} {
		a := make([]float32, 4*c.lda)
		w := make([]float32, c.k*c.ldw)
		bias := make([]float32, 16)
		for _, s := range [][]float32{a, w, bias} {
			for i := range s {
				s[i] = rng.Float32()*2 - 1
			}
		}
		for act := range 3 {
			want := make([]float32, 4*c.ldo)
			got := make([]float32, 4*c.ldo)
			Portable4x16(a, c.lda, w, c.ldw, c.k, want, c.ldo, bias, act)
			Block4x16(&a[0], c.lda, &w[0], c.ldw, c.k, &got[0], c.ldo, &bias[0], act)
			for i := range want {
				if math.Abs(float64(got[i]-want[i])) > 1e-4 {
					t.Fatalf("k=%d act=%d: out[%d] = %v, want %v", c.k, act, i, got[i], want[i])
				}
			}
		}
	}
}
