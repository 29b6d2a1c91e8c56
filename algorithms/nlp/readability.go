package nlp

import (
	"context"
	_ "embed"
	"io"
	"math"
	"strings"
	"unicode"

	"pipette/algorithms"
	"pipette/catalog"
)

//go:embed docs/readability.md
var readabilityDocs string

type readabilityRequest struct {
	textField
}

type readabilityScores struct {
	FleschKincaidGrade float64 `json:"flesch_kincaid_grade"`
	FleschReadingEase  float64 `json:"flesch_reading_ease"`
	GunningFog         float64 `json:"gunning_fog"`
	SMOG               float64 `json:"smog"`
	ColemanLiau        float64 `json:"coleman_liau"`
	ARI                float64 `json:"ari"`
}

type readabilityCounts struct {
	Sentences     int `json:"sentences"`
	Words         int `json:"words"`
	Syllables     int `json:"syllables"`
	ComplexWords  int `json:"complex_words"`
	Polysyllables int `json:"polysyllables"`
	Characters    int `json:"characters"`
}

type readabilityResult struct {
	Scores readabilityScores `json:"scores"`
	Counts readabilityCounts `json:"counts"`
	// Grade is the mean of the five grade-level scores, and Ease says in
	// words what the Flesch reading ease means.
	Grade float64 `json:"grade"`
	Ease  string  `json:"ease"`
}

const readabilitySchema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "Readability input (or send plain text)",
  "type": "object",
  "required": ["text"],
  "additionalProperties": false,
  "properties": {
    "text": {"type": "string", "description": "English prose, ideally 100 words or more"}
  }
}`

// Readability is nlp/Readability: the classic readability formulas with the
// counts behind them.
func Readability() algorithms.Algorithm {
	return algorithms.Algorithm{
		Entry: catalog.Entry{
			Ref:         catalog.Ref{Owner: "nlp", Name: "Readability", Version: "1.0.0"},
			Versions:    []catalog.VersionInfo{{Version: "1.0.0", ReleaseNotes: "First release: Flesch–Kincaid, Flesch ease, Gunning fog, SMOG, Coleman–Liau, ARI and their counts."}},
			Label:       "Readability",
			Tagline:     "Grade level and reading ease (Flesch, Fog, SMOG…)",
			Docs:        readabilityDocs,
			Tags:        []string{"nlp", "text", "readability", "statistics"},
			InputKind:   catalog.KindAny,
			OutputKind:  catalog.KindJSON,
			InputSchema: []byte(readabilitySchema),
			License:     "MIT",
			Samples: []catalog.Sample{
				textSample("Apollo program", apolloText),
				textSample("A children's story", "Tom had a red ball. He threw it up high. The ball went over the fence. Tom ran to get it. A big dog had the ball! The dog gave it back. Tom was glad."),
				algorithms.JSONSample("Legal prose", `{"text": "Notwithstanding any provision of this agreement to the contrary, the licensee shall indemnify, defend and hold harmless the licensor and its affiliates from and against any and all liabilities, damages, settlements, penalties, and reasonable attorneys' fees arising out of or relating to the licensee's unauthorized modification or redistribution of the licensed materials. The obligations established in this section shall survive termination of the agreement for an additional period of three consecutive years."}`),
			},
		},
		Run: runReadability,
	}
}

func runReadability(ctx context.Context, in catalog.Value, _ io.Writer) (catalog.Value, error) {
	var req readabilityRequest
	if err := decodeTextRequest(in, &req, `{"text": "..."}`); err != nil {
		return catalog.Value{}, err
	}
	spans, err := splitSentences(ctx, req.Text)
	if err != nil {
		return catalog.Value{}, err
	}
	var c readabilityCounts
	c.Sentences = len(spans)
	for _, sp := range spans {
		if err := ctx.Err(); err != nil {
			return catalog.Value{}, err
		}
		for i, w := range splitWords(sp.Text) {
			c.Words++
			c.Characters += countLettersDigits(w.Text)
			n := syllables(w.Text)
			c.Syllables += n
			if n >= 3 {
				c.Polysyllables++
				if isComplexWord(w.Text, i == 0) {
					c.ComplexWords++
				}
			}
		}
	}
	if c.Words == 0 {
		return catalog.Value{}, catalog.InputErrorf("the text has no words to measure; send English prose")
	}
	s := readabilityFormulas(c)
	res := readabilityResult{
		Scores: s,
		Counts: c,
		Grade:  algorithms.Round((s.FleschKincaidGrade+s.GunningFog+s.SMOG+s.ColemanLiau+s.ARI)/5, 2),
		Ease:   easeLabel(s.FleschReadingEase),
	}
	return catalog.JSON(res), nil
}

// readabilityFormulas applies the published formulas to the counts,
// rounded to two decimals.
func readabilityFormulas(c readabilityCounts) readabilityScores {
	words, sents := float64(c.Words), float64(c.Sentences)
	wps := words / sents
	spw := float64(c.Syllables) / words
	return readabilityScores{
		FleschKincaidGrade: algorithms.Round(0.39*wps+11.8*spw-15.59, 2),
		FleschReadingEase:  algorithms.Round(206.835-1.015*wps-84.6*spw, 2),
		GunningFog:         algorithms.Round(0.4*(wps+100*float64(c.ComplexWords)/words), 2),
		SMOG:               algorithms.Round(1.0430*math.Sqrt(float64(c.Polysyllables)*30/sents)+3.1291, 2),
		ColemanLiau:        algorithms.Round(0.0588*(100*float64(c.Characters)/words)-0.296*(100*sents/words)-15.8, 2),
		ARI:                algorithms.Round(4.71*float64(c.Characters)/words+0.5*wps-21.43, 2),
	}
}

// easeLabel is Flesch's own reading of his scale.
func easeLabel(ease float64) string {
	switch {
	case ease >= 90:
		return "very easy"
	case ease >= 80:
		return "easy"
	case ease >= 70:
		return "fairly easy"
	case ease >= 60:
		return "standard"
	case ease >= 50:
		return "fairly difficult"
	case ease >= 30:
		return "difficult"
	}
	return "very confusing"
}

func countLettersDigits(w string) int {
	n := 0
	for _, r := range w {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			n++
		}
	}
	return n
}

// isComplexWord applies Gunning's exclusions to a word of three or more
// syllables: proper nouns (capitalised, not first in the sentence),
// hyphenated compounds, and words that reach three syllables only through
// an -es, -ed or -ing ending do not count as hard.
func isComplexWord(w string, first bool) bool {
	if strings.ContainsAny(w, "-‐") {
		return false
	}
	if r := []rune(w)[0]; unicode.IsUpper(r) && !first {
		return false
	}
	lw := strings.ToLower(w)
	for _, suffix := range []string{"ing", "es", "ed"} {
		if stemPart, ok := strings.CutSuffix(lw, suffix); ok && len(stemPart) > 2 {
			return syllables(stemPart) >= 3
		}
	}
	return true
}

// syllableExceptions are common words the vowel-group rules miscount.
var syllableExceptions = map[string]int{
	"area": 3, "idea": 3, "ideas": 3, "create": 2, "created": 3, "creates": 2, "creating": 3,
	"being": 2, "science": 2, "poem": 2, "poems": 2, "quiet": 2, "video": 3, "radio": 3,
	"piano": 3, "business": 2, "every": 2, "everyone": 3, "everything": 3, "evening": 2,
	"different": 3, "interest": 3, "interesting": 4, "several": 3, "family": 3, "real": 1,
	"really": 2, "lion": 2, "diet": 2, "fire": 1, "hour": 1, "our": 1,
	"naive": 2, "reunion": 3, "cooperate": 4, "react": 2, "reality": 4, "theory": 3,
	"usual": 3, "usually": 4, "actual": 3, "actually": 4, "ruin": 2, "fluid": 2,
}

// syllables estimates the syllables of an English word from its spelling:
// one per group of vowels (y counts after the first letter), less a silent
// final e, a silent -ed or -es, and the e of -ely; at least one. Words
// without letters (numbers) count one.
func syllables(w string) int {
	lw := strings.ToLower(strings.ReplaceAll(w, "’", "'"))
	if n, ok := syllableExceptions[lw]; ok {
		return n
	}
	// Hyphenated compounds and contractions count part by part.
	if parts := strings.FieldsFunc(lw, func(r rune) bool { return r == '-' || r == '‐' }); len(parts) > 1 {
		n := 0
		for _, p := range parts {
			n += syllables(p)
		}
		return n
	}
	lw, _ = strings.CutSuffix(lw, "'s")
	letters := make([]rune, 0, len(lw))
	for _, r := range lw {
		if unicode.IsLetter(r) {
			letters = append(letters, foldAccent(r))
		}
	}
	if len(letters) == 0 {
		return 1
	}
	if len(letters) <= 3 {
		return 1
	}
	isVowel := func(i int) bool {
		switch letters[i] {
		case 'a', 'e', 'i', 'o', 'u':
			return true
		case 'y':
			return i > 0
		}
		return false
	}
	n := 0
	for i := range letters {
		if isVowel(i) && (i == 0 || !isVowel(i-1)) {
			n++
		}
	}
	s := string(letters)
	end := len(letters)
	consonantAt := func(i int) bool { return i >= 0 && !isVowel(i) }
	switch {
	case strings.HasSuffix(s, "le") && consonantAt(end-3):
		// "ta-ble": the final -le is its own syllable.
	case strings.HasSuffix(s, "ely"):
		n-- // "love-ly"
	case strings.HasSuffix(s, "e") && !strings.HasSuffix(lw, "é") && !strings.HasSuffix(s, "ee") && !strings.HasSuffix(s, "ye") && consonantAt(end-2):
		n-- // silent final e: "make"
	case strings.HasSuffix(s, "ed") && consonantAt(end-3) && !strings.HasSuffix(s, "ted") && !strings.HasSuffix(s, "ded"):
		n-- // "jumped", but "wanted" and "ended" keep the syllable
	case strings.HasSuffix(s, "es") && consonantAt(end-3) && !sibilantBefore(s[:len(s)-2]):
		n-- // "makes", but "boxes" and "wishes" keep it
	}
	return max(n, 1)
}

// sibilantBefore reports whether a stem ends in a sound after which -es is
// pronounced as its own syllable.
func sibilantBefore(stem string) bool {
	for _, end := range []string{"s", "x", "z", "ch", "sh", "g", "c"} {
		if strings.HasSuffix(stem, end) {
			return true
		}
	}
	return false
}

// foldAccent maps accented Latin vowels to plain ones ("café", "naïve").
func foldAccent(r rune) rune {
	switch r {
	case 'à', 'á', 'â', 'ä', 'ã', 'å':
		return 'a'
	case 'è', 'é', 'ê', 'ë':
		return 'e'
	case 'ì', 'í', 'î', 'ï':
		return 'i'
	case 'ò', 'ó', 'ô', 'ö', 'õ':
		return 'o'
	case 'ù', 'ú', 'û', 'ü':
		return 'u'
	}
	return r
}
