package text

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
)

// Okapi BM25 parameters, the usual defaults (Robertson & Zaragoza 2009):
// k1 saturates repeated terms, b normalises for document length.
const (
	bm25K1 = 1.2
	bm25B  = 0.75
	// tagBoost is how many occurrences of a word one tag is worth: a tag
	// states what a document is about, a word in its text may be incidental
	// ("Not happy, just hungry" is not a happy caption).
	tagBoost = 3
)

// document is one searchable item.
type document struct {
	ID   string   `json:"id"`
	Text string   `json:"text"`
	Tags []string `json:"tags"`
}

// bm25Index holds term statistics for a fixed set of documents. It is
// read-only once built, so a shipped collection's index is shared by
// concurrent searches.
type bm25Index struct {
	docs   []document
	terms  []map[string]int // per document: term → frequency
	length []int            // per document: number of terms
	df     map[string]int   // term → number of documents containing it
	avgLen float64
}

// newBM25Index indexes docs: their text and their tags, so that a tag word
// ("happy") finds the documents tagged with it. A tag's words count
// tagBoost times in the term frequency (once in the length), a simple
// field weighting in the spirit of BM25F.
func newBM25Index(ctx context.Context, docs []document) (*bm25Index, error) {
	ix := &bm25Index{
		docs:   docs,
		terms:  make([]map[string]int, len(docs)),
		length: make([]int, len(docs)),
		df:     map[string]int{},
	}
	total := 0
	for i, d := range docs {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		tf := map[string]int{}
		n := 0
		for _, t := range analyze(d.Text) {
			tf[t]++
			n++
		}
		for _, tag := range d.Tags {
			for _, t := range analyze(tag) {
				tf[t] += tagBoost
				n++
			}
		}
		ix.terms[i], ix.length[i] = tf, n
		total += n
		for t := range tf {
			ix.df[t]++
		}
	}
	if len(docs) > 0 {
		ix.avgLen = float64(total) / float64(len(docs))
	}
	return ix, nil
}

// idf is the BM25 inverse document frequency in Lucene's form, which stays
// positive for terms found in more than half the documents.
func (ix *bm25Index) idf(term string) float64 {
	n, df := float64(len(ix.docs)), float64(ix.df[term])
	return math.Log(1 + (n-df+0.5)/(df+0.5))
}

type hit struct {
	doc   int
	score float64
}

// search scores every document that passes keep against the query terms
// and returns the matches best first, ties in document order. With no
// query terms every kept document matches with score 0.
func (ix *bm25Index) search(ctx context.Context, query []string, keep func(document) bool, limit int) ([]hit, error) {
	var hits []hit
	for i, d := range ix.docs {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if keep != nil && !keep(d) {
			continue
		}
		score, matched := 0.0, false
		norm := bm25K1 * (1 - bm25B + bm25B*float64(ix.length[i])/ix.avgLen)
		for _, q := range query {
			f := float64(ix.terms[i][q])
			if f == 0 {
				continue
			}
			matched = true
			score += ix.idf(q) * f * (bm25K1 + 1) / (f + norm)
		}
		if matched || len(query) == 0 {
			hits = append(hits, hit{doc: i, score: score})
		}
	}
	slices.SortStableFunc(hits, func(a, b hit) int { return cmp.Compare(b.score, a.score) })
	if len(hits) > limit {
		hits = hits[:limit]
	}
	return hits, nil
}

// queryTerms analyzes a query and drops repeated terms: asking for "happy
// happy" is asking for happy.
func queryTerms(q string) []string {
	var out []string
	for _, t := range analyze(q) {
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// analyze turns text into index terms: words (letters and digits, keeping
// an apostrophe between letters; hyphens split, so "well-known" is found by
// "known"), lower-cased, typographic apostrophes folded, stemmed by
// Snowball English.
func analyze(s string) []string {
	var out []string
	start := -1
	emit := func(end int) {
		w := strings.ReplaceAll(strings.ToLower(s[start:end]), "’", "'")
		out = append(out, english.Stem(w, true))
		start = -1
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		in := unicode.IsLetter(r) || unicode.IsDigit(r)
		if !in && start >= 0 && (r == '\'' || r == '’') {
			prev, _ := utf8.DecodeLastRuneInString(s[:i])
			next, _ := utf8.DecodeRuneInString(s[i+size:])
			in = unicode.IsLetter(prev) && unicode.IsLetter(next)
		}
		switch {
		case in && start < 0:
			start = i
		case !in && start >= 0:
			emit(i)
		}
		i += size
	}
	if start >= 0 {
		emit(len(s))
	}
	return out
}
