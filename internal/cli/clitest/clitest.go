// Package clitest runs pipette's command line in a test: a whole command
// line in this process, with streams, environment and catalog of the test's
// own, so that tests run in parallel; the fixtures catalog; and the checks
// every verb's tests make of what a user reads.
package clitest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/charmbracelet/colorprofile"
	"github.com/spf13/cobra"

	"pipette/algorithms"
	"pipette/internal/cli/command"
	"pipette/internal/cli/iostreams"
)

// Result is what one run of the command line produced.
type Result struct {
	Stdout, Stderr string
	Code           int
}

// Harness runs command lines for one test. Its environment is empty but
// for PIPETTE_DISCOVER=0 and a Data API store in a temporary folder (the
// developer's $PIPETTE_API and $HOME, so their config.yaml, do not leak in,
// and a local Ollama does not join the catalog) and its catalog is the
// fixtures (UseCatalog(builtin.Registry()) for the built-in one).
type Harness struct {
	t       testing.TB
	newRoot func(*command.Factory) *cobra.Command
	catalog func() *algorithms.Registry
	env     map[string]string

	tty     bool
	width   int
	dark    bool
	profile colorprofile.Profile
}

// New returns a harness that runs command lines on the root newRoot makes
// (cli.NewRootCmd, or Verbs(…) for a verb's own tests: a test binary then
// links only that verb), on the fixtures catalog, writing to pipes.
func New(t testing.TB, newRoot func(*command.Factory) *cobra.Command) *Harness {
	// The Data API's store is the test's own, never the developer's.
	env := map[string]string{command.EnvDiscover: "0", command.EnvData: t.TempDir()}
	return &Harness{t: t, newRoot: newRoot, catalog: Fixtures, env: env, dark: true, profile: colorprofile.NoTTY}
}

// Verbs makes the root of a command line holding only the given verbs,
// with the global flags and error handling of the real one.
func Verbs(verbs ...func(*command.Factory) *cobra.Command) func(*command.Factory) *cobra.Command {
	return func(f *command.Factory) *cobra.Command {
		root := &cobra.Command{Use: "pipette"}
		command.PrepareRoot(root, f)
		for _, v := range verbs {
			root.AddCommand(v(f))
		}
		return root
	}
}

// UseCatalog makes reg the in-process catalog.
func (h *Harness) UseCatalog(reg *algorithms.Registry) *Harness {
	h.catalog = func() *algorithms.Registry { return reg }
	return h
}

// Setenv sets a variable of the environment the command line sees.
func (h *Harness) Setenv(key, value string) *Harness {
	h.env[key] = value
	return h
}

// Terminal makes every stream a terminal of the given width, with a dark
// background and the given colour profile (colorprofile.Ascii shows the
// text without colours).
func (h *Harness) Terminal(width int, profile colorprofile.Profile) *Harness {
	h.tty, h.width, h.profile = true, width, profile
	return h
}

// Factory returns a Factory over buffers, with the harness's environment,
// catalog and terminal.
func (h *Harness) Factory(stdin io.Reader) (f *command.Factory, out, errOut *bytes.Buffer) {
	ios, out, errOut := iostreams.Test(stdin)
	ios.SetTerminal(h.tty, h.width, h.dark, h.profile)
	env := maps.Clone(h.env)
	f = &command.Factory{IO: ios, Getenv: func(k string) string { return env[k] }, Catalog: h.catalog}
	return f, out, errOut
}

// Run runs one command line with stdin as given.
func (h *Harness) Run(stdin string, args ...string) Result {
	h.t.Helper()
	f, out, errOut := h.Factory(strings.NewReader(stdin))
	code := command.Execute(context.Background(), h.newRoot(f), args, f)
	return Result{out.String(), errOut.String(), code}
}

// CheckOneSentence asserts that stderr is one line containing want, with no
// Go internals in it.
func CheckOneSentence(t testing.TB, stderr, want string) {
	t.Helper()
	if !strings.Contains(stderr, want) {
		t.Errorf("stderr %q, want it to contain %q", stderr, want)
	}
	if n := strings.Count(strings.TrimRight(stderr, "\n"), "\n"); n > 0 {
		t.Errorf("stderr has %d lines, want one: %q", n+1, stderr)
	}
	for _, bad := range []string{"goroutine ", "panic", ".go:", "Usage:"} {
		if strings.Contains(stderr, bad) {
			t.Errorf("stderr shows %q: %q", bad, stderr)
		}
	}
}

// StripANSI removes CSI escape sequences.
func StripANSI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '[' {
			j := i + 2
			for j < len(s) && (s[j] < 0x40 || s[j] > 0x7e) {
				j++
			}
			i = j
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// WriteFile writes src to a file of that name in a new temporary folder and
// returns its path.
func WriteFile(t testing.TB, name, src string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// RepoRoot is the folder of pipette's go.mod, for tests that read
// examples/ and testdata or build the binary.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}

// TraceLines decodes the JSON lines `run --trace` writes on stderr.
func TraceLines(t testing.TB, stderr string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for line := range strings.SplitSeq(strings.TrimRight(stderr, "\n"), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("trace line is not JSON (%v): %q", err, line)
		}
		out = append(out, m)
	}
	return out
}

// RunBinary runs the built binary with args and no stdin, as a shell would,
// in the repository's root (so examples/… paths work), with $PIPETTE_API
// cleared, discovery off and a Data API store of the test's own.
func RunBinary(t testing.TB, bin string, args ...string) Result {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = RepoRoot()
	cmd.Env = append(os.Environ(), "PIPETTE_API=", command.EnvDiscover+"=0", command.EnvData+"="+t.TempDir())
	var out, errw bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errw
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return Result{out.String(), errw.String(), code}
}
