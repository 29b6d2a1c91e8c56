package sources

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"pipette/catalog"
)

// mergeSorted gives what sorting everything would, for lists that
// interleave, repeat references and are empty.
func TestMergeSorted(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 200 {
		var lists [][]catalog.Entry
		var all []catalog.Entry
		for range rng.IntN(5) {
			var l []catalog.Entry
			owner := fmt.Sprintf("o%d", rng.IntN(3))
			for range rng.IntN(8) {
				e := catalog.Entry{Ref: catalog.Ref{Owner: owner, Name: fmt.Sprintf("n%d", rng.IntN(10))}, Tagline: fmt.Sprint(trial, len(all))}
				l = append(l, e)
				all = append(all, e)
			}
			slices.SortStableFunc(l, byRef)
			lists = append(lists, l)
		}
		got := mergeSorted(lists)
		if len(got) != len(all) || !slices.IsSortedFunc(got, byRef) {
			t.Fatalf("trial %d: %d entries (want %d), sorted %v", trial, len(got), len(all), slices.IsSortedFunc(got, byRef))
		}
		count := map[string]int{}
		for _, e := range all {
			count[e.Tagline]++
		}
		for _, e := range got {
			count[e.Tagline]--
		}
		for k, v := range count {
			if v != 0 {
				t.Fatalf("trial %d: entry %s appears %d times too few", trial, k, v)
			}
		}
	}
}
