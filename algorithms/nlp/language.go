package nlp

import (
	"context"
	_ "embed"
	"io"
	"slices"
	"strings"
	"unicode"

	"github.com/abadojack/whatlanggo"

	"pipette/algorithms"
	"pipette/catalog"
)

//go:embed docs/language.md
var languageDocs string

const (
	languageDefaultCandidates = 3
	languageMaxCandidates     = 10
)

type languageRequest struct {
	textField
	Candidates *int     `json:"candidates"`
	Languages  []string `json:"languages"`
}

type languageGuess struct {
	Code    string `json:"code"`
	Name    string `json:"name"`
	ISO6391 string `json:"iso639_1,omitempty"`
}

type languageResult struct {
	languageGuess
	Script     string          `json:"script"`
	Confidence float64         `json:"confidence"`
	Reliable   bool            `json:"reliable"`
	Candidates []languageGuess `json:"candidates"`
}

const languageSchema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "LanguageDetection input (or send plain text)",
  "type": "object",
  "required": ["text"],
  "additionalProperties": false,
  "properties": {
    "text": {"type": "string", "description": "text of at least a sentence"},
    "candidates": {"type": "integer", "minimum": 1, "maximum": 10, "default": 3, "description": "how many ranked guesses to list"},
    "languages": {"type": "array", "items": {"type": "string", "pattern": "^[a-z]{3}$"}, "description": "ISO 639-3 codes to choose among, e.g. [\"deu\", \"fra\"]"}
  }
}`

// LanguageDetection is nlp/LanguageDetection: whatlanggo's trigram
// language and script identification.
func LanguageDetection() algorithms.Algorithm {
	return algorithms.Algorithm{
		Entry: catalog.Entry{
			Ref:         catalog.Ref{Owner: "nlp", Name: "LanguageDetection", Version: "1.0.0"},
			Versions:    []catalog.VersionInfo{{Version: "1.0.0", ReleaseNotes: "First release: whatlanggo language and script with confidence, ranked candidates and a language filter."}},
			Label:       "Language Detection",
			Tagline:     "Which language and script a text is in (84 languages)",
			Docs:        languageDocs,
			Tags:        []string{"nlp", "text", "language", "script"},
			InputKind:   catalog.KindAny,
			OutputKind:  catalog.KindJSON,
			InputSchema: []byte(languageSchema),
			License:     "MIT",
			Samples: []catalog.Sample{
				textSample("French", "Le petit village se réveille lentement pendant que le boulanger sort les premières baguettes du four."),
				textSample("Russian", "Вечером мы долго гуляли по набережной и разговаривали о книгах, которые прочитали летом."),
				algorithms.JSONSample("German among a few", `{"text": "Am Wochenende fahren wir mit dem Zug in die Berge, weil das Wetter endlich besser werden soll.", "languages": ["deu", "dan", "nld", "eng"], "candidates": 4}`),
			},
		},
		Run: runLanguage,
	}
}

func runLanguage(ctx context.Context, in catalog.Value, _ io.Writer) (catalog.Value, error) {
	var req languageRequest
	if err := decodeTextRequest(in, &req, `{"text": "...", "candidates": 3, "languages": ["eng", "fra"]}`); err != nil {
		return catalog.Value{}, err
	}
	want := languageDefaultCandidates
	if req.Candidates != nil {
		want = *req.Candidates
		if err := catalog.CheckInt("candidates", int64(want), 1, languageMaxCandidates, ""); err != nil {
			return catalog.Value{}, err
		}
	}
	var opts whatlanggo.Options
	if len(req.Languages) > 0 {
		opts.Whitelist = map[whatlanggo.Lang]bool{}
		for _, code := range req.Languages {
			l := whatlanggo.CodeToLang(strings.ToLower(strings.TrimSpace(code)))
			if l < 0 {
				return catalog.Value{}, catalog.InputErrorf(`"languages" has %q, which is not an ISO 639-3 code this detector knows; use codes like "eng", "fra", "deu", "spa", "rus", "jpn", "cmn"`, code)
			}
			opts.Whitelist[l] = true
		}
	}

	info := whatlanggo.DetectWithOptions(req.Text, opts)
	res := languageResult{
		languageGuess: guessOf(info.Lang),
		Script:        scriptName(info.Script),
		Confidence:    algorithms.Round(info.Confidence, 4),
		Reliable:      info.IsReliable(),
		Candidates:    []languageGuess{},
	}
	if info.Lang < 0 {
		return catalog.JSON(res), nil
	}
	// whatlanggo returns only its best guess; the runners-up come from asking
	// again with each earlier guess excluded. Scripts with one language
	// (Japanese kana, Korean hangul…) have no runner-up.
	seen := []whatlanggo.Lang{info.Lang}
	res.Candidates = append(res.Candidates, res.languageGuess)
	for len(res.Candidates) < want {
		if err := ctx.Err(); err != nil {
			return catalog.Value{}, err
		}
		next := opts
		next.Blacklist = map[whatlanggo.Lang]bool{}
		for _, l := range seen {
			next.Blacklist[l] = true
		}
		if opts.Whitelist != nil {
			next.Whitelist = map[whatlanggo.Lang]bool{}
			for l := range opts.Whitelist {
				if !next.Blacklist[l] {
					next.Whitelist[l] = true
				}
			}
			if len(next.Whitelist) == 0 {
				break
			}
		}
		l := whatlanggo.DetectWithOptions(req.Text, next).Lang
		if l < 0 || slices.Contains(seen, l) {
			break
		}
		seen = append(seen, l)
		res.Candidates = append(res.Candidates, guessOf(l))
	}
	return catalog.JSON(res), nil
}

func guessOf(l whatlanggo.Lang) languageGuess {
	if l < 0 {
		return languageGuess{Code: "und", Name: "Undetermined"}
	}
	return languageGuess{Code: l.Iso6393(), Name: l.String(), ISO6391: l.Iso6391()}
}

func scriptName(t *unicode.RangeTable) string {
	if t == nil {
		return ""
	}
	if name, ok := whatlanggo.Scripts[t]; ok {
		return name
	}
	// whatlanggo reports Japanese kana as one table of its own, not in
	// its Scripts map.
	return "Hiragana/Katakana"
}
