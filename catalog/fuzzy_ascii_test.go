package catalog

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/sahilm/fuzzy"
)

// TestASCIIMatchAgreesWithFuzzy compares the ASCII fast path with the library
// on random strings over an alphabet rich in separators, case changes and
// repeated letters, where the scoring rules interact.
func TestASCIIMatchAgreesWithFuzzy(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	const alpha = "aAbBcCsSeEnNtT/-_ .\\xy1"
	str := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = alpha[rng.IntN(len(alpha))]
		}
		return string(b)
	}
	for i := 0; i < 400000; i++ {
		pat := str(1 + rng.IntN(4))
		s := str(rng.IntN(24))
		want := fuzzy.Find(pat, []string{s})
		score, matched, ok := matchASCII(pat, strings.ToLower(pat), s, strings.ToLower(s), nil)
		if ok != (len(want) == 1) {
			t.Fatalf("pattern %q in %q: fast ok=%v, library matches=%d", pat, s, ok, len(want))
		}
		if ok && (score != want[0].Score || !slices.Equal(matched, want[0].MatchedIndexes)) {
			t.Fatalf("pattern %q in %q: fast %d %v, library %d %v", pat, s, score, matched, want[0].Score, want[0].MatchedIndexes)
		}
	}
}

// TestScoreASCIIAgrees: the position-free scorer accepts exactly what the
// library matches, with the same score, behind the letter-mask rejection.
func TestScoreASCIIAgrees(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 13))
	const alpha = "aAbBcCsSeEnNtT/-_ .\\xy1"
	str := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = alpha[rng.IntN(len(alpha))]
		}
		return string(b)
	}
	for i := 0; i < 400000; i++ {
		pat := str(1 + rng.IntN(5))
		s := str(rng.IntN(30))
		want := fuzzy.Find(pat, []string{s})
		lp, ls := strings.ToLower(pat), strings.ToLower(s)
		var score int
		ok := letterMask(lp)&^letterMask(ls) == 0
		if ok {
			score, ok = scoreASCII(lp, ls, string(appendStaticBonus(nil, s)))
		}
		if ok != (len(want) == 1) {
			t.Fatalf("pattern %q in %q: scoreASCII ok=%v, library matches=%d", pat, s, ok, len(want))
		}
		if ok && score != want[0].Score {
			t.Fatalf("pattern %q in %q: scoreASCII %d, library %d", pat, s, score, want[0].Score)
		}
	}
}
