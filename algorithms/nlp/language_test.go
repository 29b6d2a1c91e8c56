package nlp

import (
	"context"
	"testing"

	"pipette/catalog"
)

func TestLanguageDetectionSentences(t *testing.T) {
	for _, c := range []struct {
		text, code, name, script string
	}{
		{"The weather was lovely this morning, so we walked to the market and bought fresh bread.", "eng", "English", "Latin"},
		{"Nous avons passé la soirée à discuter de livres et de voyages avec nos voisins.", "fra", "French", "Latin"},
		{"Mañana por la mañana vamos a visitar a mis abuelos que viven cerca del río.", "spa", "Spanish", "Latin"},
		{"Вечером мы долго гуляли по набережной и разговаривали о книгах.", "rus", "Russian", "Cyrillic"},
		{"昨日は友達と一緒に駅の近くの新しいレストランで晩ご飯を食べました。", "jpn", "Japanese", "Hiragana/Katakana"},
	} {
		var res languageResult
		runInto(t, LanguageDetection(), catalog.Text(c.text), &res)
		if res.Code != c.code || res.Name != c.name || res.Script != c.script {
			t.Errorf("%q: got %s %s %s, want %s %s %s", c.text, res.Code, res.Name, res.Script, c.code, c.name, c.script)
		}
		if res.Confidence <= 0 || len(res.Candidates) == 0 || res.Candidates[0].Code != res.Code {
			t.Errorf("%q: confidence %v, candidates %+v", c.text, res.Confidence, res.Candidates)
		}
	}
}

func TestLanguageDetectionCandidatesAndFilter(t *testing.T) {
	var res languageResult
	text := "Am Wochenende fahren wir mit dem Zug in die Berge, weil das Wetter endlich besser werden soll."
	runInto(t, LanguageDetection(), mustJSON(t, `{"text": `+jsonQuote(text)+`, "candidates": 4, "languages": ["deu", "dan", "nld", "eng"]}`), &res)
	if res.Code != "deu" || res.ISO6391 != "de" {
		t.Errorf("got %s, want deu", res.Code)
	}
	if len(res.Candidates) != 4 {
		t.Fatalf("got %d candidates %+v, want all 4 allowed languages", len(res.Candidates), res.Candidates)
	}
	seen := map[string]bool{}
	for _, c := range res.Candidates {
		if seen[c.Code] || !map[string]bool{"deu": true, "dan": true, "nld": true, "eng": true}[c.Code] {
			t.Errorf("candidate %s repeated or outside the filter: %+v", c.Code, res.Candidates)
		}
		seen[c.Code] = true
	}

	// Japanese has no runner-up in its script.
	runInto(t, LanguageDetection(), mustJSON(t, `{"text": "ありがとうございます。また明日会いましょう。", "candidates": 5}`), &res)
	if len(res.Candidates) != 1 {
		t.Errorf("kana text: %d candidates %+v, want 1", len(res.Candidates), res.Candidates)
	}
}

func TestLanguageDetectionUndetermined(t *testing.T) {
	var res languageResult
	runInto(t, LanguageDetection(), catalog.Text("12345 !!! 67"), &res)
	if res.Code != "und" || res.Script != "" || res.Reliable || len(res.Candidates) != 0 {
		t.Errorf("digits: got %+v, want und with no script or candidates", res)
	}
}

func TestLanguageDetectionBadOptions(t *testing.T) {
	wantInputError(t, LanguageDetection(), mustJSON(t, `{"text": "Hello there.", "languages": ["english"]}`))
	wantInputError(t, LanguageDetection(), mustJSON(t, `{"text": "Hello there.", "candidates": 0}`))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := LanguageDetection().Run(ctx, mustJSON(t, `{"text": "Das ist ein Satz.", "candidates": 5}`), nil); err == nil {
		t.Error("a cancelled context should stop the candidate search")
	}
}
