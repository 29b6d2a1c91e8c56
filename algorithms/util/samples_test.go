package util

import (
	"context"
	"testing"

	"pipette/algorithms"
	"pipette/catalog"
)

// Every sample shown in the catalog must run cleanly through the registry,
// the way the TUI's Try tab and the server run it.
func TestEverySampleRuns(t *testing.T) {
	reg := algorithms.NewRegistry("test")
	reg.Register(All()...)
	entries, err := reg.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if len(e.Samples) < 2 {
			t.Errorf("%s has %d samples, want at least 2", e.Ref.Path(), len(e.Samples))
		}
		if e.Docs == "" || e.Tagline == "" || len([]rune(e.Tagline)) >= 60 {
			t.Errorf("%s: docs or tagline missing, or tagline %d runes long", e.Ref.Path(), len([]rune(e.Tagline)))
		}
		for _, s := range e.Samples {
			t.Run(e.Ref.Name+"/"+s.Name, func(t *testing.T) {
				out, err := reg.Run(context.Background(), e.Ref, s.Input)
				if err != nil {
					t.Fatalf("sample %q: %v", s.Name, err)
				}
				if _, err := out.Value.WireResult(); err != nil {
					t.Fatalf("sample %q: result does not encode: %v", s.Name, err)
				}
				if out.Value.Kind == catalog.KindVoid || out.Value.IsZero() {
					t.Errorf("sample %q returned nothing", s.Name)
				}
			})
		}
	}
}
