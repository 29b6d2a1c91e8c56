package catalog

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestWireJSON(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		raw      string
		reusable bool
	}{
		{`{"a": 1, "b": "x", "c": [true, null, -2, 0.5]}`, true},
		{`  "just a string"  `, true},
		{`{"image": "iVBORw0KGgo=", "width": 3037000500, "height": 1e-7}`, true},
		{`[-0, 0, 123456789012345, 1e+21, 2.5e-7]`, true},
		{`{"width": 1.0}`, false},                     // an integer field takes it; 1.0 alone it would not
		{`{"width": 1e3}`, false},                     // likewise
		{`{"n": 1234567890123456789}`, false},         // past float64's precision
		{`{"n": 9223372036854775807}`, false},         // 2^63-1 would fit an int64 as sent
		{`{"n": 1E-7}`, false},                        // written 1e-7
		{`{"n": 1.5e300}`, false},                     // written 1.5e+300
		{`{"a": 1, "A": 2}`, false},                   // one field, two keys
		{`{"o": {"k": 1, "K": 2}}`, false},            // nested
		{`[{"k": 1}, {"k": 2}]`, true},                // the same key in two objects
		{`{"\u0061": 1}`, false},                      // escaped keys are not compared
		{`{"s": "a \" quoted, {brace} : 1.0"}`, true}, // what is inside strings is text
	} {
		v, err := DecodeJSONValue([]byte(tc.raw))
		if err != nil {
			t.Fatalf("%s: %v", tc.raw, err)
		}
		raw, ok := v.WireJSON()
		if ok != tc.reusable || ok && string(raw) != tc.raw {
			t.Errorf("WireJSON(%s) = %q, %v; want reusable %v", tc.raw, raw, ok, tc.reusable)
		}
		if !ok {
			continue
		}
		// Reusable text decodes as the re-encoded value does.
		again, err := json.Marshal(v.JSON)
		if err != nil {
			t.Fatal(err)
		}
		var fromRaw, fromAgain any
		if json.Unmarshal(raw, &fromRaw) != nil || json.Unmarshal(again, &fromAgain) != nil || !reflect.DeepEqual(fromRaw, fromAgain) {
			t.Errorf("%s decodes to %v, its re-encoding %s to %v", raw, fromRaw, again, fromAgain)
		}
	}
}

// A value whose JSON was replaced, or that was built rather than decoded,
// has no wire text.
func TestWireJSONOnlyForTheDecodedValue(t *testing.T) {
	t.Parallel()
	v, err := DecodeJSONValue([]byte(`{"a": 1}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := v.WireJSON(); !ok {
		t.Fatal("the decoded value has no wire text")
	}
	w := v
	w.JSON = map[string]any{"a": 2.0}
	if _, ok := w.WireJSON(); ok {
		t.Error("a value whose JSON was replaced kept the old text")
	}
	if _, ok := JSON(map[string]any{"a": 1.0}).WireJSON(); ok {
		t.Error("a built value has wire text")
	}
	n, err := v.Normalize()
	if err != nil {
		t.Fatal(err)
	}
	if raw, ok := n.WireJSON(); !ok || string(raw) != `{"a":1}` {
		t.Errorf("a normalized value's wire text: %q %v", raw, ok)
	}
}

// TestEqualIgnoresWireText: a value decoded from JSON text equals the same
// value built in process, and differs from one with other data.
func TestEqualIgnoresWireText(t *testing.T) {
	decoded, err := DecodeJSONValue([]byte(`{"a":[1,"x"]}`))
	if err != nil {
		t.Fatal(err)
	}
	built := JSON(map[string]any{"a": []any{1.0, "x"}})
	if !decoded.Equal(built) || !built.Equal(decoded) {
		t.Error("a decoded value does not equal the same value built in process")
	}
	if decoded.Equal(JSON(map[string]any{"a": []any{2.0, "x"}})) || Text("x").Equal(Bytes([]byte("x"))) {
		t.Error("values with different data are equal")
	}
}

// A result decoded with DecodeJSONResult is answered as its text was
// written (keys in the algorithm's order), until its value is replaced.
func TestDecodeJSONResultKeepsItsText(t *testing.T) {
	t.Parallel()
	raw := []byte(`{"summary":"b","sentence_count":2,"sentences":[{"text":"b","score":1,"index":1}]}`)
	v, err := DecodeJSONResult(raw)
	if err != nil {
		t.Fatal(err)
	}
	got, err := v.WireResult()
	if err != nil || string(got) != string(raw) {
		t.Errorf("WireResult %s (%v), want the text as it came: %s", got, err, raw)
	}
	v.JSON = map[string]any{"b": 1.0, "a": 2.0}
	if got, _ := v.WireResult(); string(got) != `{"a":2,"b":1}` {
		t.Errorf("a replaced value's WireResult %s, want its own encoding", got)
	}
	// A value decoded from a request keeps its text for reading only: its
	// result is its encoding (keys sorted, compact).
	in, _ := DecodeJSONValue([]byte(`{"b": 1, "a": 2}`))
	if got, _ := in.WireResult(); string(got) != `{"a":2,"b":1}` {
		t.Errorf("a request value's WireResult %s", got)
	}
}
