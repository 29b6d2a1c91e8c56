package cv

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"pipette/algorithms"
	"pipette/catalog"
)

// Every sample runs through a registry, as the TUI and the server run it,
// shows what the docs promise, and the first sample gives SampleOutput.
func TestSamples(t *testing.T) {
	t.Parallel()
	reg := algorithms.NewRegistry("test")
	reg.Register(All()...)
	entries, err := reg.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		t.Fatalf("registered %d algorithms, want 2", len(entries))
	}
	for _, e := range entries {
		if e.Ref.Version != "1.0.0" || e.Docs == "" || e.License != "MIT" || len(e.Samples) < 2 {
			t.Errorf("%s: incomplete entry (version %q, %d docs bytes, license %q, %d samples)",
				e.Ref.Path(), e.Ref.Version, len(e.Docs), e.License, len(e.Samples))
		}
		for _, section := range []string{"## Input", "## Output", "## Example", "## Limitations", "## Origin and license"} {
			if !strings.Contains(e.Docs, section) {
				t.Errorf("%s: docs lack %q", e.Ref.Path(), section)
			}
		}
		for _, schema := range []json.RawMessage{e.InputSchema, e.OutputSchema} {
			if !json.Valid(schema) {
				t.Errorf("%s: schema is not valid JSON", e.Ref.Path())
			}
		}
		for i, s := range e.Samples {
			out, err := reg.Run(context.Background(), e.Ref, s.Input)
			if err != nil {
				t.Errorf("%s sample %q: %v", e.Ref.Path(), s.Name, err)
				continue
			}
			v, err := out.Value.Normalize()
			if err != nil {
				t.Fatal(err)
			}
			res := v.JSON.(map[string]any)
			faces := res["faces"].([]any)
			if len(faces) != 1 {
				t.Errorf("%s sample %q: %d faces, want 1: %v", e.Ref.Path(), s.Name, len(faces), res)
			}
			if e.Ref.Name == "FaceExpression" {
				want := []string{"happy", "neutral"}[i]
				if res["mood"] != want {
					t.Errorf("%s sample %q: mood %v, want %s", e.Ref.Path(), s.Name, res["mood"], want)
				}
			}
			if i == 0 {
				want, err := catalog.DecodeJSON([]byte(e.SampleOutput))
				if err != nil {
					t.Fatalf("%s: SampleOutput: %v", e.Ref.Path(), err)
				}
				if !reflect.DeepEqual(v.JSON, want) {
					got, _ := catalog.MarshalJSON(v.JSON)
					t.Errorf("%s: first sample gives\n%s\nbut SampleOutput says\n%s", e.Ref.Path(), got, e.SampleOutput)
				}
			}
		}
	}
}
