package cv

import "pipette/algorithms/cv/gemm"

// The 4×16 assembly kernel lives in package gemm, shared with the tfjs
// interpreter; these names keep nn.go's calls as they were.
var hasGemm4x16 = gemm.HasVector

func gemm4x16(a *float32, lda int, w *float32, ldw int, k int, out *float32, ldo int, bias *float32, act int) {
	gemm.Block4x16(a, lda, w, ldw, k, out, ldo, bias, act)
}
