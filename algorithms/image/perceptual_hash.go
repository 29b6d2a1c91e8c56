package image

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"io"
	"strings"

	"github.com/corona10/goimagehash"

	"pipette/algorithms"
	"pipette/algorithms/imagein"
	"pipette/catalog"
)

//go:embed docs/perceptual_hash.md
var perceptualHashDocs string

//go:embed samples/astronaut-edited.jpg
var sampleAstronautEdited []byte

// defaultNearDuplicate is the pHash distance (of 64 bits) at or below which
// two images count as the same picture. Re-encoding, resizing, mild blur and
// brightness changes stay well under it (0–6 on the test images); different
// photos land around 25–40.
const defaultNearDuplicate = 10

const perceptualHashExpected = `an image, or a JSON object {"image": ` + imagein.Placeholder + `, "other": <a second image to compare with>, "threshold": 10}`

// ImageHashes are the three 64-bit hashes of one image, as goimagehash
// writes them: a kind letter, a colon, 16 hex digits.
type ImageHashes struct {
	PHash string `json:"phash"`
	AHash string `json:"ahash"`
	DHash string `json:"dhash"`
}

// HashDistances are Hamming distances, 0 (identical) to 64.
type HashDistances struct {
	PHash int `json:"phash"`
	AHash int `json:"ahash"`
	DHash int `json:"dhash"`
}

// PerceptualHashResult is image/PerceptualHash's output. The comparison
// fields are present only when "other" was given.
type PerceptualHashResult struct {
	ImageHashes
	Other         *ImageHashes   `json:"other,omitempty"`
	Distance      *HashDistances `json:"distance,omitempty"`
	Similarity    *float64       `json:"similarity,omitempty"`
	NearDuplicate *bool          `json:"near_duplicate,omitempty"`
	Threshold     *int           `json:"threshold,omitempty"`
}

// PerceptualHash is image/PerceptualHash: pHash, aHash and dHash with
// corona10/goimagehash, and near-duplicate detection between two images.
func PerceptualHash() algorithms.Algorithm {
	return algorithms.Algorithm{
		Entry: catalog.Entry{
			Ref: catalog.Ref{Owner: "image", Name: "PerceptualHash", Version: "1.0.0"},
			Versions: []catalog.VersionInfo{{
				Version:      "1.0.0",
				ReleaseNotes: "First release: pHash, aHash and dHash of an image; with a second image, Hamming distances and a near-duplicate verdict.",
			}},
			Label:      "Perceptual Hash",
			Tagline:    "Image fingerprints that find resized and re-saved copies",
			Docs:       perceptualHashDocs,
			Tags:       []string{"image", "hash", "duplicates", "similarity"},
			InputKind:  catalog.KindAny,
			OutputKind: catalog.KindJSON,
			InputSchema: json.RawMessage(`{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "description": "An image (raw bytes, ` + imagein.StringForms + `), or an object.",
  "oneOf": [
    {"type": "string", "description": "` + imagein.StringForms + `"},
    {"type": "object", "required": ["image"], "additionalProperties": false, "properties": {
      "image": {"type": "string"},
      "other": {"type": "string", "description": "a second image to compare with, in the same forms"},
      "threshold": {"type": "integer", "minimum": 0, "maximum": 64, "default": 10, "description": "largest pHash distance that counts as a near duplicate"}
    }}
  ]
}`),
			OutputSchema: json.RawMessage(`{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "required": ["phash", "ahash", "dhash"],
  "properties": {
    "phash": {"type": "string"}, "ahash": {"type": "string"}, "dhash": {"type": "string"},
    "other": {"type": "object"},
    "distance": {"type": "object", "properties": {"phash": {"type": "integer"}, "ahash": {"type": "integer"}, "dhash": {"type": "integer"}}},
    "similarity": {"type": "number"}, "near_duplicate": {"type": "boolean"}, "threshold": {"type": "integer"}
  }
}`),
			Samples: []catalog.Sample{
				{Name: "re-saved, smaller, brighter copy: a near duplicate", Input: catalog.JSON(map[string]any{
					"image": encodeB64(sampleAstronaut), "other": encodeB64(sampleAstronautEdited)})},
				{Name: "two different photos", Input: catalog.JSON(map[string]any{
					"image": encodeB64(sampleCoffee), "other": encodeB64(sampleChelsea)})},
				{Name: "hashes of one image (bytes)", Input: catalog.Bytes(sampleAstronaut)},
			},
			License: "BSD-2-Clause",
		},
		Run: runPerceptualHash,
	}
}

func runPerceptualHash(ctx context.Context, in catalog.Value, stdout io.Writer) (catalog.Value, error) {
	var opts struct {
		Image     string  `json:"image"`
		Other     *string `json:"other"`
		Threshold *int    `json:"threshold"`
	}
	data, err := imagein.Request(ctx, in, &opts, &opts.Image, perceptualHashExpected)
	if err != nil {
		return catalog.Value{}, err
	}
	threshold := defaultNearDuplicate
	if opts.Threshold != nil {
		if opts.Other == nil {
			return catalog.Value{}, catalog.InputErrorf(`"threshold" applies only when comparing: add "other", a second image`)
		}
		threshold = *opts.Threshold
		if err := catalog.CheckInt("threshold", int64(threshold), 0, 64, fmt.Sprintf("a pHash distance; default %d", defaultNearDuplicate)); err != nil {
			return catalog.Value{}, err
		}
	}
	if opts.Other != nil && strings.TrimSpace(*opts.Other) == "" {
		return catalog.Value{}, catalog.InputErrorf(`"other" is empty: give a second image (%s), or leave the field out`, imagein.StringForms)
	}
	// Hash what a viewer sees: a phone photo stored sideways and its
	// upright re-save are the same picture.
	orientation := 1
	img, _, err := imagein.DecodeContext(ctx, data, func(h imagein.Header) error {
		orientation = exifOrientation(data, h.Format)
		return planHashes(ctx, "the image", h, orientation)
	})
	if err != nil {
		return catalog.Value{}, err
	}
	img = upright(img, orientation)
	hashes, raw, err := imageHashes(img)
	if err != nil {
		return catalog.Value{}, err
	}
	res := PerceptualHashResult{ImageHashes: hashes}
	if opts.Other == nil {
		return catalog.JSON(res), nil
	}
	if err := ctx.Err(); err != nil {
		return catalog.Value{}, err
	}
	otherData, err := imagein.FromString(ctx, *opts.Other)
	if err != nil {
		return catalog.Value{}, prefixError(`the "other" image: `, err)
	}
	otherOrientation := 1
	other, _, err := imagein.DecodeContext(ctx, otherData, func(h imagein.Header) error {
		otherOrientation = exifOrientation(otherData, h.Format)
		return planHashes(ctx, `the "other" image`, h, otherOrientation)
	})
	if err != nil {
		return catalog.Value{}, prefixError(`the "other" image: `, err)
	}
	other = upright(other, otherOrientation)
	otherHashes, otherRaw, err := imageHashes(other)
	if err != nil {
		return catalog.Value{}, err
	}
	var d HashDistances
	for i, p := range []*int{&d.PHash, &d.AHash, &d.DHash} {
		if *p, err = raw[i].Distance(otherRaw[i]); err != nil {
			return catalog.Value{}, fmt.Errorf("compare hashes: %w", err)
		}
	}
	near := d.PHash <= threshold
	sim := algorithms.Round(1-float64(d.PHash)/64, 4)
	res.Other, res.Distance, res.Similarity, res.NearDuplicate, res.Threshold = &otherHashes, &d, &sim, &near, &threshold
	fmt.Fprintf(stdout, "pHash distance %d (threshold %d): near duplicate %v\n", d.PHash, threshold, near)
	return catalog.JSON(res), nil
}

// imageHashes returns the pHash, aHash and dHash of img, in that order.
// planHashes checks what hashing img holds against the call's budget: the
// decoded image, its upright copy, and what nfnt/resize (goimagehash's
// resizer) makes for the 64×64 pHash: a transposed intermediate of
// height×64 pixels of up to 8 bytes (a 1×40000000 strip makes 20 GB of it),
// a 3-byte copy of a YCbCr source, and its coefficient tables.
func planHashes(ctx context.Context, what string, hdr imagein.Header, orientation int) error {
	w, h := hdr.Width, hdr.Height
	held := imagein.ImageBytes(w, h, hdr.Pixels)
	if orientation != 1 {
		held = algorithms.SatAdd(held, imagein.NRGBABytes(w, h))
		if orientation >= 5 {
			w, h = h, w
		}
	}
	resizer := algorithms.SatAdd(algorithms.SatMul(int64(h), 64*8), imagein.ImageBytes(w, h, imagein.YCbCr444),
		algorithms.SatMul(int64(w)+int64(h), 8))
	return algorithms.CheckMemory(ctx, fmt.Sprintf("hashing %s (%d×%d)", what, w, h), algorithms.SatAdd(held, resizer), "scale it down first")
}

func imageHashes(img image.Image) (ImageHashes, [3]*goimagehash.ImageHash, error) {
	var raw [3]*goimagehash.ImageHash
	var err error
	for i, f := range []func(image.Image) (*goimagehash.ImageHash, error){
		goimagehash.PerceptionHash, goimagehash.AverageHash, goimagehash.DifferenceHash,
	} {
		if raw[i], err = f(img); err != nil {
			return ImageHashes{}, raw, fmt.Errorf("hash the image: %w", err)
		}
	}
	return ImageHashes{PHash: raw[0].ToString(), AHash: raw[1].ToString(), DHash: raw[2].ToString()}, raw, nil
}

// prefixError says which of several images an error is about, keeping its
// error type.
func prefixError(prefix string, err error) error {
	var e *catalog.Error
	if errors.As(err, &e) {
		c := *e
		c.Message = prefix + c.Message
		return &c
	}
	return fmt.Errorf("%s%w", prefix, err)
}
