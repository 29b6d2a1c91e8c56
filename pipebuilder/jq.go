package pipebuilder

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/itchyny/gojq"

	"pipette/internal/jqeval"
)

// compileJQ parses and compiles one mapping of step `at` (len(c.Steps) for
// the chain's output) and checks its references to other steps' results:
// only earlier steps have a result when the mapping runs.
func (c *Chain) compileJQ(ps *problems, field string, at int, expr string, index map[string]int) *jqeval.Program {
	step := at
	what := fmt.Sprintf("`%s` of step %s", lastField(field), c.stepNameSafe(at))
	if at >= len(c.Steps) {
		step, what = -1, "the chain's `output`"
	}
	q, err := gojq.Parse(expr)
	if err != nil {
		var pe *gojq.ParseError
		pos := c.pos.at(field)
		if errors.As(err, &pe) {
			pos = c.pos.offset(field, expr, max(0, pe.Offset-len(pe.Token)))
		}
		ps.addAt(pos, field, step, "jq syntax error in %s: %v", what, err)
		return nil
	}
	bad := false
	walkQuery(q, ctxRoot, func(r jqRef) {
		pos := c.pos.at(field)
		for _, needle := range []string{".steps." + r.name, `"` + r.name + `"`, r.name} {
			if i := strings.Index(expr, needle); i >= 0 {
				pos = c.pos.offset(field, expr, i)
				break
			}
		}
		switch {
		case r.inputFunc:
			ps.addAt(pos, field, step, "%s calls jq's `%s` function, which reads nothing here: write `.input` for the chain's input", what, r.name)
			bad = true
			return
		}
		j, ok := index[r.name]
		switch {
		case !ok:
			ps.addAt(pos, field, step, "%s refers to .steps.%s, but no step has that id (%s)", what, r.name, c.idList())
			bad = true
		case j == at:
			ps.addAt(pos, field, step, "%s refers to its own result .steps.%s: a step can only use the results of the steps before it", what, r.name)
			bad = true
		case j > at:
			ps.addAt(pos, field, step, "%s refers to .steps.%s, which runs later (step %d): a step can only use the results of the steps before it", what, r.name, j+1)
			bad = true
		}
	})
	if bad {
		return nil
	}
	// jqeval compiles with $ENV and env empty (a chain served to others must
	// not read the server's environment), once per program text however
	// many chains and calls use it.
	p, err := jqeval.Compile(expr, nil)
	if err != nil {
		ps.add(field, step, "jq error in %s: %v", what, err)
		return nil
	}
	return p
}

// evalOne runs a mapping that must produce exactly one value. Mappings run
// over a caller's input (a published chain's, or what a user typed in the
// builder's preview), so they run as util/Transform's programs do: in a jq
// worker, bounded in memory, time and output (internal/jqeval); a runaway
// mapping answers OutOfMemoryError or TooLargeError and the process lives.
func evalOne(ctx context.Context, p *jqeval.Program, env map[string]any) (any, error) {
	res, err := jqeval.Eval(ctx, p, env, nil, jqeval.Limits{Outputs: 2})
	if err != nil {
		return nil, err
	}
	switch len(res.Outputs) {
	case 0:
		return nil, fmt.Errorf("it produced no value (empty): make sure it always builds one")
	case 1:
		return res.Outputs[0], nil
	}
	return nil, fmt.Errorf("it produced more than one value: wrap it in [ … ] to send a list")
}

func (c *Chain) stepNameSafe(i int) string {
	if i < len(c.Steps) {
		return c.stepName(i)
	}
	return "output"
}

func (c *Chain) idList() string {
	var ids []string
	for _, s := range c.Steps {
		if s.ID != "" {
			ids = append(ids, s.ID)
		}
	}
	if len(ids) == 0 {
		return "the chain has no step ids"
	}
	return "the steps are " + strings.Join(ids, ", ")
}

// jqRef is what the static walk finds: a reference to a step's result, or a
// call of jq's input/inputs function (a likely typo for .input).
type jqRef struct {
	name      string
	inputFunc bool
}

// refCtx is what `.` is where a term is evaluated: the mapping's root
// {input, steps}, the steps object, or something else (an element inside
// map(…), a function argument): only the first two tell statically which
// step a path means, so references elsewhere are not checked.
type refCtx int

const (
	ctxOther refCtx = iota
	ctxRoot
	ctxSteps
)

func walkQuery(q *gojq.Query, ctx refCtx, visit func(jqRef)) {
	if q == nil {
		return
	}
	for _, fd := range q.FuncDefs {
		walkQuery(fd.Body, ctxOther, visit)
	}
	if q.Term != nil {
		walkTerm(q.Term, ctx, visit)
	}
	if q.Left == nil && q.Right == nil {
		return
	}
	walkQuery(q.Left, ctx, visit)
	right := ctx
	switch q.Op {
	case gojq.OpPipe:
		switch {
		case len(q.Patterns) > 0: // `… as $x | body`: body sees the same input
		case ctx == ctxRoot && isStepsPath(q.Left):
			right = ctxSteps
		default:
			right = ctxOther
		}
	case gojq.OpModify, gojq.OpUpdateAdd, gojq.OpUpdateSub, gojq.OpUpdateMul, gojq.OpUpdateDiv,
		gojq.OpUpdateMod, gojq.OpUpdateAlt:
		right = ctxOther
	}
	walkQuery(q.Right, right, visit)
}

// isStepsPath reports whether q is exactly `.steps`.
func isStepsPath(q *gojq.Query) bool {
	if q == nil || q.Term == nil || q.Left != nil || q.Right != nil {
		return false
	}
	t := q.Term
	return t.Type == gojq.TermTypeIndex && constIndex(t.Index) == "steps" && len(t.SuffixList) == 0
}

// constIndex is the key a constant index names (.a, ."a", .["a"]), or "".
func constIndex(ix *gojq.Index) string {
	if ix == nil || ix.IsSlice {
		return ""
	}
	if ix.Name != "" {
		return ix.Name
	}
	if ix.Str != nil && len(ix.Str.Queries) == 0 {
		return ix.Str.Str
	}
	if q := ix.Start; q != nil && q.Term != nil && q.Left == nil && q.Right == nil &&
		q.Term.Type == gojq.TermTypeString && q.Term.Str != nil && len(q.Term.Str.Queries) == 0 &&
		len(q.Term.SuffixList) == 0 {
		return q.Term.Str.Str
	}
	return ""
}

func walkIndex(ix *gojq.Index, ctx refCtx, visit func(jqRef)) {
	if ix == nil {
		return
	}
	if ix.Str != nil {
		for _, q := range ix.Str.Queries {
			walkQuery(q, ctx, visit)
		}
	}
	// Index expressions are evaluated against the term's input, as jq does.
	walkQuery(ix.Start, ctx, visit)
	walkQuery(ix.End, ctx, visit)
}

func walkTerm(t *gojq.Term, ctx refCtx, visit func(jqRef)) {
	if t == nil {
		return
	}
	switch t.Type {
	case gojq.TermTypeIndex:
		walkIndex(t.Index, ctx, visit)
		name := constIndex(t.Index)
		switch {
		case ctx == ctxRoot && name == "steps" && len(t.SuffixList) > 0 && t.SuffixList[0].Index != nil:
			if id := constIndex(t.SuffixList[0].Index); id != "" {
				visit(jqRef{name: id})
			}
		case ctx == ctxSteps && name != "":
			visit(jqRef{name: name})
		}
	case gojq.TermTypeFunc:
		if f := t.Func; f != nil {
			if (f.Name == "input" || f.Name == "inputs") && len(f.Args) == 0 {
				visit(jqRef{name: f.Name, inputFunc: true})
			}
			for _, a := range f.Args {
				walkQuery(a, ctxOther, visit)
			}
		}
	case gojq.TermTypeObject:
		if t.Object != nil {
			for _, kv := range t.Object.KeyVals {
				if kv.KeyString != nil {
					for _, q := range kv.KeyString.Queries {
						walkQuery(q, ctx, visit)
					}
				}
				walkQuery(kv.KeyQuery, ctx, visit)
				if kv.Val != nil {
					walkQuery(kv.Val, ctx, visit)
				} else if ctx == ctxSteps && kv.Key != "" && !strings.HasPrefix(kv.Key, "$") {
					visit(jqRef{name: kv.Key}) // {detect} under .steps is {detect: .detect}
				}
			}
		}
	case gojq.TermTypeArray:
		if t.Array != nil {
			walkQuery(t.Array.Query, ctx, visit)
		}
	case gojq.TermTypeUnary:
		if t.Unary != nil {
			walkTerm(t.Unary.Term, ctx, visit)
		}
	case gojq.TermTypeString:
		if t.Str != nil {
			for _, q := range t.Str.Queries {
				walkQuery(q, ctx, visit)
			}
		}
	case gojq.TermTypeIf:
		if f := t.If; f != nil {
			walkQuery(f.Cond, ctx, visit)
			walkQuery(f.Then, ctx, visit)
			for _, e := range f.Elif {
				walkQuery(e.Cond, ctx, visit)
				walkQuery(e.Then, ctx, visit)
			}
			walkQuery(f.Else, ctx, visit)
		}
	case gojq.TermTypeTry:
		if t.Try != nil {
			walkQuery(t.Try.Body, ctx, visit)
			walkQuery(t.Try.Catch, ctxOther, visit)
		}
	case gojq.TermTypeReduce:
		if r := t.Reduce; r != nil {
			walkQuery(r.Query, ctx, visit)
			walkQuery(r.Start, ctx, visit)
			walkQuery(r.Update, ctxOther, visit)
		}
	case gojq.TermTypeForeach:
		if r := t.Foreach; r != nil {
			walkQuery(r.Query, ctx, visit)
			walkQuery(r.Start, ctx, visit)
			walkQuery(r.Update, ctxOther, visit)
			walkQuery(r.Extract, ctxOther, visit)
		}
	case gojq.TermTypeLabel:
		if t.Label != nil {
			walkQuery(t.Label.Body, ctx, visit)
		}
	case gojq.TermTypeQuery:
		walkQuery(t.Query, ctx, visit)
	}
	for _, s := range t.SuffixList {
		walkIndex(s.Index, ctx, visit)
	}
}

// stepRefs lists the step ids a mapping refers to statically, in order.
func stepRefs(expr string) []string {
	q, err := gojq.Parse(expr)
	if err != nil {
		return nil
	}
	var ids []string
	walkQuery(q, ctxRoot, func(r jqRef) {
		if !r.inputFunc && !slices.Contains(ids, r.name) {
			ids = append(ids, r.name)
		}
	})
	return ids
}
