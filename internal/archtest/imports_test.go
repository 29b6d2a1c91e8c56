package archtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
)

// mayImport lists, for each part of pipette, the other parts it may import
// (itself and the helpers under internal/ always). The arrows of
// docs/DESIGN.md: ui → pipebuilder → client → catalog; server → client,
// catalog; algorithms → catalog. A part not listed here fails the test
// until it is placed.
var mayImport = map[string][]string{
	"catalog":     nil,
	"data":        {"catalog"},
	"client":      {"catalog", "data"},
	"algorithms":  {"catalog", "data"},
	"pipebuilder": {"catalog", "client"},
	"sources":     {"catalog", "client"},
	"server":      {"catalog", "client", "data"},
	"themes":      nil,
	"config":      {"sources", "themes"},
	"ui":          {"catalog", "client", "pipebuilder", "themes", "config"},
	"internal":    {"catalog"}, // helpers: below everything but catalog's types
	// The command line, the benchmarks and the end-to-end tests sit on top.
	"internal/cli": {"*"},
	"bench":        {"*"},
	"e2e":          {"*"},
	"pipette":      {"*"}, // main.go
}

// noTerminalUI are the parts that must not depend, even indirectly, on the
// terminal UI: they serve HTTP, run models, or are libraries for both.
var noTerminalUI = []string{"catalog", "data", "client", "algorithms", "pipebuilder", "sources", "server", "internal"}

// terminalUI are the import paths of the terminal UI.
var terminalUI = []string{"charm.land/bubbletea", "charm.land/bubbles", "charm.land/lipgloss", "charm.land/glamour", "pipette/ui"}

type pkg struct {
	ImportPath string
	Imports    []string
	Deps       []string
}

// part is the part of pipette a package belongs to: internal/cli for
// everything under it, internal for the other helpers, else the first
// element of its path.
func part(path string) string {
	rel, ok := strings.CutPrefix(path, "pipette/")
	switch {
	case path == "pipette":
		return "pipette"
	case !ok:
		return "" // not pipette's
	case rel == "internal/cli" || strings.HasPrefix(rel, "internal/cli/"):
		return "internal/cli"
	case strings.HasPrefix(rel, "internal/"):
		return "internal"
	}
	first, _, _ := strings.Cut(rel, "/")
	return first
}

// goList runs go list once for the tests of this file.
var goList = sync.OnceValues(func() ([]byte, error) {
	out, err := exec.Command("go", "list", "-json=ImportPath,Imports,Deps", "pipette/...").Output()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		err = fmt.Errorf("go list: %v\n%s", err, ee.Stderr)
	}
	return out, err
})

func listPackages(t *testing.T) []pkg {
	t.Helper()
	out, err := goList()
	if err != nil {
		t.Fatal(err)
	}
	var pkgs []pkg
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p pkg
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 10 {
		t.Fatalf("go list found %d packages", len(pkgs))
	}
	return pkgs
}

func TestImportDirection(t *testing.T) {
	t.Parallel()
	for _, p := range listPackages(t) {
		from := part(p.ImportPath)
		allowed, known := mayImport[from]
		if !known {
			t.Errorf("%s is in a part of pipette the import rules do not know (%q): add it to mayImport in %s, and to docs/DESIGN.md", p.ImportPath, from, "internal/archtest/imports_test.go")
			continue
		}
		if slices.Contains(allowed, "*") {
			continue
		}
		for _, imp := range p.Imports {
			to := part(imp)
			if to == "" || to == from || to == "internal" || slices.Contains(allowed, to) {
				continue
			}
			t.Errorf("%s imports %s: %s may only import %v (docs/DESIGN.md, Layout)", p.ImportPath, imp, from, append(allowed, "internal/…"))
		}
	}
}

func TestNoTerminalUIBelowTheUI(t *testing.T) {
	t.Parallel()
	for _, p := range listPackages(t) {
		if !slices.Contains(noTerminalUI, part(p.ImportPath)) {
			continue
		}
		for _, dep := range p.Deps {
			for _, ui := range terminalUI {
				if dep == ui || strings.HasPrefix(dep, ui+"/") {
					t.Errorf("%s depends on %s: %s serves or runs models and must not need the terminal UI", p.ImportPath, dep, part(p.ImportPath))
				}
			}
		}
	}
}

// TestRulesCatchAReverseImport: the rules are not vacuous.
func TestRulesCatchAReverseImport(t *testing.T) {
	t.Parallel()
	if part("pipette/client/snippet") != "client" || part("pipette/internal/cli/ls") != "internal/cli" || part("pipette/internal/human") != "internal" {
		t.Error("part() misfiles packages")
	}
	if slices.Contains(mayImport["catalog"], "client") || slices.Contains(mayImport["client"], "pipebuilder") || slices.Contains(mayImport["pipebuilder"], "ui") {
		t.Error("a reverse import is allowed")
	}
}
