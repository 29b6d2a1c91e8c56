package image

import (
	"context"
	"testing"

	"pipette/algorithms"
	"pipette/catalog"
)

// utilityAlgorithms lists the image utilities (OverlayText has its own
// tests); each must run every one of its samples through a real registry.
func utilityAlgorithms() []algorithms.Algorithm {
	return []algorithms.Algorithm{Transform(), DominantColors(), PerceptualHash(), Metadata()}
}

func TestUtilitySamplesRunThroughRegistry(t *testing.T) {
	t.Parallel()
	r := algorithms.NewRegistry("test")
	r.Register(utilityAlgorithms()...)
	for _, a := range utilityAlgorithms() {
		e := a.Entry
		if len(e.Samples) < 2 {
			t.Errorf("%s has %d samples, want at least 2", e.Ref, len(e.Samples))
		}
		if e.Docs == "" || e.License == "" || e.Tagline == "" || len([]rune(e.Tagline)) >= 60 {
			t.Errorf("%s lacks docs, license or a tagline under 60 characters", e.Ref)
		}
		if e.Ref.Version != "1.0.0" || len(e.InputSchema) == 0 {
			t.Errorf("%s: version %q, input schema %d bytes; want 1.0.0 and a schema", e.Ref, e.Ref.Version, len(e.InputSchema))
		}
		for _, s := range e.Samples {
			out, err := r.Run(context.Background(), catalog.Ref{Owner: e.Ref.Owner, Name: e.Ref.Name}, s.Input)
			if err != nil {
				t.Errorf("%s sample %q: %v", e.Ref, s.Name, err)
				continue
			}
			if e.OutputKind != catalog.KindAny && out.Value.Kind != e.OutputKind {
				t.Errorf("%s sample %q returned %s, want %s", e.Ref, s.Name, out.Value.Kind, e.OutputKind)
			}
		}
	}
}
