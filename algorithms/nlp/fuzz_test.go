package nlp

import (
	"testing"

	"pipette/algorithms/algotest"
)

// Fuzz targets of each algorithm's input and options: go test -fuzz=^Fuzz<Name>Input$ ./algorithms/nlp (see algotest.Fuzz).

func FuzzSentimentAnalysisInput(f *testing.F) { algotest.Fuzz(f, SentimentAnalysis()) }

func FuzzNamedEntitiesInput(f *testing.F) { algotest.Fuzz(f, NamedEntities()) }

func FuzzSentenceSplitInput(f *testing.F) { algotest.Fuzz(f, SentenceSplit()) }

func FuzzSummarizeInput(f *testing.F) { algotest.Fuzz(f, Summarize()) }

func FuzzKeywordExtractionInput(f *testing.F) { algotest.Fuzz(f, KeywordExtraction()) }

func FuzzReadabilityInput(f *testing.F) { algotest.Fuzz(f, Readability()) }

func FuzzLanguageDetectionInput(f *testing.F) { algotest.Fuzz(f, LanguageDetection()) }
