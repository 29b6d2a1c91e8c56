// Package imagein reads the image an algorithm is given, in every form the
// image algorithms accept: raw bytes, base64 or a data URI (inside JSON or as
// text), and an http(s) URL when the host allows fetching. It enforces the
// pixel limit before any pixel is decoded.
package imagein

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"image"
	_ "image/gif"  // decoders, registered with image.Decode
	_ "image/jpeg" //
	_ "image/png"  //
	"strings"
	"sync/atomic"

	_ "golang.org/x/image/bmp"  //
	_ "golang.org/x/image/tiff" //
	_ "golang.org/x/image/webp" //

	"pipette/algorithms"
	"pipette/catalog"
	"pipette/data"
)

// Policy is what the host allows. The zero value of each field means its default.
type Policy struct {
	AllowURLs    bool  // fetch http(s) URLs given as images (off by default)
	AllowPrivate bool  // let URLs reach loopback, private and link-local addresses
	MaxPixels    int   // refuse larger images before decoding; default 40 megapixels
	MaxBytes     int64 // largest download; default 50 MiB
}

// DefaultMaxPixels is the pixel limit when none is configured.
const DefaultMaxPixels = 40_000_000

const defaultMaxBytes = 50 << 20

var policy atomic.Pointer[Policy]

// SetPolicy sets the process-wide policy (pipette serve's flags).
func SetPolicy(p Policy) { policy.Store(&p) }

// CurrentPolicy returns the policy in force, with defaults filled in.
func CurrentPolicy() Policy {
	var p Policy
	if cur := policy.Load(); cur != nil {
		p = *cur
	}
	if p.MaxPixels <= 0 {
		p.MaxPixels = DefaultMaxPixels
	}
	if p.MaxBytes <= 0 {
		p.MaxBytes = defaultMaxBytes
	}
	return p
}

// Bytes returns the encoded image an input carries: binary input as is; text
// or a JSON string as base64, a data URI, or a URL.
func Bytes(ctx context.Context, in catalog.Value) ([]byte, error) {
	switch in.Kind {
	case catalog.KindBinary:
		if len(in.Bytes) == 0 {
			return nil, catalog.InputErrorf("the image is empty: send the bytes of a PNG, JPEG, GIF, BMP, TIFF or WebP file")
		}
		return in.Bytes, nil
	case catalog.KindText:
		return FromString(ctx, in.Text)
	case catalog.KindJSON:
		if s, ok := in.JSON.(string); ok {
			return FromString(ctx, s)
		}
	}
	return nil, catalog.InputErrorf("expected an image: raw bytes (application/octet-stream), or a string holding %s", StringForms)
}

// FromString reads an image given as a string: a data URI, an http(s) URL, a
// data:// reference to the Data API's store, or plain base64.
func FromString(ctx context.Context, s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return nil, catalog.InputErrorf("the image is empty: give %s", StringForms)
	case strings.HasPrefix(s, data.Scheme): // before "data:", which it also starts with
		return FromDataRef(ctx, s)
	case strings.HasPrefix(s, "data:"):
		comma := strings.IndexByte(s, ',')
		if comma < 0 || !strings.HasSuffix(s[:comma], ";base64") {
			return nil, catalog.InputErrorf("the image data URI is not base64: write data:image/png;base64,…")
		}
		return decodeBase64(s[comma+1:])
	case strings.HasPrefix(s, "http://"), strings.HasPrefix(s, "https://"):
		return Fetch(ctx, s)
	}
	return decodeBase64(s)
}

func decodeBase64(s string) ([]byte, error) {
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil && len(b) > 0 {
			return b, nil
		}
	}
	return nil, catalog.InputErrorf("the image is not valid base64: give %s", StringForms)
}

// Header is what an image's header says, before any pixel is decoded.
type Header struct {
	Width, Height int
	Format        string      // "png", "jpeg", …
	Pixels        PixelFormat // how the decoded image will hold them
}

// Plan checks, from an image's header alone, what an algorithm is about to
// do with the image, so that work the call cannot afford is refused before
// the image is decoded: decoding a 40-million-row strip takes seconds,
// wasted when its hashing is then refused.
type Plan func(Header) error

// Decode is DecodeContext under the default memory budget.
func Decode(data []byte) (image.Image, string, error) {
	return DecodeContext(context.Background(), data)
}

// DecodeContext decodes an image after checking, from its header alone, that
// it is within the pixel limit and that the image and the decoder's buffers
// fit MaxImageBytes and the call's memory budget: a 16-bit PNG takes 8 bytes
// a pixel, a progressive JPEG keeps 4 bytes of coefficients per sample, so
// pixels alone do not say what decoding costs. A huge image is refused
// before any pixel is decoded. It returns the image and its format name
// ("png", "jpeg", …).
//
// Each plan, when given, runs after those checks and before decoding.
func DecodeContext(ctx context.Context, data []byte, plans ...Plan) (image.Image, string, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, "", catalog.InputErrorf("the input is not an image pipette can read (PNG, JPEG, GIF, BMP, TIFF or WebP): %v", err)
	}
	if err := CheckPixels(cfg.Width, cfg.Height); err != nil {
		return nil, "", err
	}
	f, imgBytes, scratch := decodeFootprint(data, format, cfg)
	if _, err := CheckImage(ctx, "the image", cfg.Width, cfg.Height, f); err != nil {
		return nil, "", err
	}
	if err := algorithms.CheckMemory(ctx, fmt.Sprintf("decoding the %d×%d %s image", cfg.Width, cfg.Height, format),
		algorithms.SatAdd(imgBytes, scratch), "scale it down first"); err != nil {
		return nil, "", err
	}
	for _, plan := range plans {
		if err := plan(Header{Width: cfg.Width, Height: cfg.Height, Format: format, Pixels: f}); err != nil {
			return nil, "", err
		}
	}
	img, format, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, "", catalog.InputErrorf("the %s image is damaged: %v", format, err)
	}
	return img, format, nil
}

// CheckPixels refuses dimensions over the pixel limit, and sides that are
// not positive; the product saturates, so no size wraps around the limit.
func CheckPixels(w, h int) error {
	max := CurrentPolicy().MaxPixels
	if w <= 0 || h <= 0 {
		return catalog.InputErrorf("the image has no pixels (%d×%d)", w, h)
	}
	if algorithms.SatMul(int64(w), int64(h)) > int64(max) {
		return catalog.Errorf(catalog.TooLargeError, "the image is %d×%d (%s megapixels), over the limit of %.1f megapixels: scale it down first",
			w, h, megapixels(w, h), float64(max)/1e6)
	}
	return nil
}

// Load is Bytes then Decode.
func Load(ctx context.Context, in catalog.Value) (image.Image, string, error) {
	data, err := Bytes(ctx, in)
	if err != nil {
		return nil, "", err
	}
	return DecodeContext(ctx, data)
}

// LoadString is FromString then Decode, for images inside JSON objects.
func LoadString(ctx context.Context, s string) (image.Image, string, error) {
	data, err := FromString(ctx, s)
	if err != nil {
		return nil, "", err
	}
	return DecodeContext(ctx, data)
}

// Describe is "png 512×512", for messages and metadata.
func Describe(format string, b image.Rectangle) string {
	return fmt.Sprintf("%s %d×%d", format, b.Dx(), b.Dy())
}
