package text

import (
	"testing"

	"pipette/algorithms/algotest"
)

// Fuzz targets of each algorithm's input and options: go test -fuzz=^Fuzz<Name>Input$ ./algorithms/text (see algotest.Fuzz).

func FuzzSearchInput(f *testing.F) { algotest.Fuzz(f, Search()) }
