package boxes

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
	"math"
	"strings"
	"testing"

	"pipette/catalog"
)

func grayPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 200
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestFind(t *testing.T) {
	t.Parallel()
	box := map[string]any{"x": 1.0, "y": 2.0, "width": 3.0, "height": 4.0}
	for _, c := range []struct {
		name   string
		result any
		want   int
	}{
		{"objects", map[string]any{"objects": []any{map[string]any{"label": "cat", "class_id": 15.0, "score": 0.5, "box": box}}}, 1},
		{"faces", map[string]any{"faces": []any{map[string]any{"score": 0.9, "box": box}, map[string]any{"box": box}}}, 2},
		{"boxes", map[string]any{"boxes": []any{map[string]any{"box": box}}}, 1},
		{"no box field", map[string]any{"objects": []any{map[string]any{"x": 1.0}}}, 0},
		{"empty box", map[string]any{"faces": []any{map[string]any{"box": map[string]any{"x": 0.0, "y": 0.0, "width": 0.0, "height": 3.0}}}}, 0},
		{"not numbers", map[string]any{"faces": []any{map[string]any{"box": map[string]any{"x": "1", "y": 0.0, "width": 1.0, "height": 3.0}}}}, 0},
		{"a list", []any{box}, 0},
		{"text", "cat", 0},
	} {
		if got := Find(c.result); len(got) != c.want {
			t.Errorf("%s: %d boxes, want %d", c.name, len(got), c.want)
		}
	}
	many := make([]any, 500)
	for i := range many {
		many[i] = map[string]any{"box": box}
	}
	if got := Find(map[string]any{"objects": many}); len(got) != maxBoxes {
		t.Errorf("%d boxes from 500, want at most %d", len(got), maxBoxes)
	}
	b := Find(map[string]any{"objects": []any{map[string]any{"label": "cat", "class_id": 15.0, "score": 0.5, "box": box}}})[0]
	if b.Label != "cat" || b.Class != 15 || !b.HasScore || b.Color() != palette[5] {
		t.Errorf("parsed %+v", b)
	}
}

func TestInputImage(t *testing.T) {
	t.Parallel()
	pic := grayPNG(t, 2, 2)
	b64 := base64.StdEncoding.EncodeToString(pic)
	for _, c := range []struct {
		name string
		in   catalog.Value
		ok   bool
	}{
		{"bytes", catalog.Bytes(pic), true},
		{"base64 field", catalog.JSON(map[string]any{"image": b64}), true},
		{"data URI field", catalog.JSON(map[string]any{"image": "data:image/png;base64," + b64}), true},
		{"URL field", catalog.JSON(map[string]any{"image": "https://example.com/cat.png"}), false},
		{"no image", catalog.JSON(map[string]any{"text": "cat"}), false},
		{"text", catalog.Text(b64), false},
	} {
		got, ok := InputImage(c.in)
		if ok != c.ok || (ok && !bytes.Equal(got, pic)) {
			t.Errorf("%s: ok=%v, want %v", c.name, ok, c.ok)
		}
	}
}

// Overlay draws each frame in its colour, thick enough for the preview, and
// leaves the rest of the picture alone; boxes past the image are clipped.
func TestOverlay(t *testing.T) {
	t.Parallel()
	boxes := []Box{{X: 10, Y: 10, W: 40, H: 30, Class: 3}, {X: -1e9, Y: 5, W: 2e9, H: math.MaxFloat32, Class: 1}}
	out, err := Overlay(grayPNG(t, 100, 60), boxes, 50, 15)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds().Dx() != 100 || img.Bounds().Dy() != 60 {
		t.Fatalf("overlay is %v, want the image's 100×60 (under the %d-pixel cap)", img.Bounds(), maxSide)
	}
	at := func(x, y int) color.RGBA {
		r, g, b, _ := img.At(x, y).RGBA()
		return color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 255}
	}
	// 100 px over 50 columns: frames are 2 px wide.
	if at(10, 20) != palette[3] || at(11, 20) != palette[3] || at(49, 39) != palette[3] {
		t.Errorf("frame pixels %v %v %v, want %v", at(10, 20), at(11, 20), at(49, 39), palette[3])
	}
	if at(30, 25) != (color.RGBA{200, 200, 200, 255}) {
		t.Errorf("inside the frame: %v, want the image", at(30, 25))
	}
	if at(0, 30) != palette[1] {
		t.Errorf("the huge box is not clipped to the image's edge: %v", at(0, 30))
	}
	if _, err := Overlay([]byte("not an image"), boxes, 10, 10); err == nil {
		t.Error("garbage decoded")
	}
}

func TestLegend(t *testing.T) {
	t.Parallel()
	got := Legend([]Box{{X: 1, Y: 2, W: 3, H: 4, Label: "cat", Score: 0.5, HasScore: true}, {X: 0, Y: 0, W: 9, H: 9}}, true)
	want := "- cat 0.50  (1,2 3×4)\n- box 2  (0,0 9×9)"
	if got != want {
		t.Errorf("Legend = %q, want %q", got, want)
	}
	if colored := Legend([]Box{{W: 1, H: 1, Class: 2}}, false); !strings.Contains(colored, "■") {
		t.Errorf("coloured legend %q lacks the swatch", colored)
	}
}
