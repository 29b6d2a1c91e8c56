package nlp

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/jonreiter/govader"

	"pipette/algorithms"
	"pipette/catalog"
)

//go:embed docs/sentiment.md
var sentimentDocs string

// The analyzer is built once: it parses VADER's 7,500-word lexicon and the
// emoji table (about 8 ms). After construction PolarityScores only reads its
// maps and compiled regexps, so one analyzer serves concurrent calls
// (TestSentimentConcurrent checks this under -race).
var (
	vaderOnce sync.Once
	vader     *govader.SentimentIntensityAnalyzer
)

func sentimentAnalyzer() *govader.SentimentIntensityAnalyzer {
	vaderOnce.Do(func() { vader = govader.NewSentimentIntensityAnalyzer() })
	return vader
}

// SentimentScore is the result for one text. Text is echoed so that a chain
// can pick the best-scoring text out of a list: max_by(.compound) | .text.
type SentimentScore struct {
	Text     string  `json:"text"`
	Compound float64 `json:"compound"`
	Positive float64 `json:"positive"`
	Neutral  float64 `json:"neutral"`
	Negative float64 `json:"negative"`
}

// maxSentimentTexts bounds one call; a chain that needs more can use each:.
const maxSentimentTexts = 100_000

const sentimentExpected = `text, or JSON: a string, {"text": "..."}, or a list of strings or {"text": ...} objects`

// SentimentAnalysis is nlp/SentimentAnalysis: VADER polarity scores.
func SentimentAnalysis() algorithms.Algorithm {
	return algorithms.Algorithm{
		Entry: catalog.Entry{
			Ref: catalog.Ref{Owner: "nlp", Name: "SentimentAnalysis", Version: "1.0.0"},
			Versions: []catalog.VersionInfo{{
				Version:      "1.0.0",
				ReleaseNotes: "First release: VADER compound, positive, neutral and negative scores for one text or a list of texts.",
			}},
			Label:      "Sentiment Analysis",
			Tagline:    "How positive or negative a text is (VADER)",
			Docs:       sentimentDocs,
			Tags:       []string{"nlp", "text", "sentiment", "english"},
			InputKind:  catalog.KindAny,
			OutputKind: catalog.KindJSON,
			InputSchema: json.RawMessage(`{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "description": "One text or a list of texts; objects may carry other fields (search hits), only \"text\" is read.",
  "oneOf": [
    {"type": "string", "minLength": 1},
    {"$ref": "#/$defs/item"},
    {"type": "array", "items": {"oneOf": [{"type": "string", "minLength": 1}, {"$ref": "#/$defs/item"}]}}
  ],
  "$defs": {"item": {"type": "object", "required": ["text"], "properties": {"text": {"type": "string", "minLength": 1}}}}
}`),
			OutputSchema: json.RawMessage(`{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "description": "One score object for one text, a list of them (in input order) for a list.",
  "oneOf": [{"$ref": "#/$defs/score"}, {"type": "array", "items": {"$ref": "#/$defs/score"}}],
  "$defs": {"score": {"type": "object", "required": ["text", "compound", "positive", "neutral", "negative"], "properties": {
    "text": {"type": "string"},
    "compound": {"type": "number", "minimum": -1, "maximum": 1},
    "positive": {"type": "number", "minimum": 0, "maximum": 1},
    "neutral": {"type": "number", "minimum": 0, "maximum": 1},
    "negative": {"type": "number", "minimum": 0, "maximum": 1}
  }}}
}`),
			Samples: []catalog.Sample{
				{Name: "one review", Input: catalog.Text("I love this phone, the camera is amazing!")},
				{Name: "pick the happiest line", Input: catalog.JSON([]any{
					"The meeting ran late again.",
					"Best day ever, everything went perfectly :)",
					"This is NOT good at all.",
				})},
				{Name: "search hits", Input: catalog.JSON([]any{
					map[string]any{"text": "When the code compiles on the first try", "score": 0.91},
					map[string]any{"text": "I hate Mondays and Mondays hate me", "score": 0.55},
				})},
			},
			SampleOutput: `{"text": "I love this phone, the camera is amazing!", "compound": 0.8516, "positive": 0.5802, "neutral": 0.4198, "negative": 0}`,
			License:      "MIT",
		},
		Run: runSentiment,
	}
}

func runSentiment(ctx context.Context, in catalog.Value, _ io.Writer) (catalog.Value, error) {
	texts, list, err := sentimentTexts(in)
	if err != nil {
		return catalog.Value{}, err
	}
	an := sentimentAnalyzer()
	out := make([]SentimentScore, len(texts))
	for i, t := range texts {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return catalog.Value{}, err
			}
		}
		s := an.PolarityScores(t)
		out[i] = SentimentScore{
			Text:     t,
			Compound: algorithms.Round(s.Compound, 4),
			Positive: algorithms.Round(s.Positive, 4),
			Neutral:  algorithms.Round(s.Neutral, 4),
			Negative: algorithms.Round(s.Negative, 4),
		}
	}
	if !list {
		return catalog.JSON(out[0]), nil
	}
	return catalog.JSON(out), nil
}

// sentimentTexts reads the texts to score and whether the input was a list.
func sentimentTexts(in catalog.Value) ([]string, bool, error) {
	switch in.Kind {
	case catalog.KindText:
		t, err := sentimentCheck(in.Text, "")
		return []string{t}, false, err
	case catalog.KindBinary:
		if !utf8.Valid(in.Bytes) {
			return nil, false, catalog.InputErrorf("the input bytes are not UTF-8 text; send %s", sentimentExpected)
		}
		t, err := sentimentCheck(string(in.Bytes), "")
		return []string{t}, false, err
	case catalog.KindJSON:
		if items, ok := in.JSON.([]any); ok {
			if len(items) > maxSentimentTexts {
				return nil, true, catalog.InputErrorf("the list has %d texts, more than the %d one call scores; split it", len(items), maxSentimentTexts)
			}
			texts := make([]string, len(items))
			total := 0
			for i, item := range items {
				t, err := sentimentItem(item, i)
				if err != nil {
					return nil, true, err
				}
				if total += len(t); total > maxTextBytes {
					return nil, true, catalog.InputErrorf("the texts of the list add up to more than %d bytes (2 MiB), the most one call scores: split the list", maxTextBytes)
				}
				texts[i] = t
			}
			return texts, true, nil
		}
		t, err := sentimentItem(in.JSON, -1)
		return []string{t}, false, err
	}
	return nil, false, catalog.InputErrorf("expected %s; got %s input", sentimentExpected, in.Kind)
}

// itemText reads one text: a string or an object with a "text" string.
// index is its place in a list, or -1 for a lone value.
func sentimentItem(v any, index int) (string, error) {
	where := ""
	if index >= 0 {
		where = fmt.Sprintf("item %d of the list", index)
	}
	switch t := v.(type) {
	case string:
		return sentimentCheck(t, where)
	case map[string]any:
		s, ok := t["text"].(string)
		if !ok {
			if _, has := t["text"]; has {
				return "", catalog.InputErrorf("%sthe \"text\" field should be a string; expected %s", sentimentWhere(where), sentimentExpected)
			}
			return "", catalog.InputErrorf("%sthe object has no \"text\" field; expected %s", sentimentWhere(where), sentimentExpected)
		}
		return sentimentCheck(s, where)
	}
	return "", catalog.InputErrorf("%sgot %s; expected %s", sentimentWhere(where), sentimentJSONType(v), sentimentExpected)
}

func sentimentCheck(s, where string) (string, error) {
	if len(s) > maxTextBytes {
		return "", catalog.InputErrorf("%sthe text is %d bytes; the limit is %d bytes (2 MiB): send a shorter text or split it", sentimentWhere(where), len(s), maxTextBytes)
	}
	if strings.TrimSpace(s) == "" {
		return "", catalog.InputErrorf("%sthe text is empty: give a sentence or more to score", sentimentWhere(where))
	}
	return s, nil
}

func sentimentWhere(where string) string {
	if where == "" {
		return ""
	}
	return where + ": "
}

func sentimentJSONType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "true or false"
	case float64, json.Number, int:
		return "a number"
	case []any:
		return "a nested list"
	}
	return fmt.Sprintf("a %T", v)
}
