// Package gemm holds the one hand-written matrix kernel pipette's neural
// networks share: a block of 4 rows × 16 output channels with bias and
// activation, in AVX2/FMA assembly on amd64 (gemm_amd64.s). The face
// networks (package cv) and the TensorFlow.js graph interpreter (package
// tfjs) both call it; each keeps its own portable path for machines without
// it (and for the purego build tag).
package gemm

// The activations Block4x16 applies after the bias (its act argument).
const (
	Linear = 0
	ReLU   = 1
	Leaky  = 2 // max(x, 0.1·x)
)

// Portable4x16 is Block4x16 in Go, on slices: out[r][0:16] = act(bias[0:16]
// + Σ_i a[r·lda+i] · w[i·ldw:][0:16]) for r in 0..3. It is the fallback where
// HasVector is false; TestPortableMatchesVector holds the two together.
//
//go:norace
func Portable4x16(a []float32, lda int, w []float32, ldw, k int, out []float32, ldo int, bias []float32, act int) {
	var acc [4][16]float32
	for r := range acc {
		copy(acc[r][:], bias[:16])
	}
	for i := range k {
		wi := w[i*ldw : i*ldw+16]
		for r := range acc {
			x := a[r*lda+i]
			row := &acc[r]
			for j, v := range wi {
				row[j] += x * v
			}
		}
	}
	for r := range acc {
		o := out[r*ldo : r*ldo+16]
		for j, v := range acc[r] {
			switch {
			case act == ReLU && v < 0:
				v = 0
			case act == Leaky && v < 0:
				v *= 0.1
			}
			o[j] = v
		}
	}
}
