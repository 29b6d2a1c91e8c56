package stats

import (
	"testing"

	"pipette/algorithms/algotest"
)

// Fuzz targets of each algorithm's input and options: go test -fuzz=^Fuzz<Name>Input$ ./algorithms/stats (see algotest.Fuzz).

func FuzzTimeSeriesInput(f *testing.F) { algotest.Fuzz(f, TimeSeries()) }
