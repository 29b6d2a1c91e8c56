package jqeval

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"slices"
)

// Values cross the pipe to and from a worker in this compact form rather
// than as JSON: a chain's mappings see the whole env, where an image is a
// base64 string of megabytes, and JSON escapes and unescapes every byte of
// it (15 ms a megabyte each way, measured) where this copies it. Each value
// is a tag byte and its payload; lengths and counts are uvarints.
const (
	tagNull   = 'n'
	tagTrue   = 't'
	tagFalse  = 'f'
	tagFloat  = 'd' // 8 bytes, IEEE 754 bits, little endian
	tagInt    = 'i' // varint
	tagBig    = 'b' // decimal digits, as a string payload
	tagString = 's'
	tagArray  = 'a'
	tagObject = 'o' // count, then key (string payload) and value pairs, keys sorted
)

// appendValue appends v's encoding to b. v is a JSON-like value as gojq
// and the catalog make them; anything else (a struct an in-process caller
// passed) goes through encoding/json first. Nesting is bounded by MaxDepth.
func appendValue(b []byte, v any, depth int) ([]byte, error) {
	if depth > MaxDepth {
		return nil, errTooDeep
	}
	switch t := v.(type) {
	case nil:
		return append(b, tagNull), nil
	case bool:
		if t {
			return append(b, tagTrue), nil
		}
		return append(b, tagFalse), nil
	case float64:
		return binary.LittleEndian.AppendUint64(append(b, tagFloat), math.Float64bits(t)), nil
	case int:
		return binary.AppendVarint(append(b, tagInt), int64(t)), nil
	case *big.Int:
		return appendString(append(b, tagBig), t.String()), nil
	case string:
		return appendString(append(b, tagString), t), nil
	case []any:
		b = binary.AppendUvarint(append(b, tagArray), uint64(len(t)))
		for _, x := range t {
			var err error
			if b, err = appendValue(b, x, depth+1); err != nil {
				return nil, err
			}
		}
		return b, nil
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b = binary.AppendUvarint(append(b, tagObject), uint64(len(t)))
		for _, k := range keys {
			b = appendString(b, k)
			var err error
			if b, err = appendValue(b, t[k], depth+1); err != nil {
				return nil, err
			}
		}
		return b, nil
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var generic any
	if err := json.Unmarshal(raw, &generic); err != nil {
		return nil, err
	}
	return appendValue(b, generic, depth)
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

var (
	errCorrupt = errors.New("jq worker: a value did not decode")
	// errTooDeep: values nest at most MaxDepth levels (the JSON decoders of
	// the standard library stop there too, and every encoder recurses once a
	// level).
	errTooDeep = fmt.Errorf("the value is nested more than %d levels deep", MaxDepth)
)

// decoder reads values that appendValue wrote.
type decoder struct {
	b []byte
	// wire makes numbers float64, as a JSON decoder gives them to the
	// caller; a worker keeps gojq's ints, which it computes with.
	wire bool
}

func (d *decoder) value(depth int) (any, error) {
	if len(d.b) == 0 || depth > MaxDepth+1 {
		return nil, errCorrupt
	}
	tag := d.b[0]
	d.b = d.b[1:]
	switch tag {
	case tagNull:
		return nil, nil
	case tagTrue:
		return true, nil
	case tagFalse:
		return false, nil
	case tagFloat:
		if len(d.b) < 8 {
			return nil, errCorrupt
		}
		f := math.Float64frombits(binary.LittleEndian.Uint64(d.b))
		d.b = d.b[8:]
		if d.wire {
			// As jq prints them, and as JSON can carry them.
			switch {
			case math.IsNaN(f):
				return nil, nil
			case math.IsInf(f, 1):
				return math.MaxFloat64, nil
			case math.IsInf(f, -1):
				return -math.MaxFloat64, nil
			}
		}
		return f, nil
	case tagInt:
		n, k := binary.Varint(d.b)
		if k <= 0 {
			return nil, errCorrupt
		}
		d.b = d.b[k:]
		if d.wire {
			return float64(n), nil
		}
		return int(n), nil
	case tagBig, tagString:
		s, err := d.string()
		if err != nil || tag == tagString {
			return s, err
		}
		n, ok := new(big.Int).SetString(s, 10)
		if !ok {
			return nil, errCorrupt
		}
		if d.wire {
			f, _ := new(big.Float).SetInt(n).Float64()
			return f, nil
		}
		return n, nil
	case tagArray:
		return d.array(depth)
	case tagObject:
		return d.object(depth)
	}
	return nil, errCorrupt
}

func (d *decoder) count() (int, error) {
	n, k := binary.Uvarint(d.b)
	// Every element takes at least a byte: a count over what is left is
	// corrupt, and must not size an allocation.
	if k <= 0 || n > uint64(len(d.b)-k) {
		return 0, errCorrupt
	}
	d.b = d.b[k:]
	return int(n), nil
}

func (d *decoder) string() (string, error) {
	n, err := d.count()
	if err != nil {
		return "", err
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s, nil
}

func (d *decoder) array(depth int) (any, error) {
	n, err := d.count()
	if err != nil {
		return nil, err
	}
	out := make([]any, n)
	for i := range out {
		if out[i], err = d.value(depth + 1); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (d *decoder) object(depth int) (any, error) {
	n, err := d.count()
	if err != nil {
		return nil, err
	}
	out := make(map[string]any, n)
	for range n {
		k, err := d.string()
		if err != nil {
			return nil, err
		}
		if out[k], err = d.value(depth + 1); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// decodeValues reads every value b holds.
func decodeValues(b []byte, wire bool) ([]any, error) {
	d := decoder{b: b, wire: wire}
	var out []any
	for len(d.b) > 0 {
		v, err := d.value(1)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}
