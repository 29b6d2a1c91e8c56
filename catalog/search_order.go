package catalog

import (
	"cmp"
	"runtime"
	"slices"
	"strings"
)

// resultOrder is the order of results: higher score first, then the
// reference's order, then index. It is total, so the result does not
// depend on how the work was split.
func resultOrder(scoreA, scoreB, a, b int, rank []int32) int {
	if c := cmp.Compare(scoreB, scoreA); c != 0 {
		return c
	}
	if c := cmp.Compare(rank[a], rank[b]); c != 0 {
		return c
	}
	return cmp.Compare(a, b)
}

// betterHit is resultOrder for hits.
func betterHit(a, b hit, rank []int32) int {
	return resultOrder(a.score, b.score, int(a.idx), int(b.idx), rank)
}

// topHits returns the best k of hs (by betterHit) in no particular order. When
// k is less than len(hs) the result is a new slice; hs is left as it was:
// the rest of the result lists hs in its order, which is index order, and
// the next keystroke narrows from it in that order, reading the text block
// front to back where the prefetcher helps most (selecting in place and
// scrambling it costs that keystroke more than the copy).
func topHits(hs []hit, k int, rank []int32) []hit {
	if k >= len(hs) {
		return slices.Clone(hs)
	}
	if k <= 0 {
		return nil
	}
	c := slices.Clone(hs)
	selectBest(c, k, func(a, b *hit) int { return betterHit(*a, *b, rank) })
	return c[:k]
}

// ranks builds the reference order once.
func (ix *Index) ranks() []int32 {
	ix.rankOnce.Do(func() {
		perm := make([]int32, len(ix.hay))
		for i := range perm {
			perm[i] = int32(i)
		}
		slices.SortFunc(perm, func(a, b int32) int {
			if c := strings.Compare(ix.hay[a][:ix.refLen[a]], ix.hay[b][:ix.refLen[b]]); c != 0 {
				return c
			}
			return cmp.Compare(a, b)
		})
		ix.rank = make([]int32, len(perm))
		for pos, i := range perm {
			ix.rank[i] = int32(pos)
		}
	})
	return ix.rank
}

// order puts the best k of ms first, best first, with highlight positions;
// k < 0 orders them all, in resultOrder.
func (ix *Index) order(ms []Match, k int) {
	rank := ix.ranks()
	better := func(a, b *Match) int { return resultOrder(a.Score, b.Score, a.Index, b.Index, rank) }
	if k < 0 || k > len(ms) {
		k = len(ms)
	}
	if k < len(ms) {
		selectBest(ms, k, better)
	}
	slices.SortFunc(ms[:k], func(a, b Match) int { return better(&a, &b) })
	ix.splitAll(ms[:k], runtime.GOMAXPROCS(0))
}

// selectBest moves the k best of ms (by cmp, a total order) into ms[:k], in
// no particular order: quickselect with a median-of-three pivot, O(len(ms)).
func selectBest[T any](ms []T, k int, cmp func(a, b *T) int) {
	lo, hi := 0, len(ms)-1
	for lo < hi {
		mid := lo + (hi-lo)/2
		if cmp(&ms[mid], &ms[lo]) < 0 {
			ms[mid], ms[lo] = ms[lo], ms[mid]
		}
		if cmp(&ms[hi], &ms[lo]) < 0 {
			ms[hi], ms[lo] = ms[lo], ms[hi]
		}
		if cmp(&ms[mid], &ms[hi]) < 0 {
			ms[mid], ms[hi] = ms[hi], ms[mid]
		}
		// ms[hi] is now the median of the three: partition around it.
		p := lo
		for i := lo; i < hi; i++ {
			if cmp(&ms[i], &ms[hi]) < 0 {
				ms[i], ms[p] = ms[p], ms[i]
				p++
			}
		}
		ms[p], ms[hi] = ms[hi], ms[p]
		switch {
		case p == k-1:
			return
		case p > k-1:
			hi = p - 1
		default:
			lo = p + 1
		}
	}
}
