package image

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	goimage "image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"strconv"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"pipette/algorithms"
	"pipette/algorithms/imagein"
	"pipette/catalog"
)

//go:embed docs/draw_boxes.md
var drawBoxesDocs string

const drawBoxesExpected = `a JSON object {"image": ` + imagein.Placeholder + `, "boxes": [{"label": "cat", "score": 0.9, "box": {"x": 10, "y": 20, "width": 100, "height": 80}}], "line_width": 0, "labels": true}`

// DrawBoxes is image/DrawBoxes: boxes and labels drawn on an image, so a
// chain (or a person) can see what a detector found.
func DrawBoxes() algorithms.Algorithm {
	cat := "data:image/jpeg;base64," + encodeB64(overlaySampleCat)
	astro := "data:image/jpeg;base64," + encodeB64(overlaySampleAstronaut)
	return algorithms.Algorithm{
		Entry: catalog.Entry{
			Ref: catalog.Ref{Owner: "image", Name: "DrawBoxes", Version: "1.0.0"},
			Versions: []catalog.VersionInfo{{
				Version:      "1.0.0",
				ReleaseNotes: "First release: labelled boxes in a colour per class; reads cv/ObjectDetection's and cv/FaceDetection's results as they are.",
			}},
			Label:        "Draw Boxes",
			Tagline:      "Draw detected boxes and labels on an image",
			Docs:         drawBoxesDocs,
			Tags:         []string{"image", "detection", "boxes", "annotate", "utility"},
			InputKind:    catalog.KindJSON,
			OutputKind:   catalog.KindBinary,
			InputSchema:  json.RawMessage(drawBoxesInputSchema),
			OutputSchema: json.RawMessage(`{"description": "the image with the boxes drawn, as PNG bytes", "contentMediaType": "image/png"}`),
			Samples: []catalog.Sample{
				{Name: "cv/ObjectDetection's objects on Chelsea", Input: catalog.JSON(map[string]any{
					"image": cat,
					"boxes": []any{
						sampleObject("cat", 15, 0.5008, 0, 0, 252, 166),
						sampleObject("clock", 74, 0.3207, 78, 49, 38, 34),
					},
				})},
				{Name: "cv/FaceDetection's whole result, thick lines", Input: catalog.JSON(map[string]any{
					"image":      astro,
					"boxes":      map[string]any{"width": 256, "height": 256, "faces": []any{map[string]any{"box": sampleBox(81, 37, 58, 55), "score": 0.9511}}},
					"line_width": 4,
				})},
			},
			License: "MIT",
		},
		Run: runDrawBoxes,
		// Decoding, filtering and encoding images take tens of milliseconds
		// of every core: a server runs them in its low-priority workers.
		Isolate: true,
	}
}

func sampleBox(x, y, w, h int) map[string]any {
	return map[string]any{"x": x, "y": y, "width": w, "height": h}
}

func sampleObject(label string, class int, score float64, x, y, w, h int) map[string]any {
	return map[string]any{"label": label, "class_id": class, "score": score, "box": sampleBox(x, y, w, h)}
}

func runDrawBoxes(ctx context.Context, in catalog.Value, _ io.Writer) (catalog.Value, error) {
	if in.Kind == catalog.KindBinary || (in.Kind == catalog.KindJSON && isJSONString(in.JSON)) ||
		(in.Kind == catalog.KindText && !strings.HasPrefix(strings.TrimSpace(in.Text), "{")) {
		return catalog.Value{}, catalog.InputErrorf("an image alone carries no boxes: send %s", drawBoxesExpected)
	}
	var req drawBoxesRequest
	data, err := imagein.Request(ctx, in, &req, &req.Image, drawBoxesExpected)
	if err != nil {
		return catalog.Value{}, err
	}
	list, err := req.boxList()
	if err != nil {
		return catalog.Value{}, err
	}
	boxes := make([]labeledBox, len(list))
	for i, raw := range list {
		if boxes[i], err = parseBox(i, raw); err != nil {
			return catalog.Value{}, err
		}
	}
	img, _, err := imagein.DecodeContext(ctx, data)
	if err != nil {
		return catalog.Value{}, err
	}
	b := img.Bounds()
	lw, err := req.lineWidth(b.Dx(), b.Dy())
	if err != nil {
		return catalog.Value{}, err
	}
	// The decoded image, the RGBA copy drawn on and the PNG being written.
	need := algorithms.SatAdd(imagein.ImageBytes(b.Dx(), b.Dy(), imagein.FormatOfImage(img)), algorithms.SatMul(imagein.NRGBABytes(b.Dx(), b.Dy()), 2))
	if err := algorithms.CheckMemory(ctx, fmt.Sprintf("drawing on the %d×%d image", b.Dx(), b.Dy()), need, "scale it down first"); err != nil {
		return catalog.Value{}, err
	}
	canvas := goimage.NewRGBA(goimage.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(canvas, canvas.Bounds(), img, b.Min, draw.Src)
	labels := req.Labels == nil || *req.Labels
	if err := drawLabeledBoxes(canvas, boxes, lw, labels); err != nil {
		return catalog.Value{}, err
	}
	if err := ctx.Err(); err != nil {
		return catalog.Value{}, err
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, canvas); err != nil {
		return catalog.Value{}, catalog.Errorf(catalog.AlgorithmError, "encode the image as PNG: %v", err)
	}
	return catalog.Bytes(buf.Bytes()), nil
}

// boxPalette is Tableau 20's strong half: ten colours easy to tell apart
// on photos, one per class (class id modulo 10).
var boxPalette = []color.RGBA{
	{31, 119, 180, 255}, {255, 127, 14, 255}, {44, 160, 44, 255}, {214, 39, 40, 255}, {148, 103, 189, 255},
	{140, 86, 75, 255}, {227, 119, 194, 255}, {127, 127, 127, 255}, {188, 189, 34, 255}, {23, 190, 207, 255},
}

// drawLabeledBoxes draws every box (clamped to the canvas) as a frame of
// width lw in its class's colour, and its label and score on a tag of the
// same colour above it (inside, when the box touches the top).
func drawLabeledBoxes(canvas *goimage.RGBA, boxes []labeledBox, lw int, labels bool) error {
	r := canvas.Bounds()
	var face font.Face
	if labels {
		f, err := loadCaptionFont()
		if err != nil {
			return catalog.Errorf(catalog.AlgorithmError, "load the label font: %v", err)
		}
		size := float64(max(10, min(r.Dx(), r.Dy())/28))
		if face, err = opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull}); err != nil {
			return catalog.Errorf(catalog.AlgorithmError, "load the label font: %v", err)
		}
		defer face.Close()
	}
	for _, b := range boxes {
		box := goimage.Rect(b.x0, b.y0, b.x1, b.y1).Intersect(r)
		if box.Empty() {
			continue
		}
		c := boxPalette[b.class%len(boxPalette)]
		fill := goimage.NewUniform(c)
		t := min(lw, box.Dx(), box.Dy())
		for _, band := range []goimage.Rectangle{
			goimage.Rect(box.Min.X, box.Min.Y, box.Max.X, box.Min.Y+t), goimage.Rect(box.Min.X, box.Max.Y-t, box.Max.X, box.Max.Y),
			goimage.Rect(box.Min.X, box.Min.Y, box.Min.X+t, box.Max.Y), goimage.Rect(box.Max.X-t, box.Min.Y, box.Max.X, box.Max.Y),
		} {
			draw.Draw(canvas, band, fill, goimage.Point{}, draw.Src)
		}
		if text := tagText(b); face != nil && text != "" {
			drawTag(canvas, face, text, box, c)
		}
	}
	return nil
}

// tagText is what a box's tag says: "cat 0.58", "cat", "0.97" or nothing.
func tagText(b labeledBox) string {
	var parts []string
	if b.label != "" {
		parts = append(parts, b.label)
	}
	if b.hasScore {
		parts = append(parts, strconv.FormatFloat(b.score, 'f', 2, 64))
	}
	return strings.Join(parts, " ")
}

// drawTag writes text on a filled tag at the box's top-left corner, in
// black or white, whichever reads better on the colour.
func drawTag(canvas *goimage.RGBA, face font.Face, text string, box goimage.Rectangle, c color.RGBA) {
	m := face.Metrics()
	pad := max(2, m.Height.Ceil()/6)
	width := font.MeasureString(face, text).Ceil() + 2*pad
	height := m.Height.Ceil() + pad
	top := box.Min.Y - height
	if top < canvas.Bounds().Min.Y {
		top = box.Min.Y // no room above: inside the box
	}
	left := min(box.Min.X, canvas.Bounds().Max.X-width)
	tag := goimage.Rect(left, top, left+width, top+height).Intersect(canvas.Bounds())
	draw.Draw(canvas, tag, goimage.NewUniform(c), goimage.Point{}, draw.Src)
	ink := color.Color(color.White)
	if 299*int(c.R)+587*int(c.G)+114*int(c.B) > 150_000 {
		ink = color.Black
	}
	d := font.Drawer{Dst: canvas, Src: goimage.NewUniform(ink), Face: face,
		Dot: fixed.P(left+pad, top+pad/2+m.Ascent.Ceil())}
	d.DrawString(text)
}
