package cv

import (
	"testing"

	"pipette/algorithms/algotest"
)

// Fuzz targets of each algorithm's input and options: go test -fuzz=^Fuzz<Name>Input$ ./algorithms/cv (see algotest.Fuzz).

func FuzzFaceDetectionInput(f *testing.F) { algotest.Fuzz(f, FaceDetection()) }

func FuzzFaceExpressionInput(f *testing.F) { algotest.Fuzz(f, FaceExpression()) }

func FuzzObjectDetectionInput(f *testing.F) { algotest.Fuzz(f, ObjectDetection()) }
