package pipette

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"pipette/algorithms/builtin"
	"pipette/catalog"
	"pipette/server"
)

// Another pipette's algorithms move under the source's name and keep
// their versions, docs and samples; calls reach the server.
func TestAnotherPipette(t *testing.T) {
	t.Parallel()
	reg := builtin.Registry()
	srv := httptest.NewServer(server.New(server.Config{Source: reg, Runner: reg}))
	defer srv.Close()
	s, err := New("lab", srv.URL, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := s.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	local, _ := reg.List(context.Background())
	if len(entries) != len(local) {
		t.Errorf("%d entries, the server has %d", len(entries), len(local))
	}
	e, err := s.Get(context.Background(), "nlp/SentimentAnalysis")
	if err != nil {
		t.Fatal(err)
	}
	if e.Ref.String() != "lab/nlp~SentimentAnalysis/1.0.0" || e.Source != "lab" || len(e.Samples) == 0 || !strings.Contains(e.Docs, "Sentiment") {
		t.Errorf("entry %+v", e)
	}
	out, err := s.Stream(context.Background(), e, catalog.Text("what a great day"), nil)
	if err != nil || out.Version != "1.0.0" || out.Value.JSON.(map[string]any)["compound"].(float64) <= 0 {
		t.Errorf("call = %+v, %v", out, err)
	}
	if _, err := s.Get(context.Background(), "nlp/Nope"); catalog.ErrorType(err) != catalog.EntityNotFoundError {
		t.Errorf("Get(unknown) = %v", err)
	}
	srv.Close()
	if _, err := s.List(context.Background()); err == nil || !strings.Contains(err.Error(), "cannot reach pipette at "+srv.URL) {
		t.Errorf("List of a stopped server = %v", err)
	}
}
