// Package nlp holds the built-in natural-language algorithms (owner "nlp").
package nlp

import "pipette/algorithms"

// All returns every algorithm of this package, one constructor per file.
func All() []algorithms.Algorithm {
	return []algorithms.Algorithm{
		SentimentAnalysis(),
		NamedEntities(),
		SentenceSplit(),
		Summarize(),
		KeywordExtraction(),
		Readability(),
		LanguageDetection(),
	}
}
