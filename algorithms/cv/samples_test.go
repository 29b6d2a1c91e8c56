package cv

import (
	"reflect"
	"strings"
	"testing"

	"pipette/algorithms/algotest"
	"pipette/catalog"
)

// Every sample runs through a registry, as the TUI and the server run it,
// shows what the docs promise, and the first sample gives SampleOutput.
func TestSamples(t *testing.T) {
	t.Parallel()
	entries := algotest.RunSamples(t, All(), func(t *testing.T, e catalog.Entry, i int, out catalog.Value) {
		s := e.Samples[i]
		v, err := out.Normalize()
		if err != nil {
			t.Fatal(err)
		}
		res := v.JSON.(map[string]any)
		if e.Ref.Name == "ObjectDetection" {
			checkObjectSample(t, i, res)
		} else if faces := res["faces"].([]any); len(faces) != 1 {
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
	})
	if len(entries) != 3 {
		t.Fatalf("registered %d algorithms, want 3", len(entries))
	}
	for _, e := range entries {
		if e.Ref.Version != "1.0.0" || e.License == "" || len(e.OutputSchema) == 0 {
			t.Errorf("%s: incomplete entry (version %q, license %q, %d bytes of output schema)",
				e.Ref.Path(), e.Ref.Version, e.License, len(e.OutputSchema))
		}
		for _, section := range []string{"## Input", "## Output", "## Example", "## Limitations", "## Origin and license"} {
			if !strings.Contains(e.Docs, section) {
				t.Errorf("%s: docs lack %q", e.Ref.Path(), section)
			}
		}
	}
}
