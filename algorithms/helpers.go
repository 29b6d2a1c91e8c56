package algorithms

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strconv"
	"strings"

	"pipette/catalog"
)

// DecodeJSONInput decodes a JSON input into dst (a pointer to a struct),
// rejecting unknown fields, and turns any problem into an InputError that
// names what was expected. what describes the expected shape, for example
// `an object {"program": "...", "input": ...}`.
func DecodeJSONInput(in catalog.Value, dst any, what string) error {
	if in.Kind != catalog.KindJSON {
		return catalog.InputErrorf("expected JSON input: %s; got %s", what, in.Kind)
	}
	// The text the input came as, when it reads the same, is read once
	// more; otherwise the decoded value is encoded again.
	if raw, ok := in.WireJSON(); ok {
		return DecodeJSONBytes(raw, dst, what)
	}
	raw, err := json.Marshal(in.JSON)
	if err != nil {
		var uv *json.UnsupportedValueError
		if errors.As(err, &uv) {
			// Only an in-process caller can send these: a jq mapping's nan
			// or infinite.
			return catalog.InputErrorf("the input holds %s, which is not a number JSON can carry; expected %s", uv.Str, what)
		}
		return catalog.InputErrorf("expected %s: %v", what, err)
	}
	return DecodeJSONBytes(raw, dst, what)
}

// DecodeJSONBytes is DecodeJSONInput over raw JSON bytes.
func DecodeJSONBytes(raw []byte, dst any, what string) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			if n, ok := OutOfRangeWhole(te); ok {
				return catalog.InputErrorf("field %q is %s, far outside what it can be; expected %s", te.Field, n, what)
			}
			return catalog.InputErrorf("field %q should be %s, not JSON %s; expected %s", te.Field, catalog.JSONTypeName(te.Type), te.Value, what)
		}
		if errors.As(err, &te) {
			// The whole input has the wrong shape; the decoder's own words
			// would name a Go type the caller has never seen.
			return catalog.InputErrorf("expected %s; got a JSON %s", what, te.Value)
		}
		return catalog.InputErrorf("expected %s: %v", what, err)
	}
	return nil
}

// OutOfRangeWhole reports whether a decoding error is a whole number too
// large (or too small) for the integer field it was meant for, such as 2^63
// for an int, and returns the number as sent. Without it the sentence would
// say the number "should be a whole number", which it is.
func OutOfRangeWhole(te *json.UnmarshalTypeError) (string, bool) {
	switch te.Type.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
	default:
		return "", false
	}
	n, ok := strings.CutPrefix(te.Value, "number ")
	if !ok {
		return "", false
	}
	f, err := strconv.ParseFloat(n, 64)
	if err != nil || f != math.Trunc(f) {
		return "", false
	}
	return n, true
}

// JSONKind names a decoded JSON value for error sentences: "a JSON number",
// "a JSON list", "JSON null"…
func JSONKind(v any) string {
	switch v.(type) {
	case nil:
		return "JSON null"
	case bool:
		return "a JSON boolean"
	case float64, int, int64, json.Number:
		return "a JSON number"
	case string:
		return "a JSON string"
	case []any:
		return "a JSON list"
	case map[string]any:
		return "a JSON object"
	}
	return "an unexpected JSON value"
}

// JSONSample builds a catalog sample from a JSON literal. A malformed literal
// is a mistake in the algorithm's source: it panics as soon as the entry is
// built, which the package's sample test catches at once.
func JSONSample(name, literal string) catalog.Sample {
	v, err := catalog.DecodeJSON([]byte(literal))
	if err != nil {
		panic("sample " + name + ": " + err.Error())
	}
	return catalog.Sample{Name: name, Input: catalog.JSON(v)}
}

// Round rounds x to digits decimal places for a result, where 0.8123 reads
// better than 0.812345678 and the extra digits are noise anyway. Infinities,
// NaN and values too large to scale without losing precision come back as
// they are.
func Round(x float64, digits int) float64 {
	if math.IsInf(x, 0) || math.IsNaN(x) || math.Abs(x) > 1e12 {
		return x
	}
	p := math.Pow10(digits)
	return math.Round(x*p) / p
}
