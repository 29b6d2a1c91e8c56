package nlp

import (
	"context"
	"reflect"
	"testing"

	"pipette/catalog"
)

func TestRakeHandComputed(t *testing.T) {
	// Candidates: [deep learning] [popular] [deep learning] [hungry] [data] [hungry].
	// deg/freq: deep 4/2, learning 4/2, popular 1/1, hungry 2/2, data 1/1.
	var res keywordsResult
	runInto(t, KeywordExtraction(), catalog.Text("Deep learning is popular. Deep learning is hungry. Data is hungry too."), &res)
	want := []keyword{
		{Text: "deep learning", Score: 4, Count: 2},
		{Text: "hungry", Score: 1, Count: 2},
		{Text: "popular", Score: 1, Count: 1},
		{Text: "data", Score: 1, Count: 1},
	}
	if !reflect.DeepEqual(res.Keywords, want) {
		t.Fatalf("got %+v\nwant %+v", res.Keywords, want)
	}
}

func TestRakeFindsTheObviousPhrase(t *testing.T) {
	text := `Our town voted for solar panels on every school. The solar panels will cut the
electricity bill, and pupils can watch the solar panels' output on a screen. Critics say the
money should go to teachers; supporters say that solar panels will pay for themselves.`
	var res keywordsResult
	runInto(t, KeywordExtraction(), mustJSON(t, `{"text": `+jsonQuote(text)+`, "limit": 3, "metric": "degree"}`), &res)
	if len(res.Keywords) != 3 || res.Keywords[0].Text != "solar panels" || res.Keywords[0].Count != 4 {
		t.Fatalf("got %+v, want \"solar panels\" (4 times) first of 3", res.Keywords)
	}
	for _, k := range res.Keywords {
		if k.Text != normalizeWord(k.Text) {
			t.Errorf("phrase %q is not lower-cased", k.Text)
		}
	}
}

func TestRakeSplitsAtPunctuationAndLength(t *testing.T) {
	kws, err := rake(context.Background(), "Red apples, green pears; ripe golden yellow bananas", 2, rakeMetrics["degree/frequency"])
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, k := range kws {
		got[k.Text] = true
	}
	if !got["red apples"] || !got["green pears"] || got["apples green"] || got["ripe golden yellow bananas"] || len(kws) != 2 {
		t.Fatalf("got %+v: want the two 2-word phrases, split at the comma, without the 4-word one", kws)
	}
}

func TestKeywordsBadOptions(t *testing.T) {
	for _, in := range []string{
		`{"text": "Deep learning.", "limit": 0}`,
		`{"text": "Deep learning.", "max_words": 11}`,
		`{"text": "Deep learning.", "metric": "tfidf"}`,
	} {
		wantInputError(t, KeywordExtraction(), mustJSON(t, in))
	}
}

func TestKeywordsCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := KeywordExtraction().Run(ctx, catalog.Text(apolloText), nil); err == nil {
		t.Fatal("a cancelled context should stop the extraction")
	}
}
