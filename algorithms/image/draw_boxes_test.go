package image

import (
	"bytes"
	"context"
	goimage "image"
	"image/color"
	"image/png"
	"io"
	"math"
	"testing"

	"pipette/algorithms/algotest"
	"pipette/catalog"
)

// whitePNG is a w×h white image as base64 PNG.
func whitePNG(t testing.TB, w, h int) string {
	t.Helper()
	img := goimage.NewRGBA(goimage.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return encodeB64(buf.Bytes())
}

func drawBoxes(t *testing.T, req map[string]any) goimage.Image {
	t.Helper()
	out, err := DrawBoxes().Run(context.Background(), catalog.JSON(req), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(out.Bytes))
	if err != nil {
		t.Fatalf("the result is not a PNG: %v", err)
	}
	return img
}

func isColor(img goimage.Image, x, y int, c color.RGBA) bool {
	r, g, b, _ := img.At(x, y).RGBA()
	return uint8(r>>8) == c.R && uint8(g>>8) == c.G && uint8(b>>8) == c.B
}

// A frame of the asked width in the class's colour, nothing inside or
// outside it; with labels, a tag above the box.
func TestDrawBoxesFrame(t *testing.T) {
	t.Parallel()
	white := color.RGBA{255, 255, 255, 255}
	img := drawBoxes(t, map[string]any{"image": whitePNG(t, 100, 80), "line_width": 3, "labels": false,
		"boxes": []any{map[string]any{"label": "cup", "class_id": 41, "box": map[string]any{"x": 10, "y": 30, "width": 50, "height": 30}}}})
	c := boxPalette[41%len(boxPalette)]
	for _, p := range []goimage.Point{{10, 30}, {12, 45}, {59, 59}, {30, 57}, {57, 40}} {
		if !isColor(img, p.X, p.Y, c) {
			t.Errorf("frame pixel %v is %v, want %v", p, img.At(p.X, p.Y), c)
		}
	}
	for _, p := range []goimage.Point{{13, 33}, {35, 45}, {9, 30}, {60, 45}, {30, 29}, {30, 10}} {
		if !isColor(img, p.X, p.Y, white) {
			t.Errorf("pixel %v is %v, want it untouched", p, img.At(p.X, p.Y))
		}
	}
	// With labels the tag sits above the box.
	img = drawBoxes(t, map[string]any{"image": whitePNG(t, 100, 80), "line_width": 3,
		"boxes": []any{map[string]any{"label": "cup", "class_id": 41, "score": 0.5, "box": map[string]any{"x": 10, "y": 30, "width": 50, "height": 30}}}})
	tagged := 0
	for y := 10; y < 30; y++ {
		for x := 10; x < 60; x++ {
			if !isColor(img, x, y, white) {
				tagged++
			}
		}
	}
	if tagged < 100 {
		t.Errorf("%d pixels drawn above the box, want a tag", tagged)
	}
}

// The detectors' results are read as they are.
func TestDrawBoxesReadsDetectorResults(t *testing.T) {
	t.Parallel()
	box := map[string]any{"x": 5, "y": 5, "width": 20, "height": 20}
	face := map[string]any{"box": box, "score": 0.97}
	object := map[string]any{"label": "cat", "class_id": 15, "score": 0.58, "box": box}
	for name, req := range map[string]map[string]any{
		"faces list":          {"boxes": []any{face}},
		"FaceDetection":       {"boxes": map[string]any{"width": 40, "height": 40, "faces": []any{face}}},
		"ObjectDetection":     {"boxes": map[string]any{"width": 40, "height": 40, "objects": []any{object}}},
		"merged objects":      {"width": 40, "height": 40, "objects": []any{object}},
		"merged faces":        {"faces": []any{face}},
		"bare box with label": {"boxes": []any{map[string]any{"x": 5, "y": 5, "width": 20, "height": 20, "label": "thing"}}},
	} {
		req["image"] = whitePNG(t, 40, 40)
		img := drawBoxes(t, req)
		if isColor(img, 5, 15, color.RGBA{255, 255, 255, 255}) {
			t.Errorf("%s: nothing drawn at the box's left edge", name)
		}
	}
	// An empty list draws nothing and still answers with the image.
	img := drawBoxes(t, map[string]any{"image": whitePNG(t, 40, 40), "boxes": []any{}})
	if img.Bounds().Dx() != 40 || !isColor(img, 5, 15, color.RGBA{255, 255, 255, 255}) {
		t.Error("an empty list changed the image")
	}
}

// Coordinates far outside the image, up to 2^63, are clipped, not wrapped.
func TestDrawBoxesHugeCoordinates(t *testing.T) {
	t.Parallel()
	huge := math.Pow(2, 63)
	img := drawBoxes(t, map[string]any{"image": whitePNG(t, 30, 30), "boxes": []any{
		map[string]any{"x": -huge, "y": -huge, "width": huge, "height": huge, "label": "everything"},
		map[string]any{"x": huge, "y": 0, "width": huge, "height": 10},
		map[string]any{"x": 2, "y": 2, "width": math.Pow(2, 31), "height": math.Pow(2, 32)},
	}})
	if img.Bounds().Dx() != 30 || img.Bounds().Dy() != 30 {
		t.Errorf("size %v", img.Bounds())
	}
}

func TestDrawBoxesRejectsBadInput(t *testing.T) {
	t.Parallel()
	img := whitePNG(t, 8, 8)
	box := map[string]any{"x": 1, "y": 1, "width": 2, "height": 2}
	many := make([]any, 1001)
	for i := range many {
		many[i] = box
	}
	cases := []struct {
		req  map[string]any
		want string
	}{
		{map[string]any{"image": img}, "no boxes to draw"},
		{map[string]any{"image": img, "boxes": "cat"}, "not a list"},
		{map[string]any{"image": img, "boxes": many}, "1001 boxes"},
		{map[string]any{"image": img, "boxes": []any{7}}, "box 0 is not an object"},
		{map[string]any{"image": img, "boxes": []any{map[string]any{"x": 1, "y": 1, "width": 2}}}, `lacks one of "x", "y", "width", "height"`},
		{map[string]any{"image": img, "boxes": []any{map[string]any{"x": 1, "y": 1, "width": -2, "height": 2}}}, "negative width"},
		{map[string]any{"image": img, "boxes": []any{map[string]any{"box": box, "score": 2}}}, "score 2"},
		{map[string]any{"image": img, "boxes": []any{map[string]any{"box": box, "class_id": -1}}}, "class_id -1"},
		{map[string]any{"image": img, "boxes": []any{map[string]any{"box": box, "class_id": 1.5}}}, "class_id 1.5"},
		{map[string]any{"image": img, "boxes": []any{map[string]any{"box": box, "class_id": math.Pow(2, 63)}}}, "class_id 9.223372036854776e+18"},
		{map[string]any{"image": img, "boxes": []any{box}, "line_width": -1}, `"line_width" is -1;`},
		{map[string]any{"image": img, "boxes": []any{box}, "line_width": 65}, "from 1 to 64"},
		{map[string]any{"image": img, "boxes": []any{box}, "line_width": 1.5}, "whole number"},
		{map[string]any{"image": img, "boxes": []any{box}, "line_width": math.Pow(2, 31)}, "from 1 to 64"},
		{map[string]any{"image": img, "boxes": []any{box}, "line_width": math.Pow(2, 63)}, "from 1 to 64"},
		{map[string]any{"image": img, "boxes": []any{box}, "colour": "red"}, "colour"},
	}
	for _, c := range cases {
		_, err := DrawBoxes().Run(context.Background(), catalog.JSON(c.req), io.Discard)
		algotest.WantError(t, err, catalog.InputError, c.want)
	}
	_, err := DrawBoxes().Run(context.Background(), catalog.Bytes([]byte{0x89, 'P', 'N', 'G'}), io.Discard)
	algotest.WantError(t, err, catalog.InputError, "an image alone carries no boxes")
}
