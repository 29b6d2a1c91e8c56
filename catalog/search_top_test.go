package catalog

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/sahilm/fuzzy"
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

// TestSearchAgreesWithReference compares Search, SearchTop + Order and
// NarrowTop on random catalogs (ASCII and not, above and below the parallel
// threshold) with the plain way: sahilm/fuzzy over every haystack, sorted by
// score, then reference, then index.
func TestSearchAgreesWithReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for _, n := range []int{40, 6000} {
		entries := randomEntries(rng, n)
		for i := 0; i < n; i += 7 {
			entries[i].Tagline += " Ünïcode ŝ café" // the library's path
		}
		ix := NewIndex(entries)
		hays := make([]string, n)
		for i, e := range entries {
			hays[i] = e.Ref.Path() + " " + e.Tagline + " " + strings.Join(e.Tags, " ")
		}
		reference := func(q string) []Match {
			var out []Match
			for _, m := range fuzzy.FindNoSort(q, hays) {
				mm := Match{Index: m.Index, Score: m.Score}
				if foldSubsequence(q, entries[m.Index].Ref.Path()) {
					mm.Score += nameBonusScore // name matches first
				}
				rl, tl := len(entries[m.Index].Ref.Path()), len(entries[m.Index].Tagline)
				for _, p := range m.MatchedIndexes {
					switch {
					case p < rl:
						mm.InRef = append(mm.InRef, p)
					case p > rl && p <= rl+tl:
						mm.InTag = append(mm.InTag, p-rl-1)
					}
				}
				out = append(out, mm)
			}
			slices.SortStableFunc(out, func(a, b Match) int {
				if c := cmp.Compare(b.Score, a.Score); c != 0 {
					return c
				}
				if c := strings.Compare(entries[a.Index].Ref.Path(), entries[b.Index].Ref.Path()); c != 0 {
					return c
				}
				return cmp.Compare(a.Index, b.Index)
			})
			return out
		}
		for trial := 0; trial < 6; trial++ {
			e := entries[rng.IntN(n)]
			text := e.Ref.Path() + " " + e.Tagline
			q := text[rng.IntN(len(text)/2+1):]
			var prev []Match
			for l := 1; l <= len(q) && l <= 8; l++ {
				part := q[:l]
				if strings.TrimSpace(part) == "" {
					continue
				}
				want := reference(strings.TrimSpace(part))
				if got := ix.Search(part); !sameMatches(got, want) {
					t.Fatalf("n=%d Search(%q) = %v, reference %v", n, part, summary(got), summary(want))
				}
				const k = 17
				var top []Match
				if prev == nil {
					top = ix.SearchTop(part, k)
				} else {
					top = ix.NarrowTop(part, prev, k)
				}
				nk := min(k, len(want))
				if !sameMatches(top[:nk], want[:nk]) {
					t.Fatalf("n=%d top(%q) prefix = %v, reference %v", n, part, summary(top[:nk]), summary(want[:nk]))
				}
				prev = slices.Clone(top)
				ix.Order(top, nk, -1)
				if !sameMatches(top, want) {
					t.Fatalf("n=%d top(%q) then Order = %v, reference %v", n, part, summary(top), summary(want))
				}
			}
		}
	}
}

// TestLongQueryScore: the adjacency bonus triples with each contiguous
// character, so a long query scores in the billions; the score must be the
// library's, not a truncated one that would misorder the results.
func TestLongQueryScore(t *testing.T) {
	entries := []Entry{
		entry("nlp/SentimentAnalysisOfLongDocuments", "long contiguous matches"),
		entry("nlp/SentimentAnalysis", "short"),
	}
	ix := NewIndex(entries)
	for _, q := range []string{"sentimentanalysisoflong", "nlp/SentimentAnalysisOfLongDoc"} {
		want := fuzzy.Find(q, []string{ix.hay[0]})
		got := ix.Search(q)
		// Both queries are in the reference, so the name tier is added.
		if len(want) != 1 || len(got) != 1 || got[0].Score != want[0].Score+nameBonusScore {
			t.Fatalf("%q: got %v, library %v", q, got, want)
		}
		if want[0].Score <= 1<<31 {
			t.Fatalf("%q: score %d is not large enough to test overflow", q, want[0].Score)
		}
	}
}
