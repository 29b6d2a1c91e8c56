package pipebuilder

import (
	"fmt"
	"slices"

	"pipette/catalog"
	"pipette/internal/jqeval"
)

// FormatV1 is the only chain format version so far: the value of `chain:`.
const FormatV1 = "v1"

// Chain is one chain file. The exported fields are the file; Compile (done by
// Parse and Load) checks them and compiles the jq mappings.
type Chain struct {
	Format  string       // "v1"
	Name    string       // owner/name: what the chain is published as
	Version string       // exact semantic version, 1.0.0
	Tagline string       // one line
	Docs    string       // markdown
	Input   catalog.Kind // text, json or binary
	Steps   []Step
	Output  string // jq over {input, steps}; "" means the last step's result

	// File is where the chain was read from ("" when built in memory); it
	// prefixes error positions.
	File string

	compiled bool
	output   *jqeval.Program
	pos      positions
}

// Step is one algorithm call.
type Step struct {
	ID    string // unique in the chain: [A-Za-z_][A-Za-z0-9_]*, so `.steps.ID` works in jq
	Algo  string // owner/name[/version or range]
	Input string // jq; "" means the previous step's result, unchanged
	Each  string // jq producing a list; the step runs once per element

	ref   catalog.Ref
	input *jqeval.Program
	each  *jqeval.Program
	// entry is the catalog entry the step resolved to in Validate; its zero
	// value means the chain has not been validated against a catalog.
	entry catalog.Entry
}

// Ref is the step's parsed algorithm reference (valid after Compile).
func (s *Step) Ref() catalog.Ref { return s.ref }

// Entry is the catalog entry the step resolved to, and whether Validate has
// resolved it.
func (s *Step) Entry() (catalog.Entry, bool) { return s.entry, s.entry.Ref.Name != "" }

// Ref is the chain's name and version as an algorithm reference.
func (c *Chain) Ref() (catalog.Ref, error) {
	r, err := catalog.ParseRef(c.Name)
	if err != nil {
		return catalog.Ref{}, err
	}
	if r.Version != "" {
		return catalog.Ref{}, fmt.Errorf("chain name %q must be owner/name; put the version in `version:`", c.Name)
	}
	return r.WithVersion(c.Version), nil
}

// StepIndex returns the index of the step with id, or -1.
func (c *Chain) StepIndex(id string) int {
	return slices.IndexFunc(c.Steps, func(s Step) bool { return s.ID == id })
}

// Equal reports whether two chains are the same file: every exported field
// but File equal.
func (c *Chain) Equal(o *Chain) bool {
	if c == nil || o == nil {
		return c == o
	}
	if c.Format != o.Format || c.Name != o.Name || c.Version != o.Version || c.Tagline != o.Tagline ||
		c.Docs != o.Docs || c.Input != o.Input || c.Output != o.Output || len(c.Steps) != len(o.Steps) {
		return false
	}
	for i := range c.Steps {
		a, b := c.Steps[i], o.Steps[i]
		if a.ID != b.ID || a.Algo != b.Algo || a.Input != b.Input || a.Each != b.Each {
			return false
		}
	}
	return true
}

// Clone returns a deep copy that shares nothing mutable with c (compiled jq
// code is immutable and shared).
func (c *Chain) Clone() *Chain {
	d := *c
	d.Steps = slices.Clone(c.Steps)
	d.pos = c.pos.clone()
	return &d
}

// UsesJQ reports whether any step maps its input or the chain maps its output:
// only then does exported Go need gojq.
func (c *Chain) UsesJQ() bool {
	if c.Output != "" {
		return true
	}
	for _, s := range c.Steps {
		if s.Input != "" || s.Each != "" {
			return true
		}
	}
	return false
}
