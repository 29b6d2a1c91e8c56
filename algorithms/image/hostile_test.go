package image

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"pipette/algorithms"
	"pipette/algorithms/algotest"
	"pipette/catalog"
	"pipette/internal/testenv"
)

// These tests send each image algorithm the numbers and images that make
// sizes wrap or explode, and check that the answer is one sentence of the
// right type before anything large is allocated. They measure the whole
// process's allocations, so they do not run in parallel.

// refusalAlloc is what a refused hostile call may allocate in all: parsing,
// decoding a small image, and the sentence.
const refusalAlloc = 64 << 20

var onePixel = sync.OnceValue(func() string {
	return encodeB64(algotest.PNGHeaderWithPixel())
})

func TestTransformHostileNumbers(t *testing.T) {
	img := onePixel()
	params := map[string][]string{
		"resize":     {"width", "height"},
		"thumbnail":  {"width", "height"},
		"crop":       {"x", "y", "width", "height"},
		"rotate":     {"angle"},
		"blur":       {"sigma"},
		"sharpen":    {"sigma"},
		"brightness": {"percent"},
		"contrast":   {"percent"},
		"saturation": {"percent"},
		"gamma":      {"gamma"},
	}
	base := map[string]map[string]any{
		"resize":    {"width": 2, "height": 2},
		"thumbnail": {"width": 2, "height": 2},
		"crop":      {"width": 1, "height": 1},
		"rotate":    {"angle": 10},
	}
	for op, names := range params {
		for _, name := range names {
			for _, n := range algotest.HostileNumbers {
				for _, mode := range []string{"", "fill"} {
					if mode != "" && op != "thumbnail" {
						continue
					}
					in := map[string]any{"image": img, "op": op}
					for k, v := range base[op] {
						in[k] = v
					}
					if mode != "" {
						in["mode"] = mode
					}
					in[name] = n
					t.Run(fmt.Sprintf("%s%s/%s=%g", op, mode, name, n), func(t *testing.T) {
						algotest.Hostile(t, Transform(), context.Background(), catalog.JSON(in), refusalAlloc, catalog.InputError, catalog.TooLargeError)
					})
				}
			}
		}
	}
}

func TestTransformHostileSizes(t *testing.T) {
	img := onePixel()
	tall := ""
	if testenv.Full() && !algotest.Race { // the 40-million-row strip takes seconds to build and decode
		tall = encodeB64(algotest.StripPNG(t, 1, 40_000_000))
	}
	small := encodeB64(algotest.StripPNG(t, 50, 50))
	cases := []struct {
		name string
		in   map[string]any
		typ  string
		want []string
	}{
		{"the issue's overflow", map[string]any{"image": img, "op": "resize", "width": 3037000500},
			catalog.TooLargeError, []string{"3037000500×3037000500", "over the limit of 40.0 megapixels"}},
		{"2^31 wide", map[string]any{"image": img, "op": "resize", "width": 1 << 31}, catalog.TooLargeError, []string{"2147483648×"}},
		{"2^32 high", map[string]any{"image": img, "op": "resize", "height": 1 << 32}, catalog.TooLargeError, []string{"×4294967296"}},
		{"2^63", map[string]any{"image": img, "op": "resize", "width": float64(1 << 63)}, catalog.InputError, []string{`"width" is`, "far more"}},
		// Within the pixel limit, but imaging's weight tables for a
		// 40-million-pixel row are gigabytes.
		{"a 40 MP row from one pixel", map[string]any{"image": img, "op": "resize", "width": 40_000_000, "height": 1},
			catalog.TooLargeError, []string{"operation 1 (resize)", "memory budget"}},
		{"a tall strip shrunk to a pixel", map[string]any{"image": tall, "op": "resize", "width": 1, "height": 1},
			catalog.TooLargeError, []string{"memory budget"}},
		// The horizontal pass of a resize makes width × the source's height.
		{"intermediate over the limit", map[string]any{"image": tall, "op": "resize", "width": 2, "height": 2},
			catalog.TooLargeError, []string{"intermediate image", "2×40000000"}},
		// imaging.Fill on a small image resizes to cover the box first.
		{"fill a thin box", map[string]any{"image": small, "op": "thumbnail", "width": 40000, "height": 1, "mode": "fill"},
			catalog.TooLargeError, []string{"intermediate image of operation 1 (thumbnail)", "40000×40000"}},
		{"crop at the far end of int", map[string]any{"image": img, "op": "crop", "x": 1<<63 - 1024, "y": 0, "width": 1 << 62, "height": 1},
			catalog.InputError, nil},
		{"every step counts", map[string]any{"image": img, "operations": []any{
			map[string]any{"op": "resize", "width": 6000, "height": 6000},
			map[string]any{"op": "rotate", "angle": 45}}},
			catalog.TooLargeError, []string{"operation 2 (rotate)"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.in["image"] == "" {
				testenv.Slow(t)
				t.Skip("decoding 40-megapixel strips under the race detector takes minutes and gigabytes; the plain run checks them")
			}
			err := algotest.Hostile(t, Transform(), context.Background(), catalog.JSON(c.in), refusalAlloc+3*40<<20, c.typ)
			algotest.WantError(t, err, c.typ, c.want...)
		})
	}
}

func TestTransformMemoryBudgetFromContext(t *testing.T) {
	ctx := catalog.WithMemoryBudget(context.Background(), 1<<20)
	in := catalog.JSON(map[string]any{"image": onePixel(), "op": "resize", "width": 1000, "height": 1000})
	err := algotest.Hostile(t, Transform(), ctx, in, refusalAlloc, catalog.TooLargeError)
	algotest.WantError(t, err, catalog.TooLargeError, "memory budget of 1 MiB")
	// The same request under the default budget succeeds, allocating less
	// than that budget in all.
	if err := algotest.Hostile(t, Transform(), context.Background(), in, catalog.DefaultMemoryBudget); err != nil {
		t.Fatalf("a 1000×1000 resize under the default budget: %v", err)
	}
}

// TestImageAlgorithmsHostileImages sends each image algorithm images whose
// decoding or processing would cost far more than their pixels say.
func TestImageAlgorithmsHostileImages(t *testing.T) {
	testenv.Slow(t)
	if algotest.Race {
		t.Skip("decoding 40-megapixel strips under the race detector takes minutes and gigabytes; the plain run checks them")
	}
	tall := algotest.StripPNG(t, 1, 40_000_000)
	wide := algotest.StripPNG(t, 40_000_000, 1)
	deep := algotest.PNGHeader(6000, 6000, 16, 6) // 36 MP of 16-bit RGBA: 288 MB
	for _, a := range []algorithms.Algorithm{DominantColors(), PerceptualHash(), OverlayText(), Transform()} {
		for name, img := range map[string][]byte{"1×40000000": tall, "40000000×1": wide, "16-bit 6000×6000": deep} {
			t.Run(a.Entry.Ref.Name+"/"+name, func(t *testing.T) {
				in := map[string]any{"image": encodeB64(img)}
				switch a.Entry.Ref.Name {
				case "OverlayText":
					in["text"] = "hello"
				case "Transform":
					in["op"] = "grayscale"
				}
				// A strip decodes to 40 MB of grey; everything past that
				// must be refused, or be small.
				err := algotest.Hostile(t, a, context.Background(), catalog.JSON(in), 200<<20, catalog.InputError, catalog.TooLargeError)
				if name == "16-bit 6000×6000" {
					algotest.WantError(t, err, catalog.TooLargeError, "16-bit RGBA", "scale it down or save it with 8 bits per channel")
				}
			})
		}
	}
}
