package catalog

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"syscall"
	"testing"
	"time"
)

// cpuTime is the process's user+system CPU time so far. On a machine shared
// with other work, CPU time per operation is far steadier than wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU adds the CPU milliseconds per operation since start.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}

// benchCatalog mirrors bench's catalogOf: refs, six-word taglines, two tags.
func benchCatalog(n int) []Entry {
	owners := []string{"nlp", "cv", "image", "text", "util", "stats", "ocr", "audio", "geo", "finance", "bio", "web"}
	words := []string{
		"sentiment", "analysis", "detect", "object", "face", "summarize", "translate", "classify", "entity",
		"keyword", "extract", "resize", "crop", "color", "dominant", "language", "tokenize", "stem",
		"parse", "date", "time", "series", "forecast", "cluster", "vector", "embed", "search", "rank",
		"caption", "meme", "overlay", "blur", "sharpen", "histogram", "qr", "barcode", "hash", "spell",
		"grammar", "readability", "emotion", "topic", "similar", "nearest", "anomaly", "outlier", "mean",
	}
	rng := rand.New(rand.NewPCG(1, uint64(n)))
	pick := func() string { return words[rng.IntN(len(words))] }
	title := func(s string) string { return strings.ToUpper(s[:1]) + s[1:] }
	out := make([]Entry, n)
	for i := range out {
		owner := owners[rng.IntN(len(owners))]
		out[i] = Entry{
			Ref:     Ref{Owner: owner, Name: fmt.Sprintf("%s%s%d", title(pick()), title(pick()), i), Version: "1.0.0"},
			Tagline: strings.Join([]string{pick(), pick(), pick(), "for", pick(), pick()}, " "),
			Tags:    []string{owner, pick()},
		}
	}
	return out
}

// BenchmarkNarrowKey is one keystroke at 100k entries: the first letter (a
// full search) and the last letter of "sentiment" (narrowing from
// "sentimen"), with a screenful ordered as the TUI does.
func BenchmarkNarrowKey(b *testing.B) {
	ix := NewIndex(benchCatalog(100_000))
	b.Run("first", func(b *testing.B) {
		start := cpuTime()
		for b.Loop() {
			ix.SearchTop("s", 256)
		}
		reportCPU(b, start)
	})
	prev := ix.SearchTop("s", 256)
	for i := 2; i < len("sentiment"); i++ {
		prev = ix.NarrowTop("sentiment"[:i], prev, 256)
	}
	b.Run("grow", func(b *testing.B) {
		start := cpuTime()
		for b.Loop() {
			ix.NarrowTop("sentiment", prev, 256)
		}
		reportCPU(b, start)
		b.ReportMetric(float64(len(prev)), "cands")
	})
}
