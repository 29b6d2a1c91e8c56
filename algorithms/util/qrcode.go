package util

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/disintegration/imaging"
	"github.com/makiuchi-d/gozxing"
	zxingqr "github.com/makiuchi-d/gozxing/qrcode"
	"github.com/skip2/go-qrcode"

	"pipette/algorithms"
	"pipette/algorithms/imagein"
	"pipette/catalog"
)

//go:embed docs/qrcode.md
var qrcodeDocs string

//go:embed samples/qr-on-coffee.jpg
var sampleQROnCoffee []byte

const (
	defaultQRSize = 256
	minQRSize     = 32
	maxQRSize     = 4096
	// qrDecodeSide is the size a large photo is scaled to for a second
	// decoding attempt: zxing's binarizer works on local blocks and can lose
	// a code that covers only a small part of a huge image.
	qrDecodeSide = 1024
)

const qrExpected = `text to encode, an image to decode, or a JSON object: {"mode": "encode", "text": "…", "size": 256, "level": "M"} or {"mode": "decode", "image": ` + imagein.Placeholder + `}`

// qrLevels are the error-correction levels: the share of the code that can
// be damaged and still read, and the most bytes each can hold (version 40).
var qrLevels = map[string]struct {
	level    qrcode.RecoveryLevel
	maxBytes int
}{
	"L": {qrcode.Low, 2953}, "M": {qrcode.Medium, 2331}, "Q": {qrcode.High, 1663}, "H": {qrcode.Highest, 1273},
}

type qrRequest struct {
	Mode       string  `json:"mode"`
	Text       *string `json:"text"`
	Image      *string `json:"image"`
	Size       *int    `json:"size"`
	Level      string  `json:"level"`
	Border     *bool   `json:"border"`
	Foreground string  `json:"foreground"`
	Background string  `json:"background"`
}

// QRResult is a decoded code.
type QRResult struct {
	Text   string `json:"text"`
	Format string `json:"format"`
	// Level is the error-correction level the code was made with.
	Level string `json:"error_correction_level,omitempty"`
	// Points are where the finder patterns (and the alignment pattern, when
	// found) are, in pixels of the input image.
	Points []QRPoint `json:"points"`
}

// QRPoint is a position in the image, in pixels from the top-left corner.
type QRPoint struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

// QRCode is util/QRCode: encode text as a QR code PNG (skip2/go-qrcode) or
// read the QR code in an image (makiuchi-d/gozxing).
func QRCode() algorithms.Algorithm {
	return algorithms.Algorithm{
		Entry: catalog.Entry{
			Ref: catalog.Ref{Owner: "util", Name: "QRCode", Version: "1.0.0"},
			Versions: []catalog.VersionInfo{{
				Version:      "1.0.0",
				ReleaseNotes: "First release: encode text to a QR code PNG (size, level, colours, border) and decode the QR code in a photo or screenshot.",
			}},
			Label:      "QR Code",
			Tagline:    "Make a QR code from text, or read one from an image",
			Docs:       qrcodeDocs,
			Tags:       []string{"utility", "qr", "barcode", "image", "encode", "decode"},
			InputKind:  catalog.KindAny,
			OutputKind: catalog.KindAny,
			InputSchema: json.RawMessage(`{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "description": "Plain text is encoded; raw image bytes are decoded; or an object choosing the mode.",
  "oneOf": [
    {"type": "string", "description": "text to encode"},
    {"type": "object", "required": ["text"], "additionalProperties": false, "properties": {
      "mode": {"const": "encode"},
      "text": {"type": "string", "minLength": 1},
      "size": {"type": "integer", "minimum": 32, "maximum": 4096, "default": 256, "description": "width and height of the PNG in pixels"},
      "level": {"enum": ["L", "M", "Q", "H"], "default": "M", "description": "error correction: 7%, 15%, 25% or 30% of the code may be damaged"},
      "border": {"type": "boolean", "default": true, "description": "the quiet zone of 4 modules around the code"},
      "foreground": {"type": "string", "default": "#000000"},
      "background": {"type": "string", "default": "#ffffff"}
    }},
    {"type": "object", "required": ["image"], "additionalProperties": false, "properties": {
      "mode": {"const": "decode"},
      "image": {"type": "string", "description": "` + imagein.StringForms + `"}
    }}
  ]
}`),
			Samples: []catalog.Sample{
				{Name: "encode a URL (text)", Input: catalog.Text("https://example.org/algo/nlp/SentimentAnalysis?v=1.0")},
				{Name: "decode a code in a photo", Input: catalog.Bytes(sampleQROnCoffee)},
				{Name: "encode with options", Input: catalog.JSON(map[string]any{
					"mode": "encode", "text": "WIFI:T:WPA;S:pipette-lab;P:correct horse battery staple;;",
					"size": 200, "level": "H", "foreground": "#1d3557", "background": "#f1faee",
				})},
			},
			License: "MIT",
		},
		Run: runQRCode,
	}
}

func runQRCode(ctx context.Context, in catalog.Value, stdout io.Writer) (catalog.Value, error) {
	switch in.Kind {
	case catalog.KindText:
		if t := strings.TrimSpace(in.Text); strings.HasPrefix(t, "{") {
			var req qrRequest
			if err := algorithms.DecodeJSONBytes([]byte(t), &req, qrExpected); err != nil {
				return catalog.Value{}, err
			}
			return runQRRequest(ctx, req, stdout)
		}
		return encodeQR(qrRequest{Text: &in.Text}, stdout)
	case catalog.KindBinary:
		data, err := imagein.Bytes(ctx, in)
		if err != nil {
			return catalog.Value{}, err
		}
		return decodeQR(ctx, data, stdout)
	case catalog.KindJSON:
		switch v := in.JSON.(type) {
		case string:
			return encodeQR(qrRequest{Text: &v}, stdout)
		case map[string]any:
			var req qrRequest
			if err := algorithms.DecodeJSONInput(in, &req, qrExpected); err != nil {
				return catalog.Value{}, err
			}
			return runQRRequest(ctx, req, stdout)
		}
	}
	return catalog.Value{}, catalog.InputErrorf("expected %s", qrExpected)
}

func runQRRequest(ctx context.Context, req qrRequest, stdout io.Writer) (catalog.Value, error) {
	mode := strings.ToLower(req.Mode)
	if mode == "" {
		switch {
		case req.Text != nil && req.Image != nil:
			return catalog.Value{}, catalog.InputErrorf(`give "text" (to encode) or "image" (to decode), not both`)
		case req.Image != nil:
			mode = "decode"
		default:
			mode = "encode"
		}
	}
	switch mode {
	case "encode":
		if req.Image != nil {
			return catalog.Value{}, catalog.InputErrorf(`"image" is for "mode": "decode"; to encode, give "text"`)
		}
		return encodeQR(req, stdout)
	case "decode":
		if req.Text != nil || req.Size != nil || req.Level != "" || req.Border != nil || req.Foreground != "" || req.Background != "" {
			return catalog.Value{}, catalog.InputErrorf(`decoding takes only "image"; "text", "size", "level", "border" and the colours are for "mode": "encode"`)
		}
		if req.Image == nil || strings.TrimSpace(*req.Image) == "" {
			return catalog.Value{}, catalog.InputErrorf(`"mode": "decode" needs "image": %s`, imagein.StringForms)
		}
		data, err := imagein.FromString(ctx, *req.Image)
		if err != nil {
			return catalog.Value{}, err
		}
		return decodeQR(ctx, data, stdout)
	}
	return catalog.Value{}, catalog.InputErrorf(`"mode" is %q; use "encode" or "decode"`, req.Mode)
}

func encodeQR(req qrRequest, stdout io.Writer) (catalog.Value, error) {
	if req.Text == nil || *req.Text == "" {
		return catalog.Value{}, catalog.InputErrorf(`there is no text to encode: give "text", for example {"text": "https://example.org"}`)
	}
	text := *req.Text
	if !utf8.ValidString(text) {
		return catalog.Value{}, catalog.InputErrorf("the text is not valid UTF-8")
	}
	size := defaultQRSize
	if req.Size != nil {
		size = *req.Size
		if err := catalog.CheckInt("size", int64(size), minQRSize, maxQRSize, "pixels"); err != nil {
			return catalog.Value{}, err
		}
	}
	levelName := strings.ToUpper(req.Level)
	if levelName == "" {
		levelName = "M"
	}
	level, ok := qrLevels[levelName]
	if !ok {
		return catalog.Value{}, catalog.InputErrorf(`"level" is %q; use "L" (7%% may be damaged), "M" (15%%), "Q" (25%%) or "H" (30%%)`, req.Level)
	}
	if len(text) > level.maxBytes {
		return catalog.Value{}, catalog.InputErrorf("the text is %d bytes; a QR code at level %s holds at most %d (level L holds %d): shorten it or lower the level",
			len(text), levelName, level.maxBytes, qrLevels["L"].maxBytes)
	}
	fg, err := qrColor(req.Foreground, color.Black, "foreground")
	if err != nil {
		return catalog.Value{}, err
	}
	bg, err := qrColor(req.Background, color.White, "background")
	if err != nil {
		return catalog.Value{}, err
	}
	q, err := qrcode.New(text, level.level)
	if err != nil {
		return catalog.Value{}, catalog.InputErrorf("the text cannot be encoded as a QR code: %v", err)
	}
	q.ForegroundColor, q.BackgroundColor = fg, bg
	q.DisableBorder = req.Border != nil && !*req.Border
	modules := len(q.Bitmap())
	if size < modules {
		return catalog.Value{}, catalog.InputErrorf(`"size" %d is smaller than the code's %d modules: give at least %d pixels (%d or more scans reliably)`, size, modules, modules, 4*modules)
	}
	png, err := q.PNG(size)
	if err != nil {
		return catalog.Value{}, fmt.Errorf("write the QR code PNG: %w", err)
	}
	fmt.Fprintf(stdout, "version %d, level %s, %d×%d modules, %d px PNG, %d bytes\n", q.VersionNumber, levelName, modules, modules, size, len(png))
	if size/modules < 3 {
		fmt.Fprintf(stdout, "warning: under 3 px per module; phone cameras read %d px or larger more reliably\n", 3*modules)
	}
	return catalog.Bytes(png), nil
}

func qrColor(s string, def color.Color, field string) (color.Color, error) {
	if s == "" {
		return def, nil
	}
	h := strings.TrimPrefix(strings.TrimSpace(s), "#")
	if len(h) == 3 {
		h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
	}
	v, err := strconv.ParseUint(h, 16, 32)
	if len(h) != 6 || err != nil {
		return nil, catalog.InputErrorf(`%q is %q; write a colour as "#rrggbb"`, field, s)
	}
	return color.NRGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 255}, nil
}

// planQRDecode checks the memory of decoding's tries against the call's
// budget before the first: the decoded image stays while each try makes its
// copy (the scaled-down one, the inverted NRGBA one), and zxing reads a try
// into a byte of luminance and a bit of binarised image per pixel.
func planQRDecode(ctx context.Context, hdr imagein.Header) error {
	w, h := hdr.Width, hdr.Height
	held := imagein.ImageBytes(w, h, hdr.Pixels)
	zxing := imagein.ImageBytes(w, h, imagein.PixelFormat{Name: "luminance", Bits: 10})
	try := max(imagein.FitBytes(w, h, qrDecodeSide, qrDecodeSide, imaging.Box.Support), imagein.NRGBABytes(w, h))
	need := algorithms.SatAdd(held, try, zxing)
	return algorithms.CheckMemory(ctx, fmt.Sprintf("looking for a QR code in the %d×%d image", w, h), need, "crop or scale it down to the code first")
}

// decodeQR tries the image as it is, then (for big photos) a scaled-down
// copy, then the inverted image for light-on-dark codes; each try costs a
// millisecond or two, so being thorough is cheap.
func decodeQR(ctx context.Context, data []byte, stdout io.Writer) (catalog.Value, error) {
	img, _, err := imagein.DecodeContext(ctx, data, func(h imagein.Header) error { return planQRDecode(ctx, h) })
	if err != nil {
		return catalog.Value{}, err
	}
	// scale maps a try's coordinates back to the input image.
	type try struct {
		name  string
		img   func() image.Image
		scale float64
	}
	tries := []try{{"as is", func() image.Image { return img }, 1}}
	b := img.Bounds()
	if long := max(b.Dx(), b.Dy()); long > qrDecodeSide {
		tries = append(tries, try{"scaled down", func() image.Image {
			return imaging.Fit(img, qrDecodeSide, qrDecodeSide, imaging.Box)
		}, float64(long) / qrDecodeSide})
	}
	tries = append(tries, try{"inverted", func() image.Image { return imaging.Invert(img) }, 1})

	hints := map[gozxing.DecodeHintType]any{
		gozxing.DecodeHintType_TRY_HARDER: true,
		// Nearly every QR writer today encodes text as UTF-8 without saying
		// so; zxing would otherwise guess, and guess wrong on short texts.
		gozxing.DecodeHintType_CHARACTER_SET: "UTF-8",
	}
	for _, try := range tries {
		if err := ctx.Err(); err != nil {
			return catalog.Value{}, err
		}
		bmp, err := gozxing.NewBinaryBitmapFromImage(try.img())
		if err != nil {
			return catalog.Value{}, fmt.Errorf("prepare the image for decoding: %w", err)
		}
		res, err := zxingqr.NewQRCodeReader().Decode(bmp, hints)
		if err != nil {
			// Not found, unreadable format or bad checksum: try the next variant.
			var re gozxing.ReaderException
			if errors.As(err, &re) {
				continue
			}
			return catalog.Value{}, fmt.Errorf("decode the QR code: %w", err)
		}
		out := QRResult{Text: res.GetText(), Format: res.GetBarcodeFormat().String(), Points: []QRPoint{}}
		if lvl, ok := res.GetResultMetadata()[gozxing.ResultMetadataType_ERROR_CORRECTION_LEVEL]; ok {
			out.Level = fmt.Sprint(lvl)
		}
		for _, p := range res.GetResultPoints() {
			out.Points = append(out.Points, QRPoint{
				X: algorithms.Round(p.GetX()*try.scale, 1),
				Y: algorithms.Round(p.GetY()*try.scale, 1),
			})
		}
		fmt.Fprintf(stdout, "found a QR code (%s): %d characters\n", try.name, utf8.RuneCountInString(out.Text))
		return catalog.JSON(out), nil
	}
	return catalog.Value{}, catalog.InputErrorf("no QR code found in the %d×%d image: the code should be sharp, reasonably straight, with its quiet zone (light margin) visible", b.Dx(), b.Dy())
}
