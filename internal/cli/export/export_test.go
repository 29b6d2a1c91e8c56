package export_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/charmbracelet/colorprofile"
	"github.com/spf13/cobra"

	"pipette/internal/cli/clitest"
	"pipette/internal/cli/command"
	"pipette/internal/cli/export"
	"pipette/pipebuilder"
)

// root is `pipette` with only this verb: the test binary links no other.
var root = clitest.Verbs(func(f *command.Factory) *cobra.Command { return export.NewCmd(f, nil) })

func TestExport(t *testing.T) {
	t.Parallel()
	h := clitest.New(t, root).UseCatalog(clitest.Fixtures())
	path := clitest.WriteFile(t, "echo.yaml", clitest.EchoChain)
	want, err := pipebuilder.Load(path)
	if err != nil {
		t.Fatal(err)
	}

	r := h.Run("", "export", path, "--yaml")
	if r.Code != 0 {
		t.Fatalf("%+v", r)
	}
	back, err := pipebuilder.Parse("back.yaml", []byte(r.Stdout))
	if err != nil || !back.Equal(want) {
		t.Errorf("exported YAML does not reload equal (%v):\n%s", err, r.Stdout)
	}

	// --go compiles in the server it was pointed at as the default address.
	out := filepath.Join(t.TempDir(), "prog", "main.go")
	const addr = "http://127.0.0.1:9999"
	r = h.Run("", "--server", addr, "export", path, "--go", "-o", out)
	// The fixtures are not on that server: validation fails, nothing written.
	if r.Code != 1 {
		t.Errorf("export against an unreachable server: %+v", r)
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("wrote %s although the chain could not be checked", out)
	}
	r = h.Run("", "export", path, "--go", "-o", out)
	src, _ := os.ReadFile(out)
	if r.Code != 0 || !strings.Contains(string(src), "package main") || !strings.Contains(string(src), strconv.Quote("test/EchoTwice")) {
		t.Errorf("export --go -o: %+v\n%s", r, src)
	}

	r = h.Run("", "export", path, "--shell")
	if r.Code != 0 || !strings.Contains(r.Stdout, "curl") || !strings.HasPrefix(r.Stdout, "#!") {
		t.Errorf("export --shell: %+v", r)
	}

	for _, args := range [][]string{{"export", path}, {"export", path, "--go", "--yaml"}, {"export"}, {"export", path, path, "--go"}} {
		r := h.Run("", args...)
		if r.Code != 2 {
			t.Errorf("%v: exit %d, want 2", args, r.Code)
		}
		if strings.Count(strings.TrimRight(r.Stderr, "\n"), "\n") != 0 || !strings.Contains(r.Stderr, "pipette export --help") {
			t.Errorf("%v: %q", args, r.Stderr)
		}
	}
}

// TestExportOnATerminal: export -o says what it wrote and, for Go, how to
// build it.
func TestExportOnATerminal(t *testing.T) {
	t.Parallel()
	h := clitest.New(t, root).UseCatalog(clitest.Fixtures()).Terminal(80, colorprofile.Ascii)
	path := clitest.WriteFile(t, "frame.yaml", clitest.PictureChain)
	out := filepath.Join(t.TempDir(), "card", "main.go")
	r := h.Run("", "export", path, "--go", "-o", out)
	errs := clitest.StripANSI(r.Stderr)
	if r.Code != 0 || !strings.Contains(errs, "wrote chain test/Frame as a Go program to "+out) || !strings.Contains(errs, "go mod init chain && go mod tidy && go build") {
		t.Errorf("%+v", r)
	}
}

// TestExportServerDefault: the Go program's default address is --server,
// else $PIPETTE_API.
func TestExportServerDefault(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		env  string
		args []string
		want string
	}{
		{"", []string{"c.yaml", "--go"}, ""},
		{"10.0.0.1:8080", []string{"c.yaml", "--go"}, "http://10.0.0.1:8080"},
		{"10.0.0.1:8080", []string{"c.yaml", "--go", "--server", "https://api.example"}, "https://api.example"},
	} {
		h := clitest.New(t, root).Setenv(command.EnvServer, tc.env)
		f, _, _ := h.Factory(strings.NewReader(""))
		var got *export.Options
		cmd := export.NewCmd(f, func(_ context.Context, o *export.Options) error { got = o; return nil })
		f.Global.Bind(cmd.PersistentFlags())
		cmd.SetArgs(tc.args)
		if err := cmd.Execute(); err != nil {
			t.Fatal(err)
		}
		if got.Server != tc.want || got.Format != export.Go || got.Path != "c.yaml" {
			t.Errorf("%s %v: options %+v, want server %q", tc.env, tc.args, *got, tc.want)
		}
	}
}
