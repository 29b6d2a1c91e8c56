package imagein

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"

	"pipette/algorithms"
	"pipette/catalog"
)

// Request reads the input of an algorithm that takes an image by itself (any
// form Bytes accepts) or a JSON object {"image": …, options}. The object's
// fields are decoded strictly into opts (a pointer to the algorithm's options
// struct), and image points at its "image" field. what is the algorithm's
// description of its input, for error sentences. It returns the encoded image.
func Request(ctx context.Context, in catalog.Value, opts any, image *string, what string) ([]byte, error) {
	raw, isObject, err := Object(in, what)
	if err != nil {
		return nil, err
	}
	if !isObject {
		return Bytes(ctx, in)
	}
	if err := algorithms.DecodeJSONBytes(raw, opts, what); err != nil {
		return nil, err
	}
	if strings.TrimSpace(*image) == "" {
		return nil, catalog.InputErrorf(`the "image" field is missing or empty; expected %s`, what)
	}
	return FromString(ctx, *image)
}

// Object returns the JSON text of an input that is a request object rather
// than an image: a JSON object, text holding one (a request typed into a text
// box), or bytes holding one (an uploaded request.json, which no image format
// can be). A JSON string is an image (base64, a data URI or a URL), so it is
// not an object; any other JSON value is refused with a sentence naming what,
// because no image algorithm reads numbers or lists.
func Object(in catalog.Value, what string) (raw []byte, isObject bool, err error) {
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
		return nil, false, catalog.InputErrorf("expected %s; got %s", what, algorithms.JSONKind(in.JSON))
	case catalog.KindText:
		if t := strings.TrimSpace(in.Text); strings.HasPrefix(t, "{") {
			return []byte(t), true, nil
		}
	case catalog.KindBinary:
		if t := bytes.TrimSpace(in.Bytes); len(t) > 0 && t[0] == '{' && json.Valid(t) {
			return t, true, nil
		}
	}
	return nil, false, nil
}
