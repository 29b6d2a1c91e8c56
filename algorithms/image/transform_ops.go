package image

import (
	"context"
	_ "embed"
	"fmt"
	"image"
	"image/color"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/disintegration/imaging"

	"pipette/algorithms"
	"pipette/algorithms/imagein"
)

// maxTransformOps bounds one request; a longer pipeline is almost certainly a
// generated mistake, and each step costs a full pass over the image.
const maxTransformOps = 32

// maxSigma bounds blur and sharpen: imaging's kernel is 6σ wide, so the cost
// grows with σ times the pixel count, and beyond 50 the picture is a smear.
const maxSigma = 50.0

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
	// limit is enforced before any step runs. It saturates rather than
	// overflows: a side too large for an int comes back as math.MaxInt.
	size func(o *transformOp, w, h int) (int, int)
	// cost is the memory the step holds besides its input: its result, the
	// intermediate images and tables of the imaging function that makes it
	// (an intermediate over the pixel limit is refused here).
	cost  func(s opStep) (int64, error)
	apply func(o *transformOp, img image.Image) image.Image
}

// opStep is one operation as planned: its input's size and its result's.
type opStep struct {
	ctx    context.Context
	o      *transformOp
	label  string // "operation 2 (resize)"
	w, h   int
	nw, nh int
}

// intermediate checks an image the step makes on the way to its result.
func (s opStep) intermediate(w, h int) error {
	_, err := imagein.CheckImage(s.ctx, "the intermediate image of "+s.label, w, h, imagein.RGBA8)
	return err
}

func resultOnly(s opStep) (int64, error) { return imagein.NRGBABytes(s.nw, s.nh), nil }

// resizeCost is imaging.Resize from w×h to nw×nh: with a real filter it
// scales the width first, into an nw×h intermediate.
func resizeCost(s opStep, support float64) (int64, error) {
	if support > 0 && s.w != s.nw && s.h != s.nh {
		if err := s.intermediate(s.nw, s.h); err != nil {
			return 0, err
		}
	}
	return imagein.ResizeBytes(s.w, s.h, s.nw, s.nh, support), nil
}

// fitCost is imaging.Fit into the box nw×nh... as it sizes the result
// (truncating, where size rounds).
func fitCost(s opStep, boxW, boxH int) (int64, error) {
	fw, fh := imagein.FitSize(s.w, s.h, boxW, boxH)
	if fw == s.w && fh == s.h {
		return imagein.NRGBABytes(s.w, s.h), nil
	}
	s.nw, s.nh = max(fw, 1), max(fh, 1)
	return resizeCost(s, s.o.filter.Support)
}

// fillCost is imaging.Fill: on images of at least 100×100 it crops to the
// box's aspect ratio and resizes the crop; on smaller ones it resizes to
// cover the box first (an image of any size: a 50×50 image filling a
// 40000×1 box becomes 40000×40000 on the way) and then crops.
func fillCost(s opStep) (int64, error) {
	bw, bh := s.nw, s.nh
	if s.w == bw && s.h == bh {
		return imagein.NRGBABytes(bw, bh), nil
	}
	srcAspect, dstAspect := float64(s.w)/float64(s.h), float64(bw)/float64(bh)
	if s.w >= 100 && s.h >= 100 {
		cw, ch := s.w, algorithms.SatInt(math.Max(1, float64(s.w)*float64(bh)/float64(bw))+0.5)
		if srcAspect >= dstAspect {
			cw, ch = algorithms.SatInt(math.Max(1, float64(s.h)*float64(bw)/float64(bh))+0.5), s.h
		}
		crop := opStep{ctx: s.ctx, o: s.o, label: s.label, w: cw, h: ch, nw: bw, nh: bh}
		r, err := resizeCost(crop, s.o.filter.Support)
		return algorithms.SatAdd(imagein.NRGBABytes(cw, ch), r), err
	}
	tw, th := scaledSize(bw, 0, s.w, s.h)
	if srcAspect >= dstAspect {
		tw, th = scaledSize(0, bh, s.w, s.h)
	}
	if err := s.intermediate(tw, th); err != nil {
		return 0, err
	}
	cover := opStep{ctx: s.ctx, o: s.o, label: s.label, w: s.w, h: s.h, nw: tw, nh: th}
	r, err := resizeCost(cover, s.o.filter.Support)
	return algorithms.SatAdd(r, imagein.NRGBABytes(bw, bh)), err
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
		cost: func(s opStep) (int64, error) { return resizeCost(s, s.o.filter.Support) },
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
			return max(1, algorithms.SatInt(math.Round(float64(w)*r))), max(1, algorithms.SatInt(math.Round(float64(h)*r)))
		},
		cost: func(s opStep) (int64, error) {
			if s.o.Mode == "fill" {
				return fillCost(s)
			}
			return fitCost(s, *s.o.Width, *s.o.Height)
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
		cost: resultOnly,
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
			return algorithms.SatInt(math.Ceil(math.Abs(fw*c)+math.Abs(fh*s))) + 1, algorithms.SatInt(math.Ceil(math.Abs(fw*s)+math.Abs(fh*c))) + 1
		},
		cost: func(s opStep) (int64, error) {
			// A free angle converts the source to NRGBA first.
			return algorithms.SatAdd(imagein.NRGBABytes(s.w, s.h), imagein.NRGBABytes(s.nw, s.nh)), nil
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
		cost: resultOnly,
		apply: func(o *transformOp, img image.Image) image.Image {
			if strings.HasPrefix(o.Direction, "h") {
				return imaging.FlipH(img)
			}
			return imaging.FlipV(img)
		},
	},
	"grayscale": {
		size:  sameSize,
		cost:  resultOnly,
		apply: func(_ *transformOp, img image.Image) image.Image { return imaging.Grayscale(img) },
	},
	"invert": {
		size:  sameSize,
		cost:  resultOnly,
		apply: func(_ *transformOp, img image.Image) image.Image { return imaging.Invert(img) },
	},
	"blur": {
		params: []string{"sigma"},
		check:  checkSigma,
		size:   sameSize,
		cost:   func(s opStep) (int64, error) { return imagein.BlurBytes(s.w, s.h), nil },
		apply:  func(o *transformOp, img image.Image) image.Image { return imaging.Blur(img, *o.Sigma) },
	},
	"sharpen": {
		params: []string{"sigma"},
		check:  checkSigma,
		size:   sameSize,
		cost:   func(s opStep) (int64, error) { return imagein.SharpenBytes(s.w, s.h), nil },
		apply:  func(o *transformOp, img image.Image) image.Image { return imaging.Sharpen(img, *o.Sigma) },
	},
	"brightness": {
		params: []string{"percent"},
		check:  checkPercent,
		size:   sameSize,
		cost:   resultOnly,
		apply:  func(o *transformOp, img image.Image) image.Image { return imaging.AdjustBrightness(img, *o.Percent) },
	},
	"contrast": {
		params: []string{"percent"},
		check:  checkPercent,
		size:   sameSize,
		cost:   resultOnly,
		apply:  func(o *transformOp, img image.Image) image.Image { return imaging.AdjustContrast(img, *o.Percent) },
	},
	"saturation": {
		params: []string{"percent"},
		check:  checkPercent,
		size:   sameSize,
		cost:   resultOnly,
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
		cost:  resultOnly,
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
		tw = max(1, algorithms.SatInt(math.Round(float64(th)*float64(w)/float64(h))))
	case th == 0:
		th = max(1, algorithms.SatInt(math.Round(float64(tw)*float64(h)/float64(w))))
	}
	return tw, th
}

// satAddInt is a+b for non-negative a and b, or math.MaxInt.
func satAddInt(a, b int) int {
	if a > math.MaxInt-b {
		return math.MaxInt
	}
	return a + b
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
		// x, y, width and height are the user's; the rectangle's far corner
		// saturates instead of wrapping to a negative coordinate.
		x, y := intOr(o.X, 0), intOr(o.Y, 0)
		if x >= w || y >= h {
			return image.Rectangle{}
		}
		return image.Rect(x, y, satAddInt(x, *o.Width), satAddInt(y, *o.Height)).Intersect(image.Rect(0, 0, w, h))
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
