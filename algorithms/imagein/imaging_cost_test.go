package imagein

import (
	"image"
	"runtime"
	"testing"

	"github.com/disintegration/imaging"

	"pipette/algorithms/algotest"
)

// TestImagingCostModel holds the cost model to imaging itself: what each
// operation allocates in all (everything it allocates lives until it
// returns, so that is its peak too) must be at most 3% over what the
// model says, and at most 10% (and 256 KiB) under it. If imaging changes how it works, this fails rather than the limits
// silently going wrong. Not parallel: it measures the process's allocations.
func TestImagingCostModel(t *testing.T) {
	if algotest.Race {
		t.Skip("imaging under the race detector is twenty times slower; the plain run checks the model")
	}
	cases := []struct {
		name  string
		w, h  int
		model int64
		run   func(image.Image)
	}{
		{"enlarge both sides", 1000, 750, ResizeBytes(1000, 750, 1500, 1500, imaging.Lanczos.Support),
			func(img image.Image) { imaging.Resize(img, 1500, 1500, imaging.Lanczos) }},
		{"shrink", 1000, 750, ResizeBytes(1000, 750, 100, 75, imaging.Lanczos.Support),
			func(img image.Image) { imaging.Resize(img, 100, 75, imaging.Lanczos) }},
		{"a row from a pixel", 1, 1, ResizeBytes(1, 1, 10000, 200, imaging.Lanczos.Support),
			func(img image.Image) { imaging.Resize(img, 10000, 200, imaging.Lanczos) }},
		{"a strip to a pixel (weight tables)", 1, 200_000, ResizeBytes(1, 200_000, 1, 1, imaging.Lanczos.Support),
			func(img image.Image) { imaging.Resize(img, 1, 1, imaging.Lanczos) }},
		{"fit a box", 1000, 750, FitBytes(1000, 750, 128, 128, imaging.Box.Support),
			func(img image.Image) { imaging.Fit(img, 128, 128, imaging.Box) }},
		{"blur", 1000, 750, BlurBytes(1000, 750), func(img image.Image) { imaging.Blur(img, 5) }},
		{"sharpen", 1000, 750, SharpenBytes(1000, 750), func(img image.Image) { imaging.Sharpen(img, 5) }},
	}
	for _, c := range cases {
		src := image.NewNRGBA(image.Rect(0, 0, c.w, c.h))
		runtime.GC()
		before := algotest.HeapAllocs()
		c.run(src)
		got := algotest.HeapAllocs() - before
		// Over by a little is fine (a limit a little early); under is not.
		if float64(got) > 1.03*float64(c.model) || float64(c.model) > 1.10*float64(got)+256<<10 {
			t.Errorf("%s: imaging allocated %d bytes, the model says %d", c.name, got, c.model)
		}
	}
}
