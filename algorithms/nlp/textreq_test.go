package nlp

import (
	"context"
	"encoding/json"
	"io"
	"testing"

	"pipette/algorithms"
	"pipette/catalog"
)

// runInto runs alg on in and decodes its JSON result into dst, failing the
// test on any error. The result goes through JSON as it would on the wire.
func runInto(t testing.TB, alg algorithms.Algorithm, in catalog.Value, dst any) {
	t.Helper()
	out, err := alg.Run(context.Background(), in, io.Discard)
	if err != nil {
		t.Fatalf("%s: %v", alg.Entry.Ref, err)
	}
	if out.Kind != catalog.KindJSON {
		t.Fatalf("%s: result kind %s, want json", alg.Entry.Ref, out.Kind)
	}
	raw, err := json.Marshal(out.JSON)
	if err != nil {
		t.Fatalf("%s: marshal result: %v", alg.Entry.Ref, err)
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		t.Fatalf("%s: decode result %s: %v", alg.Entry.Ref, raw, err)
	}
}

// wantInputError runs alg on in and checks that it fails with an InputError.
func wantInputError(t *testing.T, alg algorithms.Algorithm, in catalog.Value) string {
	t.Helper()
	_, err := alg.Run(context.Background(), in, io.Discard)
	if catalog.ErrorType(err) != catalog.InputError {
		t.Fatalf("%s on %s: got %v, want an InputError", alg.Entry.Ref, in.Summary(60), err)
	}
	return err.Error()
}

func mustJSON(t testing.TB, literal string) catalog.Value {
	t.Helper()
	v, err := catalog.DecodeJSON([]byte(literal))
	if err != nil {
		t.Fatalf("bad JSON literal %s: %v", literal, err)
	}
	return catalog.JSON(v)
}

func TestDecodeTextRequestRejectsBadInput(t *testing.T) {
	alg := SentenceSplit()
	for name, in := range map[string]catalog.Value{
		"empty text":    catalog.Text("  \n "),
		"number":        catalog.JSON(3.0),
		"list":          mustJSON(t, `["a"]`),
		"unknown field": mustJSON(t, `{"text": "Hi.", "colour": 1}`),
		"wrong type":    mustJSON(t, `{"text": 3}`),
		"binary":        catalog.Bytes([]byte{0xff, 0xfe, 0x00}),
		"no text":       mustJSON(t, `{"tokens": true}`),
	} {
		t.Run(name, func(t *testing.T) {
			msg := wantInputError(t, alg, in)
			if len(msg) < 20 {
				t.Errorf("message too terse to help: %q", msg)
			}
		})
	}
}
