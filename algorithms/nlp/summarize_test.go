package nlp

import (
	"context"
	"io"
	"math"
	"slices"
	"strings"
	"testing"

	"pipette/algorithms/algotest"
	"pipette/catalog"
)

// farmText has one sentence that shares words with every other one; the
// others share words only with it.
const farmText = "Cats chase mice in barns. Dogs guard sheep on farms. " +
	"Cats, dogs, mice and sheep all live together on farms and in barns. " +
	"Mice eat grain. Sheep eat grass."

func TestSummarizePicksCentralSentence(t *testing.T) {
	var res summarizeResult
	runInto(t, Summarize(), mustJSON(t, `{"text": `+jsonQuote(farmText)+`, "count": 1}`), &res)
	if len(res.Sentences) != 1 || res.Sentences[0].Index != 2 {
		t.Fatalf("got %+v, want the third sentence (index 2)", res.Sentences)
	}
	if !strings.HasPrefix(res.Summary, "Cats, dogs, mice and sheep") || res.SentenceCount != 5 {
		t.Errorf("summary %q of %d sentences", res.Summary, res.SentenceCount)
	}
}

func TestSummarizeKeepsOriginalOrder(t *testing.T) {
	var res summarizeResult
	runInto(t, Summarize(), catalog.Text(apolloText), &res)
	if len(res.Sentences) != summarizeDefaultN {
		t.Fatalf("got %d sentences, want the default %d", len(res.Sentences), summarizeDefaultN)
	}
	var texts []string
	for i, s := range res.Sentences {
		texts = append(texts, s.Text)
		if i > 0 && s.Index <= res.Sentences[i-1].Index {
			t.Errorf("sentences out of text order: %+v", res.Sentences)
		}
		if !strings.Contains(apolloText, s.Text) {
			t.Errorf("sentence %q is not from the text", s.Text)
		}
	}
	if res.Summary != strings.Join(texts, " ") {
		t.Errorf("summary %q is not the sentences joined", res.Summary)
	}
}

func TestSummarizeAskingForMoreReturnsAll(t *testing.T) {
	for _, in := range []string{
		`{"text": ` + jsonQuote(farmText) + `, "count": 50}`,
		`{"text": ` + jsonQuote(farmText) + `, "ratio": 1}`,
	} {
		var res summarizeResult
		runInto(t, Summarize(), mustJSON(t, in), &res)
		var got []int
		for _, s := range res.Sentences {
			got = append(got, s.Index)
		}
		if !slices.Equal(got, []int{0, 1, 2, 3, 4}) {
			t.Errorf("%s: got indices %v, want all five in order", in, got)
		}
	}
}

func TestSummarizeRatioRoundsUp(t *testing.T) {
	var res summarizeResult
	runInto(t, Summarize(), mustJSON(t, `{"text": `+jsonQuote(farmText)+`, "ratio": 0.3}`), &res)
	if len(res.Sentences) != 2 { // ceil(0.3 × 5)
		t.Fatalf("ratio 0.3 of 5 sentences kept %d, want 2", len(res.Sentences))
	}
}

func TestTextRankScores(t *testing.T) {
	// A sentence sharing nothing gets exactly 1 − d; scores of a connected
	// graph average 1 at convergence.
	bags := []map[string]int{
		contentStems("Cats chase mice."), contentStems("Mice fear cats."),
		contentStems("Rivers flow north."),
	}
	scores, err := textRank(context.Background(), bags)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(scores[2]-(1-textRankDamping)) > 1e-9 {
		t.Errorf("isolated sentence scored %v, want %v", scores[2], 1-textRankDamping)
	}
	if math.Abs(scores[0]-1) > 1e-6 || math.Abs(scores[1]-1) > 1e-6 {
		t.Errorf("two linked sentences scored %v, want 1 each", scores[:2])
	}
	if got := overlapSimilarity(contentStems("Running dogs bark."), contentStems("The dog was running.")); math.Abs(got-2/(math.Log(3)+math.Log(2))) > 1e-9 {
		t.Errorf("similarity %v, want 2/(ln 3 + ln 2) from shared stems dog and run", got)
	}
}

func TestSummarizeBadOptions(t *testing.T) {
	for _, in := range []string{
		`{"text": "One. Two.", "count": 0}`,
		`{"text": "One. Two.", "ratio": 1.5}`,
		`{"text": "One. Two.", "count": 2, "ratio": 0.5}`,
		`{"text": "One. Two.", "count": "two"}`,
	} {
		wantInputError(t, Summarize(), mustJSON(t, in))
	}
}

func TestSummarizeCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Summarize().Run(ctx, catalog.Text(apolloText), nil); err == nil {
		t.Fatal("a cancelled context should stop the summary")
	}
}

func TestSummarizeGraphWithinTheCallBudget(t *testing.T) {
	t.Parallel()
	text := strings.Repeat("The cat sat on the mat today. ", 500)
	ctx := catalog.WithMemoryBudget(context.Background(), 1<<20)
	_, err := Summarize().Run(ctx, catalog.Text(text), io.Discard)
	algotest.WantError(t, err, catalog.TooLargeError, "ranking 500 sentences", "memory budget of 1 MiB", "in parts")
}
