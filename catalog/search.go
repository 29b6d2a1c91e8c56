package catalog

import (
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/sahilm/fuzzy"
)

// Match is one search hit: the entry's index in the Index, its score (higher
// is better) and the matched rune positions within Ref.Path() and Tagline, for
// highlighting.
type Match struct {
	Index int
	Score int
	InRef []int // byte offsets into Ref.Path()
	InTag []int // byte offsets into Tagline
	// q is the query that matched, set while the highlight positions are
	// still to be worked out: a search computes them only for the matches it
	// orders (a screenful), since most matches are never shown.
	q *query
}

// Index makes fuzzy search over a fixed list of entries cheap: the searched
// text of each entry (ref, tagline, tags) is built once, with what the ASCII
// matcher needs precomputed.
type Index struct {
	entries []Entry
	hay     []string
	refLen  []int
	ascii   []bool   // hay[i] is plain ASCII: the fast matcher applies
	low     []string // hay[i] lower-cased, for the fast matcher
	bonus   []string // per byte of an ASCII hay[i], the pattern-independent bonus of a match there
	letters []uint64 // per entry, a bit for each byte value (mod 64) in low[i]: O(1) rejection

	// rank is each entry's position in reference order, so ordering ties
	// compares two ints instead of two strings. Built on first use.
	rankOnce sync.Once
	rank     []int32
}

// NewIndex indexes entries for Search. The slice is not copied.
func NewIndex(entries []Entry) *Index {
	n := len(entries)
	ix := &Index{entries: entries, hay: make([]string, n), refLen: make([]int, n), ascii: make([]bool, n),
		low: make([]string, n), bonus: make([]string, n), letters: make([]uint64, n)}
	total := 0
	for i, e := range entries {
		p := e.Ref.Path()
		ix.refLen[i] = len(p)
		ix.hay[i] = p + " " + e.Tagline + " " + strings.Join(e.Tags, " ")
		ix.ascii[i] = isASCII(ix.hay[i])
		if ix.ascii[i] {
			total += 2 * len(ix.hay[i])
		}
	}
	// The lower-cased text and the bonuses of every entry live side by side
	// in one block, in index order: a search reads them in that order, so
	// the hardware prefetcher hides most of the memory latency that separate
	// allocations would cost per candidate.
	var arena strings.Builder
	arena.Grow(total)
	var tmp []byte
	for i, h := range ix.hay {
		if ix.ascii[i] {
			tmp = appendStaticBonus(appendLowerASCII(tmp[:0], h), h)
			arena.Write(tmp)
		}
	}
	block, off := arena.String(), 0
	for i, h := range ix.hay {
		if ix.ascii[i] {
			ix.low[i] = block[off : off+len(h)]
			ix.bonus[i] = block[off+len(h) : off+2*len(h)]
			ix.letters[i] = letterMask(ix.low[i])
			off += 2 * len(h)
		}
	}
	return ix
}

// Len is the number of indexed entries.
func (ix *Index) Len() int { return len(ix.entries) }

// Entry returns the i-th indexed entry.
func (ix *Index) Entry(i int) Entry { return ix.entries[i] }

// Entries returns the indexed entries.
func (ix *Index) Entries() []Entry { return ix.entries }

// parallelThreshold is the size below which splitting the work across cores
// costs more than it saves.
const parallelThreshold = 4096

// Search returns the entries matching query, best match first (ties by
// reference). An empty query matches everything in catalog order.
func (ix *Index) Search(query string) []Match {
	return ix.search(query, nil, false, -1)
}

// Narrow searches only within prev, the matches of an earlier query that the
// new query extends. Fuzzy matching is monotone: a string that fails to match
// "ab" cannot match "abc", so narrowing returns the same hits as Search.
func (ix *Index) Narrow(query string, prev []Match) []Match {
	return ix.search(query, prev, true, -1)
}

// SearchTop is Search for a list that shows a screenful: it returns every
// match with its score, but only the best k are ordered (best first) and
// carry highlight positions; the rest follow in no particular order, without
// positions, until Order is asked for more. Selecting the best k of n costs
// O(n), sorting them O(k log k), where a full sort of a large catalog costs
// far more.
func (ix *Index) SearchTop(query string, k int) []Match {
	return ix.search(query, nil, false, k)
}

// NarrowTop is Narrow with SearchTop's partial ordering. prev may be in any
// order (a SearchTop result is fine).
func (ix *Index) NarrowTop(query string, prev []Match, k int) []Match {
	return ix.search(query, prev, true, k)
}

// Order extends the ordered prefix of a SearchTop or NarrowTop result from
// sorted to k entries (all of them when k < 0), with highlight positions. It
// reorders ms in place.
func (ix *Index) Order(ms []Match, sorted, k int) {
	if sorted >= len(ms) || (k >= 0 && k <= sorted) {
		return
	}
	if k >= 0 {
		k -= sorted
	}
	ix.order(ms[sorted:], k)
}

// query is a search query prepared once for every candidate.
type query struct {
	raw     string
	low     string // lower-cased, for the ASCII matcher
	ascii   bool
	letters uint64
}

// hit is a match while a search is under way: small and pointer-free, so
// that collecting tens of thousands of them costs the garbage collector
// nothing.
type hit struct {
	idx   int32
	score int // int like the library's: long contiguous matches score in the billions
}

// hitPool recycles the per-worker hit buffers across keystrokes.
var hitPool = sync.Pool{New: func() any { return new([]hit) }}

func (ix *Index) search(raw string, prev []Match, narrow bool, k int) []Match {
	raw = strings.TrimSpace(raw)
	n := len(ix.hay)
	if narrow {
		n = len(prev)
	}
	if raw == "" {
		out := make([]Match, n)
		for i := range out {
			out[i].Index = i
			if narrow {
				out[i].Index = prev[i].Index
			}
		}
		return out
	}
	q := &query{raw: raw, low: strings.ToLower(raw), ascii: isASCII(raw)}
	q.letters = letterMask(q.low)
	workers := runtime.GOMAXPROCS(0)
	if n < parallelThreshold || workers < 2 {
		workers = 1
	}
	if k < 0 || k >= n {
		return ix.searchAll(q, prev, narrow, n, workers)
	}
	rank := ix.ranks()
	// Each worker scores its share of the candidates and picks its own best
	// k, so that only workers×k hits meet on one goroutine.
	bufs := make([]*[]hit, workers)
	tops := make([][]hit, workers)
	var wg sync.WaitGroup
	chunk := (n + workers - 1) / workers
	for w := range workers {
		lo, hi := w*chunk, min((w+1)*chunk, n)
		bufs[w] = hitPool.Get().(*[]hit)
		if lo >= hi {
			(*bufs[w]) = (*bufs[w])[:0]
			continue
		}
		wg.Add(1)
		go func(w, lo, hi int) {
			defer wg.Done()
			hs := ix.scoreRange(q, prev, narrow, lo, hi, (*bufs[w])[:0])
			*bufs[w] = hs
			tops[w] = topHits(hs, k, rank)
		}(w, lo, hi)
	}
	wg.Wait()

	total := 0
	for _, b := range bufs {
		total += len(*b)
	}
	k = min(k, total)
	var best []hit
	if workers == 1 {
		best = tops[0]
	} else {
		for _, t := range tops {
			best = append(best, t...)
		}
		best = topHits(best, k, rank)
	}
	slices.SortFunc(best[:k], func(a, b hit) int { return betterHit(a, b, rank) })

	// The best k first, in order and with positions; then the rest in any
	// order, positions left for Order to find if they are ever shown.
	out := make([]Match, total)
	for i, h := range best[:k] {
		out[i] = Match{Index: int(h.idx), Score: h.score, q: q}
	}
	ix.splitAll(out[:k], workers)
	if k < total {
		inTop := make([]uint64, (len(ix.hay)+63)/64)
		for _, h := range best[:k] {
			inTop[h.idx/64] |= 1 << (h.idx % 64)
		}
		j := k
		for _, b := range bufs {
			for _, h := range *b {
				if inTop[h.idx/64]&(1<<(h.idx%64)) == 0 {
					out[j] = Match{Index: int(h.idx), Score: h.score, q: q}
					j++
				}
			}
		}
	}
	for _, b := range bufs {
		if cap(*b) <= 1<<20 {
			hitPool.Put(b)
		}
	}
	return out
}

// searchAll is search with every match ordered and highlighted (Search,
// Narrow): positions are worked out while matching, in one pass, since all
// of them are wanted.
func (ix *Index) searchAll(q *query, prev []Match, narrow bool, n, workers int) []Match {
	parts := make([][]Match, workers)
	var wg sync.WaitGroup
	chunk := (n + workers - 1) / workers
	for w := range workers {
		lo, hi := w*chunk, min((w+1)*chunk, n)
		if lo >= hi {
			continue
		}
		wg.Go(func() { parts[w] = ix.matchRange(q, prev, narrow, lo, hi) })
	}
	wg.Wait()
	out := slices.Concat(parts...)
	ix.order(out, -1)
	return out
}

// matchRange matches and highlights the candidates lo..hi (of prev when
// narrowing, of the whole index otherwise). The highlight positions of all
// its matches are carved from shared blocks rather than allocated each.
func (ix *Index) matchRange(q *query, prev []Match, narrow bool, lo, hi int) []Match {
	var out []Match
	var slow []int // entries that need the library
	var buf, block []int
	for i := lo; i < hi; i++ {
		idx := i
		if narrow {
			idx = prev[i].Index
		}
		if !q.ascii || !ix.ascii[idx] {
			slow = append(slow, idx)
			continue
		}
		if q.letters&^ix.letters[idx] != 0 {
			continue
		}
		score, pos, ok := matchASCII(q.raw, q.low, ix.hay[idx], ix.low[idx], buf[:0])
		buf = pos
		if !ok {
			continue
		}
		m := Match{Index: idx, Score: score + ix.nameBonus(q, idx)}
		block = ix.splitInto(&m, pos, block)
		out = append(out, m)
	}
	if len(slow) > 0 {
		src := haySource{ix: ix, idx: slow}
		for _, fm := range fuzzy.FindFromNoSort(q.raw, src) {
			m := Match{Index: slow[fm.Index], Score: fm.Score + ix.nameBonus(q, slow[fm.Index])}
			block = ix.splitInto(&m, fm.MatchedIndexes, block)
			out = append(out, m)
		}
	}
	return out
}

// nameBonusScore lifts every entry whose reference alone holds the query (its
// letters in order, in any case) above every entry that matches only through
// its tagline or tags: someone typing "face" wants cv/FaceDetection before a
// model whose tagline mentions faces. Within each group the order is
// sahilm/fuzzy's score. That score triples with each contiguous character, so
// it stays below the bonus up to about 37 of them (and overflows int64 in the
// library itself past 39).
const nameBonusScore = 1 << 60

func (ix *Index) nameBonus(q *query, idx int) int {
	rl := ix.refLen[idx]
	if q.ascii && ix.ascii[idx] {
		if isSubsequence(q.low, ix.low[idx][:rl]) {
			return nameBonusScore
		}
		return 0
	}
	if foldSubsequence(q.raw, ix.hay[idx][:rl]) {
		return nameBonusScore
	}
	return 0
}

// foldSubsequence reports whether pat's runes appear in s in order, ignoring case.
func foldSubsequence(pat, s string) bool {
	p := []rune(strings.ToLower(pat))
	i := 0
	for _, r := range strings.ToLower(s) {
		if i < len(p) && r == p[i] {
			i++
		}
	}
	return i == len(p)
}

// scoreRange scores the candidates lo..hi (of prev when narrowing, of the
// whole index otherwise), appending the matches to out. ASCII haystacks take
// the fast scorer; the rest go through sahilm/fuzzy, which scores them
// identically.
func (ix *Index) scoreRange(q *query, prev []Match, narrow bool, lo, hi int, out []hit) []hit {
	var slow []int // entries that need the library
	for i := lo; i < hi; i++ {
		idx := i
		if narrow {
			idx = prev[i].Index
		}
		if !q.ascii || !ix.ascii[idx] {
			slow = append(slow, idx)
			continue
		}
		if q.letters&^ix.letters[idx] != 0 {
			continue
		}
		// From scratch most entries may fail a long query late in their text:
		// a subsequence test (a few IndexByte calls) rejects them cheaper than
		// scoring. Narrowing candidates nearly all match, so it would be waste.
		if !narrow && len(q.low) > 1 && !isSubsequence(q.low, ix.low[idx]) {
			continue
		}
		if score, ok := scoreASCII(q.low, ix.low[idx], ix.bonus[idx]); ok {
			out = append(out, hit{idx: int32(idx), score: score + ix.nameBonus(q, idx)})
		}
	}
	if len(slow) > 0 {
		src := haySource{ix: ix, idx: slow}
		for _, m := range fuzzy.FindFromNoSort(q.raw, src) {
			out = append(out, hit{idx: int32(slow[m.Index]), score: m.Score + ix.nameBonus(q, slow[m.Index])})
		}
	}
	return out
}

// Search is a one-off fuzzy search over entries, best match first.
func Search(entries []Entry, query string) []Entry {
	ix := NewIndex(entries)
	ms := ix.Search(query)
	out := make([]Entry, len(ms))
	for i, m := range ms {
		out[i] = entries[m.Index]
	}
	return out
}
