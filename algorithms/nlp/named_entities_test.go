package nlp

import (
	"context"
	"io"
	"strings"
	"sync"
	"testing"

	"pipette/algorithms/algotest"
	"pipette/catalog"
)

func runNER(t *testing.T, in catalog.Value) NamedEntitiesResult {
	t.Helper()
	return algotest.Result[NamedEntitiesResult](t, NamedEntities(), in)
}

func findEntity(res NamedEntitiesResult, text string) (NamedEntity, bool) {
	for _, e := range res.Entities {
		if e.Text == text {
			return e, true
		}
	}
	return NamedEntity{}, false
}

func TestNamedEntitiesPersonAndPlaces(t *testing.T) {
	t.Parallel()
	text := "Apple was founded by Steve Jobs in Cupertino, California."
	res := runNER(t, catalog.Text(text))
	want := map[string]string{"Steve Jobs": "PERSON", "Cupertino": "GPE", "California": "GPE"}
	for name, label := range want {
		e, ok := findEntity(res, name)
		if !ok {
			t.Errorf("%q not found in %+v", name, res.Entities)
			continue
		}
		if e.Label != label {
			t.Errorf("%q labelled %s, want %s", name, e.Label, label)
		}
	}
	if res.Tokens != nil {
		t.Errorf("tokens returned without being asked for")
	}
}

func TestNamedEntitiesOffsetsSliceBack(t *testing.T) {
	t.Parallel()
	texts := []string{
		"Angela Merkel met Emmanuel Macron in Berlin on Tuesday.\nLater, Macron travelled on to Madrid.",
		"“Apple” said Tim Cook’s team in New York City.",             // curly quotes are rewritten by prose's tokenizer
		"Café owners in Zürich, Switzerland welcomed Angela Merkel.", // multi-byte runes before entities
		"  \tI met Steve Jobs", // entity at the very end, leading blanks
	}
	for _, text := range texts {
		res := runNER(t, catalog.Text(text))
		if len(res.Entities) == 0 {
			t.Errorf("%q: no entities", text)
		}
		last := 0
		for _, e := range res.Entities {
			if e.Start < last || e.End <= e.Start || e.End > len(text) {
				t.Fatalf("%q: entity %+v out of order or out of range", text, e)
			}
			if got := text[e.Start:e.End]; got != e.Text {
				t.Errorf("%q: text[%d:%d] = %q, entity says %q", text, e.Start, e.End, got, e.Text)
			}
			last = e.End
		}
	}
}

func TestNamedEntitiesTrailingEntityKept(t *testing.T) {
	t.Parallel()
	res := runNER(t, catalog.Text("Yesterday I met Steve Jobs"))
	if e, ok := findEntity(res, "Steve Jobs"); !ok || e.Label != "PERSON" {
		t.Errorf("entities = %+v, want Steve Jobs/PERSON at the end", res.Entities)
	}
}

// The model often labels only a surname; the chunker takes the first name in.
func TestNamedEntitiesWholeName(t *testing.T) {
	t.Parallel()
	res := runNER(t, catalog.Text("Commander Eileen Collins flew to Houston, Texas."))
	e, ok := findEntity(res, "Commander Eileen Collins")
	if !ok || e.Label != "PERSON" || e.Start != 0 {
		t.Errorf("entities = %+v, want Commander Eileen Collins/PERSON at 0", res.Entities)
	}
	if e, ok := findEntity(res, "Texas"); !ok || e.Label != "GPE" {
		t.Errorf("entities = %+v, want Texas/GPE", res.Entities)
	}
}

func TestNamedEntitiesTokens(t *testing.T) {
	t.Parallel()
	text := "Barack Obama flew to Paris on Monday."
	res := runNER(t, catalog.JSON(map[string]any{"text": text, "tokens": true}))
	wantTags := []string{"NNP", "NNP", "VBD", "TO", "NNP", "IN", "NNP", "."}
	if len(res.Tokens) != len(wantTags) {
		t.Fatalf("tokens = %+v, want %d", res.Tokens, len(wantTags))
	}
	for i, tok := range res.Tokens {
		if tok.Tag != wantTags[i] {
			t.Errorf("token %q tagged %s, want %s", tok.Text, tok.Tag, wantTags[i])
		}
		if text[tok.Start:tok.End] != tok.Text {
			t.Errorf("token %+v does not slice back", tok)
		}
	}
	if e, ok := findEntity(res, "Barack Obama"); !ok || e.Label != "PERSON" || e.Start != 0 || e.End != 12 {
		t.Errorf("entities = %+v", res.Entities)
	}
}

func TestNamedEntitiesNoEntities(t *testing.T) {
	t.Parallel()
	res := runNER(t, catalog.Text("the cat sat on the mat and then it slept."))
	if res.Entities == nil || len(res.Entities) != 0 {
		t.Errorf("entities = %#v, want an empty (non-null) list", res.Entities)
	}
	norm, err := catalog.JSON(res).Normalize()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := norm.JSON.(map[string]any)["entities"].([]any); !ok {
		t.Errorf("wire form = %v, want entities: []", norm.JSON)
	}
}

// A long text is tagged in chunks; entities in every chunk must keep
// offsets into the whole input.
func TestNamedEntitiesLongTextChunks(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	for b.Len() < 3*nerChunkN {
		b.WriteString("Angela Merkel visited Madrid in the spring. The weather was mild and the talks went well.\n")
	}
	text := b.String()
	res := runNER(t, catalog.Text(text))
	n := strings.Count(text, "Angela Merkel")
	got := 0
	for _, e := range res.Entities {
		if text[e.Start:e.End] != e.Text {
			t.Fatalf("entity %+v does not slice back", e)
		}
		if e.Text == "Angela Merkel" {
			got++
		}
	}
	if got != n {
		t.Errorf("found Angela Merkel %d times, the text has her %d times", got, n)
	}
}

func TestNerChunksCoverText(t *testing.T) {
	t.Parallel()
	text := strings.Repeat("Word after word. ", 100) + strings.Repeat("x", 300) + "é" + strings.Repeat("y", 50)
	spans := nerChunks(text, 128)
	at := 0
	for _, s := range spans {
		if s[0] != at || s[1] <= s[0] || s[1]-s[0] > 128 {
			t.Fatalf("span %v after %d", s, at)
		}
		at = s[1]
	}
	if at != len(text) {
		t.Fatalf("spans end at %d, text is %d bytes", at, len(text))
	}
}

func TestNamedEntitiesModelLoadsOnce(t *testing.T) {
	// Not parallel with a fresh counter: other tests may load it first, which
	// is the point — however many calls, one load.
	runNER(t, catalog.Text("Steve Jobs lived in California."))
	runNER(t, catalog.Text("Barack Obama lived in Washington."))
	if n := nerLoads.Load(); n != 1 {
		t.Errorf("the model was built %d times, want 1", n)
	}
}

func TestNamedEntitiesConcurrent(t *testing.T) {
	t.Parallel()
	text := "Steve Jobs and Steve Wozniak started the company in Los Altos, California."
	want := runNER(t, catalog.Text(text))
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; n < 10; n++ {
				out, err := NamedEntities().Run(context.Background(), catalog.Text(text), io.Discard)
				if err != nil {
					t.Error(err)
					return
				}
				if got := out.JSON.(NamedEntitiesResult); len(got.Entities) != len(want.Entities) {
					t.Errorf("concurrent call found %+v, want %+v", got.Entities, want.Entities)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestNamedEntitiesBadInput(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		in   catalog.Value
		want string
	}{
		{"empty", catalog.Text(" "), "empty"},
		{"number", catalog.JSON(3.0), "number"},
		{"list", catalog.JSON([]any{"a"}), "list"},
		{"unknown option", catalog.JSON(map[string]any{"text": "hi", "labels": true}), "labels"},
		{"tokens not bool", catalog.JSON(map[string]any{"text": "hi", "tokens": "yes"}), "tokens"},
		{"not utf-8", catalog.Bytes([]byte{0xff, 0xfe}), "UTF-8"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := NamedEntities().Run(context.Background(), c.in, io.Discard)
			algotest.WantError(t, err, catalog.InputError, c.want)
		})
	}
}

func TestNamedEntitiesCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := NamedEntities().Run(ctx, catalog.Text("Steve Jobs"), io.Discard); err == nil {
		t.Error("a cancelled call succeeded")
	}
}

func FuzzNamedEntities(f *testing.F) {
	for _, s := range []string{"Steve Jobs", "“Apple” said Tim Cook’s team", "&rsquo;Paris&rsquo; and Berlin", "Zürich\tGeneva\n\nBern", "U.S. Army 11", "(Barack Obama)", "\u2019\u2019\u201c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := NamedEntities().Run(context.Background(), catalog.Text(s), io.Discard)
		if err != nil {
			if catalog.ErrorType(err) != catalog.InputError {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		last := 0
		for _, e := range out.JSON.(NamedEntitiesResult).Entities {
			if e.Start < last || e.End < e.Start || e.End > len(s) || s[e.Start:e.End] != e.Text {
				t.Fatalf("%q: entity %+v does not slice back in order", s, e)
			}
			last = e.End
		}
	})
}
