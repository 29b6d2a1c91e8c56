package data_test

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"pipette/algorithms"
	store "pipette/data"
	"pipette/internal/cli/clitest"
	"pipette/internal/cli/data"
	"pipette/server"
)

// harnesses are the verbs on this machine's store and, with --server, on a
// server's: the same command lines give the same answers.

// root is `pipette` with only this verb: the test binary links no other.
var root = clitest.Verbs(data.NewCmd)

func harnesses(t *testing.T) map[string]*clitest.Harness {
	t.Helper()
	st, err := store.Open(context.Background(), t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	reg := algorithms.NewRegistry("test")
	ts := httptest.NewServer(server.New(server.Config{Source: reg, Runner: reg, Data: st, Keys: []string{"k"}}))
	t.Cleanup(ts.Close)
	return map[string]*clitest.Harness{
		"local":  clitest.New(t, root),
		"server": clitest.New(t, root).Setenv("PIPETTE_API", ts.URL).Setenv("PIPETTE_API_KEY", "k"),
	}
}

func TestDataVerbs(t *testing.T) {
	t.Parallel()
	for name, h := range harnesses(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			a, b := filepath.Join(dir, "T-800.txt"), filepath.Join(dir, "R2-D2.txt")
			os.WriteFile(a, []byte("Cyberdyne Systems Series 800"), 0o600)
			os.WriteFile(b, []byte("beep"), 0o600)
			run := func(stdin string, args ...string) clitest.Result {
				t.Helper()
				r := h.Run(stdin, append([]string{"data"}, args...)...)
				if r.Code != 0 {
					t.Fatalf("pipette data %s: exit %d: %s", strings.Join(args, " "), r.Code, r.Stderr)
				}
				return r
			}
			if r := run("", "mkdir", "data://.my/robots"); r.Stderr != "Created directory data://.my/robots\n" {
				t.Errorf("mkdir said %q", r.Stderr)
			}
			if r := run("", "put", a, b, "data://.my/robots"); !strings.Contains(r.Stderr, "Uploaded data://.my/robots/T-800.txt (28 bytes)") {
				t.Errorf("put said %q", r.Stderr)
			}
			run("notes from stdin", "put", "-", "data://.my/robots/stdin.txt")
			run("", "mkdir", "data://.my/robots/friendly")
			if r := run("", "ls", "data://.my/robots"); r.Stdout != "friendly/\nR2-D2.txt\nT-800.txt\nstdin.txt\n" {
				t.Errorf("ls:\n%s", r.Stdout)
			}
			long := run("", "ls", "-l", "data://.my/robots").Stdout
			if !regexp.MustCompile(`(?m)^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+28\s+T-800\.txt\s*$`).MatchString(long) {
				t.Errorf("ls -l:\n%s", long)
			}
			if r := run("", "ls"); r.Stdout != "robots/\n" {
				t.Errorf("ls of .my: %q", r.Stdout)
			}
			if r := run("", "get", "data://.my/robots/stdin.txt", "-"); r.Stdout != "notes from stdin" {
				t.Errorf("get to stdout: %q", r.Stdout)
			}
			out := t.TempDir()
			run("", "get", "data://.my/robots/T-800.txt", out)
			if got, _ := os.ReadFile(filepath.Join(out, "T-800.txt")); string(got) != "Cyberdyne Systems Series 800" {
				t.Errorf("get into a folder: %q", got)
			}
			run("", "rm", "data://.my/robots/R2-D2.txt")
			r := h.Run("", "data", "rm", "data://.my/robots")
			if r.Code != 1 || !strings.Contains(r.Stderr, "is not empty: delete it with everything in it with pipette data rm -r") {
				t.Errorf("rm of a full directory: %d %q", r.Code, r.Stderr)
			}
			if r := run("", "rm", "-r", "data://.my/robots"); !strings.Contains(r.Stderr, "Deleted directory data://.my/robots (2 files)") {
				t.Errorf("rm -r said %q", r.Stderr)
			}
			for _, tc := range []struct {
				args  []string
				code  int
				words string
			}{
				{[]string{"ls", "robots"}, 2, `"robots" is not a data reference`},
				{[]string{"get", "data://.my/robots/T-800.txt"}, 1, "does not exist"},
				{[]string{"put", a, "data://.my/../x"}, 1, `".." segment`},
				{[]string{"put", filepath.Join(dir, "none"), "data://.my/x"}, 1, "none"},
				{[]string{"put", "-", "data://.my/d/"}, 2, "stdin (-) has no name"},
				{[]string{"mkdir", "data://.my/a/b"}, 1, "data://.my/a does not exist"},
			} {
				r := h.Run("", append([]string{"data"}, tc.args...)...)
				if r.Code != tc.code || !strings.Contains(r.Stderr, tc.words) || strings.Contains(r.Stderr, "goroutine") {
					t.Errorf("data %v: exit %d, stderr %q; want %d saying %q", tc.args, r.Code, r.Stderr, tc.code, tc.words)
				}
			}
		})
	}
}
