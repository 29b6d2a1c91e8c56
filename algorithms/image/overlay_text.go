package image

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	goimage "image"
	"image/color"
	"image/png"
	"io"
	"math"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/fogleman/gg"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"pipette/algorithms"
	"pipette/algorithms/imagein"
	"pipette/catalog"
)

//go:embed docs/overlay_text.md
var overlayTextDocs string

//go:embed samples/astronaut.jpg
var overlaySampleAstronaut []byte

//go:embed samples/chelsea.jpg
var overlaySampleCat []byte

// The Go Bold font is parsed once; sfnt fonts are safe for concurrent use,
// the faces made from them are not, so each call makes its own face.
var (
	captionFontOnce sync.Once
	captionFont     *opentype.Font
	captionFontErr  error
)

func loadCaptionFont() (*opentype.Font, error) {
	captionFontOnce.Do(func() {
		captionFont, captionFontErr = opentype.Parse(gobold.TTF)
	})
	return captionFont, captionFontErr
}

const (
	maxCaptionRunes = 2000
	// The caption may take at most this share of the image height; past it
	// the font shrinks, down to captionMinSize.
	captionMaxShare = 1.0 / 3
	captionMinSize  = 8.0
)

type overlayRequest struct {
	Image     string          `json:"image"`
	Text      string          `json:"text"`
	Position  string          `json:"position"`
	Avoid     json.RawMessage `json:"avoid"`
	Uppercase bool            `json:"uppercase"`
}

const overlayExpected = `a JSON object {"image": ` + imagein.Placeholder + `, "text": "caption", "position": "auto", "avoid": [boxes], "uppercase": false}`

// OverlayText is image/OverlayText: meme-style captions.
func OverlayText() algorithms.Algorithm {
	astro := "data:image/jpeg;base64," + encodeB64(overlaySampleAstronaut)
	cat := "data:image/jpeg;base64," + encodeB64(overlaySampleCat)
	return algorithms.Algorithm{
		Entry: catalog.Entry{
			Ref: catalog.Ref{Owner: "image", Name: "OverlayText", Version: "1.0.0"},
			Versions: []catalog.VersionInfo{{
				Version:      "1.0.0",
				ReleaseNotes: "First release: outlined bold captions at the top or bottom, sized and wrapped to fit, placed away from given boxes (faces).",
			}},
			Label:      "Overlay Text",
			Tagline:    "Caption an image meme-style, clear of faces",
			Docs:       overlayTextDocs,
			Tags:       []string{"image", "text", "caption", "meme"},
			InputKind:  catalog.KindJSON,
			OutputKind: catalog.KindBinary,
			InputSchema: json.RawMessage(`{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "required": ["image", "text"],
  "additionalProperties": false,
  "properties": {
    "image": {"type": "string", "description": "the image: ` + imagein.StringForms + ` (a URL when the server fetches them)"},
    "text": {"type": "string", "minLength": 1, "maxLength": 2000, "description": "the caption; a newline forces a line break"},
    "position": {"enum": ["auto", "top", "bottom"], "default": "auto", "description": "auto: top or bottom, whichever overlaps the avoid boxes less (bottom on a tie)"},
    "uppercase": {"type": "boolean", "default": false, "description": "write the caption in capitals, the classic meme style"},
    "avoid": {
      "description": "boxes to keep the caption away from: a list of boxes or of objects with a \"box\" field (cv/FaceDetection's faces), or cv/FaceDetection's whole result",
      "oneOf": [
        {"type": "array", "items": {"oneOf": [{"$ref": "#/$defs/box"}, {"type": "object", "required": ["box"], "properties": {"box": {"$ref": "#/$defs/box"}}}]}},
        {"type": "object", "required": ["faces"]},
        {"$ref": "#/$defs/box"},
        {"type": "null"}
      ]
    }
  },
  "$defs": {"box": {"type": "object", "required": ["x", "y", "width", "height"], "properties": {
    "x": {"type": "number"}, "y": {"type": "number"}, "width": {"type": "number", "minimum": 0}, "height": {"type": "number", "minimum": 0}
  }}}
}`),
			Samples: []catalog.Sample{
				{Name: "caption a portrait", Input: catalog.JSON(map[string]any{
					"image": astro,
					"text":  "Best day ever, everything went perfectly",
				})},
				{Name: "classic top caption", Input: catalog.JSON(map[string]any{
					"image":     cat,
					"text":      "When the meeting could have been an email",
					"position":  "top",
					"uppercase": true,
				})},
				{Name: "keep clear of a face", Input: catalog.JSON(map[string]any{
					"image": astro,
					"text":  "Houston, we have a caption",
					// cv/FaceDetection's face on this 256 px copy.
					"avoid": []any{map[string]any{"box": map[string]any{"x": 81.0, "y": 37.0, "width": 59.0, "height": 56.0}, "score": 0.97}},
				})},
			},
			License: "MIT",
		},
		Run: runOverlayText,
		// Decoding, filtering and encoding images take tens of milliseconds
		// of every core: a server runs them in its low-priority workers.
		Isolate: true,
	}
}

func runOverlayText(ctx context.Context, in catalog.Value, _ io.Writer) (catalog.Value, error) {
	switch {
	case in.Kind == catalog.KindBinary:
		return catalog.Value{}, catalog.InputErrorf("image bytes alone carry no caption: send %s, with the image as base64 or a data:// reference", overlayExpected)
	case in.Kind == catalog.KindText && !strings.HasPrefix(strings.TrimSpace(in.Text), "{"),
		in.Kind == catalog.KindJSON && isJSONString(in.JSON):
		return catalog.Value{}, catalog.InputErrorf("an image alone carries no caption: send %s", overlayExpected)
	}
	var req overlayRequest
	data, err := imagein.Request(ctx, in, &req, &req.Image, overlayExpected)
	if err != nil {
		return catalog.Value{}, err
	}
	text := cleanCaption(req.Text)
	if text == "" {
		return catalog.Value{}, catalog.InputErrorf(`the "text" field is missing or empty: give the caption to write, for example "text": "Best day ever"`)
	}
	if n := utf8.RuneCountInString(text); n > maxCaptionRunes {
		return catalog.Value{}, catalog.InputErrorf("the caption is %d characters long; the limit is %d, and a caption that long would be unreadable anyway", n, maxCaptionRunes)
	}
	if req.Uppercase {
		text = strings.ToUpper(text)
	}
	position := strings.ToLower(strings.TrimSpace(req.Position))
	switch position {
	case "":
		position = "auto"
	case "auto", "top", "bottom":
	default:
		return catalog.Value{}, catalog.InputErrorf(`"position" is %q; use "top", "bottom" or "auto"`, req.Position)
	}
	avoid, err := parseAvoidBoxes(req.Avoid)
	if err != nil {
		return catalog.Value{}, err
	}
	// gg draws on an RGBA copy, which is then encoded into a growing buffer.
	img, _, err := imagein.DecodeContext(ctx, data, func(h imagein.Header) error {
		need := algorithms.SatAdd(imagein.ImageBytes(h.Width, h.Height, h.Pixels), algorithms.SatMul(imagein.NRGBABytes(h.Width, h.Height), 3))
		return algorithms.CheckMemory(ctx, fmt.Sprintf("captioning the %d×%d image", h.Width, h.Height), need, "scale it down first")
	})
	if err != nil {
		return catalog.Value{}, err
	}
	if err := ctx.Err(); err != nil {
		return catalog.Value{}, err
	}
	out, err := drawCaption(ctx, img, text, position, avoid)
	if err != nil {
		return catalog.Value{}, err
	}
	var buf bytes.Buffer
	// Best speed: deflate dominates the call at default compression, and a
	// photo barely compresses better at the default level.
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, out); err != nil {
		return catalog.Value{}, catalog.Errorf(catalog.AlgorithmError, "encode the captioned image as PNG: %v", err)
	}
	return catalog.Bytes(buf.Bytes()), nil
}

func isJSONString(v any) bool { _, ok := v.(string); return ok }

// cleanCaption keeps line breaks, turns other control characters (tabs,
// carriage returns) into spaces and trims the ends.
func cleanCaption(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case unicode.IsControl(r), r == utf8.RuneError:
			return ' '
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// parseAvoidBoxes reads "avoid" leniently: a list whose items are boxes
// {"x","y","width","height"} or objects carrying one under "box" (extra
// fields such as "score" ignored), cv/FaceDetection's whole result (an
// object with "faces"), a single box, or null.
func parseAvoidBoxes(raw json.RawMessage) ([]goimage.Rectangle, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	v, err := catalog.DecodeJSON(raw)
	if err != nil {
		return nil, catalog.InputErrorf(`"avoid" is not valid JSON: %v`, err)
	}
	var items []any
	switch t := v.(type) {
	case nil:
		return nil, nil
	case []any:
		items = t
	case map[string]any:
		if faces, ok := t["faces"]; ok {
			list, ok := faces.([]any)
			if !ok {
				return nil, catalog.InputErrorf(`"avoid" has a "faces" field that is not a list; expected a list of boxes`)
			}
			items = list
		} else {
			items = []any{t}
		}
	default:
		return nil, catalog.InputErrorf(`"avoid" should be a list of boxes {"x", "y", "width", "height"} (or of faces with a "box" field)`)
	}
	boxes := make([]goimage.Rectangle, 0, len(items))
	for i, item := range items {
		obj, ok := item.(map[string]any)
		if ok {
			if inner, has := obj["box"]; has {
				obj, ok = inner.(map[string]any)
			}
		}
		if !ok {
			return nil, catalog.InputErrorf(`"avoid" item %d is not a box: expected {"x", "y", "width", "height"} or {"box": {…}}`, i)
		}
		var nums [4]float64
		for k, name := range []string{"x", "y", "width", "height"} {
			n, ok := obj[name].(float64)
			if !ok || math.IsNaN(n) || math.IsInf(n, 0) {
				return nil, catalog.InputErrorf(`"avoid" item %d has no numeric %q: expected {"x", "y", "width", "height"} in pixels`, i, name)
			}
			nums[k] = n
		}
		if nums[2] < 0 || nums[3] < 0 {
			return nil, catalog.InputErrorf(`"avoid" item %d has a negative width or height`, i)
		}
		x0, y0 := clampCoord(nums[0]), clampCoord(nums[1])
		boxes = append(boxes, goimage.Rect(x0, y0, clampCoord(nums[0]+nums[2]), clampCoord(nums[1]+nums[3])))
	}
	return boxes, nil
}

func clampCoord(f float64) int { return int(math.Round(math.Max(-1e7, math.Min(1e7, f)))) }

// captionLayout is a caption fitted to a width: its lines, the face to draw
// them with, and the size of the block they make.
type captionLayout struct {
	face      font.Face
	lines     []string
	bounds    []fixed.Rectangle26_6 // ink bounds of each line at dot (0,0)
	lineStep  int                   // baseline to baseline
	ascent    int                   // the font's
	above     int                   // first baseline to the block's top: the ascent, or more for a tall accent (Ǻ)
	outline   int                   // outline thickness in pixels
	inkHeight int                   // from the top of the first line to the bottom of the last, outline included
	inkWidth  int                   // of the widest line, outline included
}

func drawCaption(ctx context.Context, img goimage.Image, text, position string, avoid []goimage.Rectangle) (goimage.Image, error) {
	f, err := loadCaptionFont()
	if err != nil {
		return nil, catalog.Errorf(catalog.InitializationError, "load the Go Bold font: %v", err)
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	margin := max(2, int(math.Round(0.03*float64(min(w, h)))))
	lay, err := fitCaption(ctx, f, text, w-2*margin, h, margin)
	if err != nil {
		return nil, err
	}
	defer lay.face.Close()

	top := goimage.Rect(0, margin, w, margin+lay.inkHeight)
	bottom := goimage.Rect(0, h-margin-lay.inkHeight, w, h-margin)
	band := bottom
	switch position {
	case "top":
		band = top
	case "auto":
		// What covers the image is the caption's own width, centred.
		inset := (w - lay.inkWidth) / 2
		topArea := overlapArea(goimage.Rect(inset, top.Min.Y, w-inset, top.Max.Y), avoid, b)
		bottomArea := overlapArea(goimage.Rect(inset, bottom.Min.Y, w-inset, bottom.Max.Y), avoid, b)
		if topArea < bottomArea {
			band = top
		}
	}

	dc := gg.NewContextForImage(img)
	dc.SetFontFace(lay.face)
	baseline0 := band.Min.Y + lay.outline + lay.above
	draw := func(dx, dy float64) {
		for i, line := range lay.lines {
			lb := lay.bounds[i]
			inkW := (lb.Max.X - lb.Min.X).Ceil()
			x := float64((w-inkW)/2) - float64(lb.Min.X.Floor())
			y := float64(baseline0 + i*lay.lineStep)
			dc.DrawString(line, x+dx, y+dy)
		}
	}
	dc.SetColor(color.Black)
	for _, d := range outlineOffsets(lay.outline) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		draw(d[0], d[1])
	}
	dc.SetColor(color.White)
	draw(0, 0)
	return dc.Image(), nil
}

// overlapArea sums how much of the boxes (clipped to the image) r covers.
func overlapArea(r goimage.Rectangle, boxes []goimage.Rectangle, img goimage.Rectangle) int {
	area := 0
	for _, bx := range boxes {
		in := bx.Add(img.Min).Intersect(img).Sub(img.Min).Intersect(r)
		area += in.Dx() * in.Dy()
	}
	return area
}

// outlineOffsets are the positions the text is stamped at in black before
// the white fill: 8 around the ring, 16 when the outline is thick enough
// for gaps to show between them.
func outlineOffsets(r int) [][2]float64 {
	n := 8
	if r >= 4 {
		n = 16
	}
	out := make([][2]float64, n)
	for i := range out {
		a := 2 * math.Pi * float64(i) / float64(n)
		out[i] = [2]float64{math.Round(float64(r)*math.Cos(a)*4) / 4, math.Round(float64(r)*math.Sin(a)*4) / 4}
	}
	return out
}

// fitCaption picks the largest font size (starting from a ninth of the
// width) at which the wrapped caption fits the width and a third of the
// height. At the smallest size it may take the whole height; lines that
// still do not fit are dropped and the last one ends with an ellipsis.
func fitCaption(ctx context.Context, f *opentype.Font, text string, maxWidth, imgH, margin int) (*captionLayout, error) {
	if maxWidth < 16 || imgH-2*margin < 12 {
		return nil, catalog.InputErrorf("the image is too small (%d pixels wide, %d high) to write a caption on", maxWidth+2*margin, imgH)
	}
	size := math.Max(captionMinSize, float64(maxWidth+2*margin)/9)
	size = math.Min(size, float64(imgH)/5)
	limit := int(float64(imgH) * captionMaxShare)
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		size = math.Max(size, captionMinSize)
		lay, err := layoutCaption(f, text, size, maxWidth)
		if err != nil {
			return nil, err
		}
		if lay.inkHeight <= limit {
			return lay, nil
		}
		if size <= captionMinSize {
			lay.truncate(imgH - 2*margin)
			return lay, nil
		}
		lay.face.Close()
		size *= 0.9
	}
}

func layoutCaption(f *opentype.Font, text string, size float64, maxWidth int) (*captionLayout, error) {
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil, catalog.Errorf(catalog.AlgorithmError, "make a %.0f px Go Bold face: %v", size, err)
	}
	m := face.Metrics()
	lay := &captionLayout{
		face:     face,
		ascent:   m.Ascent.Ceil(),
		lineStep: int(math.Ceil(float64(m.Height.Ceil()) * 1.05)),
		outline:  max(1, int(math.Round(size/13))),
	}
	lineWidth := maxWidth - 2*lay.outline
	for _, para := range strings.Split(text, "\n") {
		lay.lines = append(lay.lines, wrapWords(face, strings.Fields(para), lineWidth)...)
	}
	lay.measure()
	return lay, nil
}

// measure fills bounds, inkWidth and inkHeight from lines.
func (l *captionLayout) measure() {
	l.bounds = make([]fixed.Rectangle26_6, len(l.lines))
	widest := 0
	for i, line := range l.lines {
		bb, _ := font.BoundString(l.face, line)
		l.bounds[i] = bb
		widest = max(widest, (bb.Max.X - bb.Min.X).Ceil())
	}
	l.inkWidth = widest + 2*l.outline
	l.inkHeight = 0
	if n := len(l.lines); n > 0 {
		l.above = max(l.ascent, -l.bounds[0].Min.Y.Floor())
		below := max(l.face.Metrics().Descent.Ceil(), l.bounds[n-1].Max.Y.Ceil())
		l.inkHeight = l.above + (n-1)*l.lineStep + below + 2*l.outline
	}
}

// truncate drops lines until the block fits maxHeight, marking the cut
// with an ellipsis on the last line kept.
func (l *captionLayout) truncate(maxHeight int) {
	if l.inkHeight <= maxHeight {
		return
	}
	for len(l.lines) > 1 && l.inkHeight > maxHeight {
		l.lines = l.lines[:len(l.lines)-1]
		l.measure()
	}
	last := l.lines[len(l.lines)-1]
	width := l.inkWidth - 2*l.outline
	for {
		cand := strings.TrimRight(last, " ,.;:") + "…"
		if w := font.MeasureString(l.face, cand).Ceil(); w <= width || last == "" {
			l.lines[len(l.lines)-1] = cand
			break
		}
		_, size := utf8.DecodeLastRuneInString(last)
		last = last[:len(last)-size]
	}
	l.measure()
}

// wrapWords fills lines greedily up to width. A word wider than a whole
// line is broken between characters so nothing runs off the image.
func wrapWords(face font.Face, words []string, width int) []string {
	fits := func(s string) bool {
		bb, _ := font.BoundString(face, s)
		return (bb.Max.X - bb.Min.X).Ceil() <= width
	}
	var lines []string
	cur := ""
	for _, word := range words {
		if cur != "" && fits(cur+" "+word) {
			cur += " " + word
			continue
		}
		if cur != "" {
			lines = append(lines, cur)
			cur = ""
		}
		for !fits(word) {
			// Binary search for the longest run of whole runes that fits;
			// at least one rune, so the loop always moves on.
			starts := make([]int, 0, len(word))
			for i := range word {
				starts = append(starts, i)
			}
			lo, hi := 1, len(starts)-1 // word[:starts[k]] holds k runes
			for lo < hi {
				mid := (lo + hi + 1) / 2
				if fits(word[:starts[mid]]) {
					lo = mid
				} else {
					hi = mid - 1
				}
			}
			cut := len(word) // a single glyph wider than the line: place it anyway
			if len(starts) > 1 {
				cut = starts[lo]
			}
			lines = append(lines, word[:cut])
			word = word[cut:]
		}
		cur = word
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}
