package client

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"pipette/catalog"
)

// FuzzDecodeInput: any Content-Type and body give a value or an error, never
// a panic; a decoded value re-encoded and decoded again is the same value.
func FuzzDecodeInput(f *testing.F) {
	f.Add("application/json", []byte(`{"a":[1,2.5,null,"x"]}`))
	f.Add("application/json; charset=utf-8", []byte(`null`))
	f.Add("text/plain; charset=UTF-8", []byte("héllo"))
	f.Add("application/text", []byte{})
	f.Add("application/octet-stream", []byte{0, 1, 0xff})
	f.Add("image/png", []byte("x"))
	f.Add(";;", []byte(`1e400`))
	f.Add("application/json", []byte("\"\xff\""))
	f.Add("application/json", []byte("[1]]"))
	f.Fuzz(func(t *testing.T, ct string, body []byte) {
		v, err := DecodeInput(ct, body)
		if err != nil {
			var ume *UnsupportedMediaType
			var ce *catalog.Error
			if !errors.As(err, &ume) && !(errors.As(err, &ce) && ce.Type == catalog.ParsingError) {
				t.Fatalf("DecodeInput(%q, %q): unexpected error %T %v", ct, body, err, err)
			}
			return
		}
		if v.Kind == catalog.KindJSON && !json.Valid(body) {
			t.Fatalf("DecodeInput(%q, %q) accepted a body that is not one JSON value", ct, body)
		}
		ct2, body2, err := EncodeInput(v)
		if err != nil {
			t.Fatalf("EncodeInput of decoded %#v: %v", v, err)
		}
		v2, err := DecodeInput(ct2, body2)
		if err != nil {
			t.Fatalf("re-decoding %q %q: %v", ct2, body2, err)
		}
		if v.Kind != v2.Kind {
			t.Fatalf("kind %s came back as %s", v.Kind, v2.Kind)
		}
		switch v.Kind {
		case catalog.KindText:
			if v.Text != v2.Text {
				t.Fatalf("text %q came back as %q", v.Text, v2.Text)
			}
		case catalog.KindBinary:
			if string(v.Bytes) != string(v2.Bytes) {
				t.Fatalf("bytes %q came back as %q", v.Bytes, v2.Bytes)
			}
		case catalog.KindJSON:
			if !reflect.DeepEqual(v.JSON, v2.JSON) {
				t.Fatalf("JSON %#v came back as %#v (sent %s)", v.JSON, v2.JSON, body2)
			}
		default:
			t.Fatalf("DecodeInput gave kind %q", v.Kind)
		}
	})
}
