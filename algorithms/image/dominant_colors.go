package image

import (
	"cmp"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"image"
	"io"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/disintegration/imaging"
	"github.com/lucasb-eyer/go-colorful"

	"pipette/algorithms"
	"pipette/algorithms/imagein"
	"pipette/catalog"
)

//go:embed docs/dominant_colors.md
var dominantColorsDocs string

const (
	defaultColorCount = 5
	maxColorCount     = 16
	// paletteSide bounds the image the clustering sees. A palette does not
	// need more than 16k pixels, and the cost stays flat for any input size.
	paletteSide = 128
	// maxKMeansRounds bounds Lloyd's iterations; on photographs the
	// assignments settle in 10–30.
	maxKMeansRounds = 60
)

const dominantColorsExpected = `an image, or a JSON object {"image": ` + imagein.Placeholder + `, "k": 5}`

// DominantColor is one cluster of the palette.
type DominantColor struct {
	Hex   string  `json:"hex"`
	RGB   [3]int  `json:"rgb"`
	Share float64 `json:"share"`
}

// DominantColorsResult is image/DominantColors' output.
type DominantColorsResult struct {
	Colors []DominantColor `json:"colors"`
	// Pixels is how many pixels the clustering weighed (after downsampling,
	// transparent ones left out).
	Pixels int `json:"pixels"`
}

// DominantColors is image/DominantColors: a k-means++ palette in CIE Lab.
func DominantColors() algorithms.Algorithm {
	return algorithms.Algorithm{
		Entry: catalog.Entry{
			Ref: catalog.Ref{Owner: "image", Name: "DominantColors", Version: "1.0.0"},
			Versions: []catalog.VersionInfo{{
				Version:      "1.0.0",
				ReleaseNotes: "First release: k-means++ in CIE Lab on a 128 px copy, deterministic, 1–16 colours with their share of the image.",
			}},
			Label:      "Dominant Colors",
			Tagline:    "The main colours of an image and how much of it each covers",
			Docs:       dominantColorsDocs,
			Tags:       []string{"image", "color", "palette", "clustering"},
			InputKind:  catalog.KindAny,
			OutputKind: catalog.KindJSON,
			InputSchema: json.RawMessage(`{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "description": "An image (raw bytes, ` + imagein.StringForms + `), or an object with options.",
  "oneOf": [
    {"type": "string", "description": "` + imagein.StringForms + `"},
    {"type": "object", "required": ["image"], "additionalProperties": false, "properties": {
      "image": {"type": "string"},
      "k": {"type": "integer", "minimum": 1, "maximum": 16, "default": 5, "description": "how many colours"}
    }}
  ]
}`),
			OutputSchema: json.RawMessage(`{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "properties": {
    "colors": {"type": "array", "items": {"type": "object", "properties": {
      "hex": {"type": "string"}, "rgb": {"type": "array", "items": {"type": "integer"}}, "share": {"type": "number"}}}},
    "pixels": {"type": "integer"}
  }
}`),
			Samples: []catalog.Sample{
				{Name: "astronaut photo (bytes), 5 colours", Input: catalog.Bytes(sampleAstronaut)},
				{Name: "coffee cup, 3 colours", Input: catalog.JSON(map[string]any{"image": encodeB64(sampleCoffee), "k": 3})},
				{Name: "cat, 8 colours", Input: catalog.JSON(map[string]any{"image": encodeB64(sampleChelsea), "k": 8})},
			},
			License: "MIT",
		},
		Run: runDominantColors,
		// Decoding, fitting (over every core) and clustering an image:
		// image work a server runs at a low priority, beside its light
		// calls, as it does Transform.
		Isolate: true,
	}
}

func runDominantColors(ctx context.Context, in catalog.Value, stdout io.Writer) (catalog.Value, error) {
	var opts struct {
		Image string `json:"image"`
		K     *int   `json:"k"`
	}
	data, err := imagein.Request(ctx, in, &opts, &opts.Image, dominantColorsExpected)
	if err != nil {
		return catalog.Value{}, err
	}
	k := defaultColorCount
	if opts.K != nil {
		k = *opts.K
		if err := catalog.CheckInt("k", int64(k), 1, maxColorCount, "colours"); err != nil {
			return catalog.Value{}, err
		}
	}
	img, _, err := imagein.DecodeContext(ctx, data, func(h imagein.Header) error {
		need := algorithms.SatAdd(imagein.ImageBytes(h.Width, h.Height, h.Pixels),
			imagein.FitBytes(h.Width, h.Height, paletteSide, paletteSide, imaging.Box.Support))
		return algorithms.CheckMemory(ctx, fmt.Sprintf("reducing the %d×%d image to a palette", h.Width, h.Height), need, "scale it down first")
	})
	if err != nil {
		return catalog.Value{}, err
	}
	res, err := palette(ctx, img, k)
	if err != nil {
		return catalog.Value{}, err
	}
	fmt.Fprintf(stdout, "%d colours from %d pixels\n", len(res.Colors), res.Pixels)
	return catalog.JSON(res), nil
}

// labPoint is one distinct colour of the downsampled image, with how many
// pixels have it. Clustering distinct colours rather than pixels gives the
// same answer for less work on flat images.
type labPoint struct {
	l, a, b float64
	weight  float64
}

func palette(ctx context.Context, img image.Image, k int) (DominantColorsResult, error) {
	b := img.Bounds()
	if b.Dx() > paletteSide || b.Dy() > paletteSide {
		// Box averages each output pixel's source area, which keeps the colour
		// proportions of the original.
		img = imaging.Fit(img, paletteSide, paletteSide, imaging.Box)
	}
	nrgba := imaging.Clone(img)
	counts := map[uint32]int{}
	total := 0
	for i := 0; i+3 < len(nrgba.Pix); i += 4 {
		// Mostly transparent pixels are background, not colour.
		if nrgba.Pix[i+3] < 128 {
			continue
		}
		key := uint32(nrgba.Pix[i])<<16 | uint32(nrgba.Pix[i+1])<<8 | uint32(nrgba.Pix[i+2])
		counts[key]++
		total++
	}
	if total == 0 {
		return DominantColorsResult{}, catalog.InputErrorf("the image is fully transparent: there is no colour to measure")
	}
	keys := make([]uint32, 0, len(counts))
	for key := range counts {
		keys = append(keys, key)
	}
	// Map order is random; sorting makes the seeding, hence the result, repeatable.
	slices.Sort(keys)
	points := make([]labPoint, len(keys))
	for i, key := range keys {
		c := colorful.Color{R: float64(key>>16) / 255, G: float64(key>>8&0xff) / 255, B: float64(key&0xff) / 255}
		l, a, bb := c.Lab()
		points[i] = labPoint{l, a, bb, float64(counts[key])}
	}
	centers, weights, err := kmeans(ctx, points, k)
	if err != nil {
		return DominantColorsResult{}, err
	}
	res := DominantColorsResult{Pixels: total}
	for i, c := range centers {
		if weights[i] == 0 {
			continue
		}
		col := colorful.Lab(c.l, c.a, c.b).Clamped()
		r, g, bl := col.RGB255()
		res.Colors = append(res.Colors, DominantColor{
			Hex:   col.Hex(),
			RGB:   [3]int{int(r), int(g), int(bl)},
			Share: algorithms.Round(weights[i]/float64(total), 4),
		})
	}
	slices.SortStableFunc(res.Colors, func(x, y DominantColor) int {
		if c := cmp.Compare(y.Share, x.Share); c != 0 {
			return c
		}
		return cmp.Compare(x.Hex, y.Hex)
	})
	return res, nil
}

func dist2(p, c labPoint) float64 {
	dl, da, db := p.l-c.l, p.a-c.a, p.b-c.b
	return dl*dl + da*da + db*db
}

// kmeans clusters weighted points into at most k groups: k-means++ seeding
// (each next centre drawn with probability ∝ weight × squared distance to the
// nearest chosen one), then Lloyd's iterations until no point changes
// cluster. The generator has a fixed seed, so a given image always gives the
// same palette. It returns the centres and the weight each one holds.
func kmeans(ctx context.Context, points []labPoint, k int) ([]labPoint, []float64, error) {
	if len(points) <= k {
		centers := slices.Clone(points)
		weights := make([]float64, len(points))
		for i, p := range points {
			weights[i] = p.weight
		}
		return centers, weights, nil
	}
	rng := rand.New(rand.NewPCG(0x9e3779b97f4a7c15, 0xbf58476d1ce4e5b9))
	pick := func(score func(i int) float64) int {
		var sum float64
		for i := range points {
			sum += score(i)
		}
		if sum == 0 {
			return -1
		}
		r := rng.Float64() * sum
		for i := range points {
			r -= score(i)
			if r <= 0 {
				return i
			}
		}
		return len(points) - 1
	}
	centers := []labPoint{points[pick(func(i int) float64 { return points[i].weight })]}
	nearest := make([]float64, len(points))
	for i, p := range points {
		nearest[i] = dist2(p, centers[0])
	}
	for len(centers) < k {
		i := pick(func(i int) float64 { return points[i].weight * nearest[i] })
		if i < 0 {
			break // every point already coincides with a centre
		}
		centers = append(centers, points[i])
		for j, p := range points {
			nearest[j] = math.Min(nearest[j], dist2(p, points[i]))
		}
	}

	assign := make([]int, len(points))
	for i := range assign {
		assign[i] = -1
	}
	weights := make([]float64, len(centers))
	for round := 0; round < maxKMeansRounds; round++ {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		changed := false
		for i, p := range points {
			best, bestD := 0, math.Inf(1)
			for c, ctr := range centers {
				if d := dist2(p, ctr); d < bestD {
					best, bestD = c, d
				}
			}
			if assign[i] != best {
				assign[i], changed = best, true
			}
		}
		if !changed {
			break
		}
		sums := make([]labPoint, len(centers))
		for i := range weights {
			weights[i] = 0
		}
		for i, p := range points {
			c := assign[i]
			sums[c].l += p.l * p.weight
			sums[c].a += p.a * p.weight
			sums[c].b += p.b * p.weight
			weights[c] += p.weight
		}
		for c := range centers {
			// An emptied cluster keeps its old centre; it reports no share.
			if weights[c] > 0 {
				centers[c] = labPoint{l: sums[c].l / weights[c], a: sums[c].a / weights[c], b: sums[c].b / weights[c]}
			}
		}
	}
	for i := range weights {
		weights[i] = 0
	}
	for i, p := range points {
		weights[assign[i]] += p.weight
	}
	return centers, weights, nil
}
