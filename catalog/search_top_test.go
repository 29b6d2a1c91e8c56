package catalog

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSearchTopAgreesWithSearch: the ordered prefix of SearchTop and
// NarrowTop is exactly Search's, the rest is the same set, and Order extends
// the prefix to the full order.
func TestSearchTopAgreesWithSearch(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	words := []string{"sent", "iment", "face", "detect", "color", "crop", "text", "rank", "summar", "ize"}
	var entries []Entry
	for i := range 3000 {
		entries = append(entries, Entry{
			Ref:     Ref{Owner: words[rng.IntN(len(words))], Name: fmt.Sprintf("%s%s%d", words[rng.IntN(len(words))], words[rng.IntN(len(words))], i%700)},
			Tagline: words[rng.IntN(len(words))] + " " + words[rng.IntN(len(words))],
		})
	}
	ix := NewIndex(entries)
	same := func(a, b []Match) bool {
		if len(a) != len(b) {
			return false
		}
		for i := range a {
			if a[i].Index != b[i].Index || a[i].Score != b[i].Score || !slices.Equal(a[i].InRef, b[i].InRef) || !slices.Equal(a[i].InTag, b[i].InTag) {
				return false
			}
		}
		return true
	}
	for _, q := range []string{"s", "se", "sent", "fc", "zzz"} {
		full := ix.Search(q)
		for _, k := range []int{0, 1, 10, 100, len(full), len(full) + 5} {
			top := ix.SearchTop(q, k)
			n := min(k, len(full))
			if !same(top[:n], full[:n]) {
				t.Fatalf("%q k=%d: ordered prefix differs from Search", q, k)
			}
			idx := func(ms []Match) []int {
				var out []int
				for _, m := range ms {
					out = append(out, m.Index)
				}
				slices.Sort(out)
				return out
			}
			if !slices.Equal(idx(top), idx(full)) {
				t.Fatalf("%q k=%d: different match sets", q, k)
			}
			ix.Order(top, n, -1)
			if !same(top, full) {
				t.Fatalf("%q k=%d: Order(all) differs from Search", q, k)
			}
		}
		if q != "s" {
			prev := ix.SearchTop(q[:1], 5)
			if got := ix.NarrowTop(q, prev, 20); !same(got[:min(20, len(full))], full[:min(20, len(full))]) {
				t.Fatalf("%q: NarrowTop prefix differs", q)
			}
		}
	}
}
