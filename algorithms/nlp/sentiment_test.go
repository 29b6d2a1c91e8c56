package nlp

import (
	"context"
	"io"
	"strings"
	"sync"
	"testing"

	"pipette/algorithms"
	"pipette/algorithms/algotest"
	"pipette/catalog"
)

func runSentimentOn(t *testing.T, in catalog.Value) (catalog.Value, error) {
	t.Helper()
	return SentimentAnalysis().Run(context.Background(), in, io.Discard)
}

func TestSentimentOneText(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		in    catalog.Value
		check func(float64) bool
		want  string
	}{
		{"positive text", catalog.Text("I love this wonderful day"), func(c float64) bool { return c > 0.5 }, "> 0.5"},
		{"negative text", catalog.Text("This is a horrible, awful, terrible mess and I hate it."), func(c float64) bool { return c < -0.5 }, "< -0.5"},
		{"neutral text", catalog.Text("The meeting is at 3pm."), func(c float64) bool { return c > -0.05 && c < 0.05 }, "about 0"},
		{"negation", catalog.JSON("This is not good at all."), func(c float64) bool { return c < 0 }, "< 0"},
		{"object", catalog.JSON(map[string]any{"text": "Great work, thank you!", "score": 3.0}), func(c float64) bool { return c > 0.5 }, "> 0.5"},
		{"utf-8 bytes", catalog.Bytes([]byte("What a lovely surprise 😀")), func(c float64) bool { return c > 0.5 }, "> 0.5"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := runSentimentOn(t, c.in)
			if err != nil {
				t.Fatal(err)
			}
			s, ok := out.JSON.(SentimentScore)
			if !ok {
				t.Fatalf("result is %T, want one SentimentScore", out.JSON)
			}
			if !c.check(s.Compound) {
				t.Errorf("compound = %v, want %s", s.Compound, c.want)
			}
			if want := textOf(c.in); s.Text != want {
				t.Errorf("text = %q, want the input %q", s.Text, want)
			}
			if sum := s.Positive + s.Neutral + s.Negative; sum < 0.99 || sum > 1.01 {
				t.Errorf("positive+neutral+negative = %v, want 1", sum)
			}
		})
	}
}

func textOf(v catalog.Value) string {
	switch v.Kind {
	case catalog.KindText:
		return v.Text
	case catalog.KindBinary:
		return string(v.Bytes)
	}
	if m, ok := v.JSON.(map[string]any); ok {
		return m["text"].(string)
	}
	return v.JSON.(string)
}

func TestSentimentListKeepsOrder(t *testing.T) {
	t.Parallel()
	in := []any{
		"I hate this, it is the worst.",
		map[string]any{"text": "Best day ever, everything went perfectly", "score": 0.2},
		"The box is on the table.",
	}
	out, err := runSentimentOn(t, catalog.JSON(in))
	if err != nil {
		t.Fatal(err)
	}
	got, ok := out.JSON.([]SentimentScore)
	if !ok || len(got) != 3 {
		t.Fatalf("result = %#v, want a list of 3 scores", out.JSON)
	}
	wantTexts := []string{"I hate this, it is the worst.", "Best day ever, everything went perfectly", "The box is on the table."}
	for i, w := range wantTexts {
		if got[i].Text != w {
			t.Errorf("item %d text = %q, want %q", i, got[i].Text, w)
		}
	}
	if !(got[0].Compound < 0 && got[1].Compound > 0.5 && got[2].Compound == 0) {
		t.Errorf("compounds = %v, %v, %v; want negative, > 0.5, 0", got[0].Compound, got[1].Compound, got[2].Compound)
	}
	// The result must survive the wire round trip with the field names the
	// chain's jq mapping uses.
	norm, err := out.Normalize()
	if err != nil {
		t.Fatal(err)
	}
	first := norm.JSON.([]any)[1].(map[string]any)
	for _, k := range []string{"text", "compound", "positive", "neutral", "negative"} {
		if _, ok := first[k]; !ok {
			t.Errorf("wire result lacks %q: %v", k, first)
		}
	}
}

func TestSentimentEmptyList(t *testing.T) {
	t.Parallel()
	out, err := runSentimentOn(t, catalog.JSON([]any{}))
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := out.JSON.([]SentimentScore); !ok || len(got) != 0 {
		t.Errorf("result = %#v, want an empty list", out.JSON)
	}
}

func TestSentimentRounds(t *testing.T) {
	t.Parallel()
	out, err := runSentimentOn(t, catalog.Text("I love this phone, the camera is amazing!"))
	if err != nil {
		t.Fatal(err)
	}
	s := out.JSON.(SentimentScore)
	for _, x := range []float64{s.Compound, s.Positive, s.Neutral, s.Negative} {
		if r := algorithms.Round(x, 4); r != x {
			t.Errorf("%v is not rounded to 4 decimals", x)
		}
	}
}

func TestSentimentBadInput(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		in   catalog.Value
		want string
	}{
		{"empty text", catalog.Text(""), "empty"},
		{"blank text", catalog.Text("  \n\t"), "empty"},
		{"empty JSON string", catalog.JSON(""), "empty"},
		{"number", catalog.JSON(42.0), "a number"},
		{"null", catalog.JSON(nil), "null"},
		{"object without text", catalog.JSON(map[string]any{"line": "hi"}), `no "text" field`},
		{"text not a string", catalog.JSON(map[string]any{"text": 3.0}), "should be a string"},
		{"bad list item", catalog.JSON([]any{"fine", true}), "item 1 of the list"},
		{"empty list item", catalog.JSON([]any{"fine", ""}), "item 1 of the list"},
		{"binary", catalog.Bytes([]byte{0xff, 0xfe, 0x00}), "not UTF-8"},
		{"text over 2 MiB", catalog.Text(strings.Repeat("good ", maxTextBytes/5+1)), "the limit is 2097152 bytes (2 MiB)"},
		{"list item over 2 MiB", catalog.JSON([]any{"fine", strings.Repeat("a", maxTextBytes+1)}), "item 1 of the list: the text is 2097153 bytes"},
		{"list over 2 MiB in all", catalog.JSON([]any{strings.Repeat("a", maxTextBytes/2), strings.Repeat("b", maxTextBytes/2), "c"}), "add up to more than 2097152 bytes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := runSentimentOn(t, c.in)
			algotest.WantError(t, err, catalog.InputError, c.want)
		})
	}
}

func TestSentimentCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := SentimentAnalysis().Run(ctx, catalog.JSON([]any{"a happy text"}), io.Discard)
	if err == nil {
		t.Fatal("a cancelled call succeeded")
	}
}

// The shared analyzer must be safe for concurrent calls; run with -race.
func TestSentimentConcurrent(t *testing.T) {
	t.Parallel()
	texts := []string{"I love it!", "I HATE it!!", "Not bad at all :)", "The worst, but kind of fun."}
	want := make([]float64, len(texts))
	for i, s := range texts {
		out, err := runSentimentOn(t, catalog.Text(s))
		if err != nil {
			t.Fatal(err)
		}
		want[i] = out.JSON.(SentimentScore).Compound
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; n < 50; n++ {
				i := (g + n) % len(texts)
				out, err := SentimentAnalysis().Run(context.Background(), catalog.Text(texts[i]), io.Discard)
				if err != nil {
					t.Error(err)
					return
				}
				if c := out.JSON.(SentimentScore).Compound; c != want[i] {
					t.Errorf("concurrent score of %q = %v, want %v", texts[i], c, want[i])
					return
				}
			}
		}()
	}
	wg.Wait()
}

func FuzzSentiment(f *testing.F) {
	for _, s := range []string{"I love it", "not bad", "a", "but", "kind of", "never so good", "😀😀", "!!!???"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := SentimentAnalysis().Run(context.Background(), catalog.Text(s), io.Discard)
		if err != nil {
			if catalog.ErrorType(err) != catalog.InputError {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		if c := out.JSON.(SentimentScore).Compound; c < -1 || c > 1 {
			t.Fatalf("%q: compound %v out of range", s, c)
		}
	})
}
