package algorithms

import (
	"context"
	"math"
	"strings"
	"testing"

	"pipette/catalog"
)

func TestSaturatingArithmetic(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		got  int64
		want int64
	}{
		{"the issue's side squared", SatMul(3037000500, 3037000500), math.MaxInt64},
		{"2^31 squared fits", SatMul(1<<31, 1<<31), 1 << 62},
		{"2^32 squared", SatMul(1<<32, 1<<32), math.MaxInt64},
		{"2^63-1 times 2", SatMul(math.MaxInt64, 2), math.MaxInt64},
		{"negative is zero", SatMul(-1, 5), 0},
		{"zero", SatMul(0, math.MaxInt64), 0},
		{"sum that fits", SatAdd(1, 2, 3), 6},
		{"sum over", SatAdd(math.MaxInt64, 1), math.MaxInt64},
		{"negative terms ignored", SatAdd(5, -10), 5},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%s: %d, want %d", c.name, c.got, c.want)
		}
	}
	for f, want := range map[float64]int{math.NaN(): 0, math.Inf(1): math.MaxInt, math.Inf(-1): math.MinInt, 1e30: math.MaxInt, -1e30: math.MinInt, 2.9: 2} {
		if got := SatInt(f); got != want {
			t.Errorf("SatInt(%g) = %d, want %d", f, got, want)
		}
	}
}

func TestCheckMemory(t *testing.T) {
	t.Parallel()
	ctx := catalog.WithMemoryBudget(context.Background(), 10<<20)
	if err := CheckMemory(ctx, "x", 10<<20, "do less"); err != nil {
		t.Errorf("exactly the budget: %v", err)
	}
	err := CheckMemory(ctx, "resizing to 9×9", 11<<20, "do less")
	if catalog.ErrorType(err) != catalog.TooLargeError || !strings.Contains(err.Error(), "resizing to 9×9 would need about 11 MiB, over this call's memory budget of 10 MiB: do less") {
		t.Errorf("got %v", err)
	}
	err = CheckMemory(context.Background(), "x", math.MaxInt64, "do less")
	if !strings.Contains(err.Error(), "more memory than any machine has") || !strings.Contains(err.Error(), "budget of 1 GiB") {
		t.Errorf("a saturated need: %v", err)
	}
}
