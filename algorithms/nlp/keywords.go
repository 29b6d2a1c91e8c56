package nlp

import (
	"cmp"
	"context"
	_ "embed"
	"io"
	"slices"
	"strings"
	"unicode"

	"pipette/algorithms"
	"pipette/catalog"
)

//go:embed docs/keywords.md
var keywordsDocs string

const (
	keywordsDefaultLimit    = 10
	keywordsMaxLimit        = 1000
	keywordsDefaultMaxWords = 3
	keywordsMaxMaxWords     = 10
)

type keywordsRequest struct {
	textField
	Limit    *int   `json:"limit"`
	MaxWords *int   `json:"max_words"`
	Metric   string `json:"metric"`
}

// The word scores RAKE offers: the paper's degree/frequency favours words
// that only occur inside longer phrases; degree favours words that are both
// frequent and in phrases; frequency favours plain repetition.
var rakeMetrics = map[string]func(degree, freq int) float64{
	"degree/frequency": func(d, f int) float64 { return float64(d) / float64(f) },
	"degree":           func(d, f int) float64 { return float64(d) },
	"frequency":        func(d, f int) float64 { return float64(f) },
}

type keyword struct {
	Text  string  `json:"text"`
	Score float64 `json:"score"`
	Count int     `json:"count"`
}

type keywordsResult struct {
	Keywords []keyword `json:"keywords"`
}

const keywordsSchema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "KeywordExtraction input (or send plain text)",
  "type": "object",
  "required": ["text"],
  "additionalProperties": false,
  "properties": {
    "text": {"type": "string", "description": "English text"},
    "limit": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 10, "description": "how many key phrases to return"},
    "max_words": {"type": "integer", "minimum": 1, "maximum": 10, "default": 3, "description": "longest phrase kept, in words"},
    "metric": {"enum": ["degree/frequency", "degree", "frequency"], "default": "degree/frequency", "description": "how each word is scored"}
  }
}`

// KeywordExtraction is nlp/KeywordExtraction: RAKE key phrases.
func KeywordExtraction() algorithms.Algorithm {
	return algorithms.Algorithm{
		Entry: catalog.Entry{
			Ref:         catalog.Ref{Owner: "nlp", Name: "KeywordExtraction", Version: "1.0.0"},
			Versions:    []catalog.VersionInfo{{Version: "1.0.0", ReleaseNotes: "First release: RAKE key phrases with scores and counts."}},
			Label:       "Keyword Extraction",
			Tagline:     "Key phrases of a text, scored (RAKE)",
			Docs:        keywordsDocs,
			Tags:        []string{"nlp", "text", "keywords", "rake"},
			InputKind:   catalog.KindAny,
			OutputKind:  catalog.KindJSON,
			InputSchema: []byte(keywordsSchema),
			License:     "MIT",
			Samples: []catalog.Sample{
				textSample("Apollo program", apolloText),
				algorithms.JSONSample("Product review, top 5", `{"text": "The noise-cancelling headphones are comfortable for long flights, and battery life is excellent: two weeks of commuting on one charge. The touch controls are fiddly, though, and the carrying case feels cheap. Noise cancelling on these headphones beats my old pair, but the companion app keeps asking for an account.", "limit": 5}`),
				algorithms.JSONSample("Apollo, single words by degree", `{"text": `+jsonQuote(apolloText)+`, "limit": 8, "max_words": 1, "metric": "degree"}`),
			},
		},
		Run: runKeywords,
	}
}

func runKeywords(ctx context.Context, in catalog.Value, _ io.Writer) (catalog.Value, error) {
	var req keywordsRequest
	if err := decodeTextRequest(in, &req, `{"text": "...", "limit": 10, "max_words": 3}`); err != nil {
		return catalog.Value{}, err
	}
	limit, maxWords := keywordsDefaultLimit, keywordsDefaultMaxWords
	if req.Limit != nil {
		limit = *req.Limit
		if err := catalog.CheckInt("limit", int64(limit), 1, keywordsMaxLimit, ""); err != nil {
			return catalog.Value{}, err
		}
	}
	if req.MaxWords != nil {
		maxWords = *req.MaxWords
		if err := catalog.CheckInt("max_words", int64(maxWords), 1, keywordsMaxMaxWords, "words in a keyword"); err != nil {
			return catalog.Value{}, err
		}
	}
	if req.Metric == "" {
		req.Metric = "degree/frequency"
	}
	metric, ok := rakeMetrics[req.Metric]
	if !ok {
		return catalog.Value{}, catalog.InputErrorf(`"metric" is %q; use "degree/frequency" (the default), "degree" or "frequency"`, req.Metric)
	}
	kws, err := rake(ctx, req.Text, maxWords, metric)
	if err != nil {
		return catalog.Value{}, err
	}
	if len(kws) > limit {
		kws = kws[:limit]
	}
	return catalog.JSON(keywordsResult{Keywords: kws}), nil
}

// rake scores candidate phrases as in Rose et al. (2010): a phrase is a run
// of content words with no stop word or punctuation inside; each word
// scores metric(degree, frequency), where degree counts the words of every
// phrase it appears in; a phrase scores the sum of its words. Word scores
// come from every candidate, but phrases longer than maxWords are not
// returned, which keeps run-on noun strings from topping the list.
func rake(ctx context.Context, text string, maxWords int, metric func(degree, freq int) float64) ([]keyword, error) {
	words := splitWords(text)
	var phrases [][]string
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			phrases = append(phrases, cur)
		}
		cur = nil
	}
	for i, w := range words {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if i > 0 && !onlySpace(text[words[i-1].End:w.Start]) {
			flush()
		}
		n := normalizeWord(w.Text)
		if !isContentWord(n) {
			flush()
			continue
		}
		cur = append(cur, n)
	}
	flush()

	freq := map[string]int{}
	degree := map[string]int{}
	for _, p := range phrases {
		for _, w := range p {
			freq[w]++
			degree[w] += len(p)
		}
	}
	byText := map[string]*keyword{}
	var order []*keyword
	for _, p := range phrases {
		if len(p) > maxWords {
			continue
		}
		key := strings.Join(p, " ")
		if k, ok := byText[key]; ok {
			k.Count++
			continue
		}
		score := 0.0
		for _, w := range p {
			score += metric(degree[w], freq[w])
		}
		k := &keyword{Text: key, Score: algorithms.Round(score, 4), Count: 1}
		byText[key] = k
		order = append(order, k)
	}
	out := make([]keyword, len(order))
	for i, k := range order {
		out[i] = *k
	}
	// Best score first; ties go to the phrase used more often, then to the
	// one that appears first.
	slices.SortStableFunc(out, func(a, b keyword) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return cmp.Compare(b.Count, a.Count)
	})
	return out, nil
}

func onlySpace(s string) bool {
	for _, r := range s {
		if !unicode.IsSpace(r) {
			return false
		}
	}
	return true
}
