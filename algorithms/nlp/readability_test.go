package nlp

import (
	"context"
	"math"
	"testing"

	"pipette/catalog"
)

func TestSyllables(t *testing.T) {
	for w, want := range map[string]int{
		"the": 1, "cat": 1, "happy": 2, "beautiful": 3, "table": 2, "make": 1, "makes": 1,
		"jumped": 1, "wanted": 2, "boxes": 2, "readability": 5, "syllable": 3, "queue": 1,
		"people": 2, "free": 1, "lovely": 2, "created": 3, "well-known": 2, "It’s": 1,
		"café": 2, "1969": 1, "extraordinary": 5, "computer": 3, "Apollo": 3,
	} {
		if got := syllables(w); got != want {
			t.Errorf("syllables(%q) = %d, want %d", w, got, want)
		}
	}
}

func TestReadabilityHandComputed(t *testing.T) {
	// The cat sat on the mat | It was a beautiful happy cat: 6 + 6 = 12 words,
	// syllables 6 + (1+1+1+3+2+1) = 15, letters 3+3+3+2+3+3 + 2+3+1+9+5+3 = 40,
	// one polysyllable ("beautiful"), which is also complex.
	text := "The cat sat on the mat. It was a beautiful happy cat."
	var res readabilityResult
	runInto(t, Readability(), catalog.Text(text), &res)
	want := readabilityCounts{Sentences: 2, Words: 12, Syllables: 15, ComplexWords: 1, Polysyllables: 1, Characters: 40}
	if res.Counts != want {
		t.Fatalf("counts %+v, want %+v", res.Counts, want)
	}
	// By hand: W/S = 6, Y/W = 1.25, C/W = P/W = 1/12, Ch/W = 40/12.
	for name, c := range map[string]struct{ got, want float64 }{
		"flesch_kincaid_grade": {res.Scores.FleschKincaidGrade, 0.39*6 + 11.8*1.25 - 15.59},                // 1.5
		"flesch_reading_ease":  {res.Scores.FleschReadingEase, 206.835 - 1.015*6 - 84.6*1.25},              // 94.995
		"gunning_fog":          {res.Scores.GunningFog, 0.4 * (6 + 100.0/12)},                              // 5.733
		"smog":                 {res.Scores.SMOG, 1.0430*math.Sqrt(15) + 3.1291},                           // 7.168
		"coleman_liau":         {res.Scores.ColemanLiau, 0.0588*(100*40.0/12) - 0.296*(100*2.0/12) - 15.8}, // -0.133
		"ari":                  {res.Scores.ARI, 4.71*40.0/12 + 0.5*6 - 21.43},                             // -2.73
	} {
		if math.Abs(c.got-c.want) > 0.006 {
			t.Errorf("%s = %v, want %.3f", name, c.got, c.want)
		}
	}
	if res.Ease != "very easy" {
		t.Errorf("ease %q for %.1f, want very easy", res.Ease, res.Scores.FleschReadingEase)
	}
}

func TestReadabilityOrdersTexts(t *testing.T) {
	grade := func(in catalog.Value) float64 {
		var res readabilityResult
		runInto(t, Readability(), in, &res)
		return res.Grade
	}
	samples := Readability().Entry.Samples
	child, legal := grade(samples[1].Input), grade(samples[2].Input)
	if !(child < 3 && legal > 16) {
		t.Fatalf("children's story grade %.1f, legal prose %.1f: want < 3 and > 16", child, legal)
	}
}

func TestComplexWordExclusions(t *testing.T) {
	for _, c := range []struct {
		word  string
		first bool
		want  bool
	}{
		{"beautiful", false, true},
		{"Beautiful", true, true},
		{"Washington", false, false}, // proper noun
		{"well-established", false, false},
		{"commuted", false, false}, // com-mu-ted only with -ed
		{"educated", false, true},  // ed-u-cat-ed: still three without -ed
	} {
		if got := isComplexWord(c.word, c.first); got != c.want {
			t.Errorf("isComplexWord(%q, first=%v) = %v, want %v", c.word, c.first, got, c.want)
		}
	}
}

func TestReadabilityRejectsWordlessText(t *testing.T) {
	wantInputError(t, Readability(), catalog.Text("... !!! ???"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Readability().Run(ctx, catalog.Text("One. Two."), nil); err == nil {
		t.Fatal("a cancelled context should stop the count")
	}
}
