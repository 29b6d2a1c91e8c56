// Package boxes shows where a result's boxes are: when a call answers with
// boxes (cv/ObjectDetection's objects, cv/FaceDetection's faces, any list
// of {"box": {x, y, width, height}}) and its input held an image, Overlay
// draws the boxes over a preview-sized copy of that image, in a colour per
// class, and Legend says in text which colour is what — a terminal preview
// is too coarse for labels drawn in the picture.
//
// Overlay decodes and draws, so it runs in the Cmd that made the call,
// never in Update.
package boxes

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"hash/fnv"
	"image"
	"image/color"
	"image/png"
	"math"
	"strings"

	"charm.land/lipgloss/v2"
	"golang.org/x/image/draw"

	"pipette/catalog"
)

// Box is one box of a result, in the input image's pixels.
type Box struct {
	X, Y, W, H float64
	Label      string
	Score      float64
	HasScore   bool
	Class      int // picks the colour
}

// maxBoxes bounds what is drawn from one result.
const maxBoxes = 200

// Find returns the boxes of a JSON result: a list under "objects", "faces"
// or "boxes" whose items have a "box" with numeric x, y, width and height.
// A result without such a list has none.
func Find(result any) []Box {
	m, ok := result.(map[string]any)
	if !ok {
		return nil
	}
	var found []Box
	for _, key := range []string{"objects", "faces", "boxes"} {
		list, _ := m[key].([]any)
		for _, item := range list {
			if b, ok := parseItem(item); ok && len(found) < maxBoxes {
				found = append(found, b)
			}
		}
	}
	return found
}

func parseItem(item any) (Box, bool) {
	it, ok := item.(map[string]any)
	if !ok {
		return Box{}, false
	}
	coords, ok := it["box"].(map[string]any)
	if !ok {
		return Box{}, false
	}
	var v [4]float64
	for i, k := range []string{"x", "y", "width", "height"} {
		f, ok := coords[k].(float64)
		if !ok || math.IsNaN(f) || math.IsInf(f, 0) {
			return Box{}, false
		}
		v[i] = f
	}
	if v[2] <= 0 || v[3] <= 0 {
		return Box{}, false
	}
	b := Box{X: v[0], Y: v[1], W: v[2], H: v[3]}
	b.Label, _ = it["label"].(string)
	if s, ok := it["score"].(float64); ok {
		b.Score, b.HasScore = s, true
	}
	switch id, ok := it["class_id"].(float64); {
	case ok && id >= 0 && id < math.MaxInt32:
		b.Class = int(id)
	case b.Label != "":
		h := fnv.New32a()
		h.Write([]byte(b.Label))
		b.Class = int(h.Sum32() >> 1)
	}
	return b, true
}

// InputImage returns the image an input carries: binary input as it is, or
// the base64 or data URI "image" field of a JSON object (URLs are not
// fetched for a preview).
func InputImage(in catalog.Value) ([]byte, bool) {
	switch in.Kind {
	case catalog.KindBinary:
		return in.Bytes, len(in.Bytes) > 0
	case catalog.KindJSON:
		m, _ := in.JSON.(map[string]any)
		s, _ := m["image"].(string)
		if i := strings.Index(s, ";base64,"); strings.HasPrefix(s, "data:") && i > 0 {
			s = s[i+len(";base64,"):]
		}
		b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
		return b, err == nil && len(b) > 0
	}
	return nil, false
}

// palette matches image/DrawBoxes' colours (Tableau 10), class id modulo 10.
var palette = []color.RGBA{
	{31, 119, 180, 255}, {255, 127, 14, 255}, {44, 160, 44, 255}, {214, 39, 40, 255}, {148, 103, 189, 255},
	{140, 86, 75, 255}, {227, 119, 194, 255}, {127, 127, 127, 255}, {188, 189, 34, 255}, {23, 190, 207, 255},
}

// Color is a box's colour.
func (b Box) Color() color.RGBA { return palette[b.Class%len(palette)] }

// maxSide is the overlay's longer side: previews show far fewer pixels.
const maxSide = 480

// Overlay decodes img, shrinks it to at most maxSide pixels and draws the
// boxes on it with lines thick enough to survive a preview of cols×rows
// terminal cells; it returns the picture as PNG.
func Overlay(img []byte, boxes []Box, cols, rows int) ([]byte, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(img))
	if err != nil {
		return nil, err
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > 100_000_000 {
		return nil, fmt.Errorf("a %d×%d image is not previewed", cfg.Width, cfg.Height)
	}
	src, _, err := image.Decode(bytes.NewReader(img))
	if err != nil {
		return nil, err
	}
	sb := src.Bounds()
	scale := min(1, float64(maxSide)/float64(max(sb.Dx(), sb.Dy())))
	canvas := image.NewRGBA(image.Rect(0, 0, max(1, int(float64(sb.Dx())*scale)), max(1, int(float64(sb.Dy())*scale))))
	draw.ApproxBiLinear.Scale(canvas, canvas.Bounds(), src, sb, draw.Src, nil)
	// A preview cell spans this many canvas pixels across (two rows of
	// pixels per cell down): a frame that wide stays visible.
	cw, ch := canvas.Bounds().Dx(), canvas.Bounds().Dy()
	line := max(1, int(math.Ceil(max(float64(cw)/float64(max(cols, 1)), float64(ch)/float64(2*max(rows, 1))))))
	// Far outside is as good as the edge; clamping first keeps Go's
	// conversion of a huge float (undefined, MinInt64 on amd64) out of it.
	px := func(v float64) int { return int(max(-1e7, min(1e7, v*scale))) }
	for _, b := range boxes {
		r := image.Rect(px(b.X), px(b.Y), px(b.X+b.W), px(b.Y+b.H)).Intersect(canvas.Bounds())
		if r.Empty() {
			continue
		}
		t := min(line, r.Dx(), r.Dy())
		fill := image.NewUniform(b.Color())
		for _, band := range []image.Rectangle{
			image.Rect(r.Min.X, r.Min.Y, r.Max.X, r.Min.Y+t), image.Rect(r.Min.X, r.Max.Y-t, r.Max.X, r.Max.Y),
			image.Rect(r.Min.X, r.Min.Y, r.Min.X+t, r.Max.Y), image.Rect(r.Max.X-t, r.Min.Y, r.Max.X, r.Max.Y),
		} {
			draw.Draw(canvas, band, fill, image.Point{}, draw.Src)
		}
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, canvas); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Preview is what the Try tab shows above a result with boxes: the input
// image with the boxes drawn (PNG) and the boxes, for the legend.
type Preview struct {
	PNG   []byte
	Boxes []Box
}

// Make builds the preview for a call's input and JSON result, sized for
// cols×rows cells, or returns nil when the result has no boxes or the input
// no image.
func Make(in, result catalog.Value, cols, rows int) *Preview {
	if result.Kind != catalog.KindJSON {
		return nil
	}
	found := Find(result.JSON)
	if len(found) == 0 {
		return nil
	}
	img, ok := InputImage(in)
	if !ok {
		return nil
	}
	pic, err := Overlay(img, found, cols, rows)
	if err != nil {
		return nil
	}
	return &Preview{PNG: pic, Boxes: found}
}

// Legend is one line per box, "■ cat 0.58", the square in the box's
// colour (plain text when plain is set: no colour at all).
func Legend(boxes []Box, plain bool) string {
	var lines []string
	for i, b := range boxes {
		text := b.Label
		if text == "" {
			text = fmt.Sprintf("box %d", i+1)
		}
		if b.HasScore {
			text += fmt.Sprintf(" %.2f", b.Score)
		}
		text += fmt.Sprintf("  (%.0f,%.0f %.0f×%.0f)", b.X, b.Y, b.W, b.H)
		mark := "■ "
		if plain {
			mark = "- "
		} else {
			c := b.Color()
			mark = lipgloss.NewStyle().Foreground(lipgloss.Color(fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B))).Render("■") + " "
		}
		lines = append(lines, mark+text)
	}
	return strings.Join(lines, "\n")
}
