package catalog

import (
	"cmp"
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
	Index   int
	Score   int
	InRef   []int // byte offsets into Ref.Path()
	InTag   []int // byte offsets into Tagline
	matched []int
}

// Index makes fuzzy search over a fixed list of entries cheap: the searched
// text of each entry (ref, tagline, tags) is built once.
type Index struct {
	entries []Entry
	hay     []string
	refLen  []int
	ascii   []bool   // hay[i] is plain ASCII: the fast matcher applies
	low     []string // hay[i] lower-cased, for the fast matcher

	// rank is each entry's position in reference order, so ordering ties
	// compares two ints instead of two strings. Built on first use.
	rankOnce sync.Once
	rank     []int32
}

// NewIndex indexes entries for Search. The slice is not copied.
func NewIndex(entries []Entry) *Index {
	ix := &Index{entries: entries, hay: make([]string, len(entries)), refLen: make([]int, len(entries)), ascii: make([]bool, len(entries)), low: make([]string, len(entries))}
	for i, e := range entries {
		p := e.Ref.Path()
		ix.refLen[i] = len(p)
		ix.hay[i] = p + " " + e.Tagline + " " + strings.Join(e.Tags, " ")
		ix.ascii[i] = isASCII(ix.hay[i])
		if ix.ascii[i] {
			ix.low[i] = strings.ToLower(ix.hay[i])
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
	return ix.search(query, nil, -1)
}

// Narrow searches only within prev, the matches of an earlier query that the
// new query extends. Fuzzy matching is monotone: a string that fails to match
// "ab" cannot match "abc", so narrowing returns the same hits as Search.
func (ix *Index) Narrow(query string, prev []Match) []Match {
	return ix.search(query, candidates(prev), -1)
}

// SearchTop is Search for a list that shows a screenful: it returns every
// match, but only the best k are ordered (best first) and carry highlight
// positions; the rest follow in no particular order, without positions, until
// Order is asked for more. Selecting the best k of n costs O(n), sorting
// them O(k log k), where a full sort of a large catalog costs far more.
func (ix *Index) SearchTop(query string, k int) []Match {
	return ix.search(query, nil, k)
}

// NarrowTop is Narrow with SearchTop's partial ordering. prev may be in any
// order (a SearchTop result is fine).
func (ix *Index) NarrowTop(query string, prev []Match, k int) []Match {
	return ix.search(query, candidates(prev), k)
}

// Order extends the ordered prefix of a SearchTop or NarrowTop result from
// sorted to k entries (all of them when k < 0). It reorders ms in place.
func (ix *Index) Order(ms []Match, sorted, k int) {
	if sorted >= len(ms) || (k >= 0 && k <= sorted) {
		return
	}
	if k >= 0 {
		k -= sorted
	}
	ix.order(ms[sorted:], k)
}

func candidates(prev []Match) []int {
	cand := make([]int, len(prev))
	for i, m := range prev {
		cand[i] = m.Index
	}
	return cand
}

func (ix *Index) search(query string, cand []int, k int) []Match {
	query = strings.TrimSpace(query)
	n := len(ix.hay)
	if cand != nil {
		n = len(cand)
	}
	if query == "" {
		out := make([]Match, n)
		for i := range out {
			out[i].Index = i
			if cand != nil {
				out[i].Index = cand[i]
			}
		}
		return out
	}
	workers := runtime.GOMAXPROCS(0)
	if n < parallelThreshold || workers < 2 {
		workers = 1
	}
	parts := make([][]Match, workers)
	var wg sync.WaitGroup
	chunk := (n + workers - 1) / workers
	for w := 0; w < workers; w++ {
		lo, hi := w*chunk, min((w+1)*chunk, n)
		if lo >= hi {
			continue
		}
		wg.Add(1)
		go func(w, lo, hi int) {
			defer wg.Done()
			parts[w] = ix.matchRange(query, cand, lo, hi)
		}(w, lo, hi)
	}
	wg.Wait()
	total := 0
	for _, p := range parts {
		total += len(p)
	}
	out := make([]Match, 0, total)
	for _, p := range parts {
		out = append(out, p...)
	}
	ix.order(out, k)
	return out
}

// matchRange matches query against candidates lo..hi (of cand, or of the
// whole index when cand is nil). ASCII haystacks take the fast matcher, with
// matched positions carved from one shared buffer instead of a slice per
// match; the rest go through sahilm/fuzzy, which scores them identically.
func (ix *Index) matchRange(query string, cand []int, lo, hi int) []Match {
	var out []Match
	fast := isASCII(query)
	lowQuery := strings.ToLower(query)
	var slow []int // positions (lo..hi) that need the library
	arena := make([]int, 0, 4096)
	for i := lo; i < hi; i++ {
		idx := i
		if cand != nil {
			idx = cand[i]
		}
		if !fast || !ix.ascii[idx] {
			slow = append(slow, i)
			continue
		}
		if cap(arena)-len(arena) < len(query) {
			arena = make([]int, 0, max(4096, len(query)))
		}
		score, pos, ok := matchASCII(query, lowQuery, ix.hay[idx], ix.low[idx], arena)
		if !ok {
			continue
		}
		m := pos[len(arena):len(pos):len(pos)]
		arena = pos
		out = append(out, Match{Index: idx, Score: score, matched: m})
	}
	if len(slow) > 0 {
		src := haySource{ix: ix, cand: cand, pos: slow}
		for _, m := range fuzzy.FindFromNoSort(query, src) {
			idx := slow[m.Index]
			if cand != nil {
				idx = cand[idx]
			}
			out = append(out, Match{Index: idx, Score: m.Score, matched: m.MatchedIndexes})
		}
	}
	return out
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
// k < 0 orders them all. The order is total (score, then reference, then
// index), so the result does not depend on how the work was split.
func (ix *Index) order(ms []Match, k int) {
	rank := ix.ranks()
	better := func(a, b *Match) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		if c := cmp.Compare(rank[a.Index], rank[b.Index]); c != 0 {
			return c
		}
		return cmp.Compare(a.Index, b.Index)
	}
	if k < 0 || k > len(ms) {
		k = len(ms)
	}
	if k < len(ms) {
		selectBest(ms, k, better)
	}
	slices.SortFunc(ms[:k], func(a, b Match) int { return better(&a, &b) })
	for i := range ms[:k] {
		ix.split(&ms[i])
	}
}

// selectBest moves the k best of ms (by cmp, a total order) into ms[:k], in
// no particular order: quickselect with a median-of-three pivot, O(len(ms)).
func selectBest(ms []Match, k int, cmp func(a, b *Match) int) {
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

// split turns positions in the haystack into positions in the ref and tagline.
func (ix *Index) split(m *Match) {
	if m.matched == nil {
		return
	}
	rl := ix.refLen[m.Index]
	tl := len(ix.entries[m.Index].Tagline)
	for _, p := range m.matched {
		switch {
		case p < rl:
			m.InRef = append(m.InRef, p)
		case p > rl && p <= rl+tl:
			m.InTag = append(m.InTag, p-rl-1)
		}
	}
	m.matched = nil
}

// haySource feeds the haystacks at positions pos (of cand, or of the whole
// index) to sahilm/fuzzy.
type haySource struct {
	ix   *Index
	cand []int
	pos  []int
}

func (s haySource) String(i int) string {
	i = s.pos[i]
	if s.cand != nil {
		i = s.cand[i]
	}
	return s.ix.hay[i]
}

func (s haySource) Len() int { return len(s.pos) }

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

// FilterTag keeps the entries that carry tag (case-insensitive). An empty tag
// keeps everything.
func FilterTag(entries []Entry, tag string) []Entry {
	if tag == "" {
		return entries
	}
	var out []Entry
	for _, e := range entries {
		if slices.ContainsFunc(e.Tags, func(t string) bool { return strings.EqualFold(t, tag) }) {
			out = append(out, e)
		}
	}
	return out
}

// Tags lists every tag in entries with its count, most used first.
func Tags(entries []Entry) []TagCount {
	counts := map[string]int{}
	for _, e := range entries {
		for _, t := range e.Tags {
			counts[strings.ToLower(t)]++
		}
	}
	out := make([]TagCount, 0, len(counts))
	for t, n := range counts {
		out = append(out, TagCount{Tag: t, Count: n})
	}
	slices.SortFunc(out, func(a, b TagCount) int {
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		return strings.Compare(a.Tag, b.Tag)
	})
	return out
}

// TagCount is a tag and how many entries carry it.
type TagCount struct {
	Tag   string
	Count int
}
