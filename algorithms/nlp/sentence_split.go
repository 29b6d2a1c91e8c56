package nlp

import (
	"context"
	_ "embed"
	"fmt"
	"io"
	"regexp"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/neurosnap/sentences"
	"github.com/neurosnap/sentences/english"

	"pipette/algorithms"
	"pipette/catalog"
)

//go:embed docs/sentence_split.md
var sentenceSplitDocs string

// punkt is the English Punkt tokenizer, built once: loading its training
// data takes milliseconds, splitting a paragraph microseconds. Tokenize
// only reads the shared training tables (every write goes to the per-call
// tokens), so one tokenizer serves concurrent calls; the race test in
// sentence_split_test.go holds it to that.
var punkt = sync.OnceValues(func() (*sentences.DefaultSentenceTokenizer, error) {
	t, err := english.NewSentenceTokenizer(nil)
	if err != nil {
		return nil, fmt.Errorf("load the English Punkt model: %w", err)
	}
	return t, nil
})

// span is one sentence as byte offsets into the text it came from.
type span struct {
	Text       string
	Start, End int
}

// paragraphBreak is a blank line: no sentence runs across one, which keeps
// a heading without a full stop out of the sentence below it.
var paragraphBreak = regexp.MustCompile(`\n[\t\f\r ]*\n`)

// splitSentences splits text into sentences with Punkt, trimming the space
// around each one. Offsets are bytes.
func splitSentences(ctx context.Context, text string) ([]span, error) {
	tok, err := punkt()
	if err != nil {
		return nil, catalog.Errorf(catalog.InitializationError, "%v", err)
	}
	var out []span
	para := 0
	breaks := append(paragraphBreak.FindAllStringIndex(text, -1), []int{len(text), len(text)})
	for _, br := range breaks {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		chunk := text[para:br[0]]
		for _, s := range tok.Tokenize(chunk) {
			start, end := para+s.Start, para+s.End
			for start < end {
				r, size := utf8.DecodeRuneInString(text[start:end])
				if !unicode.IsSpace(r) {
					break
				}
				start += size
			}
			for end > start {
				r, size := utf8.DecodeLastRuneInString(text[start:end])
				if !unicode.IsSpace(r) {
					break
				}
				end -= size
			}
			if start < end {
				out = append(out, span{Text: text[start:end], Start: start, End: end})
			}
		}
		para = br[1]
	}
	return out, nil
}

type sentenceSplitRequest struct {
	textField
	Tokens bool `json:"tokens"`
	Stems  bool `json:"stems"`
}

type splitSentence struct {
	Text   string   `json:"text"`
	Start  int      `json:"start"`
	End    int      `json:"end"`
	Tokens []string `json:"tokens,omitempty"`
	Stems  []string `json:"stems,omitempty"`
}

type sentenceSplitResult struct {
	Sentences []splitSentence `json:"sentences"`
	Count     int             `json:"count"`
}

const sentenceSplitSchema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "SentenceSplit input (or send plain text)",
  "type": "object",
  "required": ["text"],
  "additionalProperties": false,
  "properties": {
    "text": {"type": "string", "description": "English text to split"},
    "tokens": {"type": "boolean", "default": false, "description": "also list each sentence's words"},
    "stems": {"type": "boolean", "default": false, "description": "also list each word's Snowball stem"}
  }
}`

// SentenceSplit is nlp/SentenceSplit: Punkt sentence boundaries, with words
// and Snowball stems on request.
func SentenceSplit() algorithms.Algorithm {
	return algorithms.Algorithm{
		Entry: catalog.Entry{
			Ref:         catalog.Ref{Owner: "nlp", Name: "SentenceSplit", Version: "1.0.0"},
			Versions:    []catalog.VersionInfo{{Version: "1.0.0", ReleaseNotes: "First release: Punkt (English) sentences with character offsets, optional words and Snowball stems."}},
			Label:       "Sentence Split",
			Tagline:     "English sentences (Punkt), with optional words and stems",
			Docs:        sentenceSplitDocs,
			Tags:        []string{"nlp", "text", "sentences", "tokenize", "stemming"},
			InputKind:   catalog.KindAny,
			OutputKind:  catalog.KindJSON,
			InputSchema: []byte(sentenceSplitSchema),
			License:     "MIT",
			Samples: []catalog.Sample{
				textSample("Abbreviations and quotes", `Dr. Smith arrived at 5 p.m. on Jan. 3rd. He said: "It's fine." Mr. Jones disagreed! Was it U.S. policy? Yes.`),
				algorithms.JSONSample("Words and stems", `{"text": "The runners were running faster than ever. St. Louis hosted the race at 9 a.m. and it rained.", "tokens": true, "stems": true}`),
				textSample("Paragraphs and a heading", "A short history\n\nThe company was founded in 1998 by J. R. Hartley. It sold fly-fishing books, e.g. his own.\n\nSales grew 40% in 2003. Nobody knows why!"),
			},
		},
		Run: runSentenceSplit,
	}
}

func runSentenceSplit(ctx context.Context, in catalog.Value, _ io.Writer) (catalog.Value, error) {
	var req sentenceSplitRequest
	if err := decodeTextRequest(in, &req, `{"text": "...", "tokens": false, "stems": false}`); err != nil {
		return catalog.Value{}, err
	}
	spans, err := splitSentences(ctx, req.Text)
	if err != nil {
		return catalog.Value{}, err
	}
	res := sentenceSplitResult{Sentences: make([]splitSentence, 0, len(spans)), Count: len(spans)}
	// Offsets go out in characters (code points), not bytes, so they index
	// the text the same way in JSON consumers in any language.
	chars := newRuneIndex(req.Text)
	for _, sp := range spans {
		if err := ctx.Err(); err != nil {
			return catalog.Value{}, err
		}
		s := splitSentence{Text: sp.Text, Start: chars.at(sp.Start), End: chars.at(sp.End)}
		if req.Tokens || req.Stems {
			for _, w := range splitWords(sp.Text) {
				if req.Tokens {
					s.Tokens = append(s.Tokens, w.Text)
				}
				if req.Stems {
					s.Stems = append(s.Stems, stem(normalizeWord(w.Text)))
				}
			}
		}
		res.Sentences = append(res.Sentences, s)
	}
	return catalog.JSON(res), nil
}

// runeIndex converts increasing byte offsets into code-point offsets in one
// pass over the text.
type runeIndex struct {
	text        string
	byteAt, cps int
}

func newRuneIndex(text string) *runeIndex { return &runeIndex{text: text} }

// at returns the code-point offset of byte offset b. Callers pass offsets
// in increasing order; an earlier offset restarts the count from zero.
func (ri *runeIndex) at(b int) int {
	if b < ri.byteAt {
		ri.byteAt, ri.cps = 0, 0
	}
	ri.cps += utf8.RuneCountInString(ri.text[ri.byteAt:b])
	ri.byteAt = b
	return ri.cps
}
