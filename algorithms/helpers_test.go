package algorithms

import (
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
