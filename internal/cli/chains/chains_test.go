package chains_test

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"pipette/internal/cli/clitest"
	"pipette/internal/cli/command"
	"pipette/internal/cli/export"
	"pipette/internal/cli/run"
	"pipette/internal/cli/validate"
)

// root is `pipette` with the three verbs that read chain files.
var root = clitest.Verbs(
	func(f *command.Factory) *cobra.Command { return run.NewCmd(f, nil) },
	func(f *command.Factory) *cobra.Command { return validate.NewCmd(f, nil) },
	func(f *command.Factory) *cobra.Command { return export.NewCmd(f, nil) },
)

// problemLine is how a problem in a chain file reaches stderr.
var problemLine = regexp.MustCompile(`^pipette: .+\.yaml:\d+:\d+: \S.*$`)

// TestChainFileProblems: run, validate and export say a chain file's
// problems alike, one `pipette: FILE:LINE:COL: sentence` line each.
func TestChainFileProblems(t *testing.T) {
	t.Parallel()
	cases := []struct{ name, src, want string }{
		{"malformed.yaml", "chain: v1\nname: t/Bad\nversion: 1.0.0\ninput: text\nsteps:\n  - id: a\n   algo: [x\n", "malformed.yaml:7:4: this is not valid YAML"},
		{"jq.yaml", "chain: v1\nname: t/Bad\nversion: 1.0.0\ninput: text\nsteps:\n  - id: a\n    algo: test/Echo/1.0.0\n    input: '.input | lenght('\n", "jq.yaml:8:29: jq syntax error in `input` of step `a`: unexpected EOF"},
		{"unknown.yaml", "chain: v1\nname: t/Bad\nversion: 1.0.0\ninput: text\nsteps:\n  - id: a\n    algo: test/Nope/1.0.0\n", "unknown.yaml:7:11: step `a` calls test/Nope/1.0.0, which is not in the catalog"},
		{"field.yaml", "chain: v1\nname: t/Bad\nversion: 1.0.0\ninput: text\nsteps:\n  - id: a\n    algo: test/Echo/1.0.0\n    inptu: .input\n", "field.yaml:8:5: unknown field `inptu` in step 1 (did you mean `input`?)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := clitest.New(t, root).UseCatalog(clitest.Fixtures())
			path := clitest.WriteFile(t, tc.name, tc.src)
			for _, verb := range [][]string{{"run", path, "-t", "x"}, {"validate", path}, {"export", path, "--go"}} {
				r := h.Run("", verb...)
				if r.Code != 1 {
					t.Errorf("%s: exit %d, want 1", verb[0], r.Code)
				}
				clitest.CheckOneSentence(t, r.Stderr, tc.want)
				if !problemLine.MatchString(strings.TrimRight(r.Stderr, "\n")) {
					t.Errorf("%s: %q is not `pipette: FILE:LINE:COL: sentence`", verb[0], r.Stderr)
				}
				if r.Stdout != "" {
					t.Errorf("%s printed %q", verb[0], r.Stdout)
				}
			}
		})
	}

	t.Run("several problems", func(t *testing.T) {
		t.Parallel()
		path := clitest.WriteFile(t, "two.yaml", "chain: v1\nname: t/Bad\nversion: 1.0.0\ninput: text\nsteps:\n  - id: a\n    algo: test/Echo/1.0.0\n    input: '.steps.b'\n  - id: b\n    algo: test/Echo/1.0.0\n    each: '[.input'\n")
		r := clitest.New(t, root).UseCatalog(clitest.Fixtures()).Run("", "validate", path)
		lines := strings.Split(strings.TrimRight(r.Stderr, "\n"), "\n")
		if r.Code != 1 || len(lines) != 2 {
			t.Fatalf("want two problems, exit 1: %+v", r)
		}
		for _, l := range lines {
			if !problemLine.MatchString(l) {
				t.Errorf("%q is not `pipette: FILE:LINE:COL: sentence`", l)
			}
		}
	})
	t.Run("missing file", func(t *testing.T) {
		t.Parallel()
		r := clitest.New(t, root).UseCatalog(clitest.Fixtures()).Run("", "run", filepath.Join(t.TempDir(), "nope.yaml"), "-t", "x")
		if r.Code != 2 {
			t.Errorf("exit %d, want 2", r.Code)
		}
		clitest.CheckOneSentence(t, r.Stderr, "nope.yaml does not exist")
	})
}
