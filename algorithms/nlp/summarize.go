package nlp

import (
	"cmp"
	"context"
	_ "embed"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"pipette/algorithms"
	"pipette/catalog"
)

//go:embed docs/summarize.md
var summarizeDocs string

// TextRank settings from Mihalcea & Tarau (2004): the PageRank damping
// factor, and a convergence threshold well below the score differences a
// caller could act on.
const (
	textRankDamping    = 0.85
	textRankMaxIter    = 50
	textRankTolerance  = 1e-6
	summarizeDefaultN  = 3
	summarizeMaxCount  = 1000
	summarizeMaxGraphN = 5000 // sentences; the graph is quadratic
)

type summarizeRequest struct {
	textField
	Count *int     `json:"count"`
	Ratio *float64 `json:"ratio"`
}

type rankedSentence struct {
	Text  string  `json:"text"`
	Score float64 `json:"score"`
	Index int     `json:"index"`
}

type summarizeResult struct {
	Summary       string           `json:"summary"`
	Sentences     []rankedSentence `json:"sentences"`
	SentenceCount int              `json:"sentence_count"`
}

const summarizeSchema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "Summarize input (or send plain text)",
  "type": "object",
  "required": ["text"],
  "additionalProperties": false,
  "properties": {
    "text": {"type": "string", "description": "English text of at least a few sentences"},
    "count": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 3, "description": "how many sentences to keep"},
    "ratio": {"type": "number", "exclusiveMinimum": 0, "maximum": 1, "description": "keep this share of the sentences instead of a count"}
  }
}`

// Summarize is nlp/Summarize: extractive summaries by TextRank over the
// sentence graph.
func Summarize() algorithms.Algorithm {
	return algorithms.Algorithm{
		Entry: catalog.Entry{
			Ref:         catalog.Ref{Owner: "nlp", Name: "Summarize", Version: "1.0.0"},
			Versions:    []catalog.VersionInfo{{Version: "1.0.0", ReleaseNotes: "First release: TextRank sentence extraction with scores, by count or ratio."}},
			Label:       "Summarize",
			Tagline:     "Pick a text's most central sentences (TextRank)",
			Docs:        summarizeDocs,
			Tags:        []string{"nlp", "text", "summary", "textrank"},
			InputKind:   catalog.KindAny,
			OutputKind:  catalog.KindJSON,
			InputSchema: []byte(summarizeSchema),
			License:     "MIT",
			Samples: []catalog.Sample{
				textSample("Apollo program", apolloText),
				algorithms.JSONSample("Honeybees, two sentences", `{"text": `+jsonQuote(honeybeeText)+`, "count": 2}`),
				algorithms.JSONSample("Night trains, a third", `{"text": `+jsonQuote(nightTrainText)+`, "ratio": 0.34}`),
			},
		},
		Run: runSummarize,
		// TextRank compares every sentence with every other: a long text
		// takes tens of milliseconds of CPU, which a server runs in a worker
		// at a low priority, beside its light calls.
		Isolate: true,
	}
}

func runSummarize(ctx context.Context, in catalog.Value, _ io.Writer) (catalog.Value, error) {
	var req summarizeRequest
	if err := decodeTextRequest(in, &req, `{"text": "...", "count": 3} or {"text": "...", "ratio": 0.2}`); err != nil {
		return catalog.Value{}, err
	}
	if req.Count != nil && req.Ratio != nil {
		return catalog.Value{}, catalog.InputErrorf(`give either "count" or "ratio", not both`)
	}
	if req.Count != nil {
		if err := catalog.CheckInt("count", int64(*req.Count), 1, summarizeMaxCount, "sentences"); err != nil {
			return catalog.Value{}, err
		}
	}
	if req.Ratio != nil && (*req.Ratio <= 0 || *req.Ratio > 1) {
		return catalog.Value{}, catalog.InputErrorf(`"ratio" is %g; it must be above 0 and at most 1 (0.2 keeps a fifth of the sentences)`, *req.Ratio)
	}
	spans, err := splitSentences(ctx, req.Text)
	if err != nil {
		return catalog.Value{}, err
	}
	if len(spans) > summarizeMaxGraphN {
		return catalog.Value{}, catalog.InputErrorf("the text has %d sentences; the summarizer takes at most %d: summarize it in parts", len(spans), summarizeMaxGraphN)
	}
	// The sentence graph is a matrix of n² float64 weights: 200 MB at the
	// 5000-sentence limit, which a host's per-call budget may not allow.
	graph := algorithms.SatMul(algorithms.SatMul(int64(len(spans)), int64(len(spans))), 8)
	if err := algorithms.CheckMemory(ctx, fmt.Sprintf("ranking %d sentences", len(spans)), graph, "summarize the text in parts"); err != nil {
		return catalog.Value{}, err
	}
	n := summarizeDefaultN
	switch {
	case req.Count != nil:
		n = *req.Count
	case req.Ratio != nil:
		n = max(1, int(math.Ceil(*req.Ratio*float64(len(spans)))))
	}
	n = min(n, len(spans))

	bags := make([]map[string]int, len(spans))
	for i, sp := range spans {
		bags[i] = contentStems(sp.Text)
	}
	scores, err := textRank(ctx, bags)
	if err != nil {
		return catalog.Value{}, err
	}

	order := make([]int, len(spans))
	for i := range order {
		order[i] = i
	}
	// Highest score first; among equals the earlier sentence, which in most
	// prose introduces what the later ones elaborate.
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(scores[b], scores[a]) })
	keep := order[:n]
	slices.Sort(keep)

	res := summarizeResult{SentenceCount: len(spans), Sentences: make([]rankedSentence, 0, n)}
	texts := make([]string, 0, n)
	for _, i := range keep {
		res.Sentences = append(res.Sentences, rankedSentence{Text: spans[i].Text, Score: algorithms.Round(scores[i], 4), Index: i})
		texts = append(texts, spans[i].Text)
	}
	res.Summary = strings.Join(texts, " ")
	return catalog.JSON(res), nil
}

// contentStems is the bag of stemmed content words of a sentence.
func contentStems(sentence string) map[string]int {
	bag := map[string]int{}
	for _, w := range splitWords(sentence) {
		if n := normalizeWord(w.Text); isContentWord(n) {
			bag[stem(n)]++
		}
	}
	return bag
}

// overlapSimilarity is Mihalcea & Tarau's sentence similarity: the number
// of words two sentences share, normalised by the logs of their lengths so
// long sentences do not win on length alone.
func overlapSimilarity(a, b map[string]int) float64 {
	la, lb := bagLen(a), bagLen(b)
	if la == 0 || lb == 0 {
		return 0
	}
	denom := math.Log(float64(la)) + math.Log(float64(lb))
	if denom <= 0 {
		// Two one-word sentences: equal words make them identical, which
		// the formula cannot express (0/0); count the shared word once.
		denom = 1
	}
	if len(b) < len(a) {
		a, b = b, a
	}
	shared := 0
	for w := range a {
		if _, ok := b[w]; ok {
			shared++
		}
	}
	return float64(shared) / denom
}

func bagLen(b map[string]int) int {
	n := 0
	for _, c := range b {
		n += c
	}
	return n
}

// textRank scores each sentence by weighted PageRank over the similarity
// graph, iterating until no score moves by more than the tolerance or the
// iteration cap is reached.
func textRank(ctx context.Context, bags []map[string]int) ([]float64, error) {
	n := len(bags)
	weights := make([][]float64, n)
	outSum := make([]float64, n)
	for i := range weights {
		weights[i] = make([]float64, n)
	}
	for i := range n {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for j := i + 1; j < n; j++ {
			w := overlapSimilarity(bags[i], bags[j])
			weights[i][j], weights[j][i] = w, w
			outSum[i] += w
			outSum[j] += w
		}
	}
	scores := make([]float64, n)
	next := make([]float64, n)
	for i := range scores {
		scores[i] = 1
	}
	for range textRankMaxIter {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		delta := 0.0
		for i := range n {
			sum := 0.0
			for j := range n {
				if w := weights[j][i]; w > 0 {
					sum += w / outSum[j] * scores[j]
				}
			}
			next[i] = (1 - textRankDamping) + textRankDamping*sum
			delta = max(delta, math.Abs(next[i]-scores[i]))
		}
		scores, next = next, scores
		if delta < textRankTolerance {
			break
		}
	}
	return scores, nil
}

// jsonQuote quotes s as a JSON string for sample literals.
func jsonQuote(s string) string {
	b, err := catalog.MarshalJSON(s)
	if err != nil {
		panic(err)
	}
	return string(b)
}

const apolloText = `The Apollo program was the American effort, run by NASA between 1961 and 1972, to land people on the Moon and bring them home. It grew out of a national goal set by President Kennedy after the first Soviet and American flights into orbit.

Getting there took a series of spacecraft and rockets. The Saturn V rocket lifted a three-person command module and a two-person lunar module toward the Moon. The command module stayed in lunar orbit while the lunar module carried two astronauts down to the surface.

The program had its failures. A fire during a ground test of Apollo 1 killed three astronauts in 1967, and the spacecraft was redesigned before anyone flew again. Apollo 13 lost an oxygen tank on the way to the Moon, and its crew returned safely only by using the lunar module as a lifeboat.

In July 1969 Apollo 11 landed the first astronauts on the Moon. Six Apollo missions reached the lunar surface in all, and their astronauts brought back 382 kilograms of Moon rock. Those samples still shape what scientists know about how the Moon formed.`

const honeybeeText = `A honeybee colony is a single household of tens of thousands of bees. Almost all of them are female workers, and one queen lays the eggs for the whole colony. Workers change jobs as they age: young bees clean cells and feed larvae, older bees guard the entrance, and the oldest bees forage for nectar and pollen. A forager that finds good flowers returns to the colony and dances on the comb. The angle and length of the dance tell other bees the direction and distance of the flowers. Drones, the male bees, do no work and are pushed out of the colony before winter.`

const nightTrainText = `Night trains are coming back in Europe. A passenger boards in the evening, sleeps in a bunk, and wakes up in another country. For trips of eight to twelve hours the night train competes with flying, because it saves a hotel night and starts and ends in city centres. Operators dropped many routes in the 2000s when budget airlines made short flights cheap. Since then, climate worries and new rolling stock have brought passengers back to night trains. Tickets still cost more than most flights, and cross-border timetables remain hard to coordinate.`
