package util

import (
	"bytes"
	"context"
	"io"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"pipette/algorithms/algotest"
	"pipette/catalog"
)

func transform(t *testing.T, req map[string]any) (any, error) {
	t.Helper()
	out, err := Transform().Run(context.Background(), catalog.JSON(req), io.Discard)
	if err != nil {
		return nil, err
	}
	if out.Kind != catalog.KindJSON {
		t.Fatalf("result kind %s, want json", out.Kind)
	}
	norm, err := out.Normalize()
	if err != nil {
		t.Fatal(err)
	}
	return norm.JSON, nil
}

func decode(t *testing.T, s string) any {
	t.Helper()
	v, err := catalog.DecodeJSON([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestTransformPrograms(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		program string
		input   string
		all     bool
		vars    map[string]any
		want    string
	}{
		{"identity", ".", `{"a": 1}`, false, nil, `{"a": 1}`},
		{"pick and reshape", ".items | map({name, stars: .n}) | sort_by(-.stars)",
			`{"items": [{"name": "a", "n": 2, "x": 0}, {"name": "b", "n": 5}]}`, false, nil,
			`[{"name": "b", "stars": 5}, {"name": "a", "stars": 2}]`},
		{"group and aggregate", "group_by(.team) | map({team: .[0].team, points: (map(.points) | add), n: length})",
			`[{"team": "red", "points": 12}, {"team": "blue", "points": 7}, {"team": "red", "points": 5}]`, false, nil,
			`[{"team": "blue", "points": 7, "n": 1}, {"team": "red", "points": 17, "n": 2}]`},
		{"first output by default", ".[]", `[3, 4, 5]`, false, nil, `3`},
		{"all outputs", ".[] | . * 2", `[3, 4, 5]`, true, nil, `[6, 8, 10]`},
		{"no output is null", ".[] | select(. > 10)", `[1, 2]`, false, nil, `null`},
		{"no output, all, is []", "empty", `1`, true, nil, `[]`},
		{"missing input is null", ". == null", ``, false, nil, `true`},
		{"variables", "[.[] | select(.price <= $budget) | .name]", `[{"name": "a", "price": 3}, {"name": "b", "price": 9}]`, false,
			map[string]any{"budget": 5.0}, `["a"]`},
		{"string interpolation", `"\(.a)-\(.b)"`, `{"a": "x", "b": 2}`, false, nil, `"x-2"`},
		{"lazy first of a huge range", "range(1e12)", `null`, false, nil, `0`},
		{"halt stops cleanly", "1, halt, 2", `null`, true, nil, `[1]`},
		{"nan and infinite", "[nan, infinite, -infinite]", `null`, false, nil, `[null, 1.7976931348623157e308, -1.7976931348623157e308]`},
		{"env is empty", "$ENV | length", `null`, false, nil, `0`},
		{"max_by text, as chains use it", "max_by(.compound) | .text",
			`[{"text": "meh", "compound": 0.1}, {"text": "yay", "compound": 0.9}]`, false, nil, `"yay"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := map[string]any{"program": c.program}
			if c.input != "" {
				req["input"] = decode(t, c.input)
			}
			if c.all {
				req["all"] = true
			}
			if c.vars != nil {
				req["vars"] = c.vars
			}
			got, err := transform(t, req)
			if err != nil {
				t.Fatal(err)
			}
			if want := decode(t, c.want); !reflect.DeepEqual(got, want) {
				t.Errorf("got %#v, want %s", got, c.want)
			}
		})
	}
}

func TestTransformErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		in   catalog.Value
		want []string
	}{
		{"parse error with position", catalog.JSON(map[string]any{"program": ".a | map(.b", "input": 1.0}),
			[]string{"does not parse", "line 1, column", ".a | map(.b"}},
		{"parse error on line 2", catalog.JSON(map[string]any{"program": ".a\n| .b }", "input": 1.0}),
			[]string{"line 2, column 6", "| .b }", "     ^"}},
		{"unknown function", catalog.JSON(map[string]any{"program": "frobnicate(1)"}), []string{"does not compile", "frobnicate/1"}},
		{"unknown variable", catalog.JSON(map[string]any{"program": "$nope"}), []string{"does not compile", "$nope"}},
		{"runtime type error", catalog.JSON(map[string]any{"program": ".a", "input": []any{1.0}}), []string{"failed", "expected an object but got: array"}},
		{"error()", catalog.JSON(map[string]any{"program": `error("bad thing")`}), []string{"failed: bad thing"}},
		{"halt_error", catalog.JSON(map[string]any{"program": `"stop here\n" | halt_error`}), []string{"halt_error: stop here"}},
		{"input is not allowed", catalog.JSON(map[string]any{"program": "input"}), []string{"does not compile", "input"}},
		{"too many outputs", catalog.JSON(map[string]any{"program": "range(20000)", "all": true}), []string{"more than 10000 outputs", "limit"}},
		{"missing program", catalog.JSON(map[string]any{"input": 1.0}), []string{`"program"`}},
		{"unknown field", catalog.JSON(map[string]any{"program": ".", "inptu": 1.0}), []string{"inptu"}},
		{"program not a string", catalog.JSON(map[string]any{"program": 3.0}), []string{`"program"`, "a string"}},
		{"bad variable name", catalog.JSON(map[string]any{"program": ".", "vars": map[string]any{"1x": 1.0}}), []string{"1x", "identifier"}},
		{"not an object", catalog.JSON([]any{"."}), []string{"a JSON list", "program"}},
		{"text input", catalog.Text(".a"), []string{"expected JSON input"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Transform().Run(context.Background(), c.in, io.Discard)
			algotest.WantError(t, err, catalog.InputError, c.want...)
		})
	}
}

func TestTransformDebugGoesToLog(t *testing.T) {
	t.Parallel()
	var log bytes.Buffer
	out, err := Transform().Run(context.Background(), catalog.JSON(map[string]any{
		"program": `.a | debug | . + 1 | debug("next: \(.)")`, "input": map[string]any{"a": 1.0},
	}), &log)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := out.JSON.(float64); n != 2 {
		if i, _ := out.JSON.(int); i != 2 {
			t.Errorf("result = %#v, want 2", out.JSON)
		}
	}
	if got := log.String(); !strings.Contains(got, `["DEBUG:",1]`) || !strings.Contains(got, `next: 2`) {
		t.Errorf("log = %q, want both debug lines", got)
	}
}

func TestTransformHonoursDeadline(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := Transform().Run(ctx, catalog.JSON(map[string]any{"program": "[range(1e12)] | length"}), io.Discard)
	if err == nil {
		t.Fatal("an endless program succeeded")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v to notice the deadline", d)
	}
	if catalog.ErrorType(err) == catalog.InputError {
		t.Errorf("a deadline is not the caller's bad input: %v", err)
	}
}

func TestTransformDoesNotMutateInput(t *testing.T) {
	t.Parallel()
	input := map[string]any{"xs": []any{1.0, 2.0}}
	if _, err := Transform().Run(context.Background(), catalog.JSON(map[string]any{"program": ".xs[0] = nan | .xs", "input": input}), io.Discard); err != nil {
		t.Fatal(err)
	}
	if x := input["xs"].([]any)[0].(float64); x != 1 || math.IsNaN(x) {
		t.Errorf("input changed: %v", input)
	}
}
