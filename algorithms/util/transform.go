package util

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/itchyny/gojq"

	"pipette/algorithms"
	"pipette/catalog"
)

//go:embed docs/transform.md
var transformDocs string

// maxTransformOutputs bounds "all": true. A runaway generator (range(1e9))
// stops here or at the caller's deadline, whichever comes first.
const maxTransformOutputs = 10_000

type transformRequest struct {
	Program string         `json:"program"`
	Input   any            `json:"input"`
	All     bool           `json:"all"`
	Vars    map[string]any `json:"vars"`
}

const transformExpected = `an object {"program": "<jq program>", "input": <any JSON>, "all": false, "vars": {}}`

// Transform is util/Transform: a jq program over JSON, with gojq.
func Transform() algorithms.Algorithm {
	return algorithms.Algorithm{
		Entry: catalog.Entry{
			Ref: catalog.Ref{Owner: "util", Name: "Transform", Version: "1.0.0"},
			Versions: []catalog.VersionInfo{{
				Version:      "1.0.0",
				ReleaseNotes: "First release: run a jq program (gojq) over JSON; first output or all outputs, named variables, debug output in the log.",
			}},
			Label:      "Transform (jq)",
			Tagline:    "Reshape, filter and aggregate JSON with a jq program",
			Docs:       transformDocs,
			Tags:       []string{"util", "json", "jq", "transform"},
			InputKind:  catalog.KindJSON,
			OutputKind: catalog.KindJSON,
			InputSchema: json.RawMessage(`{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "required": ["program"],
  "additionalProperties": false,
  "properties": {
    "program": {"type": "string", "minLength": 1, "description": "a jq program, as in jq 1.7 (gojq dialect)"},
    "input": {"description": "the JSON value the program reads as '.'; null when absent"},
    "all": {"type": "boolean", "default": false, "description": "return the list of every output instead of the first"},
    "vars": {"type": "object", "description": "named values the program reads as $name"}
  }
}`),
			OutputSchema: json.RawMessage(`{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "description": "The program's first output (null when it has none), or with all: true the list of every output."
}`),
			Samples: []catalog.Sample{
				algorithms.JSONSample("pick and reshape", `{
  "program": ".items | map({name, stars: .stargazers_count, url: .html_url}) | sort_by(-.stars)",
  "input": {"total_count": 3, "items": [
    {"name": "gojq", "stargazers_count": 3400, "html_url": "https://github.com/itchyny/gojq", "fork": false},
    {"name": "jq", "stargazers_count": 31000, "html_url": "https://github.com/jqlang/jq", "fork": false},
    {"name": "yq", "stargazers_count": 12500, "html_url": "https://github.com/mikefarah/yq", "fork": false}
  ]}
}`),
				algorithms.JSONSample("group and total", `{
  "program": "group_by(.team) | map({team: .[0].team, players: length, points: (map(.points) | add)}) | sort_by(-.points)",
  "input": [
    {"player": "Ana", "team": "red", "points": 12},
    {"player": "Ben", "team": "blue", "points": 7},
    {"player": "Cho", "team": "red", "points": 5},
    {"player": "Dev", "team": "blue", "points": 14},
    {"player": "Eli", "team": "green", "points": 9}
  ]
}`),
				algorithms.JSONSample("every output, with a variable", `{
  "program": ".[] | select(.price <= $budget) | \"\\(.name): \\(.price) €\"",
  "input": [{"name": "coffee", "price": 3.5}, {"name": "book", "price": 18}, {"name": "pen", "price": 2}],
  "vars": {"budget": 5},
  "all": true
}`),
			},
			SampleOutput: `[{"name": "jq", "stars": 31000, "url": "https://github.com/jqlang/jq"}, {"name": "yq", "stars": 12500, "url": "https://github.com/mikefarah/yq"}, {"name": "gojq", "stars": 3400, "url": "https://github.com/itchyny/gojq"}]`,
			License:      "MIT",
		},
		Run: runTransform,
	}
}

func runTransform(ctx context.Context, in catalog.Value, stdout io.Writer) (catalog.Value, error) {
	if in.Kind == catalog.KindJSON {
		if _, ok := in.JSON.(map[string]any); !ok {
			return catalog.Value{}, catalog.InputErrorf("expected %s; got %s", transformExpected, algorithms.JSONKind(in.JSON))
		}
	}
	var req transformRequest
	if err := algorithms.DecodeJSONInput(in, &req, transformExpected); err != nil {
		return catalog.Value{}, err
	}
	if strings.TrimSpace(req.Program) == "" {
		return catalog.Value{}, catalog.InputErrorf(`the "program" field is missing or empty: give a jq program such as ".items | map(.name)"`)
	}
	code, values, err := compileTransform(req, stdout)
	if err != nil {
		return catalog.Value{}, err
	}
	iter := code.RunWithContext(ctx, req.Input, values...)
	var outs []any
	for {
		v, ok := iter.Next()
		if !ok {
			break
		}
		if err, isErr := v.(error); isErr {
			var halt *gojq.HaltError
			if errors.As(err, &halt) && halt.Value() == nil {
				break // halt: a normal stop
			}
			if cerr := ctx.Err(); cerr != nil && errors.Is(err, cerr) {
				return catalog.Value{}, err
			}
			return catalog.Value{}, catalog.InputErrorf("the jq program failed: %s", jqRuntimeMessage(err))
		}
		outs = append(outs, jqJSONSafe(v))
		if !req.All {
			break
		}
		if len(outs) > maxTransformOutputs {
			return catalog.Value{}, catalog.InputErrorf("the jq program produced more than %d outputs; narrow it down, for example with limit(%d; …) or first(…)", maxTransformOutputs, maxTransformOutputs)
		}
	}
	if req.All {
		if outs == nil {
			outs = []any{}
		}
		return catalog.JSON(outs), nil
	}
	if len(outs) == 0 {
		return catalog.JSON(nil), nil
	}
	return catalog.JSON(outs[0]), nil
}

// compileTransform parses and compiles the program with the request's
// variables. debug and stderr write to the call's log instead of the
// server's stderr; $ENV and env are empty (gojq reads the environment only
// through a loader, and none is given), so a program cannot read secrets.
func compileTransform(req transformRequest, stdout io.Writer) (*gojq.Code, []any, error) {
	q, err := gojq.Parse(req.Program)
	if err != nil {
		return nil, nil, jqParseError(req.Program, err)
	}
	names := make([]string, 0, len(req.Vars))
	for name := range req.Vars {
		if !jqVarName(name) {
			return nil, nil, catalog.InputErrorf(`the variable name %q in "vars" is not a jq identifier: use letters, digits and _, not starting with a digit`, name)
		}
		names = append(names, name)
	}
	sort.Strings(names)
	vars := make([]string, len(names))
	values := make([]any, len(names))
	for i, name := range names {
		vars[i], values[i] = "$"+name, req.Vars[name]
	}
	logValue := func(debug bool) func(any, []any) any {
		return func(v any, _ []any) any {
			b, err := gojq.Marshal(jqJSONSafe(v))
			if err != nil {
				b = []byte(gojq.Preview(v))
			}
			if debug {
				fmt.Fprintf(stdout, "[\"DEBUG:\",%s]\n", b)
			} else {
				fmt.Fprintf(stdout, "%s\n", b)
			}
			return v
		}
	}
	code, err := gojq.Compile(q,
		gojq.WithVariables(vars),
		gojq.WithFunction("debug", 0, 0, logValue(true)),
		gojq.WithFunction("stderr", 0, 0, logValue(false)),
	)
	if err != nil {
		return nil, nil, catalog.InputErrorf("the jq program does not compile: %v", err)
	}
	return code, values, nil
}

func jqVarName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_', r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// parseError turns gojq's parse error into a sentence that points at the
// place: line, column and the line itself with a caret under the column.
func jqParseError(program string, err error) error {
	var pe *gojq.ParseError
	if !errors.As(err, &pe) {
		return catalog.InputErrorf("the jq program does not parse: %v", err)
	}
	offset := min(max(pe.Offset, 0), len(program))
	// gojq reports the offset after the offending token; point at its start.
	if pe.Token != "" && offset >= len(pe.Token) && strings.HasSuffix(program[:offset], pe.Token) {
		offset -= len(pe.Token)
	}
	lineStart := strings.LastIndexByte(program[:offset], '\n') + 1
	lineEnd := strings.IndexByte(program[offset:], '\n')
	if lineEnd < 0 {
		lineEnd = len(program)
	} else {
		lineEnd += offset
	}
	line := strings.Count(program[:offset], "\n") + 1
	col := utf8.RuneCountInString(program[lineStart:offset]) + 1
	text := program[lineStart:lineEnd]
	caret := strings.Repeat(" ", col-1) + "^"
	return catalog.InputErrorf("the jq program does not parse: %v at line %d, column %d:\n    %s\n    %s", pe, line, col, text, caret)
}

func jqRuntimeMessage(err error) string {
	var ve gojq.ValueError
	if errors.As(err, &ve) {
		var halt *gojq.HaltError
		if errors.As(err, &halt) {
			if s, ok := halt.Value().(string); ok {
				return "halt_error: " + strings.TrimRight(s, "\n")
			}
		}
		if s, ok := ve.Value().(string); ok {
			return s // error("message") reads best without JSON quotes
		}
	}
	return err.Error()
}

// jsonSafe replaces what encoding/json cannot write: jq's nan becomes null
// and ±infinite the largest finite double, as jq itself prints them.
func jqJSONSafe(v any) any {
	switch t := v.(type) {
	case float64:
		switch {
		case math.IsNaN(t):
			return nil
		case math.IsInf(t, 1):
			return math.MaxFloat64
		case math.IsInf(t, -1):
			return -math.MaxFloat64
		}
	case []any:
		// Copy rather than rewrite in place: the value may share structure
		// with the input or with the program's constants.
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = jqJSONSafe(x)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			out[k] = jqJSONSafe(x)
		}
		return out
	}
	return v
}
