package nlp

import (
	"testing"

	"pipette/algorithms/algotest"
)

// Every sample shown in the catalog must run cleanly through the registry,
// the way the TUI's Try tab and the server run it.
func TestEverySampleRuns(t *testing.T) {
	algotest.RunSamples(t, All(), nil)
	for _, a := range textAlgorithms() {
		if a.Entry.Ref.Version != "1.0.0" {
			t.Errorf("%s: want version 1.0.0", a.Entry.Ref)
		}
	}
}
