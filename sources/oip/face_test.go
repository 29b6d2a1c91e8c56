package oip

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"pipette/algorithms/builtin"
	"pipette/catalog"
	"pipette/server"
)

// The OIP source reads pipette's own /v2 face: the whole built-in catalog
// as OIP models, each callable with the sample made from its metadata.
func TestAgainstPipettesFace(t *testing.T) {
	t.Parallel()
	reg := builtin.New()
	ts := httptest.NewServer(server.New(server.Config{Source: reg, Runner: reg}))
	defer ts.Close()
	s, err := New("pip", ts.URL, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := s.Probe(context.Background()); err != nil || !strings.HasPrefix(v, "pipette ") {
		t.Errorf("Probe = %q, %v", v, err)
	}
	entries, err := s.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	local, _ := reg.List(context.Background())
	if len(entries) != len(local) {
		t.Errorf("%d models, the server has %d", len(entries), len(local))
	}
	e, err := s.Get(context.Background(), "nlp~SentimentAnalysis")
	if err != nil {
		t.Fatal(err)
	}
	if e.Ref.String() != "pip/nlp!7ESentimentAnalysis" || e.Model.Family != "pipette" || !strings.Contains(e.Docs, "| input | BYTES | [1] |") {
		t.Errorf("entry %s, docs:\n%s", e.Ref, e.Docs)
	}
	for _, in := range []catalog.Value{e.Samples[0].Input, catalog.JSON(map[string]any{"input": []any{"what a great day"}}), catalog.Text("what a great day")} {
		out, err := s.Stream(context.Background(), e, in, nil)
		if err != nil {
			t.Fatalf("%s: %v", in.Summary(80), err)
		}
		b, _ := json.Marshal(out.Value.JSON)
		if !strings.Contains(string(b), `"model_name":"nlp~SentimentAnalysis"`) || !strings.Contains(string(b), `"content_type":"json"`) {
			t.Errorf("%s: %s", in.Summary(80), b)
		}
	}
}
