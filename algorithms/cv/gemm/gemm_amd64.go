//go:build !purego

package gemm

import "golang.org/x/sys/cpu"

// HasVector says whether Block4x16 runs here (amd64 with AVX2 and FMA).
var HasVector = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// Block4x16 is in gemm_amd64.s; call it only when HasVector.
//
//go:noescape
func Block4x16(a *float32, lda int, w *float32, ldw int, k int, out *float32, ldo int, bias *float32, act int)
