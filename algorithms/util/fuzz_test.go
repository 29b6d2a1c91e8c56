package util

import (
	"testing"

	"pipette/algorithms/algotest"
)

// Fuzz targets of each algorithm's input and options: go test -fuzz=^Fuzz<Name>Input$ ./algorithms/util (see algotest.Fuzz).

func FuzzTransformInput(f *testing.F) { algotest.Fuzz(f, Transform()) }

func FuzzQRCodeInput(f *testing.F) { algotest.Fuzz(f, QRCode()) }
