package util

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"io"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/itchyny/gojq"

	"pipette/algorithms"
	"pipette/catalog"
	"pipette/internal/jqeval"
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
	p, values, err := compileTransform(req)
	if err != nil {
		return catalog.Value{}, err
	}
	// The program comes from the request: it runs in a jq worker, bounded
	// in memory, time and output (internal/jqeval). One output more than
	// "all" accepts tells that there were too many.
	outputs := 1
	if req.All {
		outputs = maxTransformOutputs + 1
	}
	res, err := jqeval.Eval(ctx, p, req.Input, values, jqeval.Limits{Outputs: outputs})
	io.WriteString(stdout, res.Log)
	if err != nil {
		var re *jqeval.RuntimeError
		if errors.As(err, &re) {
			return catalog.Value{}, catalog.InputErrorf("the jq program failed: %s", re.Message)
		}
		return catalog.Value{}, err
	}
	outs := res.Outputs
	if !req.All {
		if len(outs) == 0 {
			return catalog.JSON(nil), nil
		}
		return catalog.JSON(outs[0]), nil
	}
	if len(outs) > maxTransformOutputs {
		return catalog.Value{}, catalog.InputErrorf("the jq program produced more than %d outputs; narrow it down, for example with limit(%d; …) or first(…)", maxTransformOutputs, maxTransformOutputs)
	}
	if outs == nil {
		outs = []any{}
	}
	return catalog.JSON(outs), nil
}

// compileTransform compiles the program with the request's variables, in
// name order, through jqeval's cache of compiled programs (keyed by the
// program and the variables' names): a client sending the same program
// again skips parsing and compiling, a fifth of a small call. $ENV and env
// are empty, so a program cannot read secrets; debug and stderr write to
// the call's log.
func compileTransform(req transformRequest) (*jqeval.Program, []any, error) {
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
	p, err := jqeval.Compile(req.Program, vars)
	if err != nil {
		var pe *gojq.ParseError
		if errors.As(err, &pe) {
			return nil, nil, jqParseError(req.Program, err)
		}
		return nil, nil, catalog.InputErrorf("the jq program does not compile: %v", err)
	}
	return p, values, nil
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
