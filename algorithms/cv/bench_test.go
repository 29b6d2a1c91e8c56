package cv

import (
	"context"
	"io"
	"testing"

	"pipette/algorithms/algotest"
	"pipette/catalog"
)

// BenchmarkFaceDetection is one cv/FaceDetection call on the 512×512
// astronaut at the default input size (decoding included).
func BenchmarkFaceDetection(b *testing.B) {
	in := catalog.Bytes(algotest.TestImage(b, "astronaut.png"))
	if _, err := runFaceDetection(context.Background(), in, io.Discard); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := runFaceDetection(context.Background(), in, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFaceExpression is one cv/FaceExpression call on the astronaut:
// detection plus the expression network on its one face.
func BenchmarkFaceExpression(b *testing.B) {
	in := catalog.Bytes(algotest.TestImage(b, "astronaut.png"))
	if _, err := runFaceExpression(context.Background(), in, io.Discard); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := runFaceExpression(context.Background(), in, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
