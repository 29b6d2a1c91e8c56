//go:build !purego

#include "textflag.h"

// 0.1 as a float32 (0x3dcccccd), the slope of the leaky ReLU.
DATA leakySlope<>+0(SB)/4, $0x3dcccccd
GLOBL leakySlope<>(SB), RODATA|NOPTR, $4

// func Block4x16(a *float32, lda int, w *float32, ldw int, k int, out *float32, ldo int, bias *float32, act int)
//
// out[r][0:16] = act(bias[0:16] + Σ_i a[r][i] · w[i][0:16]) for the 4 rows
// r of a, with AVX2 and FMA: eight YMM accumulators (4 rows × 16 channels)
// start from the bias; each step of i broadcasts one value per row and
// loads 16 weights. act is 0 (linear), 1 (ReLU) or 2 (leaky, 0.1).
// Strides are in floats.
TEXT ·Block4x16(SB), NOSPLIT, $0-72
	MOVQ a+0(FP), SI
	MOVQ lda+8(FP), AX
	SHLQ $2, AX
	MOVQ w+16(FP), DI
	MOVQ ldw+24(FP), BX
	SHLQ $2, BX
	MOVQ k+32(FP), CX
	MOVQ out+40(FP), DX
	MOVQ ldo+48(FP), R8
	SHLQ $2, R8
	MOVQ bias+56(FP), R12

	LEAQ (SI)(AX*1), R9
	LEAQ (R9)(AX*1), R10
	LEAQ (R10)(AX*1), R11

	VMOVUPS (R12), Y0
	VMOVUPS 32(R12), Y1
	VMOVAPS Y0, Y2
	VMOVAPS Y1, Y3
	VMOVAPS Y0, Y4
	VMOVAPS Y1, Y5
	VMOVAPS Y0, Y6
	VMOVAPS Y1, Y7

	TESTQ CX, CX
	JEQ   activate

loop:
	VMOVUPS      (DI), Y8
	VMOVUPS      32(DI), Y9
	VBROADCASTSS (SI), Y10
	VFMADD231PS  Y8, Y10, Y0
	VFMADD231PS  Y9, Y10, Y1
	VBROADCASTSS (R9), Y11
	VFMADD231PS  Y8, Y11, Y2
	VFMADD231PS  Y9, Y11, Y3
	VBROADCASTSS (R10), Y12
	VFMADD231PS  Y8, Y12, Y4
	VFMADD231PS  Y9, Y12, Y5
	VBROADCASTSS (R11), Y13
	VFMADD231PS  Y8, Y13, Y6
	VFMADD231PS  Y9, Y13, Y7
	ADDQ         $4, SI
	ADDQ         $4, R9
	ADDQ         $4, R10
	ADDQ         $4, R11
	ADDQ         BX, DI
	DECQ         CX
	JNZ          loop

activate:
	MOVQ act+64(FP), AX
	CMPQ AX, $1
	JEQ  relu
	CMPQ AX, $2
	JEQ  leaky
	JMP  store

relu:
	VXORPS Y8, Y8, Y8
	VMAXPS Y8, Y0, Y0
	VMAXPS Y8, Y1, Y1
	VMAXPS Y8, Y2, Y2
	VMAXPS Y8, Y3, Y3
	VMAXPS Y8, Y4, Y4
	VMAXPS Y8, Y5, Y5
	VMAXPS Y8, Y6, Y6
	VMAXPS Y8, Y7, Y7
	JMP    store

leaky:
	// max(x, 0.1·x)
	VBROADCASTSS leakySlope<>(SB), Y8
	VMULPS       Y8, Y0, Y9
	VMAXPS       Y9, Y0, Y0
	VMULPS       Y8, Y1, Y9
	VMAXPS       Y9, Y1, Y1
	VMULPS       Y8, Y2, Y9
	VMAXPS       Y9, Y2, Y2
	VMULPS       Y8, Y3, Y9
	VMAXPS       Y9, Y3, Y3
	VMULPS       Y8, Y4, Y9
	VMAXPS       Y9, Y4, Y4
	VMULPS       Y8, Y5, Y9
	VMAXPS       Y9, Y5, Y5
	VMULPS       Y8, Y6, Y9
	VMAXPS       Y9, Y6, Y6
	VMULPS       Y8, Y7, Y9
	VMAXPS       Y9, Y7, Y7

store:
	VMOVUPS Y0, (DX)
	VMOVUPS Y1, 32(DX)
	ADDQ    R8, DX
	VMOVUPS Y2, (DX)
	VMOVUPS Y3, 32(DX)
	ADDQ    R8, DX
	VMOVUPS Y4, (DX)
	VMOVUPS Y5, 32(DX)
	ADDQ    R8, DX
	VMOVUPS Y6, (DX)
	VMOVUPS Y7, 32(DX)
	VZEROUPPER
	RET
