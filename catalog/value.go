package catalog

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"unicode/utf8"
)

// Kind is how a value travels over the API: the metadata content_type of a
// result, the Content-Type of a request, and an entry's input/output kind.
type Kind string

const (
	KindText   Kind = "text"
	KindJSON   Kind = "json"
	KindBinary Kind = "binary"
	KindVoid   Kind = "void" // results only: nothing
	KindAny    Kind = "any"  // entries only: accepts or returns several kinds
)

// ParseKind parses a kind name as used in chain files and flags.
func ParseKind(s string) (Kind, error) {
	switch k := Kind(s); k {
	case KindText, KindJSON, KindBinary, KindVoid, KindAny:
		return k, nil
	}
	return "", fmt.Errorf("unknown kind %q: use text, json or binary", s)
}

// Value is data that crosses the API with its kind. Exactly one payload field
// is meaningful, chosen by Kind.
type Value struct {
	Kind  Kind
	Text  string // KindText
	Bytes []byte // KindBinary
	JSON  any    // KindJSON: any value encoding/json can marshal (nil is JSON null)

	wire *wireJSON // the JSON text JSON was decoded from, if kept (WireJSON)
}

// Text, Bytes, JSON and Void build values of each kind.
func Text(s string) Value    { return Value{Kind: KindText, Text: s} }
func Bytes(b []byte) Value   { return Value{Kind: KindBinary, Bytes: b} }
func JSON(v any) Value       { return Value{Kind: KindJSON, JSON: v} }
func Void() Value            { return Value{Kind: KindVoid} }
func (v Value) IsZero() bool { return v.Kind == "" }

// Equal reports whether v and w carry the same data: the same kind and the
// same payload. Whether a value kept the JSON text it was decoded from is not
// data, so a value read off the wire equals the one built in process.
func (v Value) Equal(w Value) bool {
	return v.Kind == w.Kind && v.Text == w.Text && bytes.Equal(v.Bytes, w.Bytes) && reflect.DeepEqual(v.JSON, w.JSON)
}

// ValueOf turns a Go value into a Value the way Algorithmia's clients did when
// piping: []byte is binary, string is text, a Value is itself, anything else
// (nil included) is JSON.
func ValueOf(x any) Value {
	switch t := x.(type) {
	case Value:
		return t
	case *Value:
		return *t
	case []byte:
		return Bytes(t)
	case string:
		return Text(t)
	case json.RawMessage:
		var v any
		if err := json.Unmarshal(t, &v); err == nil {
			return JSON(v)
		}
		return Bytes(t)
	}
	return JSON(x)
}

// Go returns the value as a plain Go value: string, []byte, decoded JSON, or
// nil for void. This is what a client's Pipe returns as Result.
func (v Value) Go() any {
	switch v.Kind {
	case KindText:
		return v.Text
	case KindBinary:
		return v.Bytes
	case KindJSON:
		return v.JSON
	}
	return nil
}

// WireResult encodes the value as the "result" field of a response: a JSON
// string for text, standard base64 for binary, the value itself for JSON, and
// null for void.
func (v Value) WireResult() (json.RawMessage, error) {
	switch v.Kind {
	case KindText:
		return marshalNoEscape(v.Text)
	case KindBinary:
		return marshalNoEscape(base64.StdEncoding.EncodeToString(v.Bytes))
	case KindJSON:
		if w := v.wire; w != nil && w.result && sameJSON(v.JSON, w.of) {
			return w.raw, nil
		}
		b, err := marshalNoEscape(v.JSON)
		if err != nil {
			return nil, fmt.Errorf("the result is not valid JSON: %w", err)
		}
		return b, nil
	case KindVoid, "":
		return json.RawMessage("null"), nil
	}
	return nil, fmt.Errorf("unknown value kind %q", v.Kind)
}

// DecodeWireResult is the inverse of WireResult, given the metadata content_type.
func DecodeWireResult(contentType string, raw json.RawMessage) (Value, error) {
	switch Kind(contentType) {
	case KindText:
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return Value{}, fmt.Errorf("text result is not a JSON string: %w", err)
		}
		return Text(s), nil
	case KindBinary:
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return Value{}, fmt.Errorf("binary result is not a base64 string: %w", err)
		}
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return Value{}, fmt.Errorf("binary result is not standard base64: %w", err)
		}
		return Bytes(b), nil
	case KindJSON:
		v, err := DecodeJSON(raw)
		if err != nil {
			return Value{}, fmt.Errorf("json result does not parse: %w", err)
		}
		return JSON(v), nil
	case KindVoid:
		return Void(), nil
	}
	return Value{}, fmt.Errorf("unknown content_type %q in the response", contentType)
}

// Normalize returns the value with any JSON payload re-decoded into plain
// generic JSON (map[string]any, []any, float64, string, bool, nil), exactly as
// it would arrive over HTTP. In-process and remote calls then agree byte for byte.
func (v Value) Normalize() (Value, error) {
	if v.Kind != KindJSON {
		return v, nil
	}
	raw, err := v.WireResult()
	if err != nil {
		return Value{}, err
	}
	return DecodeJSONValue(raw)
}

// DecodeJSON decodes one JSON value into generic Go values and rejects
// trailing data.
func DecodeJSON(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, jsonError(err)
	}
	// Only JSON whitespace may follow. (Decoder.More and Token miss a stray
	// closing bracket such as the second one in "[1]]".)
	if rest := bytes.TrimLeft(raw[dec.InputOffset():], " \t\r\n"); len(rest) > 0 {
		return nil, fmt.Errorf("unexpected data after the JSON value")
	}
	return v, nil
}

// JSONTypeName is what a value of the Go type t is called in JSON, for a
// sentence telling a caller what a field should be: "a string", "a
// number", "true or false", "a list", "an object".
func JSONTypeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return t.String()
}

// jsonError says where JSON text went wrong, in the words of a person who
// sent it: a number too large for a float64 (1e400) by name, a
// syntax error with the byte it was found at.
func jsonError(err error) error {
	var ute *json.UnmarshalTypeError
	if errors.As(err, &ute) && strings.HasPrefix(ute.Value, "number ") {
		return fmt.Errorf("the %s is out of range: a number must be within ±1.7976931348623157e308", ute.Value)
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("%v (at byte %d)", se, se.Offset)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("the JSON ends before its value is complete")
	}
	return err
}

// MarshalJSON without HTML escaping, so "<" and "&" stay readable.
func marshalNoEscape(v any) (json.RawMessage, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// MarshalJSON encodes v without HTML escaping and without a trailing newline.
func MarshalJSON(v any) ([]byte, error) { return marshalNoEscape(v) }

// Summary is a one-line human description of a value, for lists and traces.
func (v Value) Summary(max int) string {
	var s string
	switch v.Kind {
	case KindText:
		s = fmt.Sprintf("%q", v.Text)
	case KindBinary:
		s = fmt.Sprintf("%d bytes", len(v.Bytes))
		if !utf8.Valid(v.Bytes) {
			s = fmt.Sprintf("%d bytes of binary", len(v.Bytes))
		}
	case KindJSON:
		b, err := marshalNoEscape(v.JSON)
		if err != nil {
			s = "(invalid JSON)"
		} else {
			s = string(b)
		}
	case KindVoid:
		s = "(void)"
	}
	if max > 0 && utf8.RuneCountInString(s) > max {
		r := []rune(s)
		s = string(r[:max-1]) + "…"
	}
	return s
}
