package nlp

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/jdkato/prose/v2"

	"pipette/algorithms"
	"pipette/catalog"
)

//go:embed docs/named_entities.md
var namedEntitiesDocs string

// prose.NewDocument rebuilds its tagger and classifier from gzip'd gob data
// on every call (~240 ms). The model is loaded once, on first use, and
// handed to each call with prose.UsingModel. At inference the tagger and the
// classifier only read their weights, so the one model serves concurrent
// calls (TestNamedEntitiesConcurrent checks this under -race).
var (
	nerOnce   sync.Once
	nerModel  *prose.Model
	nerErr    error
	nerLoads  atomic.Int32 // how many times the model was built; tests expect 1
	nerChunkN = 4096       // bytes of text tagged between cancellation checks
)

func namedEntityModel() (*prose.Model, error) {
	nerOnce.Do(func() {
		nerLoads.Add(1)
		doc, err := prose.NewDocument("Model.", prose.WithSegmentation(false))
		if err != nil {
			nerErr = fmt.Errorf("load the prose NER model: %w", err)
			return
		}
		nerModel = doc.Model
	})
	return nerModel, nerErr
}

// NamedEntity is one entity found in the text. Start and End are byte
// offsets into the input: text[Start:End] == Text.
type NamedEntity struct {
	Text  string `json:"text"`
	Label string `json:"label"`
	Start int    `json:"start"`
	End   int    `json:"end"`
}

// TaggedToken is one token with its Penn Treebank part-of-speech tag.
type TaggedToken struct {
	Text  string `json:"text"`
	Tag   string `json:"tag"`
	Start int    `json:"start"`
	End   int    `json:"end"`
}

// NamedEntitiesResult is the algorithm's output.
type NamedEntitiesResult struct {
	Entities []NamedEntity `json:"entities"`
	Tokens   []TaggedToken `json:"tokens,omitempty"`
}

type namedEntitiesRequest struct {
	textField
	Tokens bool `json:"tokens"`
}

const namedEntitiesExpected = `{"text": "...", "tokens": false}`

// NamedEntities is nlp/NamedEntities: people and places with prose's
// maximum-entropy tagger.
func NamedEntities() algorithms.Algorithm {
	return algorithms.Algorithm{
		Entry: catalog.Entry{
			Ref: catalog.Ref{Owner: "nlp", Name: "NamedEntities", Version: "1.0.0"},
			Versions: []catalog.VersionInfo{{
				Version:      "1.0.0",
				ReleaseNotes: "First release: PERSON and GPE entities with byte offsets, optional part-of-speech tokens (prose v2 model, loaded once).",
			}},
			Label:      "Named Entities",
			Tagline:    "People and places in English text, with offsets",
			Docs:       namedEntitiesDocs,
			Tags:       []string{"nlp", "text", "entities", "ner", "pos", "english"},
			InputKind:  catalog.KindAny,
			OutputKind: catalog.KindJSON,
			InputSchema: json.RawMessage(`{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "description": "Plain text, a JSON string, or an object with the text and options.",
  "oneOf": [
    {"type": "string", "minLength": 1},
    {"type": "object", "required": ["text"], "additionalProperties": false, "properties": {
      "text": {"type": "string", "minLength": 1, "description": "English text, at most 2 MiB"},
      "tokens": {"type": "boolean", "default": false, "description": "also return every token with its part-of-speech tag"}
    }}
  ]
}`),
			OutputSchema: json.RawMessage(`{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "required": ["entities"],
  "properties": {
    "entities": {"type": "array", "items": {"type": "object", "required": ["text", "label", "start", "end"], "properties": {
      "text": {"type": "string"},
      "label": {"type": "string", "description": "PERSON or GPE (countries, cities, states); rarely ORGANIZATION"},
      "start": {"type": "integer", "description": "byte offset of the first byte in the input"},
      "end": {"type": "integer", "description": "byte offset just past the last byte"}
    }}},
    "tokens": {"type": "array", "items": {"type": "object", "required": ["text", "tag", "start", "end"], "properties": {
      "text": {"type": "string"}, "tag": {"type": "string", "description": "Penn Treebank tag"},
      "start": {"type": "integer"}, "end": {"type": "integer"}
    }}}
  }
}`),
			Samples: []catalog.Sample{
				textSample("people and places", "Steve Jobs and Steve Wozniak started the company in Los Altos, California, before moving it to Cupertino."),
				algorithms.JSONSample("with part-of-speech tokens", `{"text": "Barack Obama flew to Paris on Monday.", "tokens": true}`),
				textSample("a news paragraph", "Angela Merkel met Emmanuel Macron in Berlin on Tuesday. Later that week, Macron travelled on to Madrid and Lisbon."),
			},
			SampleOutput: `{"entities": [{"text": "Steve Jobs", "label": "PERSON", "start": 0, "end": 10}, {"text": "Steve Wozniak", "label": "PERSON", "start": 15, "end": 28}, {"text": "Los Altos", "label": "GPE", "start": 52, "end": 61}, {"text": "California", "label": "GPE", "start": 63, "end": 73}, {"text": "Cupertino", "label": "GPE", "start": 95, "end": 104}]}`,
			License:      "MIT",
		},
		Run: runNamedEntities,
	}
}

func runNamedEntities(ctx context.Context, in catalog.Value, _ io.Writer) (catalog.Value, error) {
	var req namedEntitiesRequest
	if err := decodeTextRequest(in, &req, namedEntitiesExpected); err != nil {
		return catalog.Value{}, err
	}
	model, err := namedEntityModel()
	if err != nil {
		return catalog.Value{}, catalog.Errorf(catalog.InitializationError, "%v", err)
	}
	res := NamedEntitiesResult{Entities: []NamedEntity{}}
	clean, orig := proseClean(req.Text)
	for _, span := range nerChunks(clean, nerChunkN) {
		if err := ctx.Err(); err != nil {
			return catalog.Value{}, err
		}
		doc, err := prose.NewDocument(clean[span[0]:span[1]], prose.UsingModel(model), prose.WithSegmentation(false))
		if err != nil {
			return catalog.Value{}, catalog.Errorf(catalog.AlgorithmError, "tag the text: %v", err)
		}
		toks := locateTokens(clean, span[0], doc.Tokens())
		for _, e := range chunkEntities(toks) {
			start, end := orig(e.start), orig(e.end)
			res.Entities = append(res.Entities, NamedEntity{Text: req.Text[start:end], Label: e.label, Start: start, End: end})
		}
		if req.Tokens {
			for _, t := range toks {
				if t.start < 0 {
					continue
				}
				start, end := orig(t.start), orig(t.end)
				res.Tokens = append(res.Tokens, TaggedToken{Text: req.Text[start:end], Tag: t.Tag, Start: start, End: end})
			}
		}
	}
	return catalog.JSON(res), nil
}

// locatedToken is a prose token with its byte span in the cleaned text;
// start is -1 when the token could not be found (it never should: prose's
// tokenizer only slices its input).
type locatedToken struct {
	prose.Token
	start, end int
}

func locateTokens(clean string, base int, toks []prose.Token) []locatedToken {
	out := make([]locatedToken, len(toks))
	at := base
	for i, t := range toks {
		out[i] = locatedToken{Token: t, start: -1, end: -1}
		if j := strings.Index(clean[at:], t.Text); j >= 0 && t.Text != "" {
			out[i].start, out[i].end = at+j, at+j+len(t.Text)
			at = out[i].end
		}
	}
	return out
}

type entitySpan struct {
	label      string
	start, end int
}

// chunkEntities groups IOB-labelled tokens into entities. prose's own
// chunker drops an entity that ends the text ("I met Steve Jobs" gives
// nothing), so this one is written here: an entity starts at a labelled
// token and goes on through labelled tokens, through a run of proper nouns
// ("New York City", where "City" is unlabelled) and through a number right
// after a labelled token ("Apollo 11"); it also takes in the capitalised
// proper nouns right before it ("Eileen Collins" when only "Collins" is
// labelled).
func chunkEntities(toks []locatedToken) []entitySpan {
	var out []entitySpan
	prevEnd := 0 // tokens before this belong to an earlier entity
	for i := 0; i < len(toks); {
		if toks[i].Label == "O" || toks[i].Label == "" || toks[i].start < 0 {
			i++
			continue
		}
		// Reach back over an unlabelled run of proper nouns just before it:
		// the model often labels only the surname ("Eileen Collins").
		for i > prevEnd && toks[i-1].start >= 0 && isProperNoun(toks[i-1].Tag) && toks[i-1].Tag == toks[i].Tag && isCapitalized(toks[i-1].Text) {
			i--
		}
		j := i + 1
		for j < len(toks) && toks[j].start >= 0 {
			prev, cur := toks[j-1], toks[j]
			labelled := cur.Label != "O" && cur.Label != ""
			properRun := isProperNoun(cur.Tag) && cur.Tag == prev.Tag
			number := cur.Tag == "CD" && prev.Label != "O"
			if !labelled && !properRun && !number {
				break
			}
			j++
		}
		out = append(out, entitySpan{label: entityLabel(toks[i:j]), start: toks[i].start, end: toks[j-1].end})
		i, prevEnd = j, j
	}
	return out
}

func isProperNoun(tag string) bool { return tag == "NNP" || tag == "NNPS" }

func isCapitalized(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r)
}

// entityLabel picks one label for a chunk. The model often labels a first
// name PERSON and the surname something else ("Steve"/B-PERSON,
// "Jobs"/I-ORGANIZATION); a short chunk with any PERSON token is a person's
// name, otherwise the first token's type wins.
func entityLabel(parts []locatedToken) string {
	if len(parts) <= 3 {
		for _, p := range parts {
			if iobType(p.Label) == "PERSON" {
				return "PERSON"
			}
		}
	}
	for _, p := range parts {
		if t := iobType(p.Label); t != "" {
			return t
		}
	}
	return "O"
}

func iobType(label string) string {
	if i := strings.IndexByte(label, '-'); i >= 0 {
		return label[i+1:]
	}
	return ""
}

// proseClean applies the substitutions prose's tokenizer makes (curly
// quotes to straight ones, &rsquo; to an apostrophe) so that every token is
// a substring of the text it returns; orig maps a byte offset in that text
// back to the input.
func proseClean(text string) (string, func(int) int) {
	identity := func(i int) int { return i }
	if !strings.ContainsAny(text, "\u201c\u201d\u2018\u2019") && !strings.Contains(text, "&rsquo;") {
		return text, identity
	}
	var b strings.Builder
	offsets := make([]int, 0, len(text)+1)
	for i := 0; i < len(text); {
		var rep string
		n := 0
		switch {
		case strings.HasPrefix(text[i:], "\u201c"), strings.HasPrefix(text[i:], "\u201d"):
			rep, n = `"`, 3
		case strings.HasPrefix(text[i:], "\u2018"), strings.HasPrefix(text[i:], "\u2019"):
			rep, n = "'", 3
		case strings.HasPrefix(text[i:], "&rsquo;"):
			rep, n = "'", len("&rsquo;")
		default:
			_, n = utf8.DecodeRuneInString(text[i:])
			rep = text[i : i+n]
		}
		for k := 0; k < len(rep); k++ {
			offsets = append(offsets, i)
		}
		b.WriteString(rep)
		i += n
	}
	offsets = append(offsets, len(text))
	return b.String(), func(i int) int { return offsets[i] }
}

// nerChunks cuts text into spans of about max bytes, at a line break or a
// sentence end when there is one, else at a space, so a long text is tagged
// piece by piece with a cancellation check in between. Cutting between
// sentences costs the tagger nothing: its context is two tokens.
func nerChunks(text string, max int) [][2]int {
	var out [][2]int
	for start := 0; start < len(text); {
		end := start + max
		if end >= len(text) {
			out = append(out, [2]int{start, len(text)})
			break
		}
		window := text[start:end]
		cut := strings.LastIndexByte(window, '\n')
		if cut < max/2 {
			if c := lastSentenceEnd(window); c > cut {
				cut = c
			}
		}
		if cut < max/2 {
			if c := strings.LastIndexFunc(window, unicode.IsSpace); c > cut {
				cut = c
			}
		}
		if cut <= 0 {
			// One enormous word: cut at a rune boundary.
			cut = max
			for cut > 0 && !utf8.RuneStart(text[start+cut]) {
				cut--
			}
		}
		out = append(out, [2]int{start, start + cut})
		start += cut
	}
	return out
}

func lastSentenceEnd(s string) int {
	best := -1
	for _, p := range []string{". ", "! ", "? "} {
		if i := strings.LastIndex(s, p); i >= 0 && i+1 > best {
			best = i + 1
		}
	}
	return best
}
