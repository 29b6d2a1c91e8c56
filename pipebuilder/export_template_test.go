package pipebuilder_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"pipette/pipebuilder"
)

// TestExportTemplateVets: the exported program's template is Go that vet
// and gofmt accept, with every feature compiled in.
func TestExportTemplateVets(t *testing.T) {
	t.Parallel()
	if out, err := exec.Command("gofmt", "-l", "templates").CombinedOutput(); err != nil || len(out) > 0 {
		t.Errorf("gofmt -l templates: %s %v", out, err)
	}
	if out, err := exec.Command("go", "vet", "-tags", "exporttemplate", "./templates").CombinedOutput(); err != nil {
		t.Errorf("go vet -tags exporttemplate ./templates: %v\n%s", err, out)
	}
}

// TestExportKeepsMarkersInChainText: a chain's text that looks like the
// template's own markup (its delimiters, its markers) reaches the program
// as the same strings.
func TestExportKeepsMarkersInChainText(t *testing.T) {
	t.Parallel()
	odd := `/*tmpl:*/ //tmpl:"{{end}}" "{{call $.Q .Name}}" }}" tmpl:*/ /*tmpl:`
	src := "chain: v1\nname: odd/Markers\nversion: 1.0.0\n" +
		"tagline: " + strconv.Quote(odd) + "\ndocs: " + strconv.Quote(odd+"\n"+odd) + "\ninput: text\n" +
		"steps:\n  - id: a\n    algo: test/Echo/1.0.0\n    input: " + strconv.Quote(".input + "+strconv.Quote(odd)) + "\n"
	c := validated(t, src)
	prog, err := pipebuilder.ExportGo(c, pipebuilder.GoExportOptions{Server: "http://x/" + odd})
	if err != nil {
		t.Fatal(err)
	}
	f, err := parser.ParseFile(token.NewFileSet(), "main.go", prog, 0)
	if err != nil {
		t.Fatalf("the program does not parse: %v\n%s", err, prog)
	}
	lits := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if bl, ok := n.(*ast.BasicLit); ok && bl.Kind == token.STRING {
			if s, err := strconv.Unquote(bl.Value); err == nil {
				lits[s] = true
			}
		}
		return true
	})
	for _, want := range []string{c.Tagline, c.Docs, c.Steps[0].Input, "http://x/" + odd} {
		if !lits[want] {
			t.Errorf("no string literal %q in the program", want)
		}
	}
	if strings.Contains(string(prog), "tmpl:start") {
		t.Errorf("the template's header reached the program")
	}
}
