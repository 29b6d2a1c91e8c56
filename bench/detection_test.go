package bench

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"io"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/disintegration/imaging"

	"pipette/algorithms"
	"pipette/algorithms/cv"
	"pipette/catalog"
)

// BenchmarkDetection times cv/ObjectDetection (NanoDet-g through the tfjs
// interpreter) on a 416×416 photo, the network's own size, against
// cv/FaceDetection (TinyFaceDetector: the same gemm kernel, hand-wired
// layers, 0.2 G multiply-adds against NanoDet's 2.1 G) on the same photo
// at input_size 416, in the same run: the ratio says what the interpreter
// costs beyond its arithmetic, and holds better than absolute figures when
// the machine's load moves them. PNG decoding is included in both.
func BenchmarkDetection(b *testing.B) {
	photo := photo416(b)
	ctx := context.Background()
	for _, c := range []struct {
		name string
		alg  algorithms.Algorithm
		in   catalog.Value
	}{
		{"object-416", cv.ObjectDetection(), catalog.Bytes(photo)},
		{"face-416", cv.FaceDetection(), catalog.Bytes(photo)},
	} {
		b.Run(c.name, func(b *testing.B) {
			if _, err := c.alg.Run(ctx, c.in, io.Discard); err != nil {
				b.Fatal(err) // loads the model before the timer
			}
			b.ReportAllocs()
			cpu := processCPU()
			for b.Loop() {
				if _, err := c.alg.Run(ctx, c.in, io.Discard); err != nil {
					b.Fatal(err)
				}
			}
			// CPU time spent by the process (both cores), which other work
			// on a shared machine inflates far less than the wall time.
			b.ReportMetric(float64(processCPU()-cpu)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
		})
	}
}

// processCPU is the user and system time this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// photo416 is the astronaut test photo resized to 416×416, as PNG.
func photo416(b *testing.B) []byte {
	raw, err := os.ReadFile("../algorithms/testdata/images/astronaut.png")
	if err != nil {
		b.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		b.Fatal(err)
	}
	var small image.Image = imaging.Resize(img, 416, 416, imaging.Lanczos)
	var buf bytes.Buffer
	if err := png.Encode(&buf, small); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}
