package pipebuilder

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"
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
// trips). It refuses a chain that would not round trip. MarshalOnto writes
// it laid out as the file it came from.
func (c *Chain) Marshal() ([]byte, error) { return c.marshal(defaultLayout) }

// yamlLayout is how a chain file is indented: the width of one level, and
// whether a list's dashes are indented under their key.
type yamlLayout struct {
	indent      int
	indentItems bool
}

// defaultLayout is DESIGN.md's: two spaces, dashes indented.
var defaultLayout = yamlLayout{indent: 2, indentItems: true}

// layoutOf reads the indentation of a chain file (its top mapping, body):
// whether the steps' dashes are indented under `steps:`, and the width of a
// level, from a literal block's text under its key or else from the dashes.
func layoutOf(body *ast.MappingNode) yamlLayout {
	layout, dash := yamlLayout{indentItems: true}, 0
	if i := fieldIndex(body, "steps"); i >= 0 {
		seq, ok := body.Values[i].Value.(*ast.SequenceNode)
		if ok && !seq.IsFlowStyle && len(seq.Values) > 0 {
			dash = column(seq.Start) - column(body.Values[i].Key.GetToken())
			layout.indentItems = dash > 0
			for _, item := range seq.Values {
				if m, ok := item.(*ast.MappingNode); ok && !m.IsFlowStyle {
					layout.indent = blockIndent(m.Values, layout.indent)
				}
			}
		}
	}
	layout.indent = blockIndent(body.Values, layout.indent)
	if layout.indent == 0 {
		layout.indent = 2
		if dash >= 2 && dash <= 8 {
			layout.indent = dash
		}
	}
	return layout
}

// blockIndent is how far the first literal block among values is indented
// under its key; found, when a block has been found already (or none is).
func blockIndent(values []*ast.MappingValueNode, found int) int {
	if found > 0 {
		return found
	}
	for _, mv := range values {
		lit, ok := mv.Value.(*ast.LiteralNode)
		if !ok || lit.Value == nil || lit.Value.Token == nil {
			continue
		}
		for _, line := range strings.Split(lit.Value.Token.Origin, "\n") {
			if strings.TrimSpace(line) == "" {
				continue
			}
			w := len(line) - len(strings.TrimLeft(line, " ")) + 1 - column(mv.Key.GetToken())
			if w >= 2 && w <= 8 {
				return w
			}
			break
		}
	}
	return found
}

func column(tk *token.Token) int {
	if tk == nil || tk.Position == nil {
		return 0
	}
	return tk.Position.Column
}

func (c *Chain) marshal(layout yamlLayout) ([]byte, error) {
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
		b, err := marshalYAML(y, layout, literal)
		if err != nil {
			lastErr = err
			continue
		}
		// The encoder indents the blank lines of a block; a blank line
		// reads the same without the spaces, where it does.
		for _, b := range [][]byte{blankLinesTrimmed(b), b} {
			if back, err := parseShape(b); err == nil && back.Equal(want) {
				return b, nil
			} else if err != nil {
				lastErr = err
			} else {
				lastErr = fmt.Errorf("the written file reads back differently")
			}
		}
	}
	return nil, fmt.Errorf("write chain %s as YAML: %w", c.Name, lastErr)
}

// blankLinesTrimmed is b with its lines of spaces only made empty.
func blankLinesTrimmed(b []byte) []byte {
	lines := bytes.Split(b, []byte("\n"))
	for i, l := range lines {
		if len(bytes.TrimLeft(l, " ")) == 0 {
			lines[i] = nil
		}
	}
	return bytes.Join(lines, []byte("\n"))
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
func marshalYAML(y yamlChain, layout yamlLayout, literal bool) (b []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			b, err = nil, fmt.Errorf("the YAML encoder failed (%v)", p)
		}
	}()
	return yaml.MarshalWithOptions(y, yaml.Indent(layout.indent), yaml.IndentSequence(layout.indentItems), yaml.UseLiteralStyleIfMultiline(literal))
}
