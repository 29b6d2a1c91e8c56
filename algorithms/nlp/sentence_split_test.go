package nlp

import (
	"context"
	"slices"
	"sync"
	"testing"
	"unicode/utf8"

	"pipette/catalog"
)

func TestSentenceSplitHardCases(t *testing.T) {
	text := `Dr. Smith arrived at 5 p.m. on Jan. 3rd. He said: "It's fine." Mr. Jones disagreed! Was it U.S. policy? Yes.`
	var res sentenceSplitResult
	runInto(t, SentenceSplit(), catalog.Text(text), &res)
	want := []string{
		"Dr. Smith arrived at 5 p.m. on Jan. 3rd.",
		`He said: "It's fine."`,
		"Mr. Jones disagreed!",
		"Was it U.S. policy?",
		"Yes.",
	}
	var got []string
	for _, s := range res.Sentences {
		got = append(got, s.Text)
		if text[s.Start:s.End] != s.Text { // ASCII text: characters are bytes
			t.Errorf("offsets [%d:%d] give %q, want %q", s.Start, s.End, text[s.Start:s.End], s.Text)
		}
	}
	if !slices.Equal(got, want) || res.Count != len(want) {
		t.Fatalf("got %d sentences %q, want %q", res.Count, got, want)
	}
}

func TestSentenceSplitTokensAndStems(t *testing.T) {
	var res sentenceSplitResult
	runInto(t, SentenceSplit(), mustJSON(t, `{"text": "Running connections generously. It’s well-known!", "tokens": true, "stems": true}`), &res)
	if len(res.Sentences) != 2 {
		t.Fatalf("got %d sentences, want 2: %+v", len(res.Sentences), res.Sentences)
	}
	if got, want := res.Sentences[0].Stems, []string{"run", "connect", "generous"}; !slices.Equal(got, want) {
		t.Errorf("stems %q, want %q", got, want)
	}
	if got, want := res.Sentences[1].Tokens, []string{"It’s", "well-known"}; !slices.Equal(got, want) {
		t.Errorf("tokens %q, want %q", got, want)
	}
	if len(res.Sentences[1].Stems) != len(res.Sentences[1].Tokens) {
		t.Errorf("stems %q do not line up with tokens %q", res.Sentences[1].Stems, res.Sentences[1].Tokens)
	}

	// Without the options, neither list is sent.
	var plain struct{ Sentences []map[string]any }
	runInto(t, SentenceSplit(), catalog.Text("One. Two."), &plain)
	if _, ok := plain.Sentences[0]["tokens"]; ok {
		t.Errorf("tokens sent without being asked for: %v", plain)
	}
}

func TestSentenceSplitOffsetsAreCharacters(t *testing.T) {
	text := "Café au lait coûte 3 €. Ça va? Très bien."
	var res sentenceSplitResult
	runInto(t, SentenceSplit(), catalog.Text(text), &res)
	runes := []rune(text)
	if len(res.Sentences) != 3 {
		t.Fatalf("got %d sentences, want 3: %+v", len(res.Sentences), res.Sentences)
	}
	for _, s := range res.Sentences {
		if string(runes[s.Start:s.End]) != s.Text {
			t.Errorf("character offsets [%d:%d] give %q, want %q", s.Start, s.End, string(runes[s.Start:s.End]), s.Text)
		}
	}
	if last := res.Sentences[2]; last.End != utf8.RuneCountInString(text) {
		t.Errorf("last sentence ends at %d, want %d", last.End, utf8.RuneCountInString(text))
	}
}

func TestSentenceSplitBlankLineEndsSentence(t *testing.T) {
	var res sentenceSplitResult
	runInto(t, SentenceSplit(), catalog.Text("Chapter one\n\nIt was a dark night. The end"), &res)
	var got []string
	for _, s := range res.Sentences {
		got = append(got, s.Text)
	}
	if want := []string{"Chapter one", "It was a dark night.", "The end"}; !slices.Equal(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// The cached Punkt tokenizer is shared by every call; -race checks that
// concurrent calls do not write to it.
func TestSentenceSplitConcurrent(t *testing.T) {
	text := "Mr. Brown met Dr. Green at 10 a.m. today. They talked. It rained."
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 20 {
				spans, err := splitSentences(context.Background(), text)
				if err != nil || len(spans) != 3 {
					t.Errorf("got %d sentences (%v), want 3", len(spans), err)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestSentenceSplitCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := SentenceSplit().Run(ctx, catalog.Text("One. Two."), nil); err == nil {
		t.Fatal("a cancelled context should stop the split")
	}
}
