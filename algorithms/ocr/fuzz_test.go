package ocr

import (
	"testing"

	"pipette/algorithms/algotest"
)

// Fuzz targets of each algorithm's input and options: go test -fuzz=^Fuzz<Name>Input$ ./algorithms/ocr (see algotest.Fuzz).

func FuzzExtractTextInput(f *testing.F) { algotest.Fuzz(f, ExtractText()) }
