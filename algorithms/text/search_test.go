package text

import (
	"context"
	"io"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"

	"pipette/algorithms"
	"pipette/algorithms/algotest"
	"pipette/catalog"
)

func runSearchOn(t *testing.T, literal string) []searchHit {
	t.Helper()
	v, err := catalog.DecodeJSON([]byte(literal))
	if err != nil {
		t.Fatalf("bad literal: %v", err)
	}
	return runSearchValue(t, catalog.JSON(v))
}

func runSearchValue(t *testing.T, in catalog.Value) []searchHit {
	t.Helper()
	return algotest.WireResult[[]searchHit](t, Search(), in)
}

func TestSearchCaptionsByMood(t *testing.T) {
	for _, mood := range []string{"happy", "sad", "angry", "fearful", "disgusted", "surprised", "neutral"} {
		hits := runSearchOn(t, `{"query": "`+mood+`", "limit": 20}`)
		if len(hits) != 20 {
			t.Fatalf("%s: %d hits, want 20", mood, len(hits))
		}
		for i, h := range hits {
			if !slices.Contains(h.Tags, mood) {
				t.Errorf("%s: hit %d %q is tagged %v", mood, i, h.Text, h.Tags)
			}
			if i > 0 && h.Score > hits[i-1].Score {
				t.Errorf("%s: hits not best first at %d", mood, i)
			}
		}
	}
}

func TestSearchCaptionsCollectionShape(t *testing.T) {
	cols, err := collections()
	if err != nil {
		t.Fatal(err)
	}
	col := cols["captions"]
	if col == nil || len(col.index.docs) < 300 {
		t.Fatalf("captions collection missing or small: %v", col)
	}
	perMood := map[string]int{}
	ids := map[string]bool{}
	for _, d := range col.index.docs {
		perMood[d.Tags[0]]++
		if ids[d.ID] || strings.TrimSpace(d.Text) == "" {
			t.Errorf("caption %q: duplicate id or empty text", d.ID)
		}
		ids[d.ID] = true
	}
	for _, m := range []string{"happy", "sad", "angry", "fearful", "disgusted", "surprised", "neutral"} {
		if n := perMood[m]; n < 40 {
			t.Errorf("mood %s has %d captions, want at least 40", m, n)
		}
	}
	// The meme chain searches by the labels cv/ObjectDetection writes: the
	// common COCO labels each find a few captions of their own (and
	// "nothing", for a photo where nothing was found).
	for _, label := range []string{"person", "cat", "dog", "cup", "car", "bird", "bicycle", "pizza", "laptop",
		"cell phone", "book", "chair", "bottle", "cake", "horse", "clock", "teddy bear", "airplane", "train",
		"umbrella", "donut", "banana", "couch", "tv", "sandwich", "nothing"} {
		if n := perMood[label]; n < 3 {
			t.Errorf("label %q has %d captions, want at least 3", label, n)
		}
	}
}

func TestSearchBM25HandChecked(t *testing.T) {
	// Query "rocket launch" over four documents (10 terms, avgdl 2.5):
	//   a "rocket launch delayed"  3 terms: rocket 1, launch 1
	//   b "launch party"           2 terms: launch 1
	//   c "rocket rocket engine"   3 terms: rocket 2
	//   d "bakery opens"           no match
	hits := runSearchOn(t, `{"query": "rocket launch", "documents": [
		{"id": "a", "text": "Rocket launch delayed"},
		{"id": "b", "text": "Launch party"},
		{"id": "c", "text": "rocket rocket engine"},
		{"id": "d", "text": "bakery opens"}]}`)
	// df = 2 for both terms, so idf = ln(1 + (4-2+0.5)/(2+0.5)) = ln 2.
	idf := math.Log(2)
	tfPart := func(f, dl float64) float64 {
		return f * (bm25K1 + 1) / (f + bm25K1*(1-bm25B+bm25B*dl/2.5))
	}
	want := map[string]float64{
		"a": idf*tfPart(1, 3) + idf*tfPart(1, 3),
		"b": idf * tfPart(1, 2),
		"c": idf * tfPart(2, 3),
	}
	var order []string
	for _, h := range hits {
		order = append(order, h.ID)
		if math.Abs(h.Score-want[h.ID]) > 1e-4 {
			t.Errorf("%s scored %v, want %.4f", h.ID, h.Score, want[h.ID])
		}
	}
	// a matches both terms; c has rocket twice, which beats b's one launch
	// despite b being shorter.
	if !slices.Equal(order, []string{"a", "c", "b"}) {
		t.Fatalf("order %v, want [a c b] (d matches nothing)", order)
	}
}

func TestSearchStemsAndTags(t *testing.T) {
	docs := `[{"id": "x", "text": "The cats were running home", "tags": ["pets"]},
	          {"id": "y", "text": "A well-known recipe", "tags": ["food"]},
	          "plain string document"]`
	if hits := runSearchOn(t, `{"query": "cat runs", "documents": `+docs+`}`); len(hits) != 1 || hits[0].ID != "x" {
		t.Errorf("stemmed query: got %+v, want x", hits)
	}
	if hits := runSearchOn(t, `{"query": "known", "documents": `+docs+`}`); len(hits) != 1 || hits[0].ID != "y" {
		t.Errorf("hyphen part: got %+v, want y", hits)
	}
	if hits := runSearchOn(t, `{"query": "string", "documents": `+docs+`}`); len(hits) != 1 || hits[0].ID != "2" || len(hits[0].Tags) != 0 {
		t.Errorf("string document: got %+v, want id 2 with no tags", hits)
	}
	// Tags filter; an empty query lists the tagged documents.
	if hits := runSearchOn(t, `{"query": "", "documents": `+docs+`, "tags": ["FOOD"]}`); len(hits) != 1 || hits[0].ID != "y" {
		t.Errorf("tag filter: got %+v, want y", hits)
	}
	hits := runSearchOn(t, `{"query": "coffee", "tags": ["surprised"], "limit": 100}`)
	if len(hits) == 0 {
		t.Fatal("no surprised coffee caption")
	}
	for _, h := range hits {
		if !slices.Contains(h.Tags, "surprised") || !strings.Contains(strings.ToLower(h.Text), "coffee") {
			t.Errorf("hit %+v is not a surprised coffee caption", h)
		}
	}
}

func TestSearchPlainTextQueriesCaptions(t *testing.T) {
	hits := runSearchValue(t, catalog.Text("pizza"))
	if len(hits) == 0 || !strings.Contains(strings.ToLower(hits[0].Text), "pizza") {
		t.Fatalf("plain-text query: got %+v", hits)
	}
	if len(hits) > searchDefaultLimit {
		t.Errorf("%d hits, want at most the default %d", len(hits), searchDefaultLimit)
	}
}

func TestSearchBadInput(t *testing.T) {
	for literal, wantIn := range map[string]string{
		`{"query": "cat", "collection": "quotes"}`:                       "captions",
		`{"query": "cat", "collection": "captions", "documents": ["a"]}`: "not both",
		`{"query": "  "}`:                                                                   "no words",
		`{"query": "cat", "limit": 0}`:                                                      "limit",
		`{"query": "cat", "documents": [3]}`:                                                "documents[0]",
		`{"query": "cat", "documents": [{"id": "a"}]}`:                                      "no \"text\"",
		`{"query": "cat", "documents": [{"text": "a", "lang": "en"}]}`:                      "unknown field",
		`{"query": "cat", "documents": [{"id": 1, "text": "a"}, {"id": "1", "text": "b"}]}`: "unique",
		`{"query": "cat", "colour": "red"}`:                                                 "colour",
	} {
		v, err := catalog.DecodeJSON([]byte(literal))
		if err != nil {
			t.Fatal(err)
		}
		_, err = Search().Run(context.Background(), catalog.JSON(v), io.Discard)
		if catalog.ErrorType(err) != catalog.InputError || !strings.Contains(err.Error(), wantIn) {
			t.Errorf("%s: got %v, want an InputError mentioning %q", literal, err, wantIn)
		}
	}
}

func TestSearchCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Search().Run(ctx, catalog.Text("cat"), nil); err == nil {
		t.Fatal("a cancelled context should stop the search")
	}
}

// Each sample runs through a Registry, as the Try tab and the server run it.
func TestSearchSamplesRunThroughRegistry(t *testing.T) {
	entries := algotest.RunSamples(t, []algorithms.Algorithm{Search()}, func(t *testing.T, e catalog.Entry, i int, out catalog.Value) {
		if list, ok := out.JSON.([]searchHit); !ok || len(list) == 0 {
			t.Errorf("sample %q returned %s, want hits", e.Samples[i].Name, out.Summary(80))
		}
	})
	if v := entries[0].Ref.Version; v != "1.0.0" {
		t.Fatalf("entry incomplete: version %s", v)
	}
}

func BenchmarkSearch(b *testing.B) {
	algotest.BenchmarkSample(b, Search(), 0)
}

// The shipped collection's index is shared; concurrent searches only read it.
func TestSearchConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for _, q := range []string{"cat", "happy dog", "coffee", "rocket", "pizza", "sad"} {
		wg.Go(func() {
			for range 20 {
				if _, err := Search().Run(context.Background(), catalog.Text(q), io.Discard); err != nil {
					t.Errorf("%s: %v", q, err)
					return
				}
			}
		})
	}
	wg.Wait()
}

// Any query gets hits or an InputError, never a panic or another error.
func FuzzSearchQuery(f *testing.F) {
	for _, s := range []string{"cat", "", "it’s", "well-known", "日本", "\xff", "happy happy happy", "--"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		out, err := Search().Run(context.Background(), catalog.Text(q), io.Discard)
		if err != nil {
			if catalog.ErrorType(err) != catalog.InputError {
				t.Fatalf("%q: %v", q, err)
			}
			return
		}
		if _, err := out.WireResult(); err != nil {
			t.Fatalf("%q: %v", q, err)
		}
	})
}
