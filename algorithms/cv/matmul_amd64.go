//go:build !purego

package cv

import "golang.org/x/sys/cpu"

// hasGemm4x16 says whether gemm4x16 can run here.
var hasGemm4x16 = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// gemm4x16 is in matmul_amd64.s.
//
//go:noescape
func gemm4x16(a *float32, lda int, w *float32, ldw int, k int, out *float32, ldo int, bias *float32, act int)
