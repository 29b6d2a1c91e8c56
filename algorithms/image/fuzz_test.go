package image

import (
	"testing"

	"pipette/algorithms/algotest"
)

// Fuzz targets of each algorithm's input and options: go test -fuzz=^Fuzz<Name>Input$ ./algorithms/image (see algotest.Fuzz).

func FuzzOverlayTextInput(f *testing.F) { algotest.Fuzz(f, OverlayText()) }

func FuzzTransformInput(f *testing.F) { algotest.Fuzz(f, Transform()) }

func FuzzDominantColorsInput(f *testing.F) { algotest.Fuzz(f, DominantColors()) }

func FuzzPerceptualHashInput(f *testing.F) { algotest.Fuzz(f, PerceptualHash()) }

func FuzzMetadataInput(f *testing.F) { algotest.Fuzz(f, Metadata()) }

func FuzzDrawBoxesInput(f *testing.F) { algotest.Fuzz(f, DrawBoxes()) }
