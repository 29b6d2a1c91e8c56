//go:build !amd64 || purego

package gemm

// HasVector is false: this build has no assembly kernel.
const HasVector = false

// Block4x16 exists so that callers compile everywhere; they call it only when
// HasVector, which is never true in this build.
func Block4x16(a *float32, lda int, w *float32, ldw int, k int, out *float32, ldo int, bias *float32, act int) {
	panic("gemm: Block4x16 without AVX2")
}
