package pipebuilder

import (
	"errors"
	"fmt"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"

	"pipette/internal/chainfile"
)

// The fields of a chain file and of a step, in the order Marshal writes them.
var (
	chainFields = []string{"chain", "name", "version", "tagline", "docs", "input", "steps", "output"}
	stepFields  = []string{"id", "algo", "input", "each"}
)

// Load reads and compiles the chain file at path, through chainfile.Read
// (regular files only, at most 4 MiB). Its error is an Errors listing every
// problem with path:line:column, an *os.PathError, or chainfile's sentence.
func Load(path string) (*Chain, error) {
	src, err := chainfile.Read(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, src)
}

// LoadDraft is Load for a chain being edited: what can be read, with its
// problems (ParseDraft).
func LoadDraft(path string) (*Chain, error) {
	src, err := chainfile.Read(path)
	if err != nil {
		return nil, err
	}
	return ParseDraft(path, src)
}

// Parse reads a chain from src; name is the file name used in error
// positions. It checks everything that needs no catalog (fields, ids, jq
// syntax, references between steps) and compiles the jq mappings; Validate
// checks the algorithms against a catalog. The error is an Errors.
func Parse(name string, src []byte) (*Chain, error) {
	c, errs := parse(name, src)
	if len(errs) > 0 {
		return nil, errs
	}
	return c, nil
}

// ParseDraft is Parse for a chain being edited (the builder's autosaved
// draft, a file with mistakes to fix): it returns what could be read even
// when there are problems, with the problems. The chain is nil only when the
// YAML itself cannot be read. A draft with problems does not run until
// Compile accepts it.
func ParseDraft(name string, src []byte) (*Chain, error) {
	c, errs := parse(name, src)
	return c, errs.orNil()
}

func parse(name string, src []byte) (*Chain, Errors) {
	c := &Chain{File: name, pos: positions{}}
	ps := &problems{c: c}
	f, err := parseYAML(src)
	if err != nil {
		ps.addAt(yamlErrorPos(err), "", -1, "this is not valid YAML: %s", yamlErrorMessage(err))
		return nil, ps.list
	}
	var body ast.Node
	for i, d := range f.Docs {
		if d == nil || d.Body == nil {
			continue
		}
		if body != nil {
			ps.addAt(nodePos(d.Body), "", -1, "a chain file holds one chain; this is document %d", i+1)
			return nil, ps.list
		}
		body = d.Body
	}
	if body == nil {
		ps.addAt(Pos{Line: 1, Col: 1}, "", -1, "the file is empty: a chain starts with `chain: v1` and lists its `steps`")
		return nil, ps.list
	}
	m, ok := mapping(ps, body, "", -1, "a chain")
	if !ok {
		return nil, ps.list
	}
	c.pos[""] = scalarPos{start: nodePos(body)}
	seen := map[string]Pos{}
	for _, mv := range m.Values {
		key, kpos, ok := keyName(ps, mv, -1)
		if !ok {
			continue
		}
		if first, dup := seen[key]; dup {
			ps.addAt(kpos, key, -1, "`%s` is set twice (first on line %d)", key, first.Line)
			continue
		}
		seen[key] = kpos
		c.pos[key+":key"] = scalarPos{start: kpos}
		switch key {
		case "chain":
			c.Format, _ = scalar(ps, c, key, mv.Value, -1)
		case "name":
			c.Name, _ = scalar(ps, c, key, mv.Value, -1)
		case "version":
			c.Version, _ = scalar(ps, c, key, mv.Value, -1)
		case "tagline":
			c.Tagline, _ = scalar(ps, c, key, mv.Value, -1)
		case "docs":
			c.Docs, _ = scalar(ps, c, key, mv.Value, -1)
		case "input":
			s, _ := scalar(ps, c, key, mv.Value, -1)
			c.Input = kindOf(s)
		case "output":
			c.Output, _ = scalar(ps, c, key, mv.Value, -1)
		case "steps":
			parseSteps(ps, c, mv.Value)
		default:
			ps.addAt(kpos, key, -1, "unknown field `%s`%s: a chain has %s", key, suggest(key, chainFields), listFields(chainFields))
		}
	}
	if _, ok := seen["steps"]; !ok {
		ps.addAt(c.pos.at(""), "steps", -1, "the chain has no `steps`: list at least one step with an `id` and an `algo`")
	}
	c.check(ps)
	if len(ps.list) > 0 {
		c.compiled = false
	}
	return c, ps.list
}

func parseSteps(ps *problems, c *Chain, n ast.Node) {
	n = unwrap(ps, n, "steps", -1)
	if n == nil {
		return
	}
	if isNull(n) {
		c.pos["steps"] = scalarPos{start: nodePos(n)}
		return
	}
	seq, ok := n.(*ast.SequenceNode)
	if !ok {
		ps.addAt(nodePos(n), "steps", -1, "`steps` should be a list of steps (`- id: …`), not %s", describe(n))
		return
	}
	c.pos["steps"] = scalarPos{start: nodePos(n)}
	for i, item := range seq.Values {
		field := fmt.Sprintf("steps[%d]", i)
		c.Steps = append(c.Steps, Step{})
		st := &c.Steps[i]
		m, ok := mapping(ps, item, field, i, "a step")
		if !ok {
			continue
		}
		c.pos[field] = scalarPos{start: nodePos(item)}
		seen := map[string]Pos{}
		for _, mv := range m.Values {
			key, kpos, ok := keyName(ps, mv, i)
			if !ok {
				continue
			}
			f := field + "." + key
			if first, dup := seen[key]; dup {
				ps.addAt(kpos, f, i, "`%s` is set twice in step %d (first on line %d)", key, i+1, first.Line)
				continue
			}
			seen[key] = kpos
			c.pos[f+":key"] = scalarPos{start: kpos}
			switch key {
			case "id":
				st.ID, _ = scalar(ps, c, f, mv.Value, i)
			case "algo":
				st.Algo, _ = scalar(ps, c, f, mv.Value, i)
			case "input":
				st.Input, _ = scalar(ps, c, f, mv.Value, i)
			case "each":
				st.Each, _ = scalar(ps, c, f, mv.Value, i)
			default:
				ps.addAt(kpos, f, i, "unknown field `%s` in step %d%s: a step has %s", key, i+1, suggest(key, stepFields), listFields(stepFields))
			}
		}
	}
}

// parseYAML reads the YAML syntax tree. A panic inside the parser (none is
// known; the fuzz test looks for them) becomes an error, never a crash.
func parseYAML(src []byte) (f *ast.File, err error) {
	defer func() {
		if p := recover(); p != nil {
			f, err = nil, fmt.Errorf("the YAML parser failed on this file (%v)", p)
		}
	}()
	return parser.ParseBytes(src, 0, parser.AllowDuplicateMapKey())
}

// mapping returns n as a mapping, or records that it should be one.
func mapping(ps *problems, n ast.Node, field string, step int, what string) (*ast.MappingNode, bool) {
	n = unwrap(ps, n, field, step)
	if n == nil {
		return nil, false
	}
	m, ok := n.(*ast.MappingNode)
	if !ok {
		ps.addAt(nodePos(n), field, step, "%s should be a mapping of `field: value` lines, not %s", what, describe(n))
		return nil, false
	}
	return m, true
}

// unwrap looks through tags and anchors, and refuses aliases: a chain file
// is plain data, and an alias would make positions lie.
func unwrap(ps *problems, n ast.Node, field string, step int) ast.Node {
	for {
		switch t := n.(type) {
		case *ast.TagNode:
			n = t.Value
		case *ast.AnchorNode:
			n = t.Value
		case *ast.AliasNode:
			ps.addAt(nodePos(n), field, step, "aliases (*name) are not allowed in a chain file: write the value out")
			return nil
		case *ast.DocumentNode:
			n = t.Body
		default:
			return n
		}
		if n == nil {
			return &ast.NullNode{BaseNode: &ast.BaseNode{}}
		}
	}
}

func keyName(ps *problems, mv *ast.MappingValueNode, step int) (string, Pos, bool) {
	var k ast.Node = mv.Key
	if mk, ok := k.(*ast.MappingKeyNode); ok {
		k = mk.Value
	}
	pos := nodePos(k)
	switch t := k.(type) {
	case *ast.StringNode:
		return t.Value, pos, true
	case ast.ScalarNode:
		if tk := t.GetToken(); tk != nil {
			return tk.Value, pos, true
		}
	}
	ps.addAt(pos, "", step, "a key here should be a plain field name")
	return "", pos, false
}

// scalar reads a string-valued field and records where its content is.
// Numbers and booleans are read as the text written (version: 1.0 is "1.0").
func scalar(ps *problems, c *Chain, field string, n ast.Node, step int) (string, bool) {
	n = unwrap(ps, n, field, step)
	if n == nil {
		return "", false
	}
	tk := n.GetToken()
	sp := scalarPos{start: nodePos(n)}
	var s string
	switch t := n.(type) {
	case *ast.NullNode:
		c.pos[field] = sp
		return "", true
	case *ast.StringNode:
		s = t.Value
		switch tk.Type {
		case token.DoubleQuoteType:
			sp.start.Col++
			sp.exact = !strings.Contains(tk.Origin, `\`) && !strings.Contains(s, "\n")
		case token.SingleQuoteType:
			sp.start.Col++
			sp.exact = !strings.Contains(s, "'") && !strings.Contains(s, "\n")
		default:
			sp.exact = !strings.Contains(s, "\n")
		}
	case *ast.LiteralNode:
		s = t.Value.Value
		// Content starts on the line after the indicator, at the block's
		// indentation (the token's origin keeps it).
		if sp.start.known() && t.Value != nil && t.Value.Token != nil {
			first, _, _ := strings.Cut(t.Value.Token.Origin, "\n")
			sp.start = Pos{Line: sp.start.Line + 1, Col: len(first) - len(strings.TrimLeft(first, " ")) + 1}
		}
		// A literal block (|) keeps its lines as written, so an offset maps
		// onto them; a folded one (>) joins lines and does not.
		sp.exact = strings.HasPrefix(t.Start.Value, "|")
		sp.indent = sp.start.Col
	case *ast.MappingNode, *ast.SequenceNode:
		if isJQField(field) {
			// jq's {…} and […] are YAML's flow collections too: the usual
			// slip, so say how to write it.
			ps.addAt(nodePos(n), field, step, "`%s` is a jq expression, but YAML read it as %s: put it in single quotes, %s: '%s'",
				lastField(field), describe(n), lastField(field), strings.ReplaceAll(n.String(), "'", "''"))
			return "", false
		}
		ps.addAt(nodePos(n), field, step, "`%s` should be a string, not %s", lastField(field), describe(n))
		return "", false
	case ast.ScalarNode:
		s = tk.Value
		sp.exact = true
	default:
		ps.addAt(nodePos(n), field, step, "`%s` should be a string, not %s", lastField(field), describe(n))
		return "", false
	}
	c.pos[field] = sp
	return s, true
}

func isJQField(field string) bool {
	switch lastField(field) {
	case "input":
		return field != "input"
	case "each", "output":
		return true
	}
	return false
}

func lastField(field string) string {
	if i := strings.LastIndexByte(field, '.'); i >= 0 {
		return field[i+1:]
	}
	return field
}

func isNull(n ast.Node) bool { _, ok := n.(*ast.NullNode); return ok }

func describe(n ast.Node) string {
	switch n.(type) {
	case *ast.MappingNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	case *ast.NullNode:
		return "empty"
	}
	if tk := n.GetToken(); tk != nil {
		return fmt.Sprintf("%q", tk.Value)
	}
	return "this"
}

func nodePos(n ast.Node) Pos {
	if n == nil {
		return Pos{}
	}
	// A block mapping's token is its first ':'; it starts at its first key.
	if m, ok := n.(*ast.MappingNode); ok && !m.IsFlowStyle && len(m.Values) > 0 && m.Values[0].Key != nil {
		return nodePos(m.Values[0].Key)
	}
	tk := n.GetToken()
	if tk == nil || tk.Position == nil {
		return Pos{}
	}
	return Pos{Line: tk.Position.Line, Col: tk.Position.Column}
}

func yamlErrorPos(err error) Pos {
	var se *yaml.SyntaxError
	if errors.As(err, &se) && se.Token != nil && se.Token.Position != nil {
		return Pos{Line: se.Token.Position.Line, Col: se.Token.Position.Column}
	}
	return Pos{}
}

func yamlErrorMessage(err error) string {
	var se *yaml.SyntaxError
	if errors.As(err, &se) {
		return se.Message
	}
	return err.Error()
}

func listFields(fields []string) string {
	quoted := make([]string, len(fields))
	for i, f := range fields {
		quoted[i] = "`" + f + "`"
	}
	return strings.Join(quoted[:len(quoted)-1], ", ") + " and " + quoted[len(quoted)-1]
}

// suggest names the field the user probably meant, when one is close.
func suggest(got string, fields []string) string {
	best, bestD := "", 3
	for _, f := range fields {
		if d := editDistance(strings.ToLower(got), f); d < bestD {
			best, bestD = f, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean `%s`?)", best)
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
