//go:build exporttemplate

// The exported program's runner: the chain's steps, their jq mappings and
// each. program.go calls it in at its place ("{{template "runner" .}}");
// the two files make one program (see program.go for the template's
// conventions).

package main

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/itchyny/gojq"
)

//tmpl:start
//tmpl:"{{define "runner"}}"

// runner runs the chain.
type runner struct {
	api     *api
	timeout time.Duration
	trace   bool
	//tmpl:"{{if .Each}}"
	concurrency int
	mu          sync.Mutex
	//tmpl:"{{end}}"
	//tmpl:"{{if .JQ}}"
	env    map[string]any  // {input, steps}: what mappings see
	steps  map[string]any  // env["steps"]
	binary map[string]bool // base64 of the binary values seen: they turn back into bytes
	//tmpl:"{{end}}"
}

// stepError names the failed step and what it was sent.
func stepError(s step, item, items int, in *value, err error) error {
	msg := fmt.Sprintf("step %s (%s)", s.id, s.algo)
	if item >= 0 {
		msg += fmt.Sprintf(", element %d of %d", item+1, items)
	}
	msg += ": " + err.Error()
	if in != nil {
		msg += "; its input was " + summary(*in)
	}
	return errors.New(msg)
}

// printStep writes one step of the trace as a JSON line.
func (r *runner) printStep(s step, in, result value, start time.Time) {
	if !r.trace {
		return
	}
	line, err := marshal(map[string]any{
		"step": s.id, "algo": s.algo,
		"input": wireOf(in), "input_kind": in.kind,
		"result": wireOf(result), "content_type": result.kind,
		"duration": time.Since(start).Seconds(),
	})
	if err == nil {
		fmt.Fprintln(os.Stderr, string(line))
	}
}

//tmpl:"{{if .JQ}}"

// wire is a value as mappings see it; binary values are remembered so that
// a mapping that passes one on sends the bytes again.
func (r *runner) wire(v value) any {
	w := wireOf(v)
	if v.kind == "binary" {
		r.binary[w.(string)] = true
	}
	return w
}

// toValue turns a mapping's result into what is sent: a string as text,
// anything else as JSON; a string that is a binary value of this run, or
// base64 sent to a binary-only step, as bytes.
func (r *runner) toValue(x any, binaryOnly bool) value {
	s, ok := x.(string)
	if !ok {
		return value{kind: "json", json: x}
	}
	if r.binary[s] || (binaryOnly && s != "") {
		if b, err := base64.StdEncoding.DecodeString(s); err == nil {
			return value{kind: "binary", data: b}
		}
	}
	return value{kind: "text", text: s}
}

// compile compiles one jq mapping; $ENV stays empty, as in pipette.
func compile(expr string) (*gojq.Code, error) {
	q, err := gojq.Parse(expr)
	if err != nil {
		return nil, err
	}
	return gojq.Compile(q, gojq.WithEnvironLoader(func() []string { return nil }))
}

// evalOne runs a mapping that must produce exactly one value.
func evalOne(ctx context.Context, expr string, env map[string]any) (any, error) {
	code, err := compile(expr)
	if err != nil {
		return nil, err
	}
	iter := code.RunWithContext(ctx, env)
	var out []any
	for {
		v, ok := iter.Next()
		if !ok {
			break
		}
		if err, ok := v.(error); ok {
			var he *gojq.HaltError
			if errors.As(err, &he) && he.Value() == nil {
				break
			}
			return nil, err
		}
		out = append(out, v)
		if len(out) > 1 {
			return nil, errors.New("it produced more than one value: wrap it in [ … ] to send a list")
		}
	}
	if len(out) == 0 {
		return nil, errors.New("it produced no value (empty): make sure it always builds one")
	}
	return out[0], nil
}

// run runs every step and returns the chain's result.
func (r *runner) run(ctx context.Context, in value) (value, error) {
	for _, s := range steps {
		for _, expr := range []string{s.input, s.each} {
			if expr == "" {
				continue
			}
			if _, err := compile(expr); err != nil {
				return value{}, fmt.Errorf("step %s: %w", s.id, err)
			}
		}
	}
	in, err := normalize(in)
	if err != nil {
		return value{}, err
	}
	r.env["input"], r.env["steps"] = r.wire(in), r.steps
	prev := in
	for _, s := range steps {
		start := time.Now()
		var result value
		switch {
		//tmpl:"{{if .Each}}"
		case s.each != "":
			x, err := evalOne(ctx, s.each, r.env)
			if err != nil {
				return value{}, stepError(s, -1, 0, nil, fmt.Errorf("its `each` mapping failed: %w", err))
			}
			list, ok := x.([]any)
			if !ok {
				return value{}, stepError(s, -1, 0, nil, fmt.Errorf("its `each` mapping must build a list, but it built %s", jqType(x)))
			}
			results, err := r.each(ctx, s, list)
			if err != nil {
				return value{}, err
			}
			if result, err = normalize(value{kind: "json", json: results}); err != nil {
				return value{}, err
			}
			listValue, _ := normalize(value{kind: "json", json: list})
			r.printStep(s, listValue, result, start)
		//tmpl:"{{end}}"
		default:
			send := prev
			if s.input != "" {
				x, err := evalOne(ctx, s.input, r.env)
				if err != nil {
					return value{}, stepError(s, -1, 0, nil, fmt.Errorf("its `input` mapping failed: %w", err))
				}
				send = r.toValue(x, s.binaryOnly)
			}
			send, err := normalize(send)
			if err != nil {
				return value{}, stepError(s, -1, 0, nil, err)
			}
			if result, err = r.api.call(ctx, s.algo, send, r.timeout); err != nil {
				return value{}, stepError(s, -1, 0, &send, err)
			}
			r.printStep(s, send, result, start)
		}
		r.steps[s.id] = r.wire(result)
		prev = result
	}
	if chainOutput == "" {
		return prev, nil
	}
	x, err := evalOne(ctx, chainOutput, r.env)
	if err != nil {
		return value{}, fmt.Errorf("chain %s: its `output` mapping failed: %w", chainName, err)
	}
	return normalize(r.toValue(x, false))
}

//tmpl:"{{if .Each}}"

// each runs step s once per element, at most r.concurrency at a time, and
// returns the results in order as they appear on the wire. The first
// failure (in element order) stops the rest.
func (r *runner) each(ctx context.Context, s step, list []any) ([]any, error) {
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	inputs := make([]value, len(list))
	for i, x := range list {
		v, err := normalize(r.toValue(x, s.binaryOnly))
		if err != nil {
			return nil, stepError(s, i, len(list), nil, err)
		}
		inputs[i] = v
	}
	results := make([]any, len(list))
	errs := make([]error, len(list))
	sem := make(chan struct{}, r.concurrency)
	var wg sync.WaitGroup
	for i := range inputs {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			res, err := r.api.call(ctx, s.algo, inputs[i], r.timeout)
			r.mu.Lock()
			defer r.mu.Unlock()
			if err != nil {
				if ctx.Err() == nil {
					errs[i] = err
					stop()
				}
				return
			}
			results[i] = r.wire(res)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return nil, stepError(s, i, len(list), &inputs[i], err)
		}
	}
	return results, nil
}

func jqType(x any) string {
	switch x.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case string:
		return "a string"
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	}
	return "a number"
}

//tmpl:"{{end}}"
//tmpl:"{{else}}"
/*tmpl:
// run runs every step, each on the previous step's result, and returns the
// last result.
func (r *runner) run(ctx context.Context, in value) (value, error) {
	prev, err := normalize(in)
	if err != nil {
		return value{}, err
	}
	for _, s := range steps {
		start := time.Now()
		result, err := r.api.call(ctx, s.algo, prev, r.timeout)
		if err != nil {
			return value{}, stepError(s, -1, 0, &prev, err)
		}
		r.printStep(s, prev, result, start)
		prev = result
	}
	return prev, nil
}
tmpl:*/
//tmpl:"{{end}}"
//tmpl:"{{end}}"
