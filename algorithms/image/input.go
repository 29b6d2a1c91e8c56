package image

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"

	"pipette/algorithms"
	"pipette/algorithms/imagein"
	"pipette/catalog"
)

// imageField is embedded in each algorithm's options so that one decoder
// serves every "an image, or {"image": …, options}" input.
type imageField struct {
	Image string `json:"image"`
}

func (f *imageField) imageString() string { return f.Image }

type imageCarrier interface{ imageString() string }

// imageRequest reads an input that is an image by itself (bytes, base64, a
// data URI or a URL, as imagein accepts them) or a JSON object {"image": …,
// options}; the options land in opts. Text that holds a JSON object counts as
// the object, so a request typed into a text box works too. It returns the
// encoded image and whether the input was an object.
func imageRequest(ctx context.Context, in catalog.Value, opts imageCarrier, what string) ([]byte, bool, error) {
	raw, isObject, err := objectBytes(in)
	if err != nil {
		return nil, false, err
	}
	if !isObject {
		data, err := imagein.Bytes(ctx, in)
		return data, false, err
	}
	if err := algorithms.DecodeJSONBytes(raw, opts, what); err != nil {
		return nil, true, err
	}
	if strings.TrimSpace(opts.imageString()) == "" {
		return nil, true, catalog.InputErrorf(`the "image" field is missing or empty; expected %s`, what)
	}
	data, err := imagein.FromString(ctx, opts.imageString())
	return data, true, err
}

// objectBytes returns the input's JSON text when it is a JSON object (or text
// holding one). Other JSON values than strings are refused here, with a
// sentence, because no image algorithm reads numbers or lists.
func objectBytes(in catalog.Value) ([]byte, bool, error) {
	switch in.Kind {
	case catalog.KindJSON:
		switch in.JSON.(type) {
		case map[string]any:
			raw, err := json.Marshal(in.JSON)
			if err != nil {
				return nil, false, catalog.InputErrorf("the JSON input cannot be read: %v", err)
			}
			return raw, true, nil
		case string:
			return nil, false, nil
		}
		return nil, false, catalog.InputErrorf("expected an image or a JSON object with an \"image\" field; got a JSON %s", jsonKind(in.JSON))
	case catalog.KindText:
		if t := strings.TrimSpace(in.Text); strings.HasPrefix(t, "{") {
			return []byte(t), true, nil
		}
	}
	return nil, false, nil
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64, json.Number:
		return "number"
	case []any:
		return "list"
	case string:
		return "string"
	}
	return "object"
}

// encodeB64 is how samples carry their images inside JSON, as on the wire.
func encodeB64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
