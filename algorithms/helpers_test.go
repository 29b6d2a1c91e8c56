package algorithms

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"pipette/catalog"
)

func TestDecodeJSONBytesSpeaksJSON(t *testing.T) {
	type req struct {
		Query string `json:"query"`
		Limit int    `json:"limit"`
	}
	const what = `{"query": "...", "limit": 10}`
	for raw, want := range map[string]string{
		`42`:                 "got a JSON number",
		`[1]`:                "got a JSON array",
		`"q"`:                "got a JSON string",
		`{"query": 3}`:       `field "query" should be a string, not JSON number`,
		`{"limit": "ten"}`:   `field "limit" should be a number, not JSON string`,
		`{"query": "q", "x"`: "expected " + what,
		`{"nope": 1}`:        `unknown field "nope"`,
	} {
		var r req
		err := DecodeJSONBytes([]byte(raw), &r, what)
		if catalog.ErrorType(err) != catalog.InputError || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an InputError saying %q", raw, err, want)
		}
		if strings.Contains(err.Error(), "Go value") || strings.Contains(err.Error(), "algorithms.req") {
			t.Errorf("%s: %v names a Go type", raw, err)
		}
	}
}

func TestJSONKind(t *testing.T) {
	for v, want := range map[any]string{
		nil: "JSON null", true: "a JSON boolean", 2.5: "a JSON number", 7: "a JSON number",
		"s": "a JSON string", struct{}{}: "an unexpected JSON value",
	} {
		if got := JSONKind(v); got != want {
			t.Errorf("JSONKind(%#v) = %q, want %q", v, got, want)
		}
	}
	if got := JSONKind([]any{1.0}); got != "a JSON list" {
		t.Errorf("list: %q", got)
	}
	if got := JSONKind(map[string]any{}); got != "a JSON object" {
		t.Errorf("object: %q", got)
	}
}

func TestJSONSample(t *testing.T) {
	s := JSONSample("k", `{"text": "hi", "limit": 2}`)
	m, ok := s.Input.JSON.(map[string]any)
	if s.Name != "k" || s.Input.Kind != catalog.KindJSON || !ok || m["text"] != "hi" {
		t.Fatalf("JSONSample gave %+v", s)
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "sample broken") {
			t.Errorf("a malformed literal should panic naming the sample; got %v", r)
		}
	}()
	JSONSample("broken", `{"text": `)
}

func TestRound(t *testing.T) {
	cases := []struct {
		x      float64
		digits int
		want   float64
	}{
		{0.123456, 4, 0.1235}, {-0.123456, 4, -0.1235}, {2.5, 0, 3}, {1.005, 2, 1}, {12.3456789, 6, 12.345679},
		{math.Inf(1), 4, math.Inf(1)}, {3e15, 6, 3e15}, {1e300, 4, 1e300},
	}
	for _, c := range cases {
		if got := Round(c.x, c.digits); got != c.want {
			t.Errorf("Round(%v, %d) = %v, want %v", c.x, c.digits, got, c.want)
		}
	}
	if !math.IsNaN(Round(math.NaN(), 2)) {
		t.Error("NaN did not come back as NaN")
	}
}

// BenchmarkDecodeJSONInput decodes a request of a 1 MiB base64 image and
// two options into a struct: from the text it came as (wire), and by
// encoding the decoded value again (rebuilt, what a value built in-process
// takes).
func BenchmarkDecodeJSONInput(b *testing.B) {
	raw := []byte(`{"image": "` + strings.Repeat("iVBORw0KGgo", 1<<20/11) + `", "width": 640, "op": "resize"}`)
	wire, err := catalog.DecodeJSONValue(raw)
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		in   catalog.Value
	}{{"wire", wire}, {"rebuilt", catalog.JSON(wire.JSON)}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var req struct {
					Image string `json:"image"`
					Width int    `json:"width"`
					Op    string `json:"op"`
				}
				if err := DecodeJSONInput(bc.in, &req, "an image request"); err != nil || req.Width != 640 {
					b.Fatal(err)
				}
			}
		})
	}
}
