package image

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"io"
	"math"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"

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

// maxTransformOps bounds one request; a longer pipeline is almost certainly a
// generated mistake, and each step costs a full pass over the image.
const maxTransformOps = 32

// maxSigma bounds blur and sharpen: imaging's kernel is 6σ wide, so the cost
// grows with σ times the pixel count, and beyond 50 the picture is a smear.
const maxSigma = 50.0

const transformExpected = `a JSON object {"image": <base64, data URI or URL>, "operations": [{"op": "resize", "width": 256}, …], "format": "png"} or one operation inline: {"image": …, "op": "grayscale"}`

// transformOp is one step. Every parameter of every operation lives here;
// which ones an operation accepts is checked against transformOps first, so a
// stray "sigma" on a resize is reported rather than ignored.
type transformOp struct {
	Op         string   `json:"op"`
	Width      *int     `json:"width"`
	Height     *int     `json:"height"`
	X          *int     `json:"x"`
	Y          *int     `json:"y"`
	Mode       string   `json:"mode"`
	Anchor     string   `json:"anchor"`
	Filter     string   `json:"filter"`
	Angle      *float64 `json:"angle"`
	Background string   `json:"background"`
	Direction  string   `json:"direction"`
	Sigma      *float64 `json:"sigma"`
	Percent    *float64 `json:"percent"`
	Gamma      *float64 `json:"gamma"`

	// Filled in by validation.
	filter imaging.ResampleFilter
	anchor imaging.Anchor
	bg     color.NRGBA
}

type opSpec struct {
	params []string // besides "op"
	check  func(o *transformOp) error
	// size returns the output size for an input of w×h, so that the pixel
	// limit is enforced before any step runs.
	size  func(o *transformOp, w, h int) (int, int)
	apply func(o *transformOp, img image.Image) image.Image
}

var transformOps = map[string]opSpec{
	"resize": {
		params: []string{"width", "height", "filter"},
		check: func(o *transformOp) error {
			w, h := intOr(o.Width, 0), intOr(o.Height, 0)
			if w < 0 || h < 0 {
				return fmt.Errorf("width and height cannot be negative")
			}
			if w == 0 && h == 0 {
				return fmt.Errorf(`give "width", "height" or both (one alone keeps the aspect ratio)`)
			}
			return checkFilter(o)
		},
		size: func(o *transformOp, w, h int) (int, int) {
			return scaledSize(intOr(o.Width, 0), intOr(o.Height, 0), w, h)
		},
		apply: func(o *transformOp, img image.Image) image.Image {
			return imaging.Resize(img, intOr(o.Width, 0), intOr(o.Height, 0), o.filter)
		},
	},
	"thumbnail": {
		params: []string{"width", "height", "mode", "anchor", "filter"},
		check: func(o *transformOp) error {
			if intOr(o.Width, 0) <= 0 || intOr(o.Height, 0) <= 0 {
				return fmt.Errorf(`give a positive "width" and "height" for the box`)
			}
			switch o.Mode {
			case "", "fit", "fill":
			default:
				return fmt.Errorf(`"mode" is %q; use "fit" (inside the box, aspect kept) or "fill" (cover the box, cropped)`, o.Mode)
			}
			if o.Anchor != "" && o.Mode != "fill" {
				return fmt.Errorf(`"anchor" applies only with "mode": "fill"`)
			}
			if err := checkAnchor(o); err != nil {
				return err
			}
			return checkFilter(o)
		},
		size: func(o *transformOp, w, h int) (int, int) {
			bw, bh := *o.Width, *o.Height
			if o.Mode == "fill" {
				return bw, bh
			}
			if w <= bw && h <= bh {
				return w, h
			}
			r := math.Min(float64(bw)/float64(w), float64(bh)/float64(h))
			return max(1, int(math.Round(float64(w)*r))), max(1, int(math.Round(float64(h)*r)))
		},
		apply: func(o *transformOp, img image.Image) image.Image {
			if o.Mode == "fill" {
				return imaging.Fill(img, *o.Width, *o.Height, o.anchor, o.filter)
			}
			return imaging.Fit(img, *o.Width, *o.Height, o.filter)
		},
	},
	"crop": {
		params: []string{"x", "y", "width", "height", "anchor"},
		check: func(o *transformOp) error {
			if intOr(o.Width, 0) <= 0 || intOr(o.Height, 0) <= 0 {
				return fmt.Errorf(`give a positive "width" and "height"`)
			}
			hasXY := o.X != nil || o.Y != nil
			if hasXY && o.Anchor != "" {
				return fmt.Errorf(`give either "x" and "y" (a rectangle) or "anchor", not both`)
			}
			if hasXY && (intOr(o.X, 0) < 0 || intOr(o.Y, 0) < 0) {
				return fmt.Errorf(`"x" and "y" cannot be negative`)
			}
			return checkAnchor(o)
		},
		size: func(o *transformOp, w, h int) (int, int) {
			r := cropRect(o, w, h)
			return r.Dx(), r.Dy()
		},
		apply: func(o *transformOp, img image.Image) image.Image {
			b := img.Bounds()
			r := cropRect(o, b.Dx(), b.Dy()).Add(b.Min)
			return imaging.Crop(img, r)
		},
	},
	"rotate": {
		params: []string{"angle", "background"},
		check: func(o *transformOp) error {
			if o.Angle == nil {
				return fmt.Errorf(`give "angle" in degrees, counter-clockwise (-90 turns the image clockwise)`)
			}
			if math.IsNaN(*o.Angle) || math.Abs(*o.Angle) > 3600 {
				return fmt.Errorf(`"angle" must be a number of degrees between -3600 and 3600`)
			}
			return checkBackground(o)
		},
		size: func(o *transformOp, w, h int) (int, int) {
			a := normAngle(*o.Angle)
			switch a {
			case 0, 180:
				return w, h
			case 90, 270:
				return h, w
			}
			s, c := math.Sincos(a * math.Pi / 180)
			fw, fh := float64(w), float64(h)
			return int(math.Ceil(math.Abs(fw*c)+math.Abs(fh*s))) + 1, int(math.Ceil(math.Abs(fw*s)+math.Abs(fh*c))) + 1
		},
		apply: func(o *transformOp, img image.Image) image.Image {
			switch normAngle(*o.Angle) {
			case 0:
				return img
			case 90:
				return imaging.Rotate90(img)
			case 180:
				return imaging.Rotate180(img)
			case 270:
				return imaging.Rotate270(img)
			}
			return imaging.Rotate(img, *o.Angle, o.bg)
		},
	},
	"flip": {
		params: []string{"direction"},
		check: func(o *transformOp) error {
			switch o.Direction {
			case "horizontal", "h", "vertical", "v":
				return nil
			case "":
				return fmt.Errorf(`give "direction": "horizontal" (mirror left to right) or "vertical" (upside down)`)
			}
			return fmt.Errorf(`"direction" is %q; use "horizontal" or "vertical"`, o.Direction)
		},
		size: sameSize,
		apply: func(o *transformOp, img image.Image) image.Image {
			if strings.HasPrefix(o.Direction, "h") {
				return imaging.FlipH(img)
			}
			return imaging.FlipV(img)
		},
	},
	"grayscale": {
		size:  sameSize,
		apply: func(_ *transformOp, img image.Image) image.Image { return imaging.Grayscale(img) },
	},
	"invert": {
		size:  sameSize,
		apply: func(_ *transformOp, img image.Image) image.Image { return imaging.Invert(img) },
	},
	"blur": {
		params: []string{"sigma"},
		check:  checkSigma,
		size:   sameSize,
		apply:  func(o *transformOp, img image.Image) image.Image { return imaging.Blur(img, *o.Sigma) },
	},
	"sharpen": {
		params: []string{"sigma"},
		check:  checkSigma,
		size:   sameSize,
		apply:  func(o *transformOp, img image.Image) image.Image { return imaging.Sharpen(img, *o.Sigma) },
	},
	"brightness": {
		params: []string{"percent"},
		check:  checkPercent,
		size:   sameSize,
		apply:  func(o *transformOp, img image.Image) image.Image { return imaging.AdjustBrightness(img, *o.Percent) },
	},
	"contrast": {
		params: []string{"percent"},
		check:  checkPercent,
		size:   sameSize,
		apply:  func(o *transformOp, img image.Image) image.Image { return imaging.AdjustContrast(img, *o.Percent) },
	},
	"saturation": {
		params: []string{"percent"},
		check:  checkPercent,
		size:   sameSize,
		apply:  func(o *transformOp, img image.Image) image.Image { return imaging.AdjustSaturation(img, *o.Percent) },
	},
	"gamma": {
		params: []string{"gamma"},
		check: func(o *transformOp) error {
			if o.Gamma == nil || !(*o.Gamma >= 0.1 && *o.Gamma <= 10) {
				return fmt.Errorf(`give "gamma" between 0.1 and 10 (1 leaves the image unchanged, above 1 brightens)`)
			}
			return nil
		},
		size:  sameSize,
		apply: func(o *transformOp, img image.Image) image.Image { return imaging.AdjustGamma(img, *o.Gamma) },
	},
}

var filters = map[string]imaging.ResampleFilter{
	"lanczos":    imaging.Lanczos,
	"catmullrom": imaging.CatmullRom,
	"mitchell":   imaging.MitchellNetravali,
	"linear":     imaging.Linear,
	"box":        imaging.Box,
	"nearest":    imaging.NearestNeighbor,
}

var anchors = map[string]imaging.Anchor{
	"center": imaging.Center, "top-left": imaging.TopLeft, "top": imaging.Top, "top-right": imaging.TopRight,
	"left": imaging.Left, "right": imaging.Right,
	"bottom-left": imaging.BottomLeft, "bottom": imaging.Bottom, "bottom-right": imaging.BottomRight,
}

func intOr(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}

func sameSize(_ *transformOp, w, h int) (int, int) { return w, h }

// scaledSize is imaging.Resize's arithmetic: a zero side follows the aspect ratio.
func scaledSize(tw, th, w, h int) (int, int) {
	switch {
	case tw == 0:
		tw = max(1, int(math.Round(float64(th)*float64(w)/float64(h))))
	case th == 0:
		th = max(1, int(math.Round(float64(tw)*float64(h)/float64(w))))
	}
	return tw, th
}

func normAngle(a float64) float64 {
	a = math.Mod(a, 360)
	if a < 0 {
		a += 360
	}
	return a
}

// cropRect is the crop rectangle within a w×h image, clipped to it.
func cropRect(o *transformOp, w, h int) image.Rectangle {
	cw, ch := min(*o.Width, w), min(*o.Height, h)
	if o.X != nil || o.Y != nil {
		x, y := intOr(o.X, 0), intOr(o.Y, 0)
		return image.Rect(x, y, x+*o.Width, y+*o.Height).Intersect(image.Rect(0, 0, w, h))
	}
	var x, y int
	switch o.anchor {
	case imaging.Center, imaging.Top, imaging.Bottom:
		x = (w - cw) / 2
	case imaging.TopRight, imaging.Right, imaging.BottomRight:
		x = w - cw
	}
	switch o.anchor {
	case imaging.Center, imaging.Left, imaging.Right:
		y = (h - ch) / 2
	case imaging.BottomLeft, imaging.Bottom, imaging.BottomRight:
		y = h - ch
	}
	return image.Rect(x, y, x+cw, y+ch)
}

func checkFilter(o *transformOp) error {
	name := strings.ToLower(o.Filter)
	if name == "" {
		name = "lanczos"
	}
	f, ok := filters[name]
	if !ok {
		return fmt.Errorf(`"filter" is %q; use one of %s`, o.Filter, keyList(filters))
	}
	o.filter = f
	return nil
}

func checkAnchor(o *transformOp) error {
	name := strings.ToLower(o.Anchor)
	if name == "" {
		name = "center"
	}
	a, ok := anchors[name]
	if !ok {
		return fmt.Errorf(`"anchor" is %q; use one of %s`, o.Anchor, keyList(anchors))
	}
	o.anchor = a
	return nil
}

func checkBackground(o *transformOp) error {
	if o.Background == "" {
		o.bg = color.NRGBA{}
		return nil
	}
	c, err := parseColor(o.Background)
	if err != nil {
		return err
	}
	o.bg = c
	return nil
}

func checkSigma(o *transformOp) error {
	if o.Sigma == nil || !(*o.Sigma > 0 && *o.Sigma <= maxSigma) {
		return fmt.Errorf(`give "sigma" above 0 and at most %g (the radius of the effect in pixels, roughly)`, maxSigma)
	}
	return nil
}

func checkPercent(o *transformOp) error {
	if o.Percent == nil || !(*o.Percent >= -100 && *o.Percent <= 100) {
		return fmt.Errorf(`give "percent" between -100 and 100 (0 leaves the image unchanged)`)
	}
	return nil
}

// parseColor reads "#rgb", "#rrggbb", "#rrggbbaa", "transparent", "white"
// and "black".
func parseColor(s string) (color.NRGBA, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "transparent":
		return color.NRGBA{}, nil
	case "white":
		return color.NRGBA{255, 255, 255, 255}, nil
	case "black":
		return color.NRGBA{0, 0, 0, 255}, nil
	}
	h := strings.TrimPrefix(strings.TrimSpace(s), "#")
	if len(h) == 3 {
		h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
	}
	if len(h) == 6 {
		h += "ff"
	}
	v, err := strconv.ParseUint(h, 16, 32)
	if len(h) != 8 || err != nil {
		return color.NRGBA{}, fmt.Errorf(`the colour %q is not "#rrggbb", "#rrggbbaa", "#rgb" or "transparent"`, s)
	}
	return color.NRGBA{uint8(v >> 24), uint8(v >> 16), uint8(v >> 8), uint8(v)}, nil
}

func keyList[V any](m map[string]V) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, strconv.Quote(k))
	}
	sort.Strings(keys)
	return strings.Join(keys, ", ")
}

func opNames() string { return keyList(transformOps) }

// transformRequest is a parsed, validated request.
type transformRequest struct {
	image   string
	ops     []*transformOp
	format  string // "" = keep the input's format when it can be written
	quality int
	orient  bool // apply the EXIF orientation first
}

// parseTransform validates the whole request before any pixel is touched, so
// a typo in step 5 costs nothing and is reported with its step number.
func parseTransform(raw []byte) (*transformRequest, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(raw, &top); err != nil {
		return nil, catalog.InputErrorf("expected %s: %v", transformExpected, err)
	}
	req := &transformRequest{}
	var fields struct {
		Image      *string          `json:"image"`
		Operations *json.RawMessage `json:"operations"`
		Format     string           `json:"format"`
		Quality    *int             `json:"quality"`
		AutoOrient *bool            `json:"auto_orient"`
	}
	general := map[string]json.RawMessage{}
	inline := map[string]json.RawMessage{}
	for k, v := range top {
		switch k {
		case "image", "operations", "format", "quality", "auto_orient":
			general[k] = v
		default:
			inline[k] = v
		}
	}
	generalRaw, _ := json.Marshal(general)
	if err := algorithms.DecodeJSONBytes(generalRaw, &fields, transformExpected); err != nil {
		return nil, err
	}
	if fields.Image == nil || strings.TrimSpace(*fields.Image) == "" {
		return nil, catalog.InputErrorf(`the "image" field is missing or empty; expected %s`, transformExpected)
	}
	req.image = *fields.Image
	req.orient = fields.AutoOrient == nil || *fields.AutoOrient

	var opsRaw []json.RawMessage
	switch {
	case fields.Operations != nil && len(inline) > 0:
		if _, ok := inline["op"]; ok {
			return nil, catalog.InputErrorf(`give either "operations" (a list) or one inline "op", not both`)
		}
		return nil, catalog.InputErrorf("unknown field %q: operation parameters go inside the objects of \"operations\"", firstKey(inline))
	case fields.Operations != nil:
		if err := json.Unmarshal(*fields.Operations, &opsRaw); err != nil {
			return nil, catalog.InputErrorf(`"operations" should be a list of objects like {"op": "resize", "width": 256}`)
		}
		if len(opsRaw) == 0 {
			return nil, catalog.InputErrorf(`"operations" is empty: list at least one, for example {"op": "resize", "width": 256}`)
		}
	case len(inline) > 0:
		if _, ok := inline["op"]; !ok {
			return nil, catalog.InputErrorf("unknown field %q; expected %s", firstKey(inline), transformExpected)
		}
		one, _ := json.Marshal(inline)
		opsRaw = []json.RawMessage{one}
	default:
		return nil, catalog.InputErrorf(`no operation given: add "operations": [{"op": "resize", "width": 256}] or an inline "op"; the operations are %s`, opNames())
	}
	if len(opsRaw) > maxTransformOps {
		return nil, catalog.InputErrorf("%d operations given; at most %d run in one call (chain two calls for more)", len(opsRaw), maxTransformOps)
	}
	for i, r := range opsRaw {
		op, err := parseOp(r)
		if err != nil {
			return nil, catalog.InputErrorf("operation %d%s: %v", i+1, opLabel(op), err)
		}
		req.ops = append(req.ops, op)
	}

	switch f := strings.ToLower(fields.Format); f {
	case "":
	case "png", "gif":
		req.format = f
	case "jpeg", "jpg":
		req.format = "jpeg"
	default:
		return nil, catalog.InputErrorf(`"format" is %q; pipette writes "png", "jpeg" or "gif"`, fields.Format)
	}
	if fields.Quality != nil {
		q := *fields.Quality
		if q < 1 || q > 100 {
			return nil, catalog.InputErrorf(`"quality" is %d; use 1 (smallest) to 100 (best), default 90`, q)
		}
		if req.format != "jpeg" && req.format != "" {
			return nil, catalog.InputErrorf(`"quality" applies to JPEG output only; drop it or set "format": "jpeg"`)
		}
		req.quality = q
	}
	return req, nil
}

func opLabel(op *transformOp) string {
	if op == nil || op.Op == "" {
		return ""
	}
	return " (" + op.Op + ")"
}

func firstKey(m map[string]json.RawMessage) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys[0]
}

func parseOp(raw json.RawMessage) (*transformOp, error) {
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(raw, &keys); err != nil {
		return nil, fmt.Errorf(`expected an object like {"op": "resize", "width": 256}`)
	}
	var name string
	if err := json.Unmarshal(keys["op"], &name); err != nil || name == "" {
		return nil, fmt.Errorf(`"op" is missing or not a string; the operations are %s`, opNames())
	}
	op := &transformOp{Op: strings.ToLower(name)}
	spec, ok := transformOps[op.Op]
	if !ok {
		return nil, fmt.Errorf("unknown operation %q; the operations are %s", name, opNames())
	}
	var unknown []string
	for k := range keys {
		if k != "op" && !slices.Contains(spec.params, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		if len(spec.params) == 0 {
			return op, fmt.Errorf("%q takes no parameters, but %q was given", op.Op, unknown[0])
		}
		return op, fmt.Errorf("unknown parameter %q; %s takes %s", unknown[0], op.Op, strings.Join(spec.params, ", "))
	}
	if err := json.Unmarshal(raw, op); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			want := "a number"
			switch te.Type.Kind() {
			case reflect.Int:
				want = "a whole number"
			case reflect.String:
				want = "a string"
			}
			return op, fmt.Errorf("%q should be %s, not JSON %s", te.Field, want, te.Value)
		}
		return op, err
	}
	op.Op = strings.ToLower(name)
	if spec.check != nil {
		if err := spec.check(op); err != nil {
			return op, err
		}
	}
	return op, nil
}

// Transform is image/Transform: resize, crop, rotate, filters and format
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
    "image": {"type": "string", "description": "base64, a data URI, or an http(s) URL when the server allows it"},
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
	img, format, err := imagein.Decode(data)
	if err != nil {
		return catalog.Value{}, err
	}
	if req.orient {
		if o := exifOrientation(data, format); o != 1 {
			img = upright(img, o)
			fmt.Fprintf(stdout, "EXIF orientation %d applied: %d×%d\n", o, img.Bounds().Dx(), img.Bounds().Dy())
		}
	}
	// Walk the sizes first: a resize to 100000 px wide is refused here, before
	// any memory is allocated for it.
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	for i, op := range req.ops {
		nw, nh := transformOps[op.Op].size(op, w, h)
		if nw <= 0 || nh <= 0 {
			return catalog.Value{}, catalog.InputErrorf("operation %d (%s) leaves nothing of the %d×%d image: the crop rectangle lies outside it", i+1, op.Op, w, h)
		}
		if err := imagein.CheckPixels(nw, nh); err != nil {
			return catalog.Value{}, catalog.Errorf(catalog.TooLargeError, "operation %d (%s) would make the image %d×%d: %s", i+1, op.Op, nw, nh, catalog.AsError(err).Message)
		}
		w, h = nw, nh
	}
	for i, op := range req.ops {
		if err := ctx.Err(); err != nil {
			return catalog.Value{}, err
		}
		before := img.Bounds()
		img = transformOps[op.Op].apply(op, img)
		fmt.Fprintf(stdout, "%d %s: %d×%d → %d×%d\n", i+1, op.Op, before.Dx(), before.Dy(), img.Bounds().Dx(), img.Bounds().Dy())
	}
	out := req.format
	if out == "" {
		out = format
		if out != "png" && out != "jpeg" && out != "gif" {
			out = "png"
		}
	}
	if req.quality != 0 && out != "jpeg" {
		return catalog.Value{}, catalog.InputErrorf(`"quality" applies to JPEG output, and this %s image stays %s: add "format": "jpeg" or drop "quality"`, format, out)
	}
	b, err := encodeImage(img, out, req.quality)
	if err != nil {
		return catalog.Value{}, err
	}
	fmt.Fprintf(stdout, "wrote %s, %d bytes\n", out, len(b))
	return catalog.Bytes(b), nil
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
