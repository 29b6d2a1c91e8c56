package pipebuilder

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/itchyny/gojq"

	"pipette/catalog"
)

// Validate checks the chain against a catalog: every step's algorithm exists
// at the version or range it asks for, and no step is fed a kind of value it
// cannot take when that is knowable before running (a binary-only step fed
// the chain's text input, an object mapped into a text-only step). It
// records each step's resolved entry, which Run and the exports use to send a
// base64 string to a binary-only step as bytes. The error is an Errors; a
// catalog that cannot be reached is a plain error.
//
// Validate compiles the chain first when needed. It changes the chain, so do
// not call it while the same chain runs.
func (c *Chain) Validate(ctx context.Context, src catalog.Source) error {
	if err := c.ensureCompiled(); err != nil {
		return err
	}
	ps := &problems{c: c}
	for i := range c.Steps {
		s := &c.Steps[i]
		s.entry = catalog.Entry{}
		field := fmt.Sprintf("steps[%d].algo", i)
		e, err := src.Get(ctx, s.ref)
		if err != nil {
			if catalog.ErrorType(err) != catalog.EntityNotFoundError {
				return fmt.Errorf("validate chain %s: look up %s: %w", c.Name, s.ref, err)
			}
			ps.add(field, i, "step %s calls %s, which %s", c.stepName(i), s.Algo, notFoundReason(ctx, src, s.ref, err))
			continue
		}
		s.entry = e
	}
	for i := range c.Steps {
		s := &c.Steps[i]
		if s.entry.Ref.Name == "" {
			continue
		}
		want := s.entry.InputKind
		if !concrete(want) {
			continue
		}
		var got catalog.Kind
		var from, field string
		switch {
		case s.Each != "":
			continue // elements are only known when the chain runs
		case s.Input != "":
			got, field = staticKind(s.Input), fmt.Sprintf("steps[%d].input", i)
			from = fmt.Sprintf("its `input` mapping builds a %s value: change it to build the %s it expects", got, want)
		case i == 0:
			got, field = c.Input, fmt.Sprintf("steps[%d].algo", i)
			from = fmt.Sprintf("it is given the chain's %s input: map its input with `input:` to the %s it expects", got, want)
		default:
			got, field = c.Steps[i-1].producedKind(), fmt.Sprintf("steps[%d].algo", i)
			from = fmt.Sprintf("it is given step %s's %s result: map its input with `input:` to the %s it expects", c.stepName(i-1), got, want)
		}
		if !concrete(got) || got == want {
			continue
		}
		if want == catalog.KindBinary && got == catalog.KindText && s.Input != "" {
			continue // a mapped base64 string is sent to a binary-only step as bytes
		}
		ps.add(field, i, "step %s (%s) takes %s input, but %s", c.stepName(i), s.entry.Ref.Path(), want, from)
	}
	return ps.list.orNil()
}

func concrete(k catalog.Kind) bool {
	return k == catalog.KindText || k == catalog.KindJSON || k == catalog.KindBinary
}

// producedKind is what the step's result is, when known: a list for `each`,
// otherwise what its algorithm says it returns.
func (s *Step) producedKind() catalog.Kind {
	if s.Each != "" {
		return catalog.KindJSON
	}
	return s.entry.OutputKind
}

// notFoundReason says why a reference did not resolve: no such algorithm,
// or no such version (with the versions there are).
func notFoundReason(ctx context.Context, src catalog.Source, ref catalog.Ref, err error) string {
	if ref.Version != "" {
		if e, err2 := src.Get(ctx, ref.WithVersion("")); err2 == nil {
			return fmt.Sprintf("has no version %s (published: %s)", ref.Version, joinVersions(e.VersionNames()))
		}
	}
	var ce *catalog.Error
	if errors.As(err, &ce) && ce.Message != "" {
		return fmt.Sprintf("is not in the catalog %s (%s)", src.Name(), ce.Message)
	}
	return fmt.Sprintf("is not in the catalog %s", src.Name())
}

func joinVersions(v []string) string {
	if len(v) == 0 {
		return "none"
	}
	return strings.Join(v, ", ")
}

// staticKind is the kind of value a mapping builds when its shape says so: an
// object or list literal is JSON, a string literal text; "" when it depends
// on the data.
func staticKind(expr string) catalog.Kind {
	q, err := gojq.Parse(expr)
	if err != nil {
		return ""
	}
	for q.Term == nil && q.Op == gojq.OpPipe && q.Right != nil && len(q.Patterns) == 0 {
		q = q.Right // the last stage of a pipe decides
	}
	if q.Term == nil || len(q.Term.SuffixList) > 0 || len(q.FuncDefs) > 0 {
		return ""
	}
	switch q.Term.Type {
	case gojq.TermTypeObject, gojq.TermTypeArray, gojq.TermTypeNumber, gojq.TermTypeTrue,
		gojq.TermTypeFalse, gojq.TermTypeNull:
		return catalog.KindJSON
	case gojq.TermTypeString:
		return catalog.KindText
	}
	return ""
}
