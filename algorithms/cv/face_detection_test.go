package cv

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"strings"
	"testing"

	"pipette/algorithms/algotest"
	"pipette/catalog"
)

func runDetection(t testing.TB, in catalog.Value) FaceDetectionResult {
	t.Helper()
	return algotest.Result[FaceDetectionResult](t, FaceDetection(), in)
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

// The reference figures come from running the same weights through
// TensorFlow.js (CPU backend) with face-api.js: astronaut box
// [163,76,279,187] score 0.975, cameraman score 0.669 (research notes).
func TestFaceDetectionMatchesReference(t *testing.T) {
	t.Parallel()
	astro := runDetection(t, catalog.Bytes(algotest.TestImage(t, "astronaut.png")))
	if astro.Width != 512 || astro.Height != 512 || len(astro.Faces) != 1 {
		t.Fatalf("astronaut: got %+v, want one face in 512×512", astro)
	}
	f := astro.Faces[0]
	x1, y1, x2, y2 := f.Box.X, f.Box.Y, f.Box.X+f.Box.Width, f.Box.Y+f.Box.Height
	t.Logf("astronaut: (%d,%d)-(%d,%d) score %.4f", x1, y1, x2, y2, f.Score)
	for i, pair := range [][2]int{{x1, 163}, {y1, 75}, {x2, 280}, {y2, 187}} {
		if abs(pair[0]-pair[1]) > 2 {
			t.Errorf("astronaut box coordinate %d is %d, want %d ± 2", i, pair[0], pair[1])
		}
	}
	if !near(f.Score, 0.975, 0.005) {
		t.Errorf("astronaut score %.4f, want 0.975 ± 0.005", f.Score)
	}

	camera := runDetection(t, catalog.Bytes(algotest.TestImage(t, "camera.png")))
	if len(camera.Faces) != 1 {
		t.Fatalf("cameraman: got %+v, want one face", camera)
	}
	t.Logf("cameraman: %+v", camera.Faces[0])
	if !near(camera.Faces[0].Score, 0.669, 0.01) {
		t.Errorf("cameraman score %.4f, want 0.669 ± 0.01", camera.Faces[0].Score)
	}
}

func TestFaceDetectionNoFaces(t *testing.T) {
	t.Parallel()
	images := []string{"coffee.png", "rocket.jpg", "chelsea.png"}
	if raceEnabled {
		images = images[:1]
	}
	for _, name := range images {
		res := runDetection(t, catalog.Bytes(algotest.TestImage(t, name)))
		if len(res.Faces) != 0 {
			t.Errorf("%s: found %+v, want no face", name, res.Faces)
		}
		if res.Faces == nil {
			t.Errorf("%s: faces is null, want []", name)
		}
	}
}

func TestFaceDetectionOptions(t *testing.T) {
	t.Parallel()
	uri := "data:image/png;base64," + base64.StdEncoding.EncodeToString(algotest.TestImage(t, "astronaut.png"))
	sizes := []int{224, 320, 608}
	if raceEnabled {
		sizes = sizes[:1]
	}
	for _, size := range sizes {
		res := runDetection(t, catalog.JSON(map[string]any{"image": uri, "input_size": float64(size)}))
		// Coarser grids see the face less well (0.62 at 224, 0.86 at 320) but
		// still find it in the right place.
		if len(res.Faces) != 1 || res.Faces[0].Score < 0.6 {
			t.Errorf("input_size %d: %+v, want the astronaut's face", size, res.Faces)
			continue
		}
		b := res.Faces[0].Box
		if cx, cy := b.X+b.Width/2, b.Y+b.Height/2; abs(cx-221) > 12 || abs(cy-131) > 12 {
			t.Errorf("input_size %d: box %+v is off the face", size, b)
		}
	}
	// A threshold above the face's score leaves nothing.
	res := runDetection(t, catalog.JSON(map[string]any{"image": uri, "min_score": 0.99}))
	if len(res.Faces) != 0 {
		t.Errorf("min_score 0.99: %+v, want none", res.Faces)
	}
	// The same request typed as text.
	res = runDetection(t, catalog.Text(`{"image": "`+uri+`", "input_size": 320}`))
	if len(res.Faces) != 1 {
		t.Errorf("request as text: %+v", res.Faces)
	}
}

// A non-square image with the face away from the origin checks the padding
// and the correction factors: the box must follow the face.
func TestFaceDetectionNonSquareAndOffset(t *testing.T) {
	t.Parallel()
	src, err := png.Decode(bytes.NewReader(algotest.TestImage(t, "astronaut.png")))
	if err != nil {
		t.Fatal(err)
	}
	wide := image.NewRGBA(image.Rect(0, 0, 900, 512))
	for i := range wide.Pix {
		wide.Pix[i] = 255
	}
	const shift = 300
	for y := 0; y < 512; y++ {
		for x := 0; x < 512; x++ {
			wide.Set(x+shift, y, src.At(x, y))
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, wide); err != nil {
		t.Fatal(err)
	}
	res := runDetection(t, catalog.Bytes(buf.Bytes()))
	if res.Width != 900 || res.Height != 512 || len(res.Faces) == 0 {
		t.Fatalf("wide image: %+v", res)
	}
	b := res.Faces[0].Box
	t.Logf("wide: %+v score %.4f", b, res.Faces[0].Score)
	// The face is seen at a smaller scale (the square is 900 px wide), so
	// the box differs in size, but its centre must stay on the face.
	if cx, cy := b.X+b.Width/2, b.Y+b.Height/2; abs(cx-(221+shift)) > 8 || abs(cy-131) > 8 {
		t.Errorf("wide image: box %+v centred at (%d,%d), want about (%d,131)", b, cx, cy, 221+shift)
	}
	if b.Width < 90 || b.Width > 150 || b.Height < 90 || b.Height > 150 {
		t.Errorf("wide image: box %+v, want about 117×112", b)
	}
}

// Degenerate but valid images give an answer, not a crash.
func TestFaceDetectionTinyImages(t *testing.T) {
	t.Parallel()
	for _, size := range []image.Point{{1, 1}, {1, 1000}, {700, 2}, {31, 17}} {
		img := image.NewNRGBA(image.Rectangle{Max: size})
		for i := range img.Pix {
			img.Pix[i] = uint8(i * 7)
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			t.Fatal(err)
		}
		res := runDetection(t, catalog.Bytes(buf.Bytes()))
		if res.Width != size.X || res.Height != size.Y {
			t.Errorf("%v: got %d×%d", size, res.Width, res.Height)
		}
		for _, f := range res.Faces {
			if f.Box.X < 0 || f.Box.Y < 0 || f.Box.X+f.Box.Width > size.X || f.Box.Y+f.Box.Height > size.Y || f.Box.Width < 1 {
				t.Errorf("%v: box %+v outside the image", size, f.Box)
			}
		}
	}
}

func TestFaceDetectionBadInput(t *testing.T) {
	t.Parallel()
	astro := base64.StdEncoding.EncodeToString(algotest.TestImage(t, "astronaut.png"))
	cases := []struct {
		name string
		in   catalog.Value
		typ  string
		want string
	}{
		{"not an image", catalog.Bytes([]byte("hello, I am text")), catalog.InputError, "not an image"},
		{"text that is not base64", catalog.Text("hello, world!"), catalog.InputError, "not valid base64"},
		{"a number", catalog.JSON(42.0), catalog.InputError, "got a JSON number"},
		{"input_size 100", catalog.JSON(map[string]any{"image": astro, "input_size": 100.0}), catalog.InputError, "multiple of 32 from 224 to 608"},
		{"input_size 500", catalog.JSON(map[string]any{"image": astro, "input_size": 500.0}), catalog.InputError, "multiple of 32"},
		{"min_score 1.5", catalog.JSON(map[string]any{"image": astro, "min_score": 1.5}), catalog.InputError, "min_score"},
		{"unknown option", catalog.JSON(map[string]any{"image": astro, "threshold": 0.3}), catalog.InputError, "threshold"},
		{"no image", catalog.JSON(map[string]any{"min_score": 0.3}), catalog.InputError, `"image" field is missing`},
		{"huge image", catalog.Bytes(hugePNG(t, 100_000, 100_000)), catalog.TooLargeError, "over the limit"},
	}
	for _, c := range cases {
		_, err := runFaceDetection(context.Background(), c.in, io.Discard)
		var ce *catalog.Error
		if !errors.As(err, &ce) || ce.Type != c.typ || !strings.Contains(ce.Message, c.want) {
			t.Errorf("%s: got %v, want a %s containing %q", c.name, err, c.typ, c.want)
		}
	}
}

// hugePNG is a valid PNG header claiming w×h pixels with no pixel data: the
// pixel limit must refuse it before anything is decoded.
func hugePNG(t testing.TB, w, h uint32) []byte {
	t.Helper()
	var buf bytes.Buffer
	img := image.NewGray(image.Rect(0, 0, 1, 1))
	img.Set(0, 0, color.Gray{Y: 1})
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	// Signature (8), length (4), "IHDR" (4), then width and height.
	binary.BigEndian.PutUint32(b[16:], w)
	binary.BigEndian.PutUint32(b[20:], h)
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
}

func TestFaceDetectionCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := runFaceDetection(ctx, catalog.Bytes(astronautJPEG), io.Discard)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled call returned %v, want context.Canceled", err)
	}
}

func TestNonMaxSuppression(t *testing.T) {
	t.Parallel()
	boxes := []faceBox{
		{0, 0, 10, 10, 0.6},
		{1, 1, 11, 11, 0.9},     // overlaps the first by 0.68: wins over it
		{20, 20, 30, 30, 0.7},   // separate
		{0, 0, 10, 4.5, 0.95},   // IoU with the best (1,1)-(11,11) is 0.28: kept
		{21, 21, 31, 31, 0.65},  // IoU 0.68 with (20,20): dropped
		{100, 0, 110, 10, 0.55}, // separate
	}
	got := nonMaxSuppression(boxes, 0.4)
	want := []float64{0.95, 0.9, 0.7, 0.55}
	if len(got) != len(want) {
		t.Fatalf("kept %+v, want scores %v", got, want)
	}
	for i, b := range got {
		if b.score != want[i] {
			t.Errorf("kept[%d] score %v, want %v", i, b.score, want[i])
		}
	}
}

func TestPixelBoxClamps(t *testing.T) {
	t.Parallel()
	b, ok := faceBox{x0: -5.4, y0: 10.6, x1: 50.2, y1: 130, score: 0.9}.pixelBox(image.Rect(0, 0, 40, 120))
	if !ok || b != (Box{X: 0, Y: 11, Width: 40, Height: 109}) {
		t.Errorf("got %+v %v", b, ok)
	}
	if _, ok := (faceBox{x0: 50, y0: 0, x1: 60, y1: 10}).pixelBox(image.Rect(0, 0, 40, 40)); ok {
		t.Error("a box outside the image was kept")
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
