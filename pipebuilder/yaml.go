package pipebuilder

import (
	"fmt"

	"github.com/goccy/go-yaml"
)

// yamlChain and yamlStep fix the order Marshal writes fields in: the order of
// docs/DESIGN.md.
type yamlChain struct {
	Chain   string     `yaml:"chain"`
	Name    string     `yaml:"name"`
	Version string     `yaml:"version"`
	Tagline string     `yaml:"tagline,omitempty"`
	Docs    string     `yaml:"docs,omitempty"`
	Input   string     `yaml:"input"`
	Steps   []yamlStep `yaml:"steps"`
	Output  string     `yaml:"output,omitempty"`
}

type yamlStep struct {
	ID    string `yaml:"id"`
	Algo  string `yaml:"algo"`
	Input string `yaml:"input,omitempty"`
	Each  string `yaml:"each,omitempty"`
}

// Marshal writes the chain as a chain file that Parse reads back to an equal
// chain (multi-line docs and mappings as literal blocks, when that round
// trips). It refuses a chain that would not round trip.
func (c *Chain) Marshal() ([]byte, error) {
	y := yamlChain{
		Chain: c.Format, Name: c.Name, Version: c.Version, Tagline: c.Tagline, Docs: c.Docs,
		Input: string(c.Input), Output: c.Output, Steps: make([]yamlStep, len(c.Steps)),
	}
	if y.Chain == "" {
		y.Chain = FormatV1
	}
	for i, s := range c.Steps {
		y.Steps[i] = yamlStep{ID: s.ID, Algo: s.Algo, Input: s.Input, Each: s.Each}
	}
	want := c.Clone()
	want.Format = y.Chain
	// Literal blocks read best, but YAML cannot keep every string that way
	// (leading spaces, trailing blanks): check, and fall back to quoting.
	var lastErr error
	for _, literal := range []bool{true, false} {
		b, err := marshalYAML(y, literal)
		if err != nil {
			lastErr = err
			continue
		}
		if back, err := parseShape(b); err == nil && back.Equal(want) {
			return b, nil
		} else if err != nil {
			lastErr = err
		} else {
			lastErr = fmt.Errorf("the written file reads back differently")
		}
	}
	return nil, fmt.Errorf("write chain %s as YAML: %w", c.Name, lastErr)
}

// parseShape reads a chain's fields without requiring them to be right, so
// that Marshal can verify its own output even for a chain that does not
// compile yet (a draft in the builder).
func parseShape(src []byte) (*Chain, error) {
	c, err := ParseDraft("", src)
	if c == nil {
		return nil, err
	}
	return c, nil
}

// marshalYAML writes y; a panic inside the encoder becomes an error.
func marshalYAML(y yamlChain, literal bool) (b []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			b, err = nil, fmt.Errorf("the YAML encoder failed (%v)", p)
		}
	}()
	return yaml.MarshalWithOptions(y, yaml.Indent(2), yaml.IndentSequence(true), yaml.UseLiteralStyleIfMultiline(literal))
}
