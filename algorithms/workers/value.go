package workers

import (
	"fmt"

	"pipette/catalog"
)

// encodeValue is v's payload as it crosses to or from a worker: text and
// bytes as they are, JSON as text (the text it was decoded from when that
// reads the same, else its encoding).
func encodeValue(v catalog.Value) ([]byte, error) {
	switch v.Kind {
	case catalog.KindText:
		return []byte(v.Text), nil
	case catalog.KindBinary:
		return v.Bytes, nil
	case catalog.KindJSON:
		if raw, ok := v.WireJSON(); ok {
			return raw, nil
		}
		return catalog.MarshalJSON(v.JSON)
	case catalog.KindVoid, "":
		return nil, nil
	}
	return nil, fmt.Errorf("unknown value kind %q", v.Kind)
}

// encodeResult is a result's payload: as encodeValue, but JSON exactly as
// the caller would write it (its WireResult), which the caller then writes
// as it is (see decodeResult).
func encodeResult(v catalog.Value) ([]byte, error) {
	if v.Kind == catalog.KindJSON {
		return v.WireResult()
	}
	return encodeValue(v)
}

// decodeResult is the inverse of encodeResult: JSON is decoded, and its
// text answered as it is while the value is not replaced, so an object's
// keys keep the order the algorithm's types gave them.
func decodeResult(kind catalog.Kind, payload []byte) (catalog.Value, error) {
	if kind == catalog.KindJSON {
		return catalog.DecodeJSONResult(payload)
	}
	return decodeValue(kind, payload)
}

// decodeValue is the inverse of encodeValue. JSON keeps its text beside
// what was decoded, as a request's body does.
func decodeValue(kind catalog.Kind, payload []byte) (catalog.Value, error) {
	switch kind {
	case catalog.KindText:
		return catalog.Text(string(payload)), nil
	case catalog.KindBinary:
		return catalog.Bytes(payload), nil
	case catalog.KindJSON:
		return catalog.DecodeJSONValue(payload)
	case catalog.KindVoid:
		return catalog.Void(), nil
	case "":
		return catalog.Value{}, nil
	}
	return catalog.Value{}, fmt.Errorf("unknown value kind %q", kind)
}
