package nlp

import (
	"context"
	"testing"

	"pipette/algorithms"
	"pipette/catalog"
)

// textAlgorithms are the in-project text algorithms of this package, tested
// and benchmarked together here.
func textAlgorithms() []algorithms.Algorithm {
	return []algorithms.Algorithm{SentenceSplit(), Summarize(), KeywordExtraction(), Readability(), LanguageDetection()}
}

// Each sample of these algorithms runs through a Registry, the way the Try
// tab and the server run it, and returns a JSON result.
func TestTextAlgorithmSamplesRunThroughRegistry(t *testing.T) {
	reg := algorithms.NewRegistry("test")
	reg.Register(textAlgorithms()...)
	for _, a := range textAlgorithms() {
		if len(a.Entry.Samples) < 2 {
			t.Errorf("%s has %d samples, want at least 2", a.Entry.Ref, len(a.Entry.Samples))
		}
		if a.Entry.Ref.Version != "1.0.0" || len(a.Entry.InputSchema) == 0 {
			t.Errorf("%s: want version 1.0.0 and an input schema", a.Entry.Ref)
		}
		for _, s := range a.Entry.Samples {
			t.Run(a.Entry.Ref.Name+"/"+s.Name, func(t *testing.T) {
				out, err := reg.Run(context.Background(), a.Entry.Ref, s.Input)
				if err != nil {
					t.Fatalf("%v", err)
				}
				if _, err := out.Value.WireResult(); err != nil {
					t.Fatalf("result does not encode: %v", err)
				}
			})
		}
	}
}

func benchmarkFirstSample(b *testing.B, a algorithms.Algorithm) {
	in := a.Entry.Samples[0].Input
	ctx := context.Background()
	for b.Loop() {
		if _, err := a.Run(ctx, in, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSentenceSplit(b *testing.B)     { benchmarkFirstSample(b, SentenceSplit()) }
func BenchmarkSummarize(b *testing.B)         { benchmarkFirstSample(b, Summarize()) }
func BenchmarkKeywordExtraction(b *testing.B) { benchmarkFirstSample(b, KeywordExtraction()) }
func BenchmarkReadability(b *testing.B)       { benchmarkFirstSample(b, Readability()) }
func BenchmarkLanguageDetection(b *testing.B) { benchmarkFirstSample(b, LanguageDetection()) }

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
