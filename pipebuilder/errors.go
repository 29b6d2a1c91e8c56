package pipebuilder

import (
	"fmt"
	"maps"
	"strings"
	"unicode/utf8"
)

// Pos is a 1-based line and column in a chain file. The zero Pos is unknown.
type Pos struct{ Line, Col int }

func (p Pos) known() bool { return p.Line > 0 }

// Problem is one thing wrong with a chain, said in a plain sentence and
// placed as precisely as the chain's source allows.
type Problem struct {
	File  string // "" for a chain built in memory
	Pos   Pos    // zero when unknown (a chain built in memory)
	Field string // where in the chain: "name", "steps[2].input", "" for the whole file
	Step  int    // index of the step it concerns, -1 for the chain itself
	Msg   string
}

func (p *Problem) Error() string {
	var b strings.Builder
	switch {
	case p.File != "" && p.Pos.known():
		fmt.Fprintf(&b, "%s:%d:%d: ", p.File, p.Pos.Line, p.Pos.Col)
	case p.Pos.known():
		fmt.Fprintf(&b, "%d:%d: ", p.Pos.Line, p.Pos.Col)
	case p.File != "":
		fmt.Fprintf(&b, "%s: ", p.File)
	}
	if !p.Pos.known() && p.Field != "" {
		b.WriteString(p.Field + ": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// Errors is every problem found in a chain, in file order. Load, Parse,
// Compile and Validate return it so that a user fixes everything at once.
type Errors []*Problem

func (e Errors) Error() string {
	lines := make([]string, len(e))
	for i, p := range e {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

// ForStep returns the problems that concern step i (for showing them inline).
func (e Errors) ForStep(i int) Errors {
	var out Errors
	for _, p := range e {
		if p.Step == i {
			out = append(out, p)
		}
	}
	return out
}

func (e Errors) orNil() error {
	if len(e) == 0 {
		return nil
	}
	return e
}

// scalarPos is where a scalar's content sits in the source, so that an
// offset inside it (a jq syntax error) maps to a line and column.
type scalarPos struct {
	start  Pos  // first character of the content
	exact  bool // content characters map one to one onto source characters
	indent int  // block scalars: the column (1-based) content lines start at
}

// positions maps field paths ("steps[1].input") to where they are; a key
// name with ":key" is where the key itself is.
type positions map[string]scalarPos

func (p positions) clone() positions { return maps.Clone(p) }

func (p positions) at(field string) Pos { return p[field].start }

// offset returns the position of byte offset off inside the field's value.
func (p positions) offset(field, value string, off int) Pos {
	sp, ok := p[field]
	if !ok {
		return Pos{}
	}
	if !sp.exact || off < 0 || off > len(value) {
		return sp.start
	}
	before := value[:off]
	nl := strings.Count(before, "\n")
	if nl == 0 {
		return Pos{Line: sp.start.Line, Col: sp.start.Col + utf8.RuneCountInString(before)}
	}
	last := before[strings.LastIndexByte(before, '\n')+1:]
	indent := sp.indent
	if indent == 0 {
		indent = 1
	}
	return Pos{Line: sp.start.Line + nl, Col: indent + utf8.RuneCountInString(last)}
}

// problems collects Problems for one chain.
type problems struct {
	c    *Chain
	list Errors
}

func (ps *problems) add(field string, step int, format string, args ...any) {
	ps.addAt(ps.c.pos.at(field), field, step, format, args...)
}

func (ps *problems) addAt(pos Pos, field string, step int, format string, args ...any) {
	ps.list = append(ps.list, &Problem{File: ps.c.File, Pos: pos, Field: field, Step: step, Msg: fmt.Sprintf(format, args...)})
}
