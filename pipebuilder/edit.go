package pipebuilder

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"pipette/catalog"
)

// The editing helpers below are what the builder does to a chain; each
// recompiles it and returns the problems (nil when the chain is sound), so a
// user sees at once what an edit broke.

// NewChain starts an empty chain named name (owner/name) at version 0.1.0
// taking input of kind in.
func NewChain(name string, in catalog.Kind) *Chain {
	return &Chain{Format: FormatV1, Name: name, Version: "0.1.0", Input: in, pos: positions{}}
}

// AddStep appends a step calling algo (owner/name[/version]) with an id made
// from the algorithm's name ("SentimentAnalysis" → "sentimentanalysis",
// then "sentimentanalysis2"…) and returns its index.
func (c *Chain) AddStep(algo string) (int, error) {
	ref, err := catalog.ParseRef(algo)
	if err != nil {
		return -1, err
	}
	base := strings.Map(func(r rune) rune {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_') {
			return unicode.ToLower(r)
		}
		return -1
	}, ref.Name)
	if base == "" || !isIdent(base) {
		base = "step" + base
	}
	id := base
	for n := 2; c.StepIndex(id) >= 0; n++ {
		id = base + strconv.Itoa(n)
	}
	c.Steps = append(c.Steps, Step{ID: id, Algo: algo})
	return len(c.Steps) - 1, c.Compile()
}

// RemoveStep deletes step i. Mappings that used its result now refer to no
// step: the returned problems say where.
func (c *Chain) RemoveStep(i int) error {
	if i < 0 || i >= len(c.Steps) {
		return fmt.Errorf("no step %d: the chain has %d", i+1, len(c.Steps))
	}
	c.Steps = slices.Delete(c.Steps, i, i+1)
	return c.Compile()
}

// MoveStep moves step i to index j. A mapping that now refers to a later
// step is reported.
func (c *Chain) MoveStep(i, j int) error {
	if i < 0 || i >= len(c.Steps) || j < 0 || j >= len(c.Steps) {
		return fmt.Errorf("cannot move step %d to %d: the chain has %d steps", i+1, j+1, len(c.Steps))
	}
	s := c.Steps[i]
	c.Steps = slices.Insert(slices.Delete(c.Steps, i, i+1), j, s)
	return c.Compile()
}

// RenameStep gives step i a new id and rewrites the references to the old
// one in every mapping (.steps.old, .steps["old"], .steps."old").
func (c *Chain) RenameStep(i int, id string) error {
	if i < 0 || i >= len(c.Steps) {
		return fmt.Errorf("no step %d: the chain has %d", i+1, len(c.Steps))
	}
	if !isIdent(id) {
		return fmt.Errorf("step id %q must be a name of letters, digits and _ (not starting with a digit)", id)
	}
	if j := c.StepIndex(id); j >= 0 && j != i {
		return fmt.Errorf("step %d already has the id %s", j+1, id)
	}
	old := c.Steps[i].ID
	c.Steps[i].ID = id
	if old != "" && old != id {
		quoted, _ := json.Marshal(old)
		re := regexp.MustCompile(`\.steps(\s*)(\.` + regexp.QuoteMeta(old) + `\b|\[\s*` + regexp.QuoteMeta(string(quoted)) + `\s*\]|\.` + regexp.QuoteMeta(string(quoted)) + `)`)
		rewrite := func(expr string) string {
			return re.ReplaceAllString(expr, ".steps$1."+id)
		}
		for j := range c.Steps {
			c.Steps[j].Input = rewrite(c.Steps[j].Input)
			c.Steps[j].Each = rewrite(c.Steps[j].Each)
		}
		c.Output = rewrite(c.Output)
	}
	return c.Compile()
}

// InputValue reads raw bytes (a file, standard input, a request body) as the
// chain's input: text as it is, JSON decoded, binary as bytes.
func (c *Chain) InputValue(raw []byte) (catalog.Value, error) {
	switch c.Input {
	case catalog.KindJSON:
		v, err := catalog.DecodeJSON(raw)
		if err != nil {
			return catalog.Value{}, fmt.Errorf("chain %s takes JSON input, and this is not JSON: %w", c.Name, err)
		}
		return catalog.JSON(v), nil
	case catalog.KindBinary:
		return catalog.Bytes(raw), nil
	}
	return catalog.Text(string(raw)), nil
}

// Pipeline is the chain's steps in one line, "detect → lines → caption".
func (c *Chain) Pipeline() string {
	ids := make([]string, len(c.Steps))
	for i, s := range c.Steps {
		ids[i] = s.ID
		if s.Each != "" {
			ids[i] += "[]"
		}
	}
	return strings.Join(ids, " → ")
}
