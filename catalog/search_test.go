package catalog

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode"
)

func entry(path, tagline string, tags ...string) Entry {
	r := MustParseRef(path)
	return Entry{Ref: r, Tagline: tagline, Tags: tags}
}

var sampleEntries = []Entry{
	entry("nlp/SentimentAnalysis", "positive or negative, and how much", "nlp", "text"),
	entry("nlp/SentenceSplit", "sentences with offsets", "nlp", "Text"),
	entry("nlp/Summarize", "the sentences that matter most", "nlp"),
	entry("text/Search", "find lines in a corpus", "text", "search"),
	entry("util/Transform", "reshape JSON with jq", "util", "json"),
	entry("cv/FaceDetection", "faces in a photo", "cv", "image"),
	entry("image/Transform", "resize, crop and rotate", "image"),
}

func paths(ix *Index, ms []Match) []string {
	var out []string
	for _, m := range ms {
		out = append(out, ix.Entry(m.Index).Ref.Path())
	}
	return out
}

func TestSearchOrdering(t *testing.T) {
	t.Parallel()
	ix := NewIndex(sampleEntries)
	tests := []struct {
		q     string
		first string
	}{
		{"sent", "nlp/SentenceSplit"}, // ties on score are broken by reference
		{"sentiment", "nlp/SentimentAnalysis"},
		{"summ", "nlp/Summarize"},
		{"face", "cv/FaceDetection"},
		{"transform", "image/Transform"},
		{"util/tr", "util/Transform"},
		{"jq", "util/Transform"},
	}
	for _, tc := range tests {
		ms := ix.Search(tc.q)
		if len(ms) == 0 || paths(ix, ms)[0] != tc.first {
			t.Errorf("Search(%q) = %v, want %s first", tc.q, paths(ix, ms), tc.first)
			continue
		}
		for i := 1; i < len(ms); i++ {
			a, b := ms[i-1], ms[i]
			if a.Score < b.Score || (a.Score == b.Score && ix.Entry(a.Index).Ref.Path() > ix.Entry(b.Index).Ref.Path()) {
				t.Errorf("Search(%q): %v not best first", tc.q, paths(ix, ms))
			}
		}
	}
	if ms := ix.Search("qqqzzz"); len(ms) != 0 {
		t.Errorf("nonsense query matched %v", paths(ix, ms))
	}
	all := ix.Search("   ")
	if len(all) != len(sampleEntries) {
		t.Fatalf("empty query: %d matches", len(all))
	}
	for i, m := range all {
		if m.Index != i {
			t.Errorf("empty query is not catalog order: %v", paths(ix, all))
		}
	}
}

// Highlight positions point at the query's runes, in order, within the
// reference and the tagline.
func TestSearchHighlights(t *testing.T) {
	t.Parallel()
	ix := NewIndex(sampleEntries)
	for _, q := range []string{"sent", "nlpsa", "offsets", "faceph"} {
		for _, m := range ix.Search(q) {
			e := ix.Entry(m.Index)
			var picked []rune
			for _, p := range m.InRef {
				picked = append(picked, rune(e.Ref.Path()[p]))
			}
			for _, p := range m.InTag {
				if p < 0 || p >= len(e.Tagline) {
					t.Fatalf("%q in %s: tagline offset %d out of range", q, e.Ref.Path(), p)
				}
				picked = append(picked, rune(e.Tagline[p]))
			}
			if !isSubsequenceFold(string(picked), q) {
				t.Errorf("%q in %s: highlighted %q", q, e.Ref.Path(), string(picked))
			}
		}
	}
	ms := ix.Search("sentiment")
	if got := ms[0].InRef; !slices.Equal(got, []int{4, 5, 6, 7, 8, 9, 10, 11, 12}) {
		t.Errorf("sentiment in nlp/SentimentAnalysis highlights %v", got)
	}
}

func isSubsequenceFold(s, of string) bool {
	q := []rune(strings.ToLower(of))
	i := 0
	for _, r := range strings.ToLower(s) {
		if i < len(q) && r == q[i] {
			i++
		}
	}
	return i == len([]rune(strings.ToLower(s))) || i == len(q)
}

// A query that spells part of a name ranks that name above entries that
// match only through their tagline, however well the tagline scores.
func TestSearchNamesFirst(t *testing.T) {
	t.Parallel()
	entries := []Entry{
		entry("image/OverlayText", "Caption an image meme-style, clear of faces", "image"),
		entry("cv/FaceDetection", "Find faces in a photo: boxes and confidence", "cv"),
		entry("cv/FaceExpression", "Each face's expression and the mood", "cv"),
	}
	ix := NewIndex(entries)
	for _, search := range []func(string) []Match{ix.Search, func(q string) []Match { return ix.SearchTop(q, 2) }} {
		got := search("face")
		var refs []string
		for _, m := range got {
			refs = append(refs, entries[m.Index].Ref.Path())
		}
		if len(refs) < 2 || !strings.HasPrefix(refs[0], "cv/Face") || !strings.HasPrefix(refs[1], "cv/Face") {
			t.Errorf(`search "face" = %v, want the two cv/Face… models first`, refs)
		}
	}
}

func TestSearchFunction(t *testing.T) {
	t.Parallel()
	got := Search(sampleEntries, "transform")
	if len(got) != 2 || got[0].Ref.Path() != "image/Transform" || got[1].Ref.Path() != "util/Transform" {
		t.Errorf("Search = %v", got)
	}
}

// randomEntries builds n entries with unique references from a small
// alphabet, so that queries match many of them.
func randomEntries(rng *rand.Rand, n int) []Entry {
	const alpha = "abcdeSTxyz"
	word := func(min, max int) string {
		b := make([]byte, min+rng.IntN(max-min+1))
		for i := range b {
			b[i] = alpha[rng.IntN(len(alpha))]
		}
		return string(b)
	}
	out := make([]Entry, n)
	for i := range out {
		out[i] = entry(fmt.Sprintf("%s/%s%d", word(2, 4), word(3, 8), i), word(0, 12)+" "+word(0, 6), word(1, 3))
	}
	return out
}

// Narrow must give exactly what Search gives, for every query that extends
// the previous one: the TUI relies on it while the user types.
func TestNarrowEqualsSearch(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 50, 5000} { // 5000 crosses the parallel threshold
		ix := NewIndex(randomEntries(rng, n))
		trials := 30
		if n > parallelThreshold {
			trials = 4 // each search of 5000 entries is slow under -race
		}
		for trial := 0; trial < trials; trial++ {
			// A query typed one rune at a time, sometimes from an entry's
			// own text so that long queries still match something.
			var q string
			if n > 0 && trial%2 == 0 {
				e := ix.Entry(rng.IntN(n))
				q = e.Ref.Path() + " " + e.Tagline
				q = q[rng.IntN(len(q)/2+1):]
			} else {
				q = "aSx/ e1dT0y"
			}
			var prev []Match
			for k := 1; k <= len(q) && k <= 12; k++ {
				part := q[:k]
				want := ix.Search(part)
				var got []Match
				if prev == nil {
					got = ix.Search(part)
				} else {
					got = ix.Narrow(part, prev)
				}
				if !sameMatches(got, want) {
					t.Fatalf("n=%d: Narrow(%q) = %v, Search = %v", n, part, summary(got), summary(want))
				}
				prev = got
			}
		}
	}
}

func sameMatches(a, b []Match) bool {
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

func summary(ms []Match) string {
	if len(ms) > 5 {
		return fmt.Sprintf("%v… (%d)", ms[:5], len(ms))
	}
	return fmt.Sprint(ms)
}

func TestFilterTag(t *testing.T) {
	t.Parallel()
	got := FilterTag(sampleEntries, "TEXT")
	var ps []string
	for _, e := range got {
		ps = append(ps, e.Ref.Path())
	}
	if !slices.Equal(ps, []string{"nlp/SentimentAnalysis", "nlp/SentenceSplit", "text/Search"}) {
		t.Errorf("FilterTag(TEXT) = %v", ps)
	}
	if got := FilterTag(sampleEntries, ""); len(got) != len(sampleEntries) {
		t.Errorf("empty tag kept %d", len(got))
	}
	if got := FilterTag(sampleEntries, "nope"); len(got) != 0 {
		t.Errorf("unknown tag kept %d", len(got))
	}
	if got := FilterTag(sampleEntries, "tex"); len(got) != 0 {
		t.Errorf("a tag prefix matched %d entries; tags match whole", len(got))
	}
}

func TestTags(t *testing.T) {
	t.Parallel()
	got := Tags(sampleEntries)
	want := []TagCount{{"nlp", 3}, {"text", 3}, {"image", 2}, {"cv", 1}, {"json", 1}, {"search", 1}, {"util", 1}}
	if !slices.Equal(got, want) {
		t.Errorf("Tags = %v, want %v", got, want)
	}
	for _, tc := range got {
		if strings.IndexFunc(tc.Tag, unicode.IsUpper) >= 0 {
			t.Errorf("tag %q not folded", tc.Tag)
		}
	}
	if got := Tags(nil); len(got) != 0 {
		t.Errorf("Tags(nil) = %v", got)
	}
}
