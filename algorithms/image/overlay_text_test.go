package image

import (
	"bytes"
	"context"
	"encoding/base64"
	goimage "image"
	"image/color"
	"image/draw"
	_ "image/jpeg"
	"image/png"
	"io"
	"os"
	"strings"
	"sync"
	"testing"

	"pipette/algorithms/algotest"
	"pipette/catalog"
)

var (
	astronautOnce sync.Once
	astronautPNG  []byte
	astronautImg  goimage.Image
)

// astronaut is the 512×512 NASA portrait from algorithms/testdata.
func astronaut(t *testing.T) ([]byte, goimage.Image) {
	t.Helper()
	astronautOnce.Do(func() {
		b, err := os.ReadFile("../testdata/images/astronaut.png")
		if err != nil {
			return
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			return
		}
		astronautPNG, astronautImg = b, img
	})
	if astronautImg == nil {
		t.Fatal("cannot read ../testdata/images/astronaut.png")
	}
	return astronautPNG, astronautImg
}

func overlay(t *testing.T, req map[string]any) goimage.Image {
	t.Helper()
	data, _ := astronaut(t)
	if _, ok := req["image"]; !ok {
		req["image"] = base64.StdEncoding.EncodeToString(data)
	}
	out, err := OverlayText().Run(context.Background(), catalog.JSON(req), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if out.Kind != catalog.KindBinary {
		t.Fatalf("result kind %s, want binary", out.Kind)
	}
	img, err := png.Decode(bytes.NewReader(out.Bytes))
	if err != nil {
		t.Fatalf("result is not a PNG: %v", err)
	}
	return img
}

// toRGBA copies an image into RGBA so comparisons read bytes, not colors
// one At call at a time (which is slow under -race).
func toRGBA(img goimage.Image) *goimage.RGBA {
	if r, ok := img.(*goimage.RGBA); ok && r.Bounds().Min == (goimage.Point{}) {
		return r
	}
	b := img.Bounds()
	out := goimage.NewRGBA(goimage.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(out, out.Bounds(), img, b.Min, draw.Src)
	return out
}

// changedRows reports, for each row, how many pixels differ from the original.
func changedRows(a, b goimage.Image) []int {
	ra, rb := toRGBA(a), toRGBA(b)
	h, w := ra.Bounds().Dy(), ra.Bounds().Dx()
	rows := make([]int, h)
	for y := 0; y < h; y++ {
		pa := ra.Pix[y*ra.Stride : y*ra.Stride+4*w]
		pb := rb.Pix[y*rb.Stride : y*rb.Stride+4*w]
		if bytes.Equal(pa, pb) {
			continue
		}
		for x := 0; x < 4*w; x += 4 {
			if !bytes.Equal(pa[x:x+4], pb[x:x+4]) {
				rows[y]++
			}
		}
	}
	return rows
}

func sum(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}

// whitePixels counts near-white pixels in rows [y0, y1): the caption's fill.
func whitePixels(img goimage.Image, y0, y1 int) int {
	r := toRGBA(img)
	n := 0
	for y := y0; y < y1; y++ {
		row := r.Pix[y*r.Stride : y*r.Stride+4*r.Bounds().Dx()]
		for x := 0; x < len(row); x += 4 {
			if row[x] > 0xf0 && row[x+1] > 0xf0 && row[x+2] > 0xf0 {
				n++
			}
		}
	}
	return n
}

func TestOverlayBottomCaption(t *testing.T) {
	t.Parallel()
	_, orig := astronaut(t)
	img := overlay(t, map[string]any{"text": "Best day ever, everything went perfectly", "position": "bottom"})
	if img.Bounds().Size() != orig.Bounds().Size() {
		t.Fatalf("output is %v, want the input's %v", img.Bounds().Size(), orig.Bounds().Size())
	}
	rows := changedRows(orig, img)
	h := len(rows)
	if n := sum(rows[:2*h/3]); n != 0 {
		t.Errorf("%d pixels changed in the top two thirds for a bottom caption", n)
	}
	if n := sum(rows[2*h/3:]); n < 2000 {
		t.Errorf("only %d pixels changed in the bottom third; no caption drawn?", n)
	}
	if n := whitePixels(img, 2*h/3, h); n < 1000 {
		t.Errorf("only %d white caption pixels at the bottom", n)
	}
	// The margin rows at the very bottom stay untouched.
	if n := sum(rows[h-5:]); n != 0 {
		t.Errorf("%d pixels changed in the bottom margin", n)
	}
}

func TestOverlayTopCaption(t *testing.T) {
	t.Parallel()
	_, orig := astronaut(t)
	img := overlay(t, map[string]any{"text": "when the code compiles", "position": "top", "uppercase": true})
	rows := changedRows(orig, img)
	h := len(rows)
	if n := sum(rows[h/3:]); n != 0 {
		t.Errorf("%d pixels changed below the top third for a top caption", n)
	}
	if n := sum(rows[:h/3]); n < 2000 {
		t.Errorf("only %d pixels changed at the top", n)
	}
}

func TestOverlayLongTextFits(t *testing.T) {
	t.Parallel()
	_, orig := astronaut(t)
	text := strings.Repeat("This caption goes on and on because somebody had a lot to say about astronauts. ", 6) +
		"Supercalifragilisticexpialidociousandthensomemorelettersthatneverend"
	img := overlay(t, map[string]any{"text": text, "position": "bottom"})
	rows := changedRows(orig, img)
	h := len(rows)
	if n := sum(rows[:h/2]); n != 0 {
		t.Errorf("a long bottom caption changed %d pixels in the top half", n)
	}
	if n := sum(rows[h/2:]); n < 2000 {
		t.Errorf("only %d pixels changed", n)
	}
	// Nothing in the left and right margins: the text never runs off.
	ro, ri := toRGBA(orig), toRGBA(img)
	w := orig.Bounds().Dx()
	for y := 0; y < h; y++ {
		for _, x := range []int{0, 1, 2, 3, 4, w - 5, w - 4, w - 3, w - 2, w - 1} {
			if ro.RGBAAt(x, y) != ri.RGBAAt(x, y) {
				t.Fatalf("pixel (%d,%d) in the side margin changed", x, y)
			}
		}
	}
}

// Tall accents reach above the font's ascent; the block grows to hold them.
func TestOverlayTallAccentsStayInside(t *testing.T) {
	t.Parallel()
	orig, _, err := goimage.Decode(bytes.NewReader(overlaySampleAstronaut))
	if err != nil {
		t.Fatal(err)
	}
	img := overlay(t, map[string]any{"image": base64.StdEncoding.EncodeToString(overlaySampleAstronaut), "text": "ǺÅÉ ǺÅÉ", "position": "top"})
	rows := changedRows(orig, img)
	// The margin is 3 % of 256 px: 8 rows.
	if n := sum(rows[:8]); n != 0 {
		t.Errorf("accents drawn in the top margin: rows 0-7 changed %v", rows[:8])
	}
	if sum(rows[:len(rows)/3]) == 0 {
		t.Error("no caption drawn")
	}
}

func TestOverlayHugeTextStaysInside(t *testing.T) {
	t.Parallel()
	_, orig := astronaut(t)
	img := overlay(t, map[string]any{"text": strings.Repeat("word ", 399), "position": "top"})
	rows := changedRows(orig, img)
	h := len(rows)
	if n := sum(rows[:3]) + sum(rows[h-3:]); n != 0 {
		t.Errorf("%d pixels changed in the top or bottom margin", n)
	}
}

// On a small image even the smallest font cannot hold 2,000 characters:
// lines are dropped, the last kept one ends with an ellipsis, and nothing
// is drawn in the margins.
func TestOverlayTruncatesOnSmallImage(t *testing.T) {
	t.Parallel()
	small := goimage.NewRGBA(goimage.Rect(0, 0, 120, 80))
	draw.Draw(small, small.Bounds(), &goimage.Uniform{color.RGBA{40, 90, 160, 255}}, goimage.Point{}, draw.Src)
	var buf bytes.Buffer
	if err := png.Encode(&buf, small); err != nil {
		t.Fatal(err)
	}
	text := strings.Repeat("word ", 399)
	img := overlay(t, map[string]any{"image": base64.StdEncoding.EncodeToString(buf.Bytes()), "text": text})
	rows := changedRows(small, img)
	if rows[0]+rows[1]+rows[78]+rows[79] != 0 {
		t.Errorf("text drawn in the top or bottom margin: rows %v", rows)
	}
	f, err := loadCaptionFont()
	if err != nil {
		t.Fatal(err)
	}
	lay, err := fitCaption(context.Background(), f, text, 120-2*3, 80, 3)
	if err != nil {
		t.Fatal(err)
	}
	defer lay.face.Close()
	if last := lay.lines[len(lay.lines)-1]; !strings.HasSuffix(last, "…") {
		t.Errorf("last line %q lacks the ellipsis", last)
	}
	if lay.inkHeight > 80-2*3 {
		t.Errorf("block is %d px high on an 80 px image", lay.inkHeight)
	}
}

// The placement cases run on the 256 px copy of the same portrait that the
// samples use: a quarter of the pixels keeps the test quick under -race.
func TestOverlayAvoidMovesCaption(t *testing.T) {
	t.Parallel()
	orig, _, err := goimage.Decode(bytes.NewReader(overlaySampleAstronaut))
	if err != nil {
		t.Fatal(err)
	}
	image64 := base64.StdEncoding.EncodeToString(overlaySampleAstronaut)
	cases := []struct {
		name   string
		avoid  any
		wantUp bool
	}{
		{"no boxes: bottom", nil, false},
		{"face at the top (cv/FaceDetection faces): bottom", []any{
			map[string]any{"box": map[string]any{"x": 81.0, "y": 37.0, "width": 59.0, "height": 56.0}, "score": 0.97},
		}, false},
		{"box at the bottom: top", []any{map[string]any{"x": 50.0, "y": 190.0, "width": 150.0, "height": 60.0}}, true},
		{"whole FaceDetection result at the bottom: top", map[string]any{"width": 256.0, "height": 256.0, "faces": []any{
			map[string]any{"box": map[string]any{"x": 75.0, "y": 200.0, "width": 100.0, "height": 50.0}, "score": 0.9},
		}}, true},
		{"single box at the bottom: top", map[string]any{"x": 0.0, "y": 175.0, "width": 256.0, "height": 81.0}, true},
		{"boxes at both ends, more at the top: bottom", []any{
			map[string]any{"x": 0.0, "y": 0.0, "width": 256.0, "height": 80.0},
			map[string]any{"x": 100.0, "y": 230.0, "width": 20.0, "height": 20.0},
		}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := map[string]any{"image": image64, "text": "Houston, we have a caption"}
			if c.avoid != nil {
				req["avoid"] = c.avoid
			}
			rows := changedRows(orig, overlay(t, req))
			h := len(rows)
			top, bottom := sum(rows[:h/2]), sum(rows[h/2:])
			if c.wantUp && (top == 0 || bottom != 0) {
				t.Errorf("changed pixels top=%d bottom=%d, want the caption at the top", top, bottom)
			}
			if !c.wantUp && (bottom == 0 || top != 0) {
				t.Errorf("changed pixels top=%d bottom=%d, want the caption at the bottom", top, bottom)
			}
		})
	}
}

func TestOverlayNewlineAndTextInput(t *testing.T) {
	t.Parallel()
	data, _ := astronaut(t)
	raw := `{"image": "data:image/png;base64,` + base64.StdEncoding.EncodeToString(data) + `", "text": "line one\nline two"}`
	out, err := OverlayText().Run(context.Background(), catalog.Text(raw), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(bytes.NewReader(out.Bytes)); err != nil {
		t.Fatal(err)
	}
}

func TestFitCaptionLines(t *testing.T) {
	t.Parallel()
	f, err := loadCaptionFont()
	if err != nil {
		t.Fatal(err)
	}
	lay, err := fitCaption(context.Background(), f, "Best day ever, everything went perfectly", 480, 512, 16)
	if err != nil {
		t.Fatal(err)
	}
	defer lay.face.Close()
	if len(lay.lines) < 2 || len(lay.lines) > 3 {
		t.Errorf("lines = %q, want 2 or 3 on a 512 px image", lay.lines)
	}
	if got := strings.Join(lay.lines, " "); got != "Best day ever, everything went perfectly" {
		t.Errorf("wrapped text = %q, lost or changed words", got)
	}
	if lay.inkHeight > 512/3 || lay.inkWidth > 480 {
		t.Errorf("block %d×%d does not fit 480×%d", lay.inkWidth, lay.inkHeight, 512/3)
	}
}

func TestOverlayBadInput(t *testing.T) {
	t.Parallel()
	data, _ := astronaut(t)
	b64 := base64.StdEncoding.EncodeToString(data)
	cases := []struct {
		name string
		in   catalog.Value
		want string
	}{
		{"bytes alone", catalog.Bytes(data), "no caption"},
		{"base64 string alone", catalog.JSON(b64), "no caption"},
		{"base64 text alone", catalog.Text(b64), "no caption"},
		{"no text", catalog.JSON(map[string]any{"image": b64}), `"text"`},
		{"blank text", catalog.JSON(map[string]any{"image": b64, "text": " \n "}), `"text"`},
		{"no image", catalog.JSON(map[string]any{"text": "hi"}), `"image"`},
		{"bad position", catalog.JSON(map[string]any{"image": b64, "text": "hi", "position": "middle"}), "middle"},
		{"bad avoid", catalog.JSON(map[string]any{"image": b64, "text": "hi", "avoid": []any{"face"}}), `"avoid" item 0`},
		{"avoid box lacks height", catalog.JSON(map[string]any{"image": b64, "text": "hi", "avoid": []any{map[string]any{"x": 1.0, "y": 1.0, "width": 3.0}}}), `"height"`},
		{"not an image", catalog.JSON(map[string]any{"image": base64.StdEncoding.EncodeToString([]byte("hello there")), "text": "hi"}), "not an image"},
		{"too long", catalog.JSON(map[string]any{"image": b64, "text": strings.Repeat("a", 2001)}), "2000"},
		{"unknown field", catalog.JSON(map[string]any{"image": b64, "text": "hi", "colour": "red"}), "colour"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := OverlayText().Run(context.Background(), c.in, io.Discard)
			algotest.WantError(t, err, catalog.InputError, c.want)
		})
	}
}

func TestOverlayCancelled(t *testing.T) {
	t.Parallel()
	data, _ := astronaut(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := OverlayText().Run(ctx, catalog.JSON(map[string]any{"image": base64.StdEncoding.EncodeToString(data), "text": "hi"}), io.Discard)
	if err == nil {
		t.Error("a cancelled call succeeded")
	}
}

// overlaySampleSized checks that an OverlayText sample gives a PNG the size
// of its input image.
func overlaySampleSized(t *testing.T, e catalog.Entry, i int, out catalog.Value) {
	s := e.Samples[i]
	got, err := png.DecodeConfig(bytes.NewReader(out.Bytes))
	if err != nil {
		t.Fatalf("sample %q: result is not a PNG: %v", s.Name, err)
	}
	src, _ := s.Input.JSON.(map[string]any)["image"].(string)
	in, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(src, "data:image/jpeg;base64,"))
	if err != nil {
		t.Fatal(err)
	}
	want, _, err := goimage.DecodeConfig(bytes.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if got.Width != want.Width || got.Height != want.Height {
		t.Errorf("sample %q: output %d×%d, input %d×%d", s.Name, got.Width, got.Height, want.Width, want.Height)
	}
}

func FuzzCaptionLayout(f *testing.F) {
	for _, s := range []string{"Best day ever", "a\nb\n\nc", strings.Repeat("W", 300), "日本語のテキスト", "é\u0301 \u200b x"} {
		f.Add(s, uint8(100))
	}
	font, err := loadCaptionFont()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string, width uint8) {
		text = cleanCaption(text)
		if text == "" || len(text) > 500 {
			return
		}
		w := int(width) + 16
		lay, err := fitCaption(context.Background(), font, text, w, 120, 4)
		if err != nil {
			t.Fatal(err)
		}
		defer lay.face.Close()
		if lay.inkHeight > 120-8 {
			t.Fatalf("%q: block %d px high in 112", text, lay.inkHeight)
		}
		if lay.inkWidth > w+2 {
			t.Fatalf("%q: block %d px wide in %d", text, lay.inkWidth, w)
		}
	})
}
