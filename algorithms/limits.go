package algorithms

import (
	"context"
	"fmt"
	"math"
	"math/bits"

	"pipette/catalog"
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

// ByteSize is n in the largest binary unit that keeps it readable, for
// sentences about memory: "640 MiB", "3.5 GiB", "12 KiB".
func ByteSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d bytes", n)
	}
	f, i := float64(n), 0
	for f >= unit && i < 6 {
		f /= unit
		i++
	}
	suffix := [...]string{"", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}[i]
	if f >= 10 || f == math.Trunc(f) {
		return fmt.Sprintf("%.0f %s", f, suffix)
	}
	return fmt.Sprintf("%.1f %s", f, suffix)
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
	amount := "about " + ByteSize(need)
	if need == math.MaxInt64 {
		amount = "more memory than any machine has"
	}
	return catalog.Errorf(catalog.TooLargeError, "%s would need %s, over this call's memory budget of %s: %s",
		what, amount, ByteSize(budget), advice)
}
