package ocr

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/disintegration/imaging"

	"pipette/algorithms"
	"pipette/algorithms/imagein"
	"pipette/catalog"
)

//go:embed docs/extract_text.md
var extractTextDocs string

//go:embed samples/invoice.png
var sampleInvoice []byte

//go:embed samples/receipt.png
var sampleReceipt []byte

const (
	tesseractInstall = "apt-get install tesseract-ocr tesseract-ocr-eng"
	// maxTesseractOutput bounds what is read from tesseract: a page of
	// dense text is tens of kilobytes of TSV.
	maxTesseractOutput = 16 << 20
	// smallText is the median word height, in pixels, under which Tesseract
	// misreads glyphs; its models were trained on text about 30 px tall.
	smallText = 20
	// targetText is the height small text is scaled up to.
	targetText = 32
	// maxScaledPixels keeps an automatic upscale from turning one call into
	// a minute of recognition.
	maxScaledPixels = 16_000_000
)

const extractTextExpected = `an image, or a JSON object {"image": ` + imagein.Placeholder + `, "lang": "eng", "psm": 3, "scale": 2}`

// psmNames are the page segmentation modes a caller may choose; 0 (script
// detection only) and 2 (not implemented by Tesseract) return no text.
var psmNames = map[int]string{
	1: "automatic with orientation and script detection", 3: "fully automatic (default)",
	4: "a single column of text of variable sizes", 5: "a single uniform block of vertical text",
	6: "a single uniform block of text", 7: "a single text line", 8: "a single word",
	9: "a single word in a circle", 10: "a single character", 11: "sparse text, as much as possible, in no order",
	12: "sparse text with orientation and script detection", 13: "a raw line, bypassing Tesseract's layout hacks",
}

// OCRWord is one recognised word.
type OCRWord struct {
	Text string  `json:"text"`
	Conf float64 `json:"conf"`
	Box  OCRBox  `json:"box"`
	Line int     `json:"line"` // index into Lines
}

// OCRBox is a rectangle in pixels of the input image.
type OCRBox struct {
	X      int `json:"x"`
	Y      int `json:"y"`
	Width  int `json:"width"`
	Height int `json:"height"`
}

// OCRResult is ocr/ExtractText's output.
type OCRResult struct {
	Text       string    `json:"text"`
	Lines      []string  `json:"lines"`
	Words      []OCRWord `json:"words"`
	Confidence float64   `json:"confidence"` // mean word confidence, 0–100
	Lang       string    `json:"lang"`
	PSM        int       `json:"psm"`
	Scale      int       `json:"scale"` // how much the image was enlarged before recognition
}

// ExtractText is ocr/ExtractText: printed text from an image with the
// Tesseract command-line program. Registered always; unavailable (with the
// install command) where tesseract is not on PATH.
func ExtractText() algorithms.Algorithm {
	e := catalog.Entry{
		Ref: catalog.Ref{Owner: "ocr", Name: "ExtractText", Version: "1.0.0"},
		Versions: []catalog.VersionInfo{{
			Version:      "1.0.0",
			ReleaseNotes: "First release: Tesseract 5 OCR with text, lines, word boxes and confidences; small text is enlarged automatically.",
		}},
		Label:      "Extract Text (OCR)",
		Tagline:    "Read the printed text in an image, with word boxes",
		Docs:       extractTextDocs,
		Tags:       []string{"ocr", "image", "text", "tesseract"},
		InputKind:  catalog.KindAny,
		OutputKind: catalog.KindJSON,
		InputSchema: json.RawMessage(`{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "description": "An image (raw bytes, ` + imagein.StringForms + `), or an object with options.",
  "oneOf": [
    {"type": "string", "description": "` + imagein.StringForms + `"},
    {"type": "object", "required": ["image"], "additionalProperties": false, "properties": {
      "image": {"type": "string"},
      "lang": {"type": "string", "default": "eng", "description": "installed Tesseract languages, joined with + (eng+deu)"},
      "psm": {"type": "integer", "enum": [1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13], "default": 3, "description": "page segmentation mode"},
      "scale": {"type": "integer", "minimum": 1, "maximum": 4, "description": "enlarge the image this many times first; default: automatic for small text"}
    }}
  ]
}`),
		Samples: []catalog.Sample{
			{Name: "small printed text (bytes)", Input: catalog.Bytes(sampleInvoice)},
			{Name: "receipt as one block (psm 6)", Input: catalog.JSON(map[string]any{
				"image": base64Std(sampleReceipt), "lang": "eng", "psm": 6})},
		},
		License: "Apache-2.0",
	}
	if _, err := exec.LookPath("tesseract"); err != nil {
		e.Unavailable = "needs the tesseract program: " + tesseractInstall
	}
	// Scaling the image (over every core) and Tesseract's recognition are
	// CPU-heavy: a server runs them in a worker at a low priority, and
	// the tesseract it starts inherits that priority and that worker's
	// memory limit.
	return algorithms.Algorithm{Entry: e, Run: runExtractText, Isolate: true}
}

func runExtractText(ctx context.Context, in catalog.Value, stdout io.Writer) (catalog.Value, error) {
	var opts struct {
		Image string `json:"image"`
		Lang  string `json:"lang"`
		PSM   *int   `json:"psm"`
		Scale *int   `json:"scale"`
	}
	data, err := imagein.Request(ctx, in, &opts, &opts.Image, extractTextExpected)
	if err != nil {
		return catalog.Value{}, err
	}
	lang := opts.Lang
	if lang == "" {
		lang = "eng"
	}
	if err := checkLangs(ctx, lang); err != nil {
		return catalog.Value{}, err
	}
	psm := 3
	if opts.PSM != nil {
		psm = *opts.PSM
		if _, ok := psmNames[psm]; !ok {
			return catalog.Value{}, catalog.InputErrorf(`"psm" is %d; use 3 (automatic), 6 (one block), 7 (one line), 8 (one word), 11 (sparse text), or another of 1, 4, 5, 9, 10, 12, 13`, psm)
		}
	}
	if opts.Scale != nil {
		if err := catalog.CheckInt("scale", int64(*opts.Scale), 1, 4, "1 reads the image as is; leave it out to enlarge small text automatically"); err != nil {
			return catalog.Value{}, err
		}
	}
	img, _, err := imagein.DecodeContext(ctx, data, func(h imagein.Header) error {
		if opts.Scale == nil {
			return nil
		}
		return planScale(ctx, h.Width, h.Height, h.Pixels, *opts.Scale)
	})
	if err != nil {
		return catalog.Value{}, err
	}
	img = onWhite(img)

	dir, err := os.MkdirTemp("", "pipette-ocr-")
	if err != nil {
		return catalog.Value{}, fmt.Errorf("make a temporary directory for tesseract: %w", err)
	}
	defer os.RemoveAll(dir)

	scale := 1
	if opts.Scale != nil {
		scale = *opts.Scale
	}
	res, err := recognise(ctx, dir, img, lang, psm, scale)
	if err != nil {
		return catalog.Value{}, err
	}
	if opts.Scale == nil {
		if s := autoScale(ctx, res, img); s > 1 {
			fmt.Fprintf(stdout, "small text (median word height %.0f px): trying again at %d×\n", medianHeight(res.Words), s)
			bigger, err := recognise(ctx, dir, img, lang, psm, s)
			if err != nil {
				return catalog.Value{}, err
			}
			// Keep whichever reading Tesseract is surer of.
			if len(bigger.Words) > 0 && bigger.Confidence >= res.Confidence {
				res = bigger
			}
		}
	}
	fmt.Fprintf(stdout, "%d words in %d lines, mean confidence %.1f, scale %d\n", len(res.Words), len(res.Lines), res.Confidence, res.Scale)
	return catalog.JSON(res), nil
}

// autoScale is the enlargement that brings small text to a size Tesseract
// reads well, or 1. An image with no words found at all gets one try at 2×
// when it is small enough that its text may simply have been too tiny.
func autoScale(ctx context.Context, res OCRResult, img image.Image) int {
	b := img.Bounds()
	s := 1
	if len(res.Words) == 0 {
		if max(b.Dx(), b.Dy()) <= 1200 {
			s = 2
		}
	} else if h := medianHeight(res.Words); h > 0 && h < smallText {
		s = min(4, int(math.Ceil(targetText/h)))
	}
	for s > 1 && int64(b.Dx()*s)*int64(b.Dy()*s) > maxScaledPixels {
		s--
	}
	for s > 1 && planScale(ctx, b.Dx(), b.Dy(), imagein.FormatOfImage(img), s) != nil {
		s--
	}
	return s
}

// planScale checks an enlargement of img by scale before it is made: the
// enlarged image must be within the pixel limit (Tesseract gets it whole),
// and the decoded image, its enlargement and the resizer's buffers must fit
// the call's memory budget.
func planScale(ctx context.Context, w, h int, f imagein.PixelFormat, scale int) error {
	if scale <= 1 {
		return nil
	}
	sw, sh := algorithms.SatInt(float64(w)*float64(scale)), algorithms.SatInt(float64(h)*float64(scale))
	if _, err := imagein.CheckImage(ctx, fmt.Sprintf("the image enlarged %d×", scale), sw, sh, imagein.RGBA8); err != nil {
		return err
	}
	need := algorithms.SatAdd(imagein.ImageBytes(w, h, f), imagein.ResizeBytes(w, h, sw, sh, imaging.CatmullRom.Support))
	return algorithms.CheckMemory(ctx, fmt.Sprintf("enlarging the %d×%d image %d×", w, h, scale), need, `give a smaller "scale" or a smaller image`)
}

func medianHeight(words []OCRWord) float64 {
	var hs []int
	for _, w := range words {
		if w.Conf > 0 {
			hs = append(hs, w.Box.Height)
		}
	}
	if len(hs) == 0 {
		return 0
	}
	slices.Sort(hs)
	return float64(hs[len(hs)/2])
}

// onWhite flattens transparency onto white: Tesseract binarises the colour
// channels and would read transparent black as ink.
func onWhite(img image.Image) image.Image {
	if o, ok := img.(interface{ Opaque() bool }); ok && o.Opaque() {
		return img
	}
	b := img.Bounds()
	dst := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.Draw(dst, dst.Bounds(), img, b.Min, draw.Over)
	return dst
}

// recognise runs tesseract once on img enlarged scale times and maps the
// word boxes back to img's pixels.
func recognise(ctx context.Context, dir string, img image.Image, lang string, psm, scale int) (OCRResult, error) {
	if scale > 1 {
		b := img.Bounds()
		img = imaging.Resize(img, b.Dx()*scale, b.Dy()*scale, imaging.CatmullRom)
	}
	path := filepath.Join(dir, fmt.Sprintf("page-%d.png", scale))
	f, err := os.Create(path)
	if err != nil {
		return OCRResult{}, fmt.Errorf("write the image for tesseract: %w", err)
	}
	// Fast compression: the file is read once, a few milliseconds later.
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(f, img); err != nil {
		f.Close()
		return OCRResult{}, fmt.Errorf("write the image for tesseract: %w", err)
	}
	if err := f.Close(); err != nil {
		return OCRResult{}, fmt.Errorf("write the image for tesseract: %w", err)
	}
	tsv, err := runTesseract(ctx, path, "-l", lang, "--psm", strconv.Itoa(psm), "tsv")
	if err != nil {
		return OCRResult{}, err
	}
	res, err := parseTSV(tsv, scale)
	if err != nil {
		return OCRResult{}, err
	}
	res.Lang, res.PSM, res.Scale = lang, psm, scale
	return res, nil
}

// tesseractSlots bounds concurrent tesseract processes to the number of
// cores: each is CPU-bound, so more at once only makes every call slower and
// lets a burst of requests exhaust memory. Callers queue, bounded by ctx.
var tesseractSlots = make(chan struct{}, max(1, runtime.NumCPU()))

// runTesseract runs `tesseract IMAGE - ARGS…` and returns its standard
// output. The process dies with ctx; stdin is empty; output is bounded.
func runTesseract(ctx context.Context, image string, args ...string) ([]byte, error) {
	select {
	case tesseractSlots <- struct{}{}:
		defer func() { <-tesseractSlots }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	cmd := exec.CommandContext(ctx, "tesseract", append([]string{image, "-"}, args...)...)
	// Tesseract's OpenMP threads spin and fight each other (and every other
	// request) for cores; one thread per process is faster under load.
	cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
	cmd.WaitDelay = 2 * time.Second
	var out, errOut limitedBuffer
	out.max, errOut.max = maxTesseractOutput, 64<<10
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if ctxErr := ctx.Err(); ctxErr != nil {
		return nil, ctxErr
	}
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return nil, fmt.Errorf("tesseract failed (%v): %s", err, lastLine(errOut.String()))
		}
		if errors.Is(err, exec.ErrNotFound) {
			return nil, catalog.Errorf(catalog.UnsupportedError, "the tesseract program is not installed here: %s", tesseractInstall)
		}
		return nil, fmt.Errorf("run tesseract: %w", err)
	}
	if out.truncated {
		return nil, catalog.Errorf(catalog.TooLargeError, "tesseract produced more than %d MiB of output: split the image into pages", maxTesseractOutput>>20)
	}
	return out.Bytes(), nil
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// limitedBuffer keeps the first max bytes written and drops the rest,
// never failing the writer (a failed write would make tesseract exit with
// a confusing broken-pipe error).
type limitedBuffer struct {
	bytes.Buffer
	max       int
	truncated bool
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.Len(); room < len(p) {
		b.truncated = true
		if room > 0 {
			b.Buffer.Write(p[:room])
		}
		return len(p), nil
	}
	return b.Buffer.Write(p)
}

// parseTSV reads Tesseract's TSV: one row per page, block, paragraph, line
// and word (level 1–5), words carrying their box and confidence. Lines are
// rebuilt from the words; paragraphs are separated by a blank line, as in
// Tesseract's plain-text output.
func parseTSV(tsv []byte, scale int) (OCRResult, error) {
	res := OCRResult{Lines: []string{}, Words: []OCRWord{}}
	type lineKey struct{ block, par, line int }
	var (
		cur      lineKey
		haveLine bool
		words    []string
		text     strings.Builder
		lastPar  [2]int
		confSum  float64
	)
	flush := func() {
		if len(words) == 0 {
			return
		}
		line := strings.Join(words, " ")
		if text.Len() > 0 {
			if [2]int{cur.block, cur.par} != lastPar {
				text.WriteString("\n\n")
			} else {
				text.WriteString("\n")
			}
		}
		text.WriteString(line)
		lastPar = [2]int{cur.block, cur.par}
		res.Lines = append(res.Lines, line)
		words = words[:0]
	}
	sc := bufio.NewScanner(bytes.NewReader(tsv))
	sc.Buffer(make([]byte, 64<<10), maxTesseractOutput)
	first := true
	for sc.Scan() {
		if first {
			first = false
			if strings.HasPrefix(sc.Text(), "level") {
				continue
			}
		}
		cols := strings.SplitN(sc.Text(), "\t", 12)
		if len(cols) < 12 || cols[0] != "5" {
			continue
		}
		n := make([]int, 10)
		for i := range n {
			v, err := strconv.Atoi(cols[i])
			if err != nil {
				return OCRResult{}, fmt.Errorf("tesseract wrote an unexpected TSV row %q", sc.Text())
			}
			n[i] = v
		}
		conf, err := strconv.ParseFloat(cols[10], 64)
		word := strings.TrimSpace(cols[11])
		if err != nil || conf < 0 || word == "" {
			continue
		}
		k := lineKey{n[2], n[3], n[4]}
		if !haveLine || k != cur {
			flush()
			cur, haveLine = k, true
		}
		words = append(words, word)
		confSum += conf
		res.Words = append(res.Words, OCRWord{
			Text: word,
			Conf: algorithms.Round(conf, 1),
			Box:  OCRBox{X: n[6] / scale, Y: n[7] / scale, Width: divUp(n[8], scale), Height: divUp(n[9], scale)},
			Line: len(res.Lines),
		})
	}
	if err := sc.Err(); err != nil {
		return OCRResult{}, fmt.Errorf("read tesseract's output: %w", err)
	}
	flush()
	res.Text = text.String()
	if len(res.Words) > 0 {
		res.Confidence = algorithms.Round(confSum/float64(len(res.Words)), 1)
	}
	return res, nil
}

func divUp(a, b int) int { return (a + b - 1) / b }

var (
	langsMu sync.Mutex
	langs   []string // installed languages, once read
)

// installedLangs asks tesseract once which traineddata files it has.
func installedLangs(ctx context.Context) ([]string, error) {
	langsMu.Lock()
	defer langsMu.Unlock()
	if langs != nil {
		return langs, nil
	}
	cmd := exec.CommandContext(ctx, "tesseract", "--list-langs")
	var out limitedBuffer
	out.max = 1 << 20
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.WaitDelay = 2 * time.Second
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if errors.Is(err, exec.ErrNotFound) {
			return nil, catalog.Errorf(catalog.UnsupportedError, "the tesseract program is not installed here: %s", tesseractInstall)
		}
		return nil, fmt.Errorf("tesseract --list-langs: %w: %s", err, lastLine(out.String()))
	}
	found := []string{}
	for _, line := range strings.Split(out.String(), "\n") {
		line = strings.TrimSpace(line)
		// The first line is a header ("List of available languages in …");
		// osd is orientation detection, not a language to read.
		if line == "" || strings.Contains(line, " ") || line == "osd" {
			continue
		}
		found = append(found, line)
	}
	slices.Sort(found)
	langs = found
	return langs, nil
}

func checkLangs(ctx context.Context, lang string) error {
	have, err := installedLangs(ctx)
	if err != nil {
		return err
	}
	for _, l := range strings.Split(lang, "+") {
		if !slices.Contains(have, l) {
			hint := "install its tesseract-ocr-<code> package"
			return catalog.InputErrorf("the language %q is not installed for tesseract; installed: %s (%s, then restart pipette)", l, strings.Join(have, ", "), hint)
		}
	}
	return nil
}
