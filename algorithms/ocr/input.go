package ocr

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"

	"pipette/algorithms"
	"pipette/algorithms/imagein"
	"pipette/catalog"
)

// imageField is embedded in each algorithm's options: the image inside a
// JSON object.
type imageField struct {
	Image string `json:"image"`
}

func (f *imageField) imageString() string { return f.Image }

type imageCarrier interface{ imageString() string }

// imageRequest reads an input that is an image by itself (bytes, base64, a
// data URI or a URL, as imagein accepts them) or a JSON object {"image": …,
// options} (also as text), and returns the encoded image; options land in opts.
func imageRequest(ctx context.Context, in catalog.Value, opts imageCarrier, what string) ([]byte, error) {
	var raw []byte
	switch in.Kind {
	case catalog.KindJSON:
		switch in.JSON.(type) {
		case map[string]any:
			b, err := json.Marshal(in.JSON)
			if err != nil {
				return nil, catalog.InputErrorf("the JSON input cannot be read: %v", err)
			}
			raw = b
		case string:
		default:
			return nil, catalog.InputErrorf("expected %s", what)
		}
	case catalog.KindText:
		if t := strings.TrimSpace(in.Text); strings.HasPrefix(t, "{") {
			raw = []byte(t)
		}
	}
	if raw == nil {
		return imagein.Bytes(ctx, in)
	}
	if err := algorithms.DecodeJSONBytes(raw, opts, what); err != nil {
		return nil, err
	}
	if strings.TrimSpace(opts.imageString()) == "" {
		return nil, catalog.InputErrorf(`the "image" field is missing or empty; expected %s`, what)
	}
	return imagein.FromString(ctx, opts.imageString())
}

// base64Std is how samples carry their images inside JSON, as on the wire.
func base64Std(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
