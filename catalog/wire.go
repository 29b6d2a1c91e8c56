package catalog

import (
	"bytes"
	"math"
	"reflect"
	"strconv"
	"sync"
)

// wireJSON is the JSON text a value was decoded from, kept so that an
// algorithm decoding its input into its own types reads that text once
// more rather than encoding the decoded value again and reading that
// (twice the work, and for an image sent as base64 megabytes of copies).
type wireJSON struct {
	raw []byte
	of  any // the value decoded from raw, to tell when JSON was replaced

	once     sync.Once
	reusable bool

	// result says raw is what WireResult writes for this value: the
	// compact encoding of an algorithm's result, made in another process
	// (DecodeJSONResult).
	result bool
}

// DecodeJSONValue is DecodeJSON as a Value that keeps raw beside what was
// decoded (see WireJSON). raw must not change afterwards.
func DecodeJSONValue(raw []byte) (Value, error) {
	x, err := DecodeJSON(raw)
	if err != nil {
		return Value{}, err
	}
	return Value{Kind: KindJSON, JSON: x, wire: &wireJSON{raw: raw, of: x}}, nil
}

// DecodeJSONResult is DecodeJSONValue for the result of an algorithm that
// ran elsewhere (a worker process), raw being its WireResult there: while
// the value is not replaced, WireResult answers raw as it is, so the answer
// keeps the order the algorithm's types gave its keys (a decoded object's
// would be sorted).
func DecodeJSONResult(raw []byte) (Value, error) {
	v, err := DecodeJSONValue(raw)
	if err == nil {
		v.wire.result = true
	}
	return v, err
}

// WireJSON returns the JSON text v was decoded from (DecodeJSONValue,
// Normalize), when decoding that text into any Go value gives exactly what
// decoding the encoding of v.JSON would: every number in it is written as
// encoding/json writes the float64 it stands for (a whole number in an
// integer field would otherwise be read differently: 1.0, 1e3, or digits
// past float64's precision), no object has two keys that match the same
// struct field, and v.JSON is still the value decoded from it.
func (v Value) WireJSON() ([]byte, bool) {
	w := v.wire
	if v.Kind != KindJSON || w == nil || !sameJSON(v.JSON, w.of) {
		return nil, false
	}
	w.once.Do(func() { w.reusable = reusableJSON(w.raw) })
	return w.raw, w.reusable
}

// sameJSON reports whether a and b are the same decoded JSON value: the
// same map or list (not merely equal ones), or equal scalars.
func sameJSON(a, b any) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		return ok && len(x) == len(y) && reflect.ValueOf(x).Pointer() == reflect.ValueOf(y).Pointer()
	case []any:
		y, ok := b.([]any)
		return ok && len(x) == len(y) && (len(x) == 0 || &x[0] == &y[0])
	case nil:
		return b == nil
	case string, float64, bool:
		return a == b
	}
	return false
}

// reusableJSON reports whether raw, valid JSON, decodes into any Go value
// as its re-encoding would (see WireJSON).
func reusableJSON(raw []byte) bool {
	var objects [][][]byte // the keys seen in each open object; nil for a list
	expectKey := false
	for i := 0; i < len(raw); {
		switch c := raw[i]; {
		case c == '{':
			objects = append(objects, [][]byte{})
			expectKey = true
			i++
		case c == '[':
			objects = append(objects, nil)
			i++
		case c == '}' || c == ']':
			objects = objects[:len(objects)-1]
			i++
		case c == ',':
			expectKey = len(objects) > 0 && objects[len(objects)-1] != nil
			i++
		case c == ':':
			expectKey = false
			i++
		case c == '"':
			end, escaped := stringEnd(raw, i)
			if expectKey {
				keys := objects[len(objects)-1]
				// encoding/json matches keys to fields as bytes.EqualFold
				// does; an escaped key or a large object is not checked.
				if escaped || len(keys) >= 64 {
					return false
				}
				key := raw[i+1 : end-1]
				for _, k := range keys {
					if bytes.EqualFold(k, key) {
						return false
					}
				}
				objects[len(objects)-1] = append(keys, key)
				expectKey = false
			}
			i = end
		case c == '-' || c >= '0' && c <= '9':
			end := i + 1
			for end < len(raw) && bytes.IndexByte([]byte("0123456789+-.eE"), raw[end]) >= 0 {
				end++
			}
			if !canonicalJSONNumber(raw[i:end]) {
				return false
			}
			i = end
		default: // whitespace, true, false, null
			i++
		}
	}
	return true
}

// stringEnd returns the index just past the string starting at raw[i] (a
// quote), and whether it holds an escape.
func stringEnd(raw []byte, i int) (int, bool) {
	escaped := false
	for j := i + 1; j < len(raw); j++ {
		switch raw[j] {
		case '\\':
			escaped = true
			j++
		case '"':
			return j + 1, escaped
		}
	}
	return len(raw), escaped
}

// canonicalJSONNumber reports whether n is written as encoding/json writes the
// float64 it parses to.
func canonicalJSONNumber(n []byte) bool {
	digits := n
	if digits[0] == '-' {
		digits = digits[1:]
	}
	// Up to 15 digits a whole number is exact in a float64, and written
	// back the same (JSON allows no leading zero).
	if len(digits) > 0 && len(digits) <= 15 && bytes.IndexFunc(digits, func(r rune) bool { return r < '0' || r > '9' }) < 0 {
		return true
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil {
		return false
	}
	var buf [32]byte
	return bytes.Equal(AppendJSONFloat(buf[:0], f), n)
}

// AppendJSONFloat appends f as encoding/json writes a float64: the
// shortest form, with an exponent below 1e-6 and from 1e21 on, its
// exponent without a leading zero. f is finite.
func AppendJSONFloat(b []byte, f float64) []byte {
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// 1e-07 becomes 1e-7.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}
