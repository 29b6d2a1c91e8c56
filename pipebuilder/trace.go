package pipebuilder

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"

	"pipette/catalog"
	"pipette/internal/jqeval"
)

// stepJSON is a step of a trace as one JSON line (pipette run --trace, and
// the exported Go program's -trace): values as on the wire.
type stepJSON struct {
	Step        string          `json:"step"`
	Algo        string          `json:"algo"`
	Input       json.RawMessage `json:"input"`
	InputKind   string          `json:"input_kind"`
	Result      json.RawMessage `json:"result"`
	ContentType string          `json:"content_type"`
	Duration    float64         `json:"duration"`
	Items       int             `json:"items,omitempty"`
	Error       *stepErrorJSON  `json:"error,omitempty"`
}

type stepErrorJSON struct {
	Message   string `json:"message"`
	ErrorType string `json:"error_type,omitempty"`
}

// MarshalJSON writes the step as the trace's JSON line: step, algo, input
// and result as on the wire (binary as base64), their kinds, the duration in
// seconds, and the error when the step failed.
func (s StepTrace) MarshalJSON() ([]byte, error) {
	in, err := wireOrNull(s.Input)
	if err != nil {
		return nil, err
	}
	res, err := wireOrNull(s.Result)
	if err != nil {
		return nil, err
	}
	j := stepJSON{
		Step: s.ID, Algo: s.Algo, Input: in, InputKind: string(s.Input.Kind), Result: res,
		ContentType: s.ContentType, Duration: s.Duration.Seconds(), Items: len(s.Items),
	}
	if s.Err != nil {
		j.Error = &stepErrorJSON{Message: s.Err.Error(), ErrorType: catalog.ErrorType(s.Err)}
	}
	return catalog.MarshalJSON(j)
}

func wireOrNull(v catalog.Value) (json.RawMessage, error) {
	if v.IsZero() {
		return json.RawMessage("null"), nil
	}
	return v.WireResult()
}

// Env is what mappings see after the trace's steps: {input, steps: {id:
// result}}, binary values as base64. The builder previews a mapping over it.
func (t *Trace) Env() map[string]any { return t.env(wireAny) }

// env is Env with each value turned into what mappings see by wire.
func (t *Trace) env(wire func(catalog.Value) any) map[string]any {
	steps := map[string]any{}
	for _, s := range t.Steps {
		if s.Done && s.Err == nil {
			steps[s.ID] = wire(s.Result)
		}
	}
	return map[string]any{"input": wire(t.Input), "steps": steps}
}

func wireAny(v catalog.Value) any {
	switch v.Kind {
	case catalog.KindText:
		return v.Text
	case catalog.KindBinary:
		return base64.StdEncoding.EncodeToString(v.Bytes)
	case catalog.KindJSON:
		return v.JSON
	}
	return nil
}

// Preview evaluates a mapping being edited over the results of an earlier
// run (the trace) and returns what it would send, as Run would send it: for
// a step's `input` a value, for `each` the list of elements as JSON, for the
// chain's `output` the result. binaryOnly says whether the step's algorithm
// takes only binary input. A syntax error is a *gojq.ParseError (its Offset
// places it inside expr); a step the trace has not reached yields null where
// it is used, as jq does for a missing key.
func (t *Trace) Preview(ctx context.Context, expr string, each, binaryOnly bool) (catalog.Value, error) {
	code, err := jqeval.Compile(expr, nil)
	if err != nil {
		return catalog.Value{}, err
	}
	// r.wire builds the env and remembers its binary values, so that a
	// mapping passing one through sends bytes, as Run would; each value is
	// encoded once (an image's base64 is megabytes, and this runs as the
	// user types).
	r := &run{binary: map[string]bool{}}
	x, err := evalOne(ctx, code, t.env(r.wire))
	if err != nil {
		return catalog.Value{}, err
	}
	if each {
		if _, ok := x.([]any); !ok {
			return catalog.Value{}, fmt.Errorf("`each` must build a list, but this builds %s", jqType(x))
		}
		return catalog.JSON(x).Normalize()
	}
	return r.value(x, binaryOnly).Normalize()
}
