package cv

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"math"
	"strings"

	"pipette/algorithms"
	"pipette/algorithms/imagein"
	"pipette/catalog"
)

// detectOptions are the detector's knobs, shared by both face algorithms.
type detectOptions struct {
	MinScore  *float64 `json:"min_score"`
	InputSize *float64 `json:"input_size"`
}

const (
	defaultMinScore  = 0.5
	defaultInputSize = 416
	minInputSize     = 224
	maxInputSize     = 608
)

// resolve checks the options and fills in the defaults.
func (o detectOptions) resolve() (minScore float64, inputSize int, err error) {
	minScore, inputSize = defaultMinScore, defaultInputSize
	if o.MinScore != nil {
		minScore = *o.MinScore
		if minScore < 0 || minScore >= 1 {
			return 0, 0, catalog.InputErrorf("min_score is %g but must be at least 0 and below 1 (default %g)", minScore, defaultMinScore)
		}
	}
	if o.InputSize != nil {
		s := *o.InputSize
		if s != math.Trunc(s) || s < minInputSize || s > maxInputSize || int(s)%32 != 0 {
			return 0, 0, catalog.InputErrorf("input_size is %g but must be a multiple of 32 from %d to %d (default %d; larger finds smaller faces, smaller is faster)",
				s, minInputSize, maxInputSize, defaultInputSize)
		}
		inputSize = int(s)
	}
	return minScore, inputSize, nil
}

// readRequest reads an input that is an image by itself (bytes, base64, a
// data URI or a URL, as imagein accepts them) or a JSON object with an
// "image" field and options, which are decoded into opts (a pointer to a
// struct with an Image field). Text holding a JSON object counts as the
// object, so a request typed into a text box works too.
func readRequest(ctx context.Context, in catalog.Value, opts any, imageField *string, what string) (image.Image, error) {
	raw, isObject, err := objectInput(in, what)
	if err != nil {
		return nil, err
	}
	if !isObject {
		img, _, err := imagein.Load(ctx, in)
		return img, err
	}
	if err := algorithms.DecodeJSONBytes(raw, opts, what); err != nil {
		return nil, err
	}
	if strings.TrimSpace(*imageField) == "" {
		return nil, catalog.InputErrorf(`the "image" field is missing or empty; expected %s`, what)
	}
	img, _, err := imagein.LoadString(ctx, *imageField)
	return img, err
}

// objectInput returns the JSON text of an object input. A JSON string is an
// image (base64, data URI or URL); any other JSON value is refused here.
func objectInput(in catalog.Value, what string) ([]byte, bool, error) {
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
		return nil, false, catalog.InputErrorf("expected %s; got a JSON %s", what, jsonType(in.JSON))
	case catalog.KindText:
		if t := strings.TrimSpace(in.Text); strings.HasPrefix(t, "{") {
			return []byte(t), true, nil
		}
	case catalog.KindBinary:
		// A JSON object sent as bytes (a file upload of request.json) is
		// still a request, not an image.
		if t := bytes.TrimSpace(in.Bytes); len(t) > 0 && t[0] == '{' && json.Valid(t) {
			return t, true, nil
		}
	}
	return nil, false, nil
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64, json.Number:
		return "number"
	case []any:
		return "list"
	}
	return fmt.Sprintf("%T", v)
}
