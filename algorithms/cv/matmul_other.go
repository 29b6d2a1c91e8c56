//go:build !amd64 || purego

package cv

const hasGemm4x16 = false

func gemm4x16(a *float32, lda int, w *float32, ldw int, k int, out *float32, ldo int, bias *float32, act int) {
	panic("cv: gemm4x16 without AVX2")
}
