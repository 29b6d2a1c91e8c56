package bench

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"pipette/catalog"
)

var (
	owners = []string{"nlp", "cv", "image", "text", "util", "stats", "ocr", "audio", "geo", "finance", "bio", "web"}
	words  = []string{
		"sentiment", "analysis", "detect", "object", "face", "summarize", "translate", "classify", "entity",
		"keyword", "extract", "resize", "crop", "color", "dominant", "language", "tokenize", "stem",
		"parse", "date", "time", "series", "forecast", "cluster", "vector", "embed", "search", "rank",
		"caption", "meme", "overlay", "blur", "sharpen", "histogram", "qr", "barcode", "hash", "spell",
		"grammar", "readability", "emotion", "topic", "similar", "nearest", "anomaly", "outlier", "mean",
	}
)

// catalogOf generates n entries with plausible refs, taglines and tags, from a
// fixed seed so every run searches the same haystack.
func catalogOf(n int) []catalog.Entry {
	rng := rand.New(rand.NewPCG(1, uint64(n)))
	pick := func() string { return words[rng.IntN(len(words))] }
	title := func(s string) string { return strings.ToUpper(s[:1]) + s[1:] }
	out := make([]catalog.Entry, n)
	for i := range out {
		owner := owners[rng.IntN(len(owners))]
		name := fmt.Sprintf("%s%s%d", title(pick()), title(pick()), i)
		tagline := strings.Join([]string{pick(), pick(), pick(), "for", pick(), pick()}, " ")
		out[i] = catalog.Entry{
			Ref:     catalog.Ref{Owner: owner, Name: name, Version: "1.0.0"},
			Tagline: tagline,
			Tags:    []string{owner, pick()},
		}
	}
	return out
}

// screenful is how many matches a list shows at once: SearchTop orders only
// these.
const screenful = 100

// BenchmarkSearch is one fuzzy search of the whole catalog, as when a query is
// pasted in at once: Search orders every match (what `pipette ls` prints),
// SearchTop only the best screenful (what the TUI's list shows).
func BenchmarkSearch(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		ix := catalog.NewIndex(catalogOf(n))
		for _, q := range []string{"s", "sent", "sentiment"} {
			b.Run(fmt.Sprintf("%dk/%s", n/1000, q), func(b *testing.B) {
				hits := 0
				for b.Loop() {
					hits = len(ix.Search(q))
				}
				b.ReportMetric(float64(hits), "hits")
			})
			b.Run(fmt.Sprintf("%dk/%s/top%d", n/1000, q, screenful), func(b *testing.B) {
				for b.Loop() {
					ix.SearchTop(q, screenful)
				}
			})
		}
	}
}

// BenchmarkTyping is a catalog list following someone who types "sentiment"
// a letter at a time: a fresh Search per keystroke; Search for the first
// letter and Narrow within the previous hits after that; or the same with
// only a screenful ordered (SearchTop, NarrowTop). Each iteration is the
// whole word, nine keystrokes.
func BenchmarkTyping(b *testing.B) {
	const word = "sentiment"
	for _, n := range []int{10_000, 100_000} {
		ix := catalog.NewIndex(catalogOf(n))
		b.Run(fmt.Sprintf("%dk/search", n/1000), func(b *testing.B) {
			for b.Loop() {
				for i := 1; i <= len(word); i++ {
					ix.Search(word[:i])
				}
			}
		})
		b.Run(fmt.Sprintf("%dk/narrow", n/1000), func(b *testing.B) {
			for b.Loop() {
				prev := ix.Search(word[:1])
				for i := 2; i <= len(word); i++ {
					prev = ix.Narrow(word[:i], prev)
				}
			}
		})
		b.Run(fmt.Sprintf("%dk/narrow-top%d", n/1000, screenful), func(b *testing.B) {
			for b.Loop() {
				prev := ix.SearchTop(word[:1], screenful)
				for i := 2; i <= len(word); i++ {
					prev = ix.NarrowTop(word[:i], prev, screenful)
				}
			}
		})
	}
}

// TestNarrowAgreesWithSearch keeps the typing benchmark honest: narrowing
// must find exactly what a fresh search finds.
func TestNarrowAgreesWithSearch(t *testing.T) {
	ix := catalog.NewIndex(catalogOf(10_000))
	const word = "sentiment"
	prev := ix.Search(word[:1])
	for i := 2; i <= len(word); i++ {
		prev = ix.Narrow(word[:i], prev)
		want := ix.Search(word[:i])
		if len(prev) != len(want) {
			t.Fatalf("%q: Narrow found %d, Search %d", word[:i], len(prev), len(want))
		}
		for j := range want {
			if prev[j].Index != want[j].Index {
				t.Fatalf("%q: hit %d differs", word[:i], j)
			}
		}
	}
	if len(prev) == 0 {
		t.Fatal("the generated catalog has no match for sentiment")
	}
}
