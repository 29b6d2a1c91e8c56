package ocr

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/draw"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pipette/algorithms"
	"pipette/algorithms/algotest"
	"pipette/catalog"
	"pipette/internal/testenv"
)

func needTesseract(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("tesseract"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tesseract is not installed, and CI must run the OCR tests: " + tesseractInstall)
		}
		t.Skip("tesseract is not installed: " + tesseractInstall)
	}
}

func ocr(t *testing.T, in catalog.Value) OCRResult {
	t.Helper()
	return algotest.Result[OCRResult](t, ExtractText(), in)
}

func TestExtractTextInvoiceExact(t *testing.T) {
	testenv.Slow(t) // tesseract on a full page
	needTesseract(t)
	t.Parallel()
	res := ocr(t, catalog.Bytes(sampleInvoice))
	const want = "The quick brown fox jumps over\nthe lazy dog. Invoice #4821 total $93.50"
	if res.Text != want {
		t.Fatalf("read %q, want %q", res.Text, want)
	}
	if len(res.Lines) != 2 || len(res.Words) != 13 || res.Scale < 2 || res.Confidence < 80 {
		t.Errorf("%d lines, %d words, scale %d, confidence %.1f; want 2, 13, ≥ 2 (small text enlarged), ≥ 80",
			len(res.Lines), len(res.Words), res.Scale, res.Confidence)
	}
	// Boxes are in the 256×64 input's pixels, in reading order.
	for i, w := range res.Words {
		if w.Box.X < 0 || w.Box.Y < 0 || w.Box.X+w.Box.Width > 256 || w.Box.Y+w.Box.Height > 64 || w.Box.Height < 5 {
			t.Errorf("word %q box %+v is outside the image or implausible", w.Text, w.Box)
		}
		if i > 0 && w.Line == res.Words[i-1].Line && w.Box.X <= res.Words[i-1].Box.X {
			t.Errorf("word %q is not right of %q", w.Text, res.Words[i-1].Text)
		}
	}
	if w := res.Words[len(res.Words)-1]; w.Text != "$93.50" || w.Line != 1 || w.Box.Y < 28 {
		t.Errorf("last word %+v, want $93.50 on line 1, in the lower half", w)
	}
}

func TestExtractTextScaleOneIsWorse(t *testing.T) {
	needTesseract(t)
	t.Parallel()
	// Forcing scale 1 runs one pass on the small text as is; whatever it
	// reads, it reports scale 1 and boxes need no mapping.
	res := ocr(t, catalog.JSON(map[string]any{"image": base64Std(sampleInvoice), "scale": 1.0}))
	if res.Scale != 1 || len(res.Lines) != 2 {
		t.Errorf("scale %d, %d lines; want 1 and 2", res.Scale, len(res.Lines))
	}
}

func TestExtractTextReceiptBlock(t *testing.T) {
	testenv.Slow(t) // tesseract on a full page
	needTesseract(t)
	t.Parallel()
	res := ocr(t, ExtractText().Entry.Samples[1].Input)
	want := []string{"CAFE PIPETTE", "2 Espresso 5.00", "1 Croissant 2.80", "TOTAL EUR 7.80"}
	if strings.Join(res.Lines, "|") != strings.Join(want, "|") || res.PSM != 6 {
		t.Errorf("lines %q (psm %d), want %q with psm 6", res.Lines, res.PSM, want)
	}
}

func TestExtractTextBlankImage(t *testing.T) {
	needTesseract(t)
	t.Parallel()
	img := image.NewGray(image.Rect(0, 0, 200, 80))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	blank := base64Std(buf.Bytes())
	res := ocr(t, catalog.Text(blank))
	if res.Text != "" || len(res.Words) != 0 || res.Lines == nil {
		t.Errorf("a blank image read as %+v, want empty text, no words, an empty list of lines", res)
	}
}

func TestExtractTextBadInput(t *testing.T) {
	needTesseract(t)
	t.Parallel()
	img := base64Std(sampleInvoice)
	for _, c := range []struct {
		in   map[string]any
		want []string
	}{
		{map[string]any{"image": img, "lang": "klingon"}, []string{`"klingon" is not installed`, "eng"}},
		{map[string]any{"image": img, "lang": "eng+osd"}, []string{`"osd"`}},
		{map[string]any{"image": img, "psm": 0.0}, []string{`"psm" is 0`}},
		{map[string]any{"image": img, "psm": 2.0}, []string{`"psm" is 2`}},
		{map[string]any{"image": img, "scale": 9.0}, []string{`"scale" is 9`}},
		{map[string]any{"image": img, "dpi": 300.0}, []string{"dpi"}},
		{map[string]any{"lang": "eng"}, []string{`"image" field`}},
	} {
		_, err := runExtractText(context.Background(), catalog.JSON(c.in), io.Discard)
		algotest.WantError(t, err, catalog.InputError, c.want...)
	}
}

func TestExtractTextCancelled(t *testing.T) {
	needTesseract(t)
	// Not parallel: it watches the temporary directory.
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := runExtractText(ctx, catalog.Bytes(sampleInvoice), io.Discard)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v, want the context's deadline", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("cancelled call took %v", d)
	}
	left, _ := filepath.Glob(filepath.Join(tmp, "pipette-ocr-*"))
	if len(left) > 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

func TestExtractTextUnavailableWithoutTesseract(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	a := ExtractText()
	if !strings.Contains(a.Entry.Unavailable, "apt-get install tesseract-ocr tesseract-ocr-eng") {
		t.Fatalf("Unavailable = %q", a.Entry.Unavailable)
	}
	r := algorithms.NewRegistry("test")
	r.Register(a)
	_, err := r.Run(context.Background(), a.Entry.Ref, catalog.Bytes(sampleInvoice))
	algotest.WantError(t, err, catalog.UnsupportedError, "tesseract")
}

func TestParseTSV(t *testing.T) {
	t.Parallel()
	tsv := "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n" +
		"1\t1\t0\t0\t0\t0\t0\t0\t100\t100\t-1\t\n" +
		"5\t1\t1\t1\t1\t1\t10\t10\t20\t9\t95.5\tHello\n" +
		"5\t1\t1\t1\t1\t2\t40\t10\t25\t9\t90.1\tworld\n" +
		"5\t1\t1\t1\t2\t1\t10\t30\t20\t9\t80\tsame\n" +
		"5\t1\t2\t1\t1\t1\t10\t60\t20\t9\t70\tnext\n" +
		"5\t1\t2\t1\t1\t2\t40\t60\t20\t9\t60\t \n"
	res, err := parseTSV([]byte(tsv), 2)
	if err != nil {
		t.Fatal(err)
	}
	if res.Text != "Hello world\nsame\n\nnext" {
		t.Errorf("text %q", res.Text)
	}
	if len(res.Words) != 4 || res.Words[1].Box != (OCRBox{X: 20, Y: 5, Width: 13, Height: 5}) || res.Words[3].Line != 2 {
		t.Errorf("words %+v", res.Words)
	}
	if res.Confidence != 83.9 {
		t.Errorf("confidence %.2f, want 83.9", res.Confidence)
	}
	if _, err := parseTSV([]byte("5\t1\tx\t1\t1\t1\t1\t1\t1\t1\t90\tword\n"), 1); err == nil {
		t.Error("a malformed row was accepted")
	}
}

func TestOCRSamplesThroughRegistry(t *testing.T) {
	testenv.Slow(t) // tesseract on every sample
	needTesseract(t)
	t.Parallel()
	algotest.RunSamples(t, All(), func(t *testing.T, e catalog.Entry, i int, out catalog.Value) {
		if res, ok := out.JSON.(OCRResult); !ok || res.Text == "" {
			t.Errorf("%s sample %q read nothing: %+v", e.Ref, e.Samples[i].Name, out)
		}
	})
}

func BenchmarkExtractText(b *testing.B) {
	needTesseract(b)
	algotest.BenchmarkSample(b, ExtractText(), 0)
}
