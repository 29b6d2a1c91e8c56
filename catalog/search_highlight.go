package catalog

import (
	"sync"

	"github.com/sahilm/fuzzy"
)

// positions are the matched byte offsets of q in the haystack of entry idx.
func (ix *Index) positions(q *query, idx int) []int {
	if q.ascii && ix.ascii[idx] {
		_, pos, _ := matchASCII(q.raw, q.low, ix.hay[idx], ix.low[idx], nil)
		return pos
	}
	if ms := fuzzy.Find(q.raw, []string{ix.hay[idx]}); len(ms) == 1 {
		return ms[0].MatchedIndexes
	}
	return nil
}

// splitAll works out the positions of ms, across workers goroutines when
// there are many (a full Search orders and highlights every match).
func (ix *Index) splitAll(ms []Match, workers int) {
	if len(ms) < parallelThreshold || workers < 2 {
		ix.splitRange(ms)
		return
	}
	var wg sync.WaitGroup
	chunk := (len(ms) + workers - 1) / workers
	for lo := 0; lo < len(ms); lo += chunk {
		part := ms[lo:min(lo+chunk, len(ms))]
		wg.Go(func() { ix.splitRange(part) })
	}
	wg.Wait()
}

// splitRange works out the highlight positions of the matches in ms whose
// query is known and divides them between the ref and the tagline, carving
// them from shared blocks.
func (ix *Index) splitRange(ms []Match) {
	var block []int
	for i := range ms {
		if m := &ms[i]; m.q != nil {
			block = ix.splitInto(m, ix.positions(m.q, m.Index), block)
			m.q = nil
		}
	}
}

// splitInto divides pos, positions in m's haystack, between the ref and the
// tagline, carving InRef and InTag from block (a fresh block when it is too
// small). It returns what is left of the block.
func (ix *Index) splitInto(m *Match, pos []int, block []int) []int {
	if cap(block)-len(block) < len(pos) {
		block = make([]int, 0, max(1024, len(pos)))
	}
	rl := ix.refLen[m.Index]
	tl := len(ix.entries[m.Index].Tagline)
	start := len(block)
	for _, p := range pos {
		if p < rl {
			block = append(block, p)
		}
	}
	mid := len(block)
	for _, p := range pos {
		if p > rl && p <= rl+tl {
			block = append(block, p-rl-1)
		}
	}
	if mid > start {
		m.InRef = block[start:mid:mid]
	}
	if len(block) > mid {
		m.InTag = block[mid:len(block):len(block)]
	}
	return block[len(block):]
}

// haySource feeds the haystacks of the entries idx to sahilm/fuzzy.
type haySource struct {
	ix  *Index
	idx []int
}

func (s haySource) String(i int) string { return s.ix.hay[s.idx[i]] }

func (s haySource) Len() int { return len(s.idx) }
