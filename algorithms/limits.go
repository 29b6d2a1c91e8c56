package algorithms

import (
	"context"
	"math"
	"math/bits"

	"pipette/catalog"
	"pipette/internal/human"
)

// Sizes computed from numbers a user sent are computed with these: they
// saturate at math.MaxInt64 instead of wrapping, so a product of two huge
// sides compares as huge against a limit rather than as a small or negative
// number that passes it (3037000500² wraps to a negative int64).

// SatMul is a×b for non-negative a and b, or math.MaxInt64 when the product
// does not fit. A negative factor counts as zero.
func SatMul(a, b int64) int64 {
	if a <= 0 || b <= 0 {
		return 0
	}
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	if hi != 0 || lo > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(lo)
}

// SatAdd is the sum of non-negative terms, or math.MaxInt64 when it does not
// fit. Negative terms count as zero.
func SatAdd(terms ...int64) int64 {
	var sum int64
	for _, t := range terms {
		if t <= 0 {
			continue
		}
		if sum > math.MaxInt64-t {
			return math.MaxInt64
		}
		sum += t
	}
	return sum
}

// SatInt converts a float computed from user numbers to an int, clamping
// to [math.MinInt, math.MaxInt] (Go's conversion of an out-of-range float is
// undefined: on amd64 2^70 becomes math.MinInt64, which then passes every
// "at most" check). NaN becomes 0.
func SatInt(f float64) int {
	switch {
	case math.IsNaN(f):
		return 0
	case f >= math.MaxInt:
		return math.MaxInt
	case f <= math.MinInt:
		return math.MinInt
	}
	return int(f)
}

// CheckMemory refuses, before anything is allocated, a step that would hold
// need bytes at once when that is over the call's memory budget
// (catalog.MemoryBudget). what says what the bytes are for, as the subject
// of the sentence ("resizing to 100000×3000"); advice says what to do.
func CheckMemory(ctx context.Context, what string, need int64, advice string) error {
	budget := catalog.MemoryBudget(ctx)
	if need <= budget {
		return nil
	}
	amount := "about " + human.Bytes(need)
	if need == math.MaxInt64 {
		amount = "more memory than any machine has"
	}
	return catalog.Errorf(catalog.TooLargeError, "%s would need %s, over this call's memory budget of %s: %s",
		what, amount, human.Bytes(budget), advice)
}
