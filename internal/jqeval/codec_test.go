package jqeval

import (
	"math"
	"math/big"
	"reflect"
	"testing"
)

func TestCodecRoundTrip(t *testing.T) {
	t.Parallel()
	huge, _ := new(big.Int).SetString("123456789012345678901234567890", 10)
	values := []any{nil, true, false, 1.5, 42, huge, "", "héllo\x00", []any{}, []any{1.0, "a", nil},
		map[string]any{}, map[string]any{"b": []any{map[string]any{"c": 2.0}}, "a": false}}
	var b []byte
	for _, v := range values {
		var err error
		if b, err = appendValue(b, v, 1); err != nil {
			t.Fatal(err)
		}
	}
	got, err := decodeValues(b, false)
	if err != nil || !reflect.DeepEqual(got, values) {
		t.Fatalf("worker side: %v %v", got, err)
	}
	// The caller's side sees what a JSON decoder would give it.
	wire, err := decodeValues(b, true)
	if err != nil || wire[4] != 42.0 || wire[5] != 1.2345678901234568e29 {
		t.Fatalf("caller side: %v %v", wire, err)
	}
	b, _ = appendValue(nil, []any{math.NaN(), math.Inf(1), math.Inf(-1)}, 1)
	wire, _ = decodeValues(b, true)
	if !reflect.DeepEqual(wire, []any{[]any{nil, math.MaxFloat64, -math.MaxFloat64}}) {
		t.Errorf("nan and infinities: %v", wire)
	}
	// A struct from an in-process caller goes through encoding/json.
	b, err = appendValue(nil, struct {
		N int `json:"n"`
	}{3}, 1)
	if got, _ := decodeValues(b, true); err != nil || !reflect.DeepEqual(got, []any{map[string]any{"n": 3.0}}) {
		t.Errorf("struct: %v %v", got, err)
	}
}

func TestCodecBounds(t *testing.T) {
	t.Parallel()
	var deep any = 1.0
	for range MaxDepth + 1 {
		deep = []any{deep}
	}
	if _, err := appendValue(nil, deep, 1); err == nil {
		t.Error("a value nested past MaxDepth was encoded")
	}
	for _, b := range [][]byte{{tagArray, 0xff, 0xff, 0xff, 0xff, 0x0f}, {tagString, 10, 'a'}, {tagFloat, 1}, {'?'}, {tagBig, 1, 'x'}} {
		if _, err := decodeValues(b, true); err == nil {
			t.Errorf("%q decoded", b)
		}
	}
}

// FuzzDecodeValues: whatever bytes arrive, decoding ends with values or an
// error, without allocating more than the bytes can describe.
func FuzzDecodeValues(f *testing.F) {
	for _, v := range []any{nil, 1.5, 7, "abc", []any{1.0, []any{}}, map[string]any{"k": true}} {
		b, _ := appendValue(nil, v, 1)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		vals, err := decodeValues(b, true)
		if err != nil {
			return
		}
		// What decoded encodes again.
		for _, v := range vals {
			if _, err := appendValue(nil, v, 1); err != nil {
				t.Fatalf("%q decoded to %v, which does not encode: %v", b, v, err)
			}
		}
	})
}
