package image

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"io"
	"strings"
	"testing"

	"github.com/disintegration/imaging"

	"pipette/algorithms/algotest"
	"pipette/catalog"
)

func runT(t *testing.T, in map[string]any) (catalog.Value, error) {
	t.Helper()
	var log strings.Builder
	v, err := runTransform(context.Background(), catalog.JSON(in), &log)
	return v, err
}

func TestTransformSampleThumbnail(t *testing.T) {
	t.Parallel()
	v, err := runTransform(context.Background(), Transform().Entry.Samples[0].Input, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	img, format := decodeOut(t, v)
	if format != "jpeg" || img.Bounds().Dx() != 128 || img.Bounds().Dy() != 128 {
		t.Fatalf("got %s %v, want a 128×128 jpeg", format, img.Bounds())
	}
	// Grayscale: every pixel has r≈g≈b (JPEG chroma noise allowed).
	for y := 0; y < 128; y += 7 {
		for x := 0; x < 128; x += 7 {
			r, g, b, _ := img.At(x, y).RGBA()
			if d := absDiff(r, g) + absDiff(g, b); d > 6*257 {
				t.Fatalf("pixel %d,%d = %d,%d,%d is not gray", x, y, r>>8, g>>8, b>>8)
			}
		}
	}
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

// quadrants is a 4×2 image: red top-left pixel, the rest blue.
func quadrants() *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, 4, 2))
	for y := 0; y < 2; y++ {
		for x := 0; x < 4; x++ {
			img.Set(x, y, color.NRGBA{0, 0, 255, 255})
		}
	}
	img.Set(0, 0, color.NRGBA{255, 0, 0, 255})
	return img
}

func isRed(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	return r > 0xf000 && g < 0x1000 && b < 0x1000
}

func TestTransformGeometry(t *testing.T) {
	t.Parallel()
	src := encodeB64(pngBytes(t, quadrants()))
	cases := []struct {
		name   string
		ops    []any
		w, h   int
		redAtX int
		redAtY int
	}{
		{"rotate 90 counter-clockwise", []any{map[string]any{"op": "rotate", "angle": 90}}, 2, 4, 0, 3},
		{"rotate -90 is clockwise", []any{map[string]any{"op": "rotate", "angle": -90}}, 2, 4, 1, 0},
		{"rotate 180", []any{map[string]any{"op": "rotate", "angle": 540}}, 4, 2, 3, 1},
		{"flip horizontal", []any{map[string]any{"op": "flip", "direction": "horizontal"}}, 4, 2, 3, 0},
		{"flip vertical", []any{map[string]any{"op": "flip", "direction": "v"}}, 4, 2, 0, 1},
		{"crop rectangle", []any{map[string]any{"op": "crop", "x": 0, "y": 0, "width": 2, "height": 1}}, 2, 1, 0, 0},
		{"crop clipped to the image", []any{map[string]any{"op": "crop", "x": 0, "y": 0, "width": 50, "height": 50}}, 4, 2, 0, 0},
		{"crop anchored", []any{map[string]any{"op": "crop", "width": 2, "height": 2, "anchor": "left"}}, 2, 2, 0, 0},
		{"resize nearest", []any{map[string]any{"op": "resize", "width": 8, "filter": "nearest"}}, 8, 4, 1, 1},
	}
	for _, c := range cases {
		v, err := runT(t, map[string]any{"image": src, "operations": c.ops})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		img, format := decodeOut(t, v)
		if format != "png" {
			t.Errorf("%s: format %s, want png kept from the input", c.name, format)
		}
		if img.Bounds().Dx() != c.w || img.Bounds().Dy() != c.h {
			t.Fatalf("%s: size %v, want %d×%d", c.name, img.Bounds().Size(), c.w, c.h)
		}
		if !isRed(img.At(c.redAtX, c.redAtY)) {
			t.Errorf("%s: pixel %d,%d is %v, want the red corner there", c.name, c.redAtX, c.redAtY, img.At(c.redAtX, c.redAtY))
		}
	}
}

func TestTransformResizeKeepsAspect(t *testing.T) {
	t.Parallel()
	// A flat 600×400 image: the sizes matter here, not the content.
	src := encodeB64(pngBytes(t, image.NewGray(image.Rect(0, 0, 600, 400))))
	v, err := runT(t, map[string]any{"image": src, "op": "resize", "width": 300})
	if err != nil {
		t.Fatal(err)
	}
	img, _ := decodeOut(t, v)
	if got := img.Bounds().Size(); got != image.Pt(300, 200) {
		t.Fatalf("600×400 resized to width 300 is %v, want 300×200", got)
	}
	v, err = runT(t, map[string]any{"image": src, "op": "thumbnail", "width": 100, "height": 100})
	if err != nil {
		t.Fatal(err)
	}
	img, _ = decodeOut(t, v)
	if got := img.Bounds().Size(); got != image.Pt(100, 66) {
		t.Fatalf("fit thumbnail of 600×400 in 100×100 is %v, want 100×66", got)
	}
}

func TestTransformJPEGFlattensOntoWhite(t *testing.T) {
	t.Parallel()
	v, err := runT(t, map[string]any{
		"image":      encodeB64(pngBytes(t, quadrants())),
		"operations": []any{map[string]any{"op": "resize", "width": 64, "height": 64}, map[string]any{"op": "rotate", "angle": 45}},
		"format":     "jpg",
	})
	if err != nil {
		t.Fatal(err)
	}
	img, format := decodeOut(t, v)
	if format != "jpeg" {
		t.Fatalf("format %s, want jpeg", format)
	}
	r, g, b, _ := img.At(1, 1).RGBA()
	if r < 0xf000 || g < 0xf000 || b < 0xf000 {
		t.Errorf("the transparent corner left by the rotation is %d,%d,%d, want white", r>>8, g>>8, b>>8)
	}
}

func TestTransformFilters(t *testing.T) {
	t.Parallel()
	camera, err := imaging.Decode(bytes.NewReader(algotest.TestImage(t, "camera.png")))
	if err != nil {
		t.Fatal(err)
	}
	src := encodeB64(pngBytes(t, imaging.Resize(camera, 128, 0, imaging.Box)))
	mean := func(ops ...any) float64 {
		v, err := runT(t, map[string]any{"image": src, "operations": ops})
		if err != nil {
			t.Fatal(err)
		}
		img, _ := decodeOut(t, v)
		var sum float64
		b := img.Bounds()
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				r, _, _, _ := img.At(x, y).RGBA()
				sum += float64(r >> 8)
			}
		}
		return sum / float64(b.Dx()*b.Dy())
	}
	base := mean(map[string]any{"op": "grayscale"})
	if got := mean(map[string]any{"op": "brightness", "percent": 30}); got < base+20 {
		t.Errorf("brightness +30%%: mean %.1f, want well above %.1f", got, base)
	}
	if got := mean(map[string]any{"op": "invert"}); got < 255-base-3 || got > 255-base+3 {
		t.Errorf("invert: mean %.1f, want about %.1f", got, 255-base)
	}
	if got := mean(map[string]any{"op": "gamma", "gamma": 2}); got <= base {
		t.Errorf("gamma 2: mean %.1f, want above %.1f", got, base)
	}
}

func TestTransformBadInput(t *testing.T) {
	t.Parallel()
	src := encodeB64(algotest.TestImage(t, "text.png"))
	cases := []struct {
		name string
		in   catalog.Value
		typ  string
		want []string
	}{
		{"image alone", catalog.Bytes(algotest.TestImage(t, "text.png")), catalog.InputError, []string{"operations"}},
		{"no operations", catalog.JSON(map[string]any{"image": src}), catalog.InputError, []string{"no operation"}},
		{"unknown op", catalog.JSON(map[string]any{"image": src, "operations": []any{
			map[string]any{"op": "grayscale"}, map[string]any{"op": "swirl"}}}), catalog.InputError, []string{"operation 2", "swirl", "resize"}},
		{"stray parameter", catalog.JSON(map[string]any{"image": src, "op": "resize", "width": 10, "sigma": 2}),
			catalog.InputError, []string{"operation 1 (resize)", `"sigma"`, "width, height, filter"}},
		{"wrong type", catalog.JSON(map[string]any{"image": src, "op": "resize", "width": "big"}),
			catalog.InputError, []string{"operation 1 (resize)", `"width"`, "whole number"}},
		{"missing sigma", catalog.JSON(map[string]any{"image": src, "op": "blur"}), catalog.InputError, []string{"sigma"}},
		{"bad anchor", catalog.JSON(map[string]any{"image": src, "op": "crop", "width": 5, "height": 5, "anchor": "middle"}),
			catalog.InputError, []string{`"middle"`, "top-left"}},
		{"bad colour", catalog.JSON(map[string]any{"image": src, "op": "rotate", "angle": 10, "background": "red"}),
			catalog.InputError, []string{`"red"`, "#rrggbb"}},
		{"quality with png", catalog.JSON(map[string]any{"image": src, "op": "grayscale", "format": "png", "quality": 50}),
			catalog.InputError, []string{"JPEG"}},
		{"quality on a png kept as png", catalog.JSON(map[string]any{"image": src, "op": "grayscale", "quality": 50}),
			catalog.InputError, []string{`"format": "jpeg"`}},
		{"bad format", catalog.JSON(map[string]any{"image": src, "op": "grayscale", "format": "bmp"}), catalog.InputError, []string{`"bmp"`}},
		{"both forms", catalog.JSON(map[string]any{"image": src, "op": "grayscale", "operations": []any{}}), catalog.InputError, []string{"not both"}},
		{"crop outside", catalog.JSON(map[string]any{"image": src, "op": "crop", "x": 5000, "y": 0, "width": 5, "height": 5}),
			catalog.InputError, []string{"outside"}},
		{"too large", catalog.JSON(map[string]any{"image": src, "operations": []any{
			map[string]any{"op": "grayscale"}, map[string]any{"op": "resize", "width": 100000}}}),
			catalog.TooLargeError, []string{"operation 2 (resize)", "100000×"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := runTransform(context.Background(), c.in, io.Discard)
			algotest.WantError(t, err, c.typ, c.want...)
		})
	}
}

func TestTransformCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := runTransform(ctx, catalog.JSON(map[string]any{"image": encodeB64(algotest.TestImage(t, "text.png")), "op": "grayscale"}), io.Discard)
	if err == nil {
		t.Fatal("a cancelled call succeeded")
	}
}

func BenchmarkTransform(b *testing.B) {
	algotest.BenchmarkSample(b, Transform(), 0)
}

func TestTransformAutoOrient(t *testing.T) {
	t.Parallel()
	// The iPhone sample is stored 205×102 with orientation 6 (turn 90° clockwise).
	for _, c := range []struct {
		orient any
		w, h   int
	}{{nil, 102, 205}, {true, 102, 205}, {false, 205, 102}} {
		in := map[string]any{"image": encodeB64(sampleIPhoneEXIF), "op": "grayscale"}
		if c.orient != nil {
			in["auto_orient"] = c.orient
		}
		v, err := runT(t, in)
		if err != nil {
			t.Fatal(err)
		}
		img, _ := decodeOut(t, v)
		if got := img.Bounds().Size(); got != image.Pt(c.w, c.h) {
			t.Errorf("auto_orient %v: %v, want %d×%d", c.orient, got, c.w, c.h)
		}
	}
}

func TestUprightOrientations(t *testing.T) {
	t.Parallel()
	// Where the red top-left pixel of the stored 4×2 image ends up once upright.
	want := map[int]image.Point{1: {0, 0}, 2: {3, 0}, 3: {3, 1}, 4: {0, 1}, 5: {0, 0}, 6: {1, 0}, 7: {1, 3}, 8: {0, 3}}
	for o, p := range want {
		img := upright(quadrants(), o)
		if !isRed(img.At(p.X, p.Y)) {
			t.Errorf("orientation %d: red pixel not at %v", o, p)
		}
		if swapped := o >= 5; swapped != (img.Bounds().Dx() == 2) {
			t.Errorf("orientation %d: size %v", o, img.Bounds().Size())
		}
	}
}
