package nlp

import (
	"context"
	"testing"

	"pipette/algorithms"
	"pipette/algorithms/algotest"
	"pipette/catalog"
)

// textAlgorithms are the in-project text algorithms of this package, fuzzed
// and benchmarked together here.
func textAlgorithms() []algorithms.Algorithm {
	return []algorithms.Algorithm{SentenceSplit(), Summarize(), KeywordExtraction(), Readability(), LanguageDetection()}
}

func BenchmarkSentenceSplit(b *testing.B)     { algotest.BenchmarkSample(b, SentenceSplit(), 0) }
func BenchmarkSummarize(b *testing.B)         { algotest.BenchmarkSample(b, Summarize(), 0) }
func BenchmarkKeywordExtraction(b *testing.B) { algotest.BenchmarkSample(b, KeywordExtraction(), 0) }
func BenchmarkReadability(b *testing.B)       { algotest.BenchmarkSample(b, Readability(), 0) }
func BenchmarkLanguageDetection(b *testing.B) { algotest.BenchmarkSample(b, LanguageDetection(), 0) }

// Any text gets a result or an InputError from every algorithm, never a
// panic or another kind of error.
func FuzzTextAlgorithms(f *testing.F) {
	for _, s := range []string{
		"Dr. Smith arrived. He left!", "", "   ", "a", "It’s well-known—isn't it?", "1969. Six", "\n\n\n",
		"日本語の文です。次の文。", "naïve café's façade", "--- '' ’’ - -", "x y z.", "\xff\xfe",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, a := range textAlgorithms() {
			out, err := a.Run(context.Background(), catalog.Text(s), nil)
			if err != nil {
				if catalog.ErrorType(err) != catalog.InputError {
					t.Fatalf("%s on %q: %v", a.Entry.Ref, s, err)
				}
				continue
			}
			if _, err := out.WireResult(); err != nil {
				t.Fatalf("%s on %q: result does not encode: %v", a.Entry.Ref, s, err)
			}
		}
	})
}
