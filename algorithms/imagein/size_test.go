package imagein

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"testing"

	"pipette/algorithms/algotest"
	"pipette/catalog"
)

func TestImageBytes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		w, h int
		f    PixelFormat
		want int64
	}{
		{100, 100, RGBA8, 40_000},
		{100, 100, RGBA16, 80_000},
		{100, 100, YCbCr420, 15_000},
		{3037000500, 3037000500, RGBA8, math.MaxInt64 / 8},
		{math.MaxInt, 2, Gray8, math.MaxInt64 / 8},
		{-1, 100, RGBA8, 0},
		{0, 100, RGBA8, 0},
	}
	for _, c := range cases {
		if got := ImageBytes(c.w, c.h, c.f); got != c.want {
			t.Errorf("ImageBytes(%d, %d, %s) = %d, want %d", c.w, c.h, c.f.Name, got, c.want)
		}
	}
}

func TestCheckImageRefusesEveryHostileSize(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, side := range []int{-1, 0, 1 << 31, 1 << 32, 3037000500, math.MaxInt} {
		for _, other := range []int{1, side} {
			_, err := CheckImage(ctx, "the result", side, other, RGBA8)
			if err == nil {
				t.Errorf("%d×%d passed", side, other)
				continue
			}
			if typ := catalog.ErrorType(err); typ != catalog.InputError && typ != catalog.TooLargeError {
				t.Errorf("%d×%d: %v", side, other, err)
			}
		}
	}
	n, err := CheckImage(ctx, "the result", 8000, 5000, RGBA8)
	if err != nil || n != 160_000_000 {
		t.Errorf("40 MP of 8-bit RGBA, exactly the limit: %d, %v", n, err)
	}
	_, err = CheckImage(ctx, "the result", 8000, 5000, RGBA16)
	algotest.WantError(t, err, catalog.TooLargeError, "8000×5000 in 16-bit RGBA", "305.2 MiB in memory", "over the limit of 152.6 MiB")
	_, err = CheckImage(catalog.WithMemoryBudget(ctx, 1<<20), "the result", 1000, 1000, RGBA8)
	algotest.WantError(t, err, catalog.TooLargeError, "memory budget of 1 MiB")
}

// A 16-bit PNG is refused by its header where an 8-bit one of the same size
// is decoded: bytes, not pixels, are what the limit counts.
func TestDecodeCountsBytesNotPixels(t *testing.T) {
	t.Parallel()
	_, _, err := Decode(algotest.PNGHeader(6000, 6000, 16, 6))
	algotest.WantError(t, err, catalog.TooLargeError, "6000×6000 in 16-bit RGBA", "8 bits per channel")
	_, _, err = Decode(algotest.PNGHeader(6000, 6000, 8, 6))
	algotest.WantError(t, err, catalog.InputError, "damaged") // passed the checks, then found no pixel data
	// Interlaced: the decoder holds each pass and the final image.
	hdr := algotest.PNGHeader(6000, 6000, 8, 6)
	hdr[28] = 1
	f, img, scratch := decodeFootprint(hdr, "png", image.Config{Width: 6000, Height: 6000, ColorModel: color.NRGBAModel})
	if f != RGBA8 || img != 144_000_000 || scratch != img+2*6000*4 {
		t.Errorf("interlaced footprint %s %d %d", f.Name, img, scratch)
	}
}

func TestJPEGFootprint(t *testing.T) {
	t.Parallel()
	src := image.NewRGBA(image.Rect(0, 0, 64, 48))
	var b bytes.Buffer
	if err := jpeg.Encode(&b, src, nil); err != nil { // baseline, 4:2:0
		t.Fatal(err)
	}
	l, ok := readJPEGLayout(b.Bytes())
	if !ok || l.progressive || len(l.sampling) != 3 || l.sampling[0] != [2]int{2, 2} {
		t.Fatalf("layout %+v %v", l, ok)
	}
	f, img, scratch := l.footprint(64, 48)
	if f != YCbCr420 || img != 64*48*3/2 || scratch != 0 {
		t.Errorf("baseline 4:2:0 footprint %s %d %d", f.Name, img, scratch)
	}
	l.progressive = true
	if _, _, scratch := l.footprint(64, 48); scratch != 4*img {
		t.Errorf("progressive: %d bytes of coefficients, want %d", scratch, 4*img)
	}
	if _, ok := readJPEGLayout([]byte("\xff\xd8\xff\xda\x00\x02")); ok {
		t.Error("a scan before any frame header was read as a layout")
	}
}
