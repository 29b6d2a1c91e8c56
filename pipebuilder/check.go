package pipebuilder

import (
	"fmt"
	"strings"

	"pipette/catalog"
)

// Compile checks a chain built or edited in memory (everything Parse checks
// but the YAML itself) and compiles its jq mappings. Call it after changing
// any field; Run refuses a chain that has not compiled. Problems carry the
// field and step index (and positions when the chain came from a file).
func (c *Chain) Compile() error {
	if c.pos == nil {
		c.pos = positions{}
	}
	ps := &problems{c: c}
	c.check(ps)
	return ps.list.orNil()
}

// ensureCompiled compiles the chain unless it already has: Run, Validate
// and the exports need its compiled mappings, and a chain loaded once and
// run many times (a published one) must not be checked again on each call.
func (c *Chain) ensureCompiled() error {
	if c.compiled {
		return nil
	}
	return c.Compile()
}

func kindOf(s string) catalog.Kind { return catalog.Kind(strings.TrimSpace(s)) }

// isIdent reports whether id can be written `.steps.ID` in jq.
func isIdent(id string) bool {
	if id == "" {
		return false
	}
	for i, r := range id {
		switch {
		case r == '_', r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

func (c *Chain) check(ps *problems) {
	c.compiled = false
	before := len(ps.list)
	root := c.pos.at("")
	switch {
	case c.Format == "" && c.pos["chain"] == (scalarPos{}):
		ps.addAt(root, "chain", -1, "the file does not say it is a chain: start it with `chain: v1`")
	case c.Format != FormatV1:
		ps.add("chain", -1, "`chain: %s` is not a chain format pipette knows: write `chain: v1`", c.Format)
	}
	switch ref, err := catalog.ParseRef(c.Name); {
	case c.Name == "" && c.pos["name"] == (scalarPos{}):
		ps.addAt(root, "name", -1, "the chain has no `name`: give it the owner/name it is published as, such as demo/MemeGenerator")
	case err != nil:
		ps.add("name", -1, "`name` must be owner/name, such as demo/MemeGenerator: %v", err)
	case ref.Version != "":
		ps.add("name", -1, "`name` must be owner/name without a version; put %s in `version`", ref.Version)
	}
	switch _, err := catalog.ParseVersion(c.Version); {
	case c.Version == "" && c.pos["version"] == (scalarPos{}):
		ps.addAt(root, "version", -1, "the chain has no `version`: give it an exact version such as 1.0.0")
	case err != nil:
		ps.add("version", -1, "`version` must be an exact version such as 1.0.0, not %q", c.Version)
	}
	switch c.Input {
	case catalog.KindText, catalog.KindJSON, catalog.KindBinary:
	default:
		if c.Input == "" && c.pos["input"] == (scalarPos{}) {
			ps.addAt(root, "input", -1, "the chain has no `input`: say what it takes, text, json or binary")
		} else {
			ps.add("input", -1, "`input` must be text, json or binary, not %q", c.Input)
		}
	}
	if len(c.Steps) == 0 && c.pos["steps"] != (scalarPos{}) {
		ps.add("steps", -1, "the chain has no steps: list at least one step with an `id` and an `algo`")
	}

	index := map[string]int{} // step id → index of its first use
	for i := range c.Steps {
		s := &c.Steps[i]
		field := fmt.Sprintf("steps[%d]", i)
		at := c.pos.at(field)
		_, idKey := c.pos[field+".id:key"]
		_, idVal := c.pos[field+".id"]
		switch first, dup := index[s.ID]; {
		case s.ID == "" && idKey && !idVal:
			// The value was not a string: already reported.
		case s.ID == "" && !idKey:
			ps.addAt(at, field+".id", i, "step %d has no `id`: give it a short name such as detect", i+1)
		case s.ID == "":
			ps.add(field+".id", i, "step %d has an empty `id`: give it a short name such as detect", i+1)
		case !isIdent(s.ID):
			ps.add(field+".id", i, "step id %q must be a name of letters, digits and _ (not starting with a digit), so that mappings can write .steps.%s", s.ID, s.ID)
		case dup:
			ps.add(field+".id", i, "step id `%s` is used twice: steps %d and %d; give each step its own id", s.ID, first+1, i+1)
		default:
			index[s.ID] = i
		}
		s.ref = catalog.Ref{}
		_, algoKey := c.pos[field+".algo:key"]
		_, algoVal := c.pos[field+".algo"]
		if s.Algo == "" && algoKey && !algoVal {
			// The value was not a string: already reported.
		} else if s.Algo == "" {
			what := "has no `algo`"
			if algoKey {
				what = "has an empty `algo`"
			}
			ps.addAt(orPos(c.pos.at(field+".algo"), at), field+".algo", i, "step %s %s: name the algorithm it calls as owner/name/version, such as nlp/SentimentAnalysis/1.0.0", c.stepName(i), what)
		} else if ref, err := catalog.ParseRef(s.Algo); err != nil {
			ps.add(field+".algo", i, "step %s: %v", c.stepName(i), err)
		} else {
			s.ref = ref
		}
		if s.Input != "" && s.Each != "" {
			ps.add(field+".each", i, "step %s has both `input` and `each`: map its input with one of them (each runs the step once per element of a list)", c.stepName(i))
		}
	}

	// Mappings see the chain input and the steps before them; `output` sees every step.
	for i := range c.Steps {
		s := &c.Steps[i]
		field := fmt.Sprintf("steps[%d]", i)
		s.input, s.each = nil, nil
		if s.Input != "" {
			s.input = c.compileJQ(ps, field+".input", i, s.Input, index)
		}
		if s.Each != "" {
			s.each = c.compileJQ(ps, field+".each", i, s.Each, index)
		}
	}
	c.output = nil
	if c.Output != "" {
		c.output = c.compileJQ(ps, "output", len(c.Steps), c.Output, index)
	}
	c.compiled = len(ps.list) == before
}

func orPos(p, fallback Pos) Pos {
	if p.known() {
		return p
	}
	return fallback
}

// stepName names step i in a message: its id, or its number when it has none.
func (c *Chain) stepName(i int) string {
	if c.Steps[i].ID != "" {
		return "`" + c.Steps[i].ID + "`"
	}
	return fmt.Sprint(i + 1)
}
