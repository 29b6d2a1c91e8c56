package pipebuilder

import (
	"bytes"
	_ "embed"
	"fmt"
	"go/format"
	"regexp"
	"strconv"
	"strings"
	"text/template"

	"pipette/catalog"
)

// GoExportOptions tune ExportGo.
type GoExportOptions struct {
	// Server is the default API address compiled into the program; ""
	// means http://127.0.0.1:8080. -server and PIPETTE_API override it.
	Server string
}

// ExportGo writes the chain as a standalone Go program (package main) that
// runs it step by step over the API and prints the result. It uses only the
// standard library, plus github.com/itchyny/gojq when the chain maps an input
// or its output. Every string from the chain enters the program as a Go
// string literal (strconv.Quote), never as code or comment text, so no chain
// content can break or change the program. The program is gofmt'ed.
//
// Validate the chain first: steps whose algorithm takes only binary input
// then get base64 strings decoded to bytes, exactly as Run does.
func ExportGo(c *Chain, opt GoExportOptions) ([]byte, error) {
	if err := c.ensureCompiled(); err != nil {
		return nil, err
	}
	server := opt.Server
	if server == "" {
		server = "http://127.0.0.1:8080"
	}
	data := goData{
		Q:       quote,
		Name:    c.Name,
		Version: c.Version,
		Tagline: c.Tagline,
		Docs:    c.Docs,
		Input:   string(c.Input),
		Output:  c.Output,
		Server:  server,
		JQ:      c.UsesJQ(),
	}
	for _, s := range c.Steps {
		data.Steps = append(data.Steps, goStep{
			ID: s.ID, Algo: s.Algo, Input: s.Input, Each: s.Each,
			BinaryOnly: s.entry.InputKind == catalog.KindBinary,
		})
		if s.Each != "" {
			data.Each = true
		}
	}
	var buf bytes.Buffer
	if err := goTemplate.Execute(&buf, data); err != nil {
		return nil, fmt.Errorf("export chain %s as Go: %w", c.Name, err)
	}
	src, err := format.Source(dropMarkers(buf.Bytes()))
	if err != nil {
		// A bug in the template, never in the chain: its text is quoted.
		return nil, fmt.Errorf("export chain %s as Go: the generated program does not parse: %w", c.Name, err)
	}
	return src, nil
}

type goData struct {
	Q                                           func(string) string
	Name, Version, Tagline, Docs, Input, Output string
	Server                                      string
	JQ, Each                                    bool
	Steps                                       []goStep
}

type goStep struct {
	ID, Algo, Input, Each string
	BinaryOnly            bool
}

// goTemplate is the exported program: templates/program.go from its start
// marker on, which calls in the runner that templates/program_run.go
// defines (see program.go for the template's conventions).
var goTemplate = func() *template.Template {
	t := template.Must(template.New("program.go").
		Delims(`"{{`, `}}"`).
		Funcs(template.FuncMap{"trim": strings.TrimSpace}).
		Parse(templateSource("program.go", programFile)))
	template.Must(t.New("program_run.go").Parse(templateSource("program_run.go", programRunFile)))
	return t
}()

var (
	//go:embed templates/program.go
	programFile string
	//go:embed templates/program_run.go
	programRunFile string
)

// templateSource is the template in file: its text after the start marker.
func templateSource(name, file string) string {
	const start = "//tmpl:start\n"
	i := strings.Index(file, start)
	if i < 0 {
		panic("pipebuilder: templates/" + name + " has no " + strings.TrimSpace(start) + " line")
	}
	return strings.TrimLeft(file[i+len(start):], "\n")
}

// templateLines are the lines the template's own markers leave behind in
// its output, and templateInline the inline ones.
var (
	templateLines  = regexp.MustCompile(`(?m)^[ \t]*(//tmpl:|/\*tmpl:|tmpl:\*/)[ \t]*\n`)
	templateInline = regexp.MustCompile(`[ \t]*/\*tmpl:\*/`)
)

// quote writes s as a Go string literal that never holds an inline marker
// (a chain's text could): "/*tmpl:*/" is written "/\x2atmpl:\x2a/", the
// same string.
func quote(s string) string {
	return strings.ReplaceAll(strconv.Quote(s), "/*tmpl:*/", `/\x2atmpl:\x2a/`)
}

// dropMarkers removes what the template's markers leave in its output.
func dropMarkers(src []byte) []byte {
	src = templateLines.ReplaceAll(src, nil)
	return templateInline.ReplaceAll(src, nil)
}
