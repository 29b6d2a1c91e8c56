package image

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"io"
	"math"
	"strings"
	"time"

	"github.com/rwcarlsen/goexif/exif"
	"github.com/rwcarlsen/goexif/tiff"

	"pipette/algorithms"
	"pipette/algorithms/imagein"
	"pipette/catalog"
)

//go:embed docs/metadata.md
var metadataDocs string

//go:embed samples/iphone-exif.jpg
var sampleIPhoneEXIF []byte

const metadataExpected = `an image, or a JSON object {"image": ` + imagein.Placeholder + `}`

// maxTagValue bounds each raw tag value in the output; maker notes and
// embedded blobs can run to kilobytes of binary.
const maxTagValue = 200

// ImageMetadata is image/Metadata's output.
type ImageMetadata struct {
	Format     string  `json:"format"`
	Width      int     `json:"width"`
	Height     int     `json:"height"`
	Megapixels float64 `json:"megapixels"`
	ColorModel string  `json:"color_model"`
	Bytes      int     `json:"bytes"`
	// WithinPixelLimit says whether the other image algorithms of this
	// server will decode the image; metadata is read either way.
	WithinPixelLimit bool  `json:"within_pixel_limit"`
	EXIF             *EXIF `json:"exif"`
	// EXIFError is set when the file has an EXIF block that cannot be read.
	EXIFError string `json:"exif_error,omitempty"`
}

// EXIF is the camera metadata of a JPEG or TIFF, the common fields decoded
// and every tag as text.
type EXIF struct {
	Make            string            `json:"make,omitempty"`
	Model           string            `json:"model,omitempty"`
	Lens            string            `json:"lens,omitempty"`
	Software        string            `json:"software,omitempty"`
	DateTaken       string            `json:"date_taken,omitempty"`
	ExposureTime    string            `json:"exposure_time,omitempty"`
	FNumber         float64           `json:"f_number,omitempty"`
	ISO             int               `json:"iso,omitempty"`
	FocalLengthMM   float64           `json:"focal_length_mm,omitempty"`
	FocalLength35MM int               `json:"focal_length_35mm,omitempty"`
	FlashFired      *bool             `json:"flash_fired,omitempty"`
	Orientation     int               `json:"orientation,omitempty"`
	OrientationText string            `json:"orientation_text,omitempty"`
	GPS             *GPS              `json:"gps,omitempty"`
	Tags            map[string]string `json:"tags"`
}

// GPS is where the photo was taken, in decimal degrees (WGS 84 as cameras
// write it): north and east positive.
type GPS struct {
	Latitude  float64  `json:"latitude"`
	Longitude float64  `json:"longitude"`
	AltitudeM *float64 `json:"altitude_m,omitempty"`
}

// Metadata is image/Metadata: format, size and EXIF (goexif).
func Metadata() algorithms.Algorithm {
	return algorithms.Algorithm{
		Entry: catalog.Entry{
			Ref: catalog.Ref{Owner: "image", Name: "Metadata", Version: "1.0.0"},
			Versions: []catalog.VersionInfo{{
				Version:      "1.0.0",
				ReleaseNotes: "First release: format, size, colour model, file size and EXIF (camera, lens, date, exposure, orientation, GPS) without decoding the pixels.",
			}},
			Label:      "Image Metadata",
			Tagline:    "Format, size, camera, date and GPS of an image",
			Docs:       metadataDocs,
			Tags:       []string{"image", "exif", "metadata", "gps", "camera"},
			InputKind:  catalog.KindAny,
			OutputKind: catalog.KindJSON,
			InputSchema: json.RawMessage(`{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "description": "An image (raw bytes, ` + imagein.StringForms + `), or {\"image\": …}.",
  "oneOf": [
    {"type": "string", "description": "` + imagein.StringForms + `"},
    {"type": "object", "required": ["image"], "additionalProperties": false, "properties": {"image": {"type": "string"}}}
  ]
}`),
			Samples: []catalog.Sample{
				{Name: "iPhone photo with EXIF and GPS (bytes)", Input: catalog.Bytes(sampleIPhoneEXIF)},
				{Name: "JPEG without EXIF", Input: catalog.JSON(map[string]any{"image": encodeB64(sampleCoffee)})},
			},
			License: "BSD-2-Clause",
		},
		Run: runMetadata,
	}
}

func runMetadata(ctx context.Context, in catalog.Value, stdout io.Writer) (catalog.Value, error) {
	var opts struct {
		Image string `json:"image"`
	}
	data, err := imagein.Request(ctx, in, &opts, &opts.Image, metadataExpected)
	if err != nil {
		return catalog.Value{}, err
	}
	// Only the header is read: the pixel limit guards decoding, and nothing
	// here decodes, so an over-limit image is described rather than refused.
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return catalog.Value{}, catalog.InputErrorf("the input is not an image pipette can read (PNG, JPEG, GIF, BMP, TIFF or WebP): %v", err)
	}
	md := ImageMetadata{
		Format:           format,
		Width:            cfg.Width,
		Height:           cfg.Height,
		Megapixels:       math.Round(float64(cfg.Width)*float64(cfg.Height)/1e4) / 100,
		ColorModel:       colorModelName(cfg.ColorModel),
		Bytes:            len(data),
		WithinPixelLimit: imagein.CheckPixels(cfg.Width, cfg.Height) == nil,
	}
	if format == "jpeg" || format == "tiff" {
		md.EXIF, md.EXIFError = readEXIF(data)
	}
	if md.EXIF != nil {
		fmt.Fprintf(stdout, "%d EXIF tags\n", len(md.EXIF.Tags))
	}
	return catalog.JSON(md), nil
}

func colorModelName(m color.Model) string {
	switch m {
	case color.RGBAModel:
		return "RGBA"
	case color.RGBA64Model:
		return "RGBA64"
	case color.NRGBAModel:
		return "NRGBA"
	case color.NRGBA64Model:
		return "NRGBA64"
	case color.AlphaModel:
		return "Alpha"
	case color.Alpha16Model:
		return "Alpha16"
	case color.GrayModel:
		return "Gray"
	case color.Gray16Model:
		return "Gray16"
	case color.YCbCrModel:
		return "YCbCr"
	case color.NYCbCrAModel:
		return "NYCbCrA"
	case color.CMYKModel:
		return "CMYK"
	}
	if p, ok := m.(color.Palette); ok {
		return fmt.Sprintf("Paletted (%d colours)", len(p))
	}
	return "other"
}

// readEXIF returns the EXIF of a JPEG or TIFF, nil when it has none, and a
// note when a block is there but cannot be read. goexif is defensive but
// was written for well-formed files; a panic on a crafted one is caught here
// and reported as unreadable EXIF rather than failing the whole call.
func readEXIF(data []byte) (out *EXIF, note string) {
	defer func() {
		if p := recover(); p != nil {
			out, note = nil, fmt.Sprintf("the EXIF block is damaged: %v", p)
		}
	}()
	x, err := exif.Decode(bytes.NewReader(data))
	if x == nil || (err != nil && exif.IsCriticalError(err)) {
		if bytes.Contains(data[:min(len(data), 1<<16)], []byte("Exif\x00\x00")) {
			return nil, fmt.Sprintf("the EXIF block cannot be read: %v", err)
		}
		return nil, ""
	}
	e := &EXIF{Tags: map[string]string{}}
	str := func(name exif.FieldName) string {
		t, err := x.Get(name)
		if err != nil {
			return ""
		}
		if s, err := t.StringVal(); err == nil {
			return strings.TrimSpace(strings.TrimRight(s, "\x00"))
		}
		return ""
	}
	e.Make, e.Model, e.Lens, e.Software = str(exif.Make), str(exif.Model), str(exif.LensModel), str(exif.Software)
	for _, name := range []exif.FieldName{exif.DateTimeOriginal, exif.DateTimeDigitized, exif.DateTime} {
		// EXIF times carry no zone; they are the camera's wall clock.
		if t, err := time.Parse("2006:01:02 15:04:05", str(name)); err == nil {
			e.DateTaken = t.Format("2006-01-02T15:04:05")
			break
		}
	}
	if t, err := x.Get(exif.ExposureTime); err == nil {
		if n, d, err := t.Rat2(0); err == nil && n > 0 && d > 0 {
			e.ExposureTime = exposureText(n, d)
		}
	}
	e.FNumber = ratFloat(x, exif.FNumber, 1)
	e.FocalLengthMM = ratFloat(x, exif.FocalLength, 2)
	if t, err := x.Get(exif.ISOSpeedRatings); err == nil {
		e.ISO, _ = t.Int(0)
	}
	if t, err := x.Get(exif.FocalLengthIn35mmFilm); err == nil {
		e.FocalLength35MM, _ = t.Int(0)
	}
	if t, err := x.Get(exif.Flash); err == nil {
		if v, err := t.Int(0); err == nil {
			fired := v&1 == 1
			e.FlashFired = &fired
		}
	}
	if t, err := x.Get(exif.Orientation); err == nil {
		if v, err := t.Int(0); err == nil && v >= 1 && v <= 8 {
			e.Orientation, e.OrientationText = v, orientations[v]
		}
	}
	if lat, long, err := x.LatLong(); err == nil && !math.IsNaN(lat) && !math.IsNaN(long) && !(lat == 0 && long == 0) {
		g := &GPS{Latitude: algorithms.Round(lat, 6), Longitude: algorithms.Round(long, 6)}
		if alt := ratFloat(x, exif.GPSAltitude, 1); alt != 0 {
			if t, err := x.Get(exif.GPSAltitudeRef); err == nil {
				if ref, err := t.Int(0); err == nil && ref == 1 {
					alt = -alt // below sea level
				}
			}
			g.AltitudeM = &alt
		}
		e.GPS = g
	}
	_ = x.Walk(tagCollector(e.Tags))
	return e, ""
}

// orientations says what a viewer must do to show the picture upright
// (EXIF 2.3, tag 0x0112).
var orientations = map[int]string{
	1: "upright",
	2: "mirror horizontally to display",
	3: "rotate 180° to display",
	4: "mirror vertically to display",
	5: "mirror horizontally, then rotate 90° counter-clockwise to display",
	6: "rotate 90° clockwise to display",
	7: "mirror horizontally, then rotate 90° clockwise to display",
	8: "rotate 90° counter-clockwise to display",
}

func exposureText(n, d int64) string {
	if n >= d {
		return fmt.Sprintf("%g s", algorithms.Round(float64(n)/float64(d), 1))
	}
	if d%n == 0 {
		return fmt.Sprintf("1/%d s", d/n)
	}
	return fmt.Sprintf("1/%d s", int64(math.Round(float64(d)/float64(n))))
}

func ratFloat(x *exif.Exif, name exif.FieldName, decimals int) float64 {
	t, err := x.Get(name)
	if err != nil {
		return 0
	}
	n, d, err := t.Rat2(0)
	if err != nil || d == 0 {
		return 0
	}
	return algorithms.Round(float64(n)/float64(d), decimals)
}

// tagCollector writes every tag as text: strings as they are, numbers and
// rationals as goexif prints them. Maker notes are opaque vendor blobs and
// are left out.
type tagCollector map[string]string

func (c tagCollector) Walk(name exif.FieldName, t *tiff.Tag) error {
	if name == exif.MakerNote || strings.HasPrefix(string(name), exif.UnknownPrefix) {
		return nil
	}
	var v string
	if t.Format() == tiff.StringVal {
		s, err := t.StringVal()
		if err != nil {
			return nil
		}
		v = strings.TrimSpace(strings.TrimRight(s, "\x00"))
	} else {
		v = plainTagText(t.String())
	}
	if len(v) > maxTagValue {
		cut := maxTagValue
		for cut > 0 && !isRuneStart(v[cut]) {
			cut--
		}
		v = v[:cut] + "…"
	}
	c[string(name)] = v
	return nil
}

// plainTagText turns goexif's JSON rendering of a value ("\"12/5\"",
// ["59/1","19/1","5717/100"]) into plain text: 12/5 and 59/1, 19/1, 5717/100.
func plainTagText(v string) string {
	var s string
	if json.Unmarshal([]byte(v), &s) == nil {
		return s
	}
	var list []any
	if json.Unmarshal([]byte(v), &list) == nil {
		parts := make([]string, len(list))
		for i, x := range list {
			parts[i] = fmt.Sprint(x)
		}
		return strings.Join(parts, ", ")
	}
	return v
}

func isRuneStart(b byte) bool { return b&0xc0 != 0x80 }
