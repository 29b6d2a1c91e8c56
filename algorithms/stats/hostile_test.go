package stats

import (
	"context"
	"fmt"
	"math"
	"testing"

	"pipette/algorithms/algotest"
	"pipette/catalog"
)

func TestTimeSeriesHostileNumbers(t *testing.T) {
	values := make([]any, 100)
	for i := range values {
		values[i] = float64(i % 7)
	}
	for _, n := range append(algotest.HostileNumbers, math.NaN(), math.Inf(1), math.Inf(-1)) {
		for _, field := range []string{"period_hint", "z"} {
			t.Run(fmt.Sprintf("%s=%g", field, n), func(t *testing.T) {
				in := catalog.JSON(map[string]any{"values": values, field: n})
				algotest.Hostile(t, TimeSeries(), context.Background(), in, 16<<20, catalog.InputError)
			})
		}
		// A list straight from a jq mapping can hold nan and infinite.
		t.Run(fmt.Sprintf("value=%g", n), func(t *testing.T) {
			list := append([]any{1.0, 2.0, 3.0}, n)
			if err := algotest.Hostile(t, TimeSeries(), context.Background(), catalog.JSON(list), 16<<20, catalog.InputError); err == nil && (math.IsNaN(n) || math.IsInf(n, 0)) {
				t.Errorf("%g accepted as an observation", n)
			}
		})
	}
}
