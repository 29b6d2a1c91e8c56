package pipebuilder

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/aymanbagabas/go-udiff"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// MarshalOnto writes c as a chain file laid out like src, the file c was
// read from: its comments, blank lines, quoting and indentation stay where
// the fields they belong to are unchanged, the steps keep their comments
// when they are renamed or moved, and only what changed is written anew.
// The result reads back to a chain equal to c, as Marshal's does.
//
// kept is false when src could not serve as the layout (empty, not one YAML
// mapping, or its layout could not be kept without changing what the file
// says): the result is then Marshal's, and src's comments are not in it.
func (c *Chain) MarshalOnto(src []byte) (out []byte, kept bool, err error) {
	want := c.Clone()
	if want.Format == "" {
		want.Format = FormatV1
	}
	// The printer writes \n: a file written on Windows is edited as \n
	// and given its \r\n back.
	crlf := bytes.Contains(src, []byte("\r\n"))
	if crlf {
		src = bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
	}
	tree, body, ok := chainTree(src)
	layout := defaultLayout
	if ok {
		layout = layoutOf(body)
	}
	fresh, err := c.marshal(layout)
	if err != nil && layout != defaultLayout {
		fresh, err = c.marshal(defaultLayout) // an odd indentation may not hold every string
	}
	if err != nil || !ok {
		return fresh, false, err
	}
	for _, candidate := range editOnto(src, tree, body, fresh, want) {
		if crlf {
			candidate = bytes.ReplaceAll(candidate, []byte("\n"), []byte("\r\n"))
		}
		if back, err := parseShape(candidate); err == nil && back.Equal(want) {
			return candidate, true, nil
		}
	}
	return fresh, false, nil
}

// editOnto returns the ways of writing want laid out as src, best first: the
// edited syntax tree printed and its changes applied to src's own lines (so
// that lines the edit did not touch stay byte for byte), then the printed
// tree itself. tree is src's syntax tree and body its chain mapping, which
// the edit changes; fresh is want as Marshal writes it, in src's
// indentation: new fields and steps are taken from it.
func editOnto(src []byte, tree *ast.File, body *ast.MappingNode, fresh []byte, want *Chain) [][]byte {
	have, _ := ParseDraft("", src)
	_, freshBody, ok := chainTree(fresh)
	if have == nil || !ok {
		return nil
	}
	before := tree.String()
	e := &layoutEdit{fresh: freshBody, lines: strings.Split(string(src), "\n")}
	e.chainFields(body, have, want)
	if e.failed {
		return nil
	}
	after := tree.String()
	var out [][]byte
	if merged, ok := applyLineChanges(string(src), before, after); ok {
		out = append(out, []byte(merged))
	}
	if !strings.HasSuffix(after, "\n") {
		after += "\n"
	}
	return append(out, []byte(after))
}

// parseYAMLComments reads the syntax tree with its comments. A panic inside
// the parser becomes an error.
func parseYAMLComments(src []byte) (f *ast.File, err error) {
	defer func() {
		if p := recover(); p != nil {
			f, err = nil, fmt.Errorf("the YAML parser failed on this file (%v)", p)
		}
	}()
	return parser.ParseBytes(src, parser.ParseComments, parser.AllowDuplicateMapKey())
}

// chainTree reads src's syntax tree with its comments, and its one document
// when it is a block mapping that the edits can work on.
func chainTree(src []byte) (*ast.File, *ast.MappingNode, bool) {
	if len(bytes.TrimSpace(src)) == 0 {
		return nil, nil, false
	}
	f, err := parseYAMLComments(src)
	if err != nil {
		return nil, nil, false
	}
	var body ast.Node
	for _, d := range f.Docs {
		if d == nil || d.Body == nil {
			continue
		}
		if body != nil {
			return nil, nil, false
		}
		body = d.Body
	}
	m, ok := body.(*ast.MappingNode)
	if !ok || m.IsFlowStyle {
		return nil, nil, false
	}
	return f, m, true
}

// layoutEdit changes a parsed chain file into the wanted chain, node by
// node, taking the nodes it has to write anew from fresh (the wanted chain as
// Marshal writes it).
type layoutEdit struct {
	fresh  *ast.MappingNode
	lines  []string // the file's lines, to see where it has blank lines
	failed bool     // an edit met a shape it cannot change in place
}

// chainFields brings the chain's own fields of body from have to want.
func (e *layoutEdit) chainFields(body *ast.MappingNode, have, want *Chain) {
	values := map[string][2]string{
		"chain":   {have.Format, want.Format},
		"name":    {have.Name, want.Name},
		"version": {have.Version, want.Version},
		"tagline": {have.Tagline, want.Tagline},
		"docs":    {have.Docs, want.Docs},
		"input":   {string(have.Input), string(want.Input)},
		"output":  {have.Output, want.Output},
	}
	for _, field := range chainFields {
		if field == "steps" {
			e.steps(body, have.Steps, want.Steps)
			continue
		}
		v := values[field]
		e.field(body, e.fresh, field, v[0], v[1], chainFields)
	}
}

// field brings one scalar field of m from the value it has to the one
// wanted: kept as written when equal, its value node replaced (keeping the
// comment after it) when changed, removed when the wanted value is empty and
// the field optional, added in its place in fields' order when missing.
func (e *layoutEdit) field(m, fresh *ast.MappingNode, field, have, want string, fields []string) {
	i := fieldIndex(m, field)
	if i >= 0 && have == want {
		return
	}
	j := fieldIndex(fresh, field)
	switch {
	case i >= 0 && j < 0:
		removeField(m, i)
	case i >= 0:
		replaceValue(m.Values[i], requote(m.Values[i].Value, want, fresh.Values[j].Value))
	case j >= 0:
		insertField(m, insertionPoint(m, field, fields), fresh.Values[j])
	}
}

// removeField deletes the i'th field of m with the comments above it and on
// its line. A comment below it (the last lines of a file) stays, below the
// field before it.
func removeField(m *ast.MappingNode, i int) {
	if foot := m.Values[i].FootComment; foot != nil {
		switch {
		case i > 0 && m.Values[i-1].FootComment == nil:
			m.Values[i-1].FootComment = foot
		case m.FootComment == nil:
			m.FootComment = foot
		}
	}
	m.Values = slices.Delete(m.Values, i, i+1)
}

// insertField puts mv into m at index at. A field that becomes the first
// takes the comment above the old first one: at the top of a file, it is
// the file's.
func insertField(m *ast.MappingNode, at int, mv *ast.MappingValueNode) {
	if at == 0 && len(m.Values) > 0 && m.Values[0].GetComment() != nil && mv.GetComment() == nil {
		_ = mv.SetComment(m.Values[0].GetComment())
		_ = m.Values[0].SetComment(nil)
	}
	m.Values = slices.Insert(m.Values, at, mv)
}

// replaceValue puts v in mv's place, keeping the comment that followed the
// old value on its line.
func replaceValue(mv *ast.MappingValueNode, v ast.Node) {
	if c := mv.Value.GetComment(); c != nil && v.GetComment() == nil {
		_ = v.SetComment(c)
	}
	mv.Value = v
}

// requote writes a new one-line value in the quotes the old value had
// (version: "1.0.0" stays quoted); other values are written as Marshal
// writes them (fresh).
func requote(old ast.Node, want string, fresh ast.Node) ast.Node {
	s, ok := old.(*ast.StringNode)
	if !ok || s.Token == nil || strings.ContainsAny(want, "\n\r") {
		return fresh
	}
	if s.Token.Type != token.SingleQuoteType && s.Token.Type != token.DoubleQuoteType {
		return fresh
	}
	tk := *s.Token
	tk.Value = want
	return &ast.StringNode{BaseNode: &ast.BaseNode{}, Token: &tk, Value: want}
}

// fieldIndex is the index of the first value of m under key, or -1.
func fieldIndex(m *ast.MappingNode, key string) int {
	return slices.IndexFunc(m.Values, func(mv *ast.MappingValueNode) bool { return keyText(mv) == key })
}

func keyText(mv *ast.MappingValueNode) string {
	var k ast.Node = mv.Key
	if mk, ok := k.(*ast.MappingKeyNode); ok {
		k = mk.Value
	}
	if s, ok := k.(*ast.StringNode); ok {
		return s.Value
	}
	if k != nil && k.GetToken() != nil {
		return k.GetToken().Value
	}
	return ""
}

// insertionPoint is where a missing field goes: after the last field of m
// that comes before it in fields' order, else before the first that comes
// after it.
func insertionPoint(m *ast.MappingNode, field string, fields []string) int {
	at := slices.Index(fields, field)
	after := -1
	for i, mv := range m.Values {
		if k := slices.Index(fields, keyText(mv)); k >= 0 && k < at {
			after = i
		}
	}
	if after >= 0 {
		return after + 1
	}
	for i, mv := range m.Values {
		if k := slices.Index(fields, keyText(mv)); k > at {
			return i
		}
	}
	return len(m.Values)
}

// steps brings the steps list from have to want: each wanted step keeps the
// node (and the comments) of the step it was, found by id and, for a
// renamed step, by its place among the others; a new step is written anew
// and a removed one goes with its comments.
func (e *layoutEdit) steps(body *ast.MappingNode, have, want []Step) {
	if slices.EqualFunc(have, want, stepEqual) {
		return
	}
	i := fieldIndex(body, "steps")
	j := fieldIndex(e.fresh, "steps")
	if j < 0 {
		e.failed = true
		return
	}
	freshSeq, _ := e.fresh.Values[j].Value.(*ast.SequenceNode)
	var seq *ast.SequenceNode
	if i >= 0 {
		seq, _ = body.Values[i].Value.(*ast.SequenceNode)
	}
	switch {
	case freshSeq == nil:
		e.failed = true
	case i < 0:
		insertField(body, insertionPoint(body, "steps", chainFields), e.fresh.Values[j])
	case seq == nil || seq.IsFlowStyle || len(seq.Values) != len(have):
		// `steps: []`, a flow list or an odd shape: write the list anew.
		replaceValue(body.Values[i], freshSeq)
	default:
		e.reorder(seq, freshSeq, have, want)
	}
}

func stepEqual(a, b Step) bool {
	return a.ID == b.ID && a.Algo == b.Algo && a.Input == b.Input && a.Each == b.Each
}

// reorder rebuilds seq as the wanted steps, reusing the nodes of matched
// steps (with the comments above them) and editing their fields.
func (e *layoutEdit) reorder(seq, freshSeq *ast.SequenceNode, have, want []Step) {
	match := matchSteps(have, want)
	heads := seq.ValueHeadComments
	if len(heads) != len(seq.Values) {
		heads = make([]*ast.CommentGroupNode, len(seq.Values))
	}
	if heads[0] == nil && seq.Comment != nil && !blankLineAfter(seq.Comment, seq.Values[0]) {
		// The parser gives the comment above the first step to the list;
		// it is the step's, unless a blank line parts them.
		heads[0], seq.Comment = seq.Comment, nil
	}
	// Blank lines between steps belong to the places in the list, not to
	// the steps: a step moved first gets no blank line under `steps:`, and
	// a new step is set apart as the last one was.
	blank := make([]bool, len(seq.Values))
	for i, v := range seq.Values {
		blank[i] = e.blankAbove(leadToken(v, heads[i]))
	}
	values := make([]ast.Node, len(want))
	newHeads := make([]*ast.CommentGroupNode, len(want))
	defer func() {
		for j, v := range values {
			setBlankAbove(leadToken(v, newHeads[j]), blank[min(j, len(blank)-1)])
		}
	}()
	for j, i := range match {
		fresh := freshSeq.Values[j]
		if i < 0 {
			values[j] = fresh
			continue
		}
		values[j], newHeads[j] = seq.Values[i], heads[i]
		if stepEqual(have[i], want[j]) {
			continue
		}
		m, ok := seq.Values[i].(*ast.MappingNode)
		fm, fok := fresh.(*ast.MappingNode)
		if !ok || m.IsFlowStyle || !fok {
			values[j] = fresh // a flow-style step is written anew
			continue
		}
		h, w := have[i], want[j]
		e.field(m, fm, "id", h.ID, w.ID, stepFields)
		e.field(m, fm, "algo", h.Algo, w.Algo, stepFields)
		e.field(m, fm, "input", h.Input, w.Input, stepFields)
		e.field(m, fm, "each", h.Each, w.Each, stepFields)
	}
	seq.Values, seq.ValueHeadComments, seq.Entries = values, newHeads, nil
}

// leadToken is the first token written for a list item: its first comment
// or its first key. It is nil for a flow-style item, which the printer never
// sets apart.
func leadToken(n ast.Node, head *ast.CommentGroupNode) *token.Token {
	if head != nil && len(head.Comments) > 0 && head.Comments[0] != nil {
		return head.Comments[0].Token
	}
	if m, ok := n.(*ast.MappingNode); ok && !m.IsFlowStyle && len(m.Values) > 0 && m.Values[0].Key != nil {
		return m.Values[0].Key.GetToken()
	}
	return nil
}

// blankAbove reports whether the file has a blank line above tk.
func (e *layoutEdit) blankAbove(tk *token.Token) bool {
	if tk == nil || tk.Position == nil {
		return false
	}
	above := tk.Position.Line - 2 // 0-based index of the line above
	return above >= 0 && above < len(e.lines) && strings.TrimSpace(e.lines[above]) == ""
}

// setBlankAbove makes the printer write a blank line above tk, or none. The
// printer decides from the line of the token before (its Prev), so tk is
// given a stand-in one line or two above it.
func setBlankAbove(tk *token.Token, blank bool) {
	if tk == nil || tk.Position == nil {
		return
	}
	gap := 1
	if blank {
		gap = 2
	}
	pos := *tk.Position
	pos.Line -= gap
	tk.Prev = &token.Token{Type: token.CommentType, Position: &pos}
}

// blankLineAfter reports whether a blank line parts comment c from node n
// below it.
func blankLineAfter(c *ast.CommentGroupNode, n ast.Node) bool {
	if len(c.Comments) == 0 {
		return false
	}
	last := c.Comments[len(c.Comments)-1].GetToken()
	first := n.GetToken()
	if m, ok := n.(*ast.MappingNode); ok && len(m.Values) > 0 {
		first = m.Values[0].Key.GetToken()
	}
	if last == nil || first == nil || last.Position == nil || first.Position == nil {
		return false
	}
	return first.Position.Line > last.Position.Line+1
}

// matchSteps says, for each wanted step, which step it was (-1: new). A
// step keeps its id across a move; a renamed one keeps its place between the
// steps around it.
func matchSteps(have, want []Step) []int {
	match := make([]int, len(want))
	used := make([]bool, len(have))
	for j, w := range want {
		match[j] = -1
		for i, h := range have {
			if !used[i] && h.ID == w.ID {
				match[j], used[i] = i, true
				break
			}
		}
	}
	for j := range want {
		if match[j] >= 0 {
			continue
		}
		lo, hi := -1, len(have)
		for k := j - 1; k >= 0 && lo < 0; k-- {
			lo = max(lo, match[k])
		}
		for k := j + 1; k < len(want); k++ {
			if match[k] >= 0 {
				hi = match[k]
				break
			}
		}
		best := -1
		for i := lo + 1; i < hi; i++ {
			if used[i] {
				continue
			}
			if best < 0 || (have[i].Algo == want[j].Algo && have[best].Algo != want[j].Algo) {
				best = i
			}
		}
		if best >= 0 {
			match[j], used[best] = best, true
		}
	}
	return match
}

// applyLineChanges carries the change from before to after (the syntax tree
// printed before and after the edit) over to src, the file as written:
// lines the printer writes differently from src (spacing before a comment, a
// blank line after a block) stay as src has them unless the edit changed
// them, and a line the edit moved is written as src had it. ok is false when
// a change starts or ends inside such a line.
func applyLineChanges(src, before, after string) (string, bool) {
	drift := udiff.Lines(before, src) // how the printer differs from the file
	asWritten := writtenLines(before, drift)
	edits := udiff.Lines(before, after)
	moved := make([]udiff.Edit, 0, len(edits))
	for _, ed := range edits {
		start, ok1 := mapOffset(drift, ed.Start, true)
		end, ok2 := mapOffset(drift, ed.End, ed.Start == ed.End)
		if !ok1 || !ok2 || end < start {
			return "", false
		}
		lines := strings.SplitAfter(ed.New, "\n")
		for k, l := range lines {
			if w, ok := asWritten[l]; ok {
				lines[k] = w
			}
		}
		moved = append(moved, udiff.Edit{Start: start, End: end, New: strings.Join(lines, "")})
	}
	out, err := udiff.Apply(src, moved)
	if err != nil {
		return "", false
	}
	return out, true
}

// writtenLines maps a line as the printer writes it to the line as the file
// has it, where drift pairs them one for one and no printed line stands for
// two different written ones.
func writtenLines(before string, drift []udiff.Edit) map[string]string {
	out := map[string]string{}
	ambiguous := map[string]bool{}
	for _, d := range drift {
		printed := strings.SplitAfter(before[d.Start:d.End], "\n")
		written := strings.SplitAfter(d.New, "\n")
		if len(printed) != len(written) {
			continue
		}
		for k, p := range printed {
			if w, seen := out[p]; seen && w != written[k] {
				ambiguous[p] = true
			}
			out[p] = written[k]
		}
	}
	for p := range ambiguous {
		delete(out, p)
	}
	return out
}

// mapOffset maps an offset in the printed text to the file, through drift
// (the edits that turn the printed text into the file). An offset where the
// file has lines the printer dropped maps to after them when afterDropped
// (the start of a change, or an insertion: a blank line the file had above
// stays above) and before them otherwise (the end of a change: a blank line
// below stays below).
func mapOffset(drift []udiff.Edit, x int, afterDropped bool) (int, bool) {
	shift := 0
	for _, d := range drift {
		switch {
		case d.Start < x && x < d.End:
			return 0, false
		case d.End < x || (d.End == x && d.Start < x):
			shift += len(d.New) - (d.End - d.Start)
		case d.Start == x && d.End == x && afterDropped:
			shift += len(d.New)
		}
	}
	return x + shift, true
}
