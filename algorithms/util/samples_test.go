package util

import (
	"testing"

	"pipette/algorithms/algotest"
)

// Every sample shown in the catalog must run cleanly through the registry,
// the way the TUI's Try tab and the server run it; QR codes made by a sample
// must read back.
func TestEverySampleRuns(t *testing.T) {
	t.Parallel()
	algotest.RunSamples(t, All(), qrSampleDecodes)
}
