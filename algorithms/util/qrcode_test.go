package util

import (
	"bytes"
	"context"
	"image"
	"image/draw"
	"image/png"
	"io"
	"strings"
	"testing"

	"pipette/algorithms/algotest"
	"pipette/catalog"
)

const roundTripText = "https://example.org/algo/nlp/SentimentAnalysis?v=1.0 — héllo"

func qr(t *testing.T, in catalog.Value) catalog.Value {
	t.Helper()
	v, err := runQRCode(context.Background(), in, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestQRCodeRoundTrip(t *testing.T) {
	t.Parallel()
	png := qr(t, catalog.Text(roundTripText))
	if png.Kind != catalog.KindBinary || !bytes.HasPrefix(png.Bytes, []byte("\x89PNG")) {
		t.Fatalf("encoding gave %s, want PNG bytes", png.Summary(40))
	}
	img, _, err := image.Decode(bytes.NewReader(png.Bytes))
	if err != nil || img.Bounds().Dx() != defaultQRSize {
		t.Fatalf("encoded image: %v, %v; want a %d px PNG", err, img.Bounds(), defaultQRSize)
	}
	res := qr(t, png).JSON.(QRResult)
	if res.Text != roundTripText || res.Format != "QR_CODE" || res.Level != "M" || len(res.Points) < 3 {
		t.Errorf("decoded %+v, want %q, QR_CODE, level M, 3+ points", res, roundTripText)
	}
	// The same through the JSON forms, with options.
	png = qr(t, catalog.JSON(map[string]any{"text": roundTripText, "size": 400.0, "level": "h", "border": false,
		"foreground": "#203040", "background": "#fafaf0"}))
	res = qr(t, catalog.JSON(map[string]any{"mode": "decode", "image": b64(png.Bytes)})).JSON.(QRResult)
	if res.Text != roundTripText || res.Level != "H" {
		t.Errorf("decoded %+v, want %q at level H", res, roundTripText)
	}
}

func TestQRCodeSampleInPhoto(t *testing.T) {
	t.Parallel()
	res := qr(t, catalog.Bytes(sampleQROnCoffee)).JSON.(QRResult)
	if res.Text != "pipette: read from a photo" {
		t.Fatalf("decoded %q from the photo", res.Text)
	}
	// The code was pasted at x 122–256, y 22–170 of the 256×170 photo.
	for _, p := range res.Points {
		if p.X < 115 || p.X > 256 || p.Y < 15 || p.Y > 170 {
			t.Errorf("point %+v lies outside the pasted code", p)
		}
	}
}

func TestQRCodeInvertedAndLarge(t *testing.T) {
	t.Parallel()
	code := qr(t, catalog.JSON(map[string]any{"text": "light on dark", "foreground": "#ffffff", "background": "#000000", "size": 300.0}))
	res := qr(t, code).JSON.(QRResult)
	if res.Text != "light on dark" {
		t.Errorf("inverted code decoded as %q", res.Text)
	}
	// A code in a corner of a 1600×1200 canvas: coordinates must come
	// back in the canvas's pixels whichever try found it.
	small, _, _ := image.Decode(bytes.NewReader(qr(t, catalog.JSON(map[string]any{"text": "corner", "size": 600.0})).Bytes))
	canvas := image.NewGray(image.Rect(0, 0, 1600, 1200))
	draw.Draw(canvas, canvas.Bounds(), image.White, image.Point{}, draw.Src)
	draw.Draw(canvas, image.Rect(1000, 600, 1600, 1200), small, image.Point{}, draw.Src)
	var buf bytes.Buffer
	if err := png.Encode(&buf, canvas); err != nil {
		t.Fatal(err)
	}
	res = qr(t, catalog.Bytes(buf.Bytes())).JSON.(QRResult)
	if res.Text != "corner" || res.Points[0].X < 1000 || res.Points[0].Y < 600 {
		t.Errorf("decoded %+v, want \"corner\" with points inside 1000–1600 × 600–1200", res)
	}
}

func TestQRCodeBadInput(t *testing.T) {
	t.Parallel()
	astro := algotest.TestImage(t, "astronaut.png")
	_, err := runQRCode(context.Background(), catalog.Bytes(astro), io.Discard)
	algotest.WantError(t, err, catalog.InputError, "no QR code found", "512×512")
	for _, c := range []struct {
		in   any
		want string
	}{
		{map[string]any{"text": ""}, "no text"},
		{map[string]any{"text": "x", "size": 10.0}, `"size" is 10`},
		{map[string]any{"text": "x", "level": "Z"}, `"level" is "Z"`},
		{map[string]any{"text": "x", "foreground": "navy"}, `"foreground"`},
		{map[string]any{"text": strings.Repeat("x", 3000)}, "3000 bytes"},
		{map[string]any{"text": strings.Repeat("x", 200), "size": 32.0}, "modules"},
		{map[string]any{"text": "x", "image": "abc"}, "not both"},
		{map[string]any{"mode": "decode", "text": "x", "image": "abc"}, "decoding takes only"},
		{map[string]any{"mode": "decode"}, `needs "image"`},
		{map[string]any{"mode": "scan", "text": "x"}, `"mode" is "scan"`},
		{map[string]any{"text": "x", "colour": "red"}, "colour"},
		{[]any{1.0}, "expected text to encode"},
	} {
		_, err := runQRCode(context.Background(), catalog.JSON(c.in), io.Discard)
		algotest.WantError(t, err, catalog.InputError, c.want)
	}
}

// qrSampleDecodes checks that an encoding sample of QRCode decodes back to
// its text.
func qrSampleDecodes(t *testing.T, e catalog.Entry, i int, out catalog.Value) {
	if e.Ref.Name != "QRCode" || out.Kind != catalog.KindBinary {
		return
	}
	s := e.Samples[i]
	res := qr(t, out).JSON.(QRResult)
	want := s.Input.Text
	if s.Input.Kind == catalog.KindJSON {
		want = s.Input.JSON.(map[string]any)["text"].(string)
	}
	if res.Text != want {
		t.Errorf("sample %q decodes to %q", s.Name, res.Text)
	}
}

func BenchmarkQRCodeEncode(b *testing.B) {
	algotest.BenchmarkSample(b, QRCode(), 0)
}

func BenchmarkQRCodeDecode(b *testing.B) {
	algotest.BenchmarkSample(b, QRCode(), 1)
}
