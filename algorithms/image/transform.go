package image

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"io"

	"github.com/disintegration/imaging"

	"pipette/algorithms"
	"pipette/algorithms/imagein"
	"pipette/catalog"
)

//go:embed docs/transform.md
var transformDocs string

//go:embed samples/astronaut.jpg
var sampleAstronaut []byte

//go:embed samples/coffee.jpg
var sampleCoffee []byte

//go:embed samples/chelsea.jpg
var sampleChelsea []byte

const transformExpected = `a JSON object {"image": ` + imagein.Placeholder + `, "operations": [{"op": "resize", "width": 256}, …], "format": "png"} or one operation inline: {"image": …, "op": "grayscale"}`

// conversion with disintegration/imaging.
func Transform() algorithms.Algorithm {
	return algorithms.Algorithm{
		Entry: catalog.Entry{
			Ref: catalog.Ref{Owner: "image", Name: "Transform", Version: "1.0.0"},
			Versions: []catalog.VersionInfo{{
				Version:      "1.0.0",
				ReleaseNotes: "First release: resize, thumbnail, crop, rotate, flip, grayscale, invert, blur, sharpen, brightness, contrast, saturation and gamma after EXIF auto-orientation; PNG, JPEG or GIF output.",
			}},
			Label:      "Image Transform",
			Tagline:    "Resize, crop, rotate, filter and convert images",
			Docs:       transformDocs,
			Tags:       []string{"image", "resize", "thumbnail", "crop", "rotate", "filter", "convert"},
			InputKind:  catalog.KindJSON,
			OutputKind: catalog.KindBinary,
			InputSchema: json.RawMessage(`{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "required": ["image"],
  "properties": {
    "image": {"type": "string", "description": "` + imagein.StringForms + ` (a URL when the server fetches them)"},
    "operations": {"type": "array", "minItems": 1, "maxItems": 32, "items": {"$ref": "#/$defs/op"}},
    "op": {"type": "string", "description": "one operation inline, its parameters beside it (instead of operations)"},
    "format": {"enum": ["png", "jpeg", "jpg", "gif"], "description": "default: the input's format when it is one of these, else png"},
    "quality": {"type": "integer", "minimum": 1, "maximum": 100, "description": "JPEG quality, default 90"},
    "auto_orient": {"type": "boolean", "default": true, "description": "turn phone photos upright by their EXIF orientation first"}
  },
  "$defs": {"op": {"type": "object", "required": ["op"], "properties": {
    "op": {"enum": ["resize", "thumbnail", "crop", "rotate", "flip", "grayscale", "invert", "blur", "sharpen", "brightness", "contrast", "saturation", "gamma"]},
    "width": {"type": "integer", "minimum": 0}, "height": {"type": "integer", "minimum": 0},
    "x": {"type": "integer", "minimum": 0}, "y": {"type": "integer", "minimum": 0},
    "mode": {"enum": ["fit", "fill"]},
    "anchor": {"enum": ["center", "top-left", "top", "top-right", "left", "right", "bottom-left", "bottom", "bottom-right"]},
    "filter": {"enum": ["lanczos", "catmullrom", "mitchell", "linear", "box", "nearest"]},
    "angle": {"type": "number", "description": "degrees, counter-clockwise"},
    "background": {"type": "string", "description": "#rrggbb, #rrggbbaa or transparent"},
    "direction": {"enum": ["horizontal", "vertical", "h", "v"]},
    "sigma": {"type": "number", "exclusiveMinimum": 0, "maximum": 50},
    "percent": {"type": "number", "minimum": -100, "maximum": 100},
    "gamma": {"type": "number", "minimum": 0.1, "maximum": 10}
  }}}
}`),
			Samples: []catalog.Sample{
				{Name: "square thumbnail, black and white JPEG", Input: catalog.JSON(map[string]any{
					"image": encodeB64(sampleAstronaut),
					"operations": []any{
						map[string]any{"op": "thumbnail", "width": 128, "height": 128, "mode": "fill", "anchor": "top"},
						map[string]any{"op": "grayscale"},
						map[string]any{"op": "contrast", "percent": 20},
					},
					"format": "jpeg", "quality": 85,
				})},
				{Name: "tilt 15° on white, sharpen, PNG", Input: catalog.JSON(map[string]any{
					"image": encodeB64(sampleCoffee),
					"operations": []any{
						map[string]any{"op": "rotate", "angle": 15, "background": "#ffffff"},
						map[string]any{"op": "sharpen", "sigma": 1.5},
					},
					"format": "png",
				})},
				{Name: "one inline operation: mirror", Input: catalog.JSON(map[string]any{
					"image": encodeB64(sampleChelsea), "op": "flip", "direction": "horizontal",
				})},
			},
			License: "MIT",
		},
		Run: runTransform,
		// Decoding, filtering and encoding images take tens of milliseconds
		// of every core: a server runs them in its low-priority workers.
		Isolate: true,
	}
}

func runTransform(ctx context.Context, in catalog.Value, stdout io.Writer) (catalog.Value, error) {
	raw, isObject, err := imagein.Object(in, transformExpected)
	if err != nil {
		return catalog.Value{}, err
	}
	if !isObject {
		return catalog.Value{}, catalog.InputErrorf("an image alone does not say what to do with it: send %s", transformExpected)
	}
	req, err := parseTransform(raw)
	if err != nil {
		return catalog.Value{}, err
	}
	data, err := imagein.FromString(ctx, req.image)
	if err != nil {
		return catalog.Value{}, err
	}
	orientation := 1
	var out string
	img, _, err := imagein.DecodeContext(ctx, data, func(h imagein.Header) error {
		out = outputFormat(req, h.Format)
		if req.quality != 0 && out != "jpeg" {
			return catalog.InputErrorf(`"quality" applies to JPEG output, and this %s image stays %s: add "format": "jpeg" or drop "quality"`, h.Format, out)
		}
		if req.orient {
			orientation = exifOrientation(data, h.Format)
		}
		return planTransform(ctx, req, h, orientation, out)
	})
	if err != nil {
		return catalog.Value{}, err
	}
	if orientation != 1 {
		img = upright(img, orientation)
		fmt.Fprintf(stdout, "EXIF orientation %d applied: %d×%d\n", orientation, img.Bounds().Dx(), img.Bounds().Dy())
	}
	for i, op := range req.ops {
		if err := ctx.Err(); err != nil {
			return catalog.Value{}, err
		}
		before := img.Bounds()
		img = transformOps[op.Op].apply(op, img)
		fmt.Fprintf(stdout, "%d %s: %d×%d → %d×%d\n", i+1, op.Op, before.Dx(), before.Dy(), img.Bounds().Dx(), img.Bounds().Dy())
	}
	b, err := encodeImage(img, out, req.quality)
	if err != nil {
		return catalog.Value{}, err
	}
	fmt.Fprintf(stdout, "wrote %s, %d bytes\n", out, len(b))
	return catalog.Bytes(b), nil
}

// outputFormat is what the result is written as: the request's format, or
// the input's when pipette can write it, or PNG.
func outputFormat(req *transformRequest, inputFormat string) string {
	out := req.format
	if out == "" {
		out = inputFormat
		if out != "png" && out != "jpeg" && out != "gif" {
			out = "png"
		}
	}
	return out
}

// planTransform walks the whole request's sizes and memory from the image's
// header, before any pixel is decoded: each step holds its input and what it makes (result,
// intermediates, tables), and every image it makes must be within the pixel
// limit, so a resize to 100000 px wide, or one whose intermediate would be
// 40000×5000, is refused here before anything is allocated for it.
func planTransform(ctx context.Context, req *transformRequest, hdr imagein.Header, orientation int, out string) error {
	w, h := hdr.Width, hdr.Height
	held := imagein.ImageBytes(w, h, hdr.Pixels)
	if orientation != 1 {
		if orientation >= 5 {
			w, h = h, w
		}
		need := algorithms.SatAdd(held, imagein.NRGBABytes(w, h))
		if err := algorithms.CheckMemory(ctx, "turning the image upright", need, "scale it down first"); err != nil {
			return err
		}
		held = imagein.NRGBABytes(w, h)
	}
	for i, op := range req.ops {
		spec := transformOps[op.Op]
		label := fmt.Sprintf("operation %d (%s)", i+1, op.Op)
		nw, nh := spec.size(op, w, h)
		if nw <= 0 || nh <= 0 {
			return catalog.InputErrorf("%s leaves nothing of the %d×%d image: the crop rectangle lies outside it", label, w, h)
		}
		if _, err := imagein.CheckImage(ctx, "the result of "+label, nw, nh, imagein.RGBA8); err != nil {
			return err
		}
		cost, err := spec.cost(opStep{ctx: ctx, o: op, label: label, w: w, h: h, nw: nw, nh: nh})
		if err != nil {
			return err
		}
		what := fmt.Sprintf("%s on the %d×%d image", label, w, h)
		if err := algorithms.CheckMemory(ctx, what, algorithms.SatAdd(held, cost), "ask for a smaller result or send a smaller image"); err != nil {
			return err
		}
		w, h, held = nw, nh, imagein.NRGBABytes(nw, nh)
	}
	// Encoding: JPEG and GIF flatten transparency onto a copy, GIF draws a
	// paletted copy, and the encoded bytes grow in a buffer that doubles.
	need := algorithms.SatAdd(held, algorithms.SatMul(imagein.NRGBABytes(w, h), 2))
	if out != "png" {
		need = algorithms.SatAdd(need, imagein.NRGBABytes(w, h))
	}
	return algorithms.CheckMemory(ctx, fmt.Sprintf("encoding the %d×%d result as %s", w, h, out), need, "ask for a smaller result")
}

// encodeImage writes png, jpeg (quality 0 = 90) or gif. JPEG and GIF have no
// partial transparency, so transparent areas are flattened onto white rather
// than coming out black.
func encodeImage(img image.Image, format string, quality int) ([]byte, error) {
	var f imaging.Format
	var opts []imaging.EncodeOption
	switch format {
	case "png":
		f = imaging.PNG
	case "jpeg":
		f = imaging.JPEG
		if quality == 0 {
			quality = 90
		}
		opts = append(opts, imaging.JPEGQuality(quality))
		img = flatten(img)
	case "gif":
		f = imaging.GIF
		img = flatten(img)
	default:
		return nil, fmt.Errorf("unknown output format %q", format)
	}
	var buf bytes.Buffer
	if err := imaging.Encode(&buf, img, f, opts...); err != nil {
		return nil, fmt.Errorf("encode %s: %w", format, err)
	}
	return buf.Bytes(), nil
}

func flatten(img image.Image) image.Image {
	if o, ok := img.(interface{ Opaque() bool }); ok && o.Opaque() {
		return img
	}
	b := img.Bounds()
	dst := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.Draw(dst, dst.Bounds(), img, b.Min, draw.Over)
	return dst
}
