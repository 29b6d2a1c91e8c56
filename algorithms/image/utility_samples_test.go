package image

import (
	"slices"
	"testing"

	"pipette/algorithms/algotest"
	"pipette/catalog"
)

// Every algorithm of All() runs each of its samples through a real registry
// and returns its promised kind; OverlayText's samples keep the image's size.
func TestSamplesRunThroughRegistry(t *testing.T) {
	t.Parallel()
	entries := algotest.RunSamples(t, All(), func(t *testing.T, e catalog.Entry, i int, out catalog.Value) {
		if e.OutputKind != catalog.KindAny && out.Kind != e.OutputKind {
			t.Errorf("%s sample %q returned %s, want %s", e.Ref, e.Samples[i].Name, out.Kind, e.OutputKind)
		}
		if e.Ref.Name == "OverlayText" || e.Ref.Name == "DrawBoxes" {
			overlaySampleSized(t, e, i, out)
		}
	})
	for _, e := range entries {
		if e.Ref.Version != "1.0.0" {
			t.Errorf("%s: version %q; want 1.0.0", e.Ref, e.Ref.Version)
		}
	}
	if !slices.ContainsFunc(entries, func(e catalog.Entry) bool { return e.Ref.Name == "OverlayText" }) {
		t.Error("OverlayText is not registered by All()")
	}
}
