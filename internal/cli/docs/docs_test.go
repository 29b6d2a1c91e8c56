package docs_test

import (
	"context"
	"strings"
	"testing"

	"github.com/charmbracelet/colorprofile"
	"github.com/spf13/cobra"

	"pipette/algorithms/builtin"
	"pipette/catalog"
	"pipette/internal/cli/clitest"
	"pipette/internal/cli/command"
	"pipette/internal/cli/docs"
)

// root is `pipette` with only this verb: the test binary links no other.
var root = clitest.Verbs(func(f *command.Factory) *cobra.Command { return docs.NewCmd(f, nil) })

func TestDocs(t *testing.T) {
	t.Parallel()
	r := clitest.New(t, root).UseCatalog(builtin.Registry()).Run("", "docs", "nlp/SentimentAnalysis")
	if r.Code != 0 {
		t.Fatalf("exit %d, stderr %q", r.Code, r.Stderr)
	}
	e, err := builtin.Registry().Get(context.Background(), catalog.MustParseRef("nlp/SentimentAnalysis"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"nlp/SentimentAnalysis " + e.Ref.Version, "license:", "kinds:", "tags:", "samples:",
		"1  " + e.Samples[0].Name, "pipette call nlp/SentimentAnalysis --sample 1",
		strings.TrimSpace(e.Docs),
	} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("docs lack %q:\n%s", want, r.Stdout)
		}
	}
	if strings.Contains(r.Stdout, "\x1b[") {
		t.Errorf("escape codes in piped docs")
	}
}

func TestDocsOnATerminal(t *testing.T) {
	t.Parallel()
	r := clitest.New(t, root).UseCatalog(clitest.Fixtures()).Terminal(70, colorprofile.Ascii).Run("", "docs", "test/Echo")
	if r.Code != 0 {
		t.Fatalf("exit %d, stderr %q", r.Code, r.Stderr)
	}
	plain := clitest.StripANSI(r.Stdout)
	for _, want := range []string{"test/Echo", "returns its input unchanged", "hello", "--sample 1"} {
		if !strings.Contains(plain, want) {
			t.Errorf("docs lack %q:\n%s", want, plain)
		}
	}
}

func TestDocsErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"two algorithms", []string{"docs", "a/b", "c/d"}, 2, "takes one algorithm"},
		{"no algorithm", []string{"docs"}, 2, "name an algorithm, for example `pipette docs nlp/SentimentAnalysis`"},
		{"docs of an unknown algorithm", []string{"docs", "nlp/Nope"}, 1, "algorithm algo://nlp/Nope not found: run `pipette ls`"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := clitest.New(t, root).UseCatalog(clitest.Fixtures()).Run("", tc.args...)
			if r.Code != tc.code {
				t.Errorf("exit %d, want %d (stderr %q)", r.Code, tc.code, r.Stderr)
			}
			clitest.CheckOneSentence(t, r.Stderr, tc.want)
		})
	}
}

// A remote model's docs come from its source, with its card in the header.
func TestDocsOfARemoteModel(t *testing.T) {
	t.Parallel()
	o := clitest.OllamaDocs(t)
	r := clitest.New(t, root).Run("", "--source", "ollama="+o.URL, "docs", "ollama/llama3.2:latest")
	if r.Code != 0 {
		t.Fatalf("exit %d, stderr %q", r.Code, r.Stderr)
	}
	for _, want := range []string{
		"ollama/llama3.2:latest", "model:    chat, 8.0B, Q4_K_M, 8K ctx, 2.0 GB", "source:   ollama",
		"| capabilities | completion, vision |", "## Template", "## Modelfile", "try:      pipette call ollama/llama3.2:latest --sample 1",
	} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("docs lack %q:\n%s", want, r.Stdout)
		}
	}
}
