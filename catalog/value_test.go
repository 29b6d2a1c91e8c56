package catalog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestWireResult(t *testing.T) {
	t.Parallel()
	tests := []struct {
		v    Value
		wire string
	}{
		{Text("Hello Neo"), `"Hello Neo"`},
		{Text("a<b & c>"), `"a<b & c>"`}, // no HTML escaping
		{Bytes(make([]byte, 7)), `"AAAAAAAAAA=="`},
		{Bytes(nil), `""`},
		{JSON([]int{2, 2, 2, 3, 3}), `[2,2,2,3,3]`},
		{JSON(map[string]any{"b": 1, "a": "<"}), `{"a":"<","b":1}`},
		{JSON(nil), `null`},
		{Void(), `null`},
		{Value{}, `null`},
	}
	for _, tc := range tests {
		raw, err := tc.v.WireResult()
		if err != nil || string(raw) != tc.wire {
			t.Errorf("WireResult(%s) = %s, %v; want %s", tc.v.Summary(30), raw, err, tc.wire)
			continue
		}
		kind := tc.v.Kind
		if kind == "" {
			kind = KindVoid
		}
		back, err := DecodeWireResult(string(kind), raw)
		if err != nil {
			t.Fatalf("DecodeWireResult(%s, %s): %v", kind, raw, err)
		}
		norm, _ := tc.v.Normalize()
		if kind == KindVoid {
			norm = Void()
		}
		if back.Kind != norm.Kind || back.Text != norm.Text || !bytes.Equal(back.Bytes, norm.Bytes) || !reflect.DeepEqual(back.JSON, norm.JSON) {
			t.Errorf("%s came back as %#v, want %#v", raw, back, norm)
		}
	}
	if _, err := JSON(make(chan int)).WireResult(); err == nil || !strings.Contains(err.Error(), "not valid JSON") {
		t.Errorf("unencodable: %v", err)
	}
	if _, err := (Value{Kind: "odd"}).WireResult(); err == nil {
		t.Error("unknown kind encoded")
	}
}

func TestDecodeWireResultErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ ct, raw, want string }{
		{"text", `5`, "text result is not a JSON string"},
		{"binary", `5`, "binary result is not a base64 string"},
		{"binary", `"***"`, "binary result is not standard base64"},
		{"binary", `"AAA_"`, "not standard base64"}, // URL alphabet is not the API's
		{"json", `{`, "json result does not parse"},
		{"json", `1 2`, "json result does not parse"},
		{"html", `""`, `unknown content_type "html"`},
	}
	for _, tc := range tests {
		if _, err := DecodeWireResult(tc.ct, json.RawMessage(tc.raw)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("DecodeWireResult(%s, %s) = %v, want %q", tc.ct, tc.raw, err, tc.want)
		}
	}
}

func TestDecodeJSON(t *testing.T) {
	t.Parallel()
	for _, s := range []string{`1`, ` {"a":[true,null]} `, `"x"`, "null\n"} {
		if _, err := DecodeJSON([]byte(s)); err != nil {
			t.Errorf("DecodeJSON(%q): %v", s, err)
		}
	}
	for _, s := range []string{``, `1 2`, `{}{}`, `[1]]`, `{}}`, `"a"]`, `{"a":1}x`, `nul`, "1\v"} {
		if v, err := DecodeJSON([]byte(s)); err == nil {
			t.Errorf("DecodeJSON(%q) = %#v, want an error", s, v)
		}
	}
}

func TestNormalize(t *testing.T) {
	t.Parallel()
	type pt struct {
		X int `json:"x"`
	}
	v, err := JSON([]pt{{1}, {2}}).Normalize()
	if err != nil || !reflect.DeepEqual(v.JSON, []any{map[string]any{"x": 1.0}, map[string]any{"x": 2.0}}) {
		t.Errorf("Normalize = %#v, %v", v.JSON, err)
	}
	if v, _ := Text("t").Normalize(); v.Kind != KindText || v.Text != "t" {
		t.Errorf("text changed: %#v", v)
	}
	if _, err := JSON(func() {}).Normalize(); err == nil {
		t.Error("unencodable JSON normalised")
	}
}

func TestGoAndKinds(t *testing.T) {
	t.Parallel()
	if Text("a").Go() != "a" || !bytes.Equal(Bytes([]byte{1}).Go().([]byte), []byte{1}) || JSON(2.5).Go() != 2.5 || Void().Go() != nil {
		t.Error("Go() does not return the payload")
	}
	if !(Value{}).IsZero() || Void().IsZero() {
		t.Error("IsZero")
	}
	for _, s := range []string{"text", "json", "binary", "void", "any"} {
		if k, err := ParseKind(s); err != nil || string(k) != s {
			t.Errorf("ParseKind(%q) = %q, %v", s, k, err)
		}
	}
	if _, err := ParseKind("Text"); err == nil || !strings.Contains(err.Error(), "use text, json or binary") {
		t.Errorf("ParseKind(Text): %v", err)
	}
}

func TestSummary(t *testing.T) {
	t.Parallel()
	tests := []struct {
		v    Value
		max  int
		want string
	}{
		{Text("hi"), 0, `"hi"`},
		{Text("a long line of text"), 8, `"a long…`},
		{Text("ééééé"), 4, `"éé…`},
		{Bytes([]byte("abc")), 0, "3 bytes"},
		{Bytes([]byte{0xff, 0xfe}), 0, "2 bytes of binary"},
		{JSON(map[string]int{"a": 1}), 0, `{"a":1}`},
		{JSON(func() {}), 0, "(invalid JSON)"},
		{Void(), 0, "(void)"},
	}
	for _, tc := range tests {
		if got := tc.v.Summary(tc.max); got != tc.want {
			t.Errorf("Summary(%d) = %q, want %q", tc.max, got, tc.want)
		}
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	e := InputErrorf("expected %s", "a number")
	if e.Error() != "InputError: expected a number" || e.Status != 0 {
		t.Errorf("InputErrorf: %v %+v", e, e)
	}
	nf := NotFound("algorithm %s not found", "algo://a/b")
	if nf.Status != 404 || nf.Code != CodeNotFound || nf.Type != EntityNotFoundError || nf.Message != "algorithm algo://a/b not found" {
		t.Errorf("NotFound: %+v", nf)
	}
	if (&Error{Message: "bare"}).Error() != "bare" {
		t.Error("an error without a type prints its message")
	}
	wrapped := fmt.Errorf("step one: %w", nf)
	if AsError(wrapped) != nf || ErrorType(wrapped) != EntityNotFoundError {
		t.Error("AsError/ErrorType do not see through wrapping")
	}
	plain := errors.New("disk full")
	if got := AsError(plain); got.Type != AlgorithmError || got.Message != "disk full" {
		t.Errorf("AsError(plain) = %+v", got)
	}
	if AsError(nil) != nil || ErrorType(plain) != "" {
		t.Error("nil and plain errors")
	}
}

func TestValueOfCatalog(t *testing.T) {
	t.Parallel()
	if ValueOf(json.RawMessage(`[1]`)).Kind != KindJSON || ValueOf(json.RawMessage(`{`)).Kind != KindBinary {
		t.Error("ValueOf(json.RawMessage)")
	}
	e := Entry{Versions: []VersionInfo{{Version: "2.0.0"}, {Version: "1.0.0"}}}
	if got := e.VersionNames(); !reflect.DeepEqual(got, []string{"2.0.0", "1.0.0"}) {
		t.Errorf("VersionNames = %v", got)
	}
}

// TestDecodeJSONErrors: what was wrong with JSON text is said with where.
func TestDecodeJSONErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{`{"n": 1e400}`, "the number 1e400 is out of range: a number must be within ±1.7976931348623157e308"},
		{`[1, -1e999]`, "the number -1e999 is out of range"},
		{`{"a": tru}`, "invalid character '}' in literal true (expecting 'e') (at byte 10)"},
		{`{"a": `, "the JSON ends before its value is complete"},
		{``, "the JSON ends before its value is complete"},
		{`[1]]`, "unexpected data after the JSON value"},
	} {
		_, err := DecodeJSON([]byte(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("DecodeJSON(%q) = %v, want %q", tc.in, err, tc.want)
		}
	}
}

func TestJSONTypeName(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		v    any
		want string
	}{
		{"", "a string"}, {0, "a number"}, {uint8(0), "a number"}, {0.5, "a number"}, {true, "true or false"},
		{[]string{}, "a list"}, {[2]int{}, "a list"}, {map[string]any{}, "an object"}, {struct{}{}, "an object"},
	} {
		if got := JSONTypeName(reflect.TypeOf(tc.v)); got != tc.want {
			t.Errorf("%T: %q, want %q", tc.v, got, tc.want)
		}
	}
}
