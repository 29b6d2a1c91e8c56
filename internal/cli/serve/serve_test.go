package serve_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"pipette/catalog"
	"pipette/internal/cli/clitest"
	"pipette/internal/cli/command"
	"pipette/internal/cli/serve"
	"pipette/server"
)

// root is `pipette` with only this verb: the test binary links no other.
var root = clitest.Verbs(func(f *command.Factory) *cobra.Command { return serve.NewCmd(f, nil) })

func TestServeUsageErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"serve arguments", []string{"serve", "now"}, "takes no arguments"},
		{"serve address", []string{"serve", "--addr", "8080"}, `--addr "8080" is not host:port`},
		{"negative body", []string{"serve", "--max-body", "-1"}, "--max-body -1 is negative"},
		{"negative pixels", []string{"serve", "--max-pixels", "-1"}, "--max-pixels -1 is negative"},
		{"negative concurrency", []string{"serve", "--max-concurrent", "-1"}, "--max-concurrent is negative"},
		{"negative queue", []string{"serve", "--queue", "-5"}, "--queue is negative"},
		{"negative queue wait", []string{"serve", "--queue-wait", "-1s"}, "--queue-wait is negative"},
		{"negative rate", []string{"serve", "--body-min-rate", "-1"}, "--body-min-rate is negative"},
		{"negative body rate", []string{"serve", "--body-rate", "-1"}, "--body-rate is negative"},
		{"body rate over 1 TiB/s", []string{"serve", "--body-rate", "1099511627777"}, "--body-rate 1099511627777 is more than"},
		{"body rate 2^63", []string{"serve", "--body-rate", "9223372036854775808"}, "out of range"},
		{"queue over 2^63", []string{"serve", "--queue", "9223372036854775808"}, "out of range"},
		{"metrics address", []string{"serve", "--metrics-addr", "9090"}, `--metrics-addr "9090" is not host:port`},
		{"negative nice", []string{"serve", "--isolate-nice", "-1"}, "--isolate-nice -1 is not a priority from 0"},
		{"nice over 19", []string{"serve", "--isolate-nice", "20"}, "--isolate-nice 20 is not a priority from 0"},
		{"nice 2^31", []string{"serve", "--isolate-nice", "2147483648"}, "--isolate-nice 2147483648 is not a priority from 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := clitest.New(t, root).UseCatalog(clitest.Fixtures()).Run("", tc.args...)
			if r.Code != 2 {
				t.Errorf("exit %d, want 2 (stderr %q)", r.Code, r.Stderr)
			}
			clitest.CheckOneSentence(t, r.Stderr, tc.want)
		})
	}
}

// TestServeFlags reads the flags and the environment into Options without
// serving.
func TestServeFlags(t *testing.T) {
	t.Parallel()
	h := clitest.New(t, root).Setenv(serve.EnvKeys, "k2,k3,")
	f, _, _ := h.Factory(strings.NewReader(""))
	var got *serve.Options
	cmd := serve.NewCmd(f, func(_ context.Context, o *serve.Options) error { got = o; return nil })
	cmd.SetArgs([]string{"--addr", "0.0.0.0:0", "--api-key", "k1", "--allow-anonymous", "--max-body", "1024", "--chains", "dir"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Addr != "0.0.0.0:0" || !got.AllowAnonymous || got.MaxBody != 1024 || got.ChainsDir != "dir" {
		t.Errorf("options %+v", *got)
	}
	if !got.Isolate || got.IsolateNice != 19 {
		t.Errorf("--isolate defaults to %v at nice %d, want true at 19", got.Isolate, got.IsolateNice)
	}
	if got.Tuning.BodyRate != server.DefaultBodyRate {
		t.Errorf("--body-rate defaults to %d, want server.DefaultBodyRate", got.Tuning.BodyRate)
	}
	if want := []string{"k1", "k2", "k3", ""}; !slices.Equal(got.Keys, want) {
		t.Errorf("keys %q, want %q (blank ones are the server's to drop)", got.Keys, want)
	}

	cmd = serve.NewCmd(f, func(_ context.Context, o *serve.Options) error { got = o; return nil })
	cmd.SetArgs([]string{"--max-concurrent", "3", "--max-concurrent-per-algo", "2", "--queue", "7", "--queue-wait", "2s",
		"--max-conns", "99", "--call-memory", "1000000", "--body-grace", "3s", "--body-min-rate", "100", "--write-timeout", "4s",
		"--body-rate", "1000", "--metrics-addr", "127.0.0.1:0"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	want := serve.Tuning{Limits: server.Limits{MaxRunning: 3, MaxRunningPerAlgo: 2, MaxQueue: 7, QueueWait: 2 * time.Second},
		MaxConns: 99, CallMemory: 1000000, BodyGrace: 3 * time.Second, BodyMinRate: 100, BodyRate: 1000, Write: 4 * time.Second, MetricsAddr: "127.0.0.1:0"}
	if got.Tuning != want {
		t.Errorf("tuning %+v, want %+v", got.Tuning, want)
	}
}

func TestServeChainsFolderProblems(t *testing.T) {
	t.Parallel()
	h := clitest.New(t, root).UseCatalog(clitest.Fixtures())
	r := h.Run("", "serve", "--chains", filepath.Join(t.TempDir(), "none"), "--addr", "127.0.0.1:0")
	if r.Code != 2 {
		t.Errorf("missing folder: exit %d", r.Code)
	}
	clitest.CheckOneSentence(t, r.Stderr, "no such folder")
	file := clitest.WriteFile(t, "echo.yaml", clitest.EchoChain)
	r = h.Run("", "serve", "--chains", file, "--addr", "127.0.0.1:0")
	if r.Code != 2 {
		t.Errorf("a file for a folder: exit %d", r.Code)
	}
	clitest.CheckOneSentence(t, r.Stderr, "is a file, not a folder")
}

func TestServeChainsLibrary(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	chain := func(file, name, algo string) {
		src := "chain: v1\nname: " + name + "\nversion: 1.0.0\ninput: text\nsteps:\n  - id: only\n    algo: " + algo + "\n"
		if err := os.WriteFile(filepath.Join(dir, file), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	chain("outer.yaml", "chains/Outer", "chains/Inner/1.0.0") // a chain calling a chain
	chain("inner.yaml", "chains/Inner", "test/Echo/1.0.0")
	chain("ping.yaml", "chains/Ping", "chains/Pong/1.0.0") // a cycle
	chain("pong.yaml", "chains/Pong", "chains/Ping/1.0.0")
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not a chain"), 0o644)

	f, _, errw := clitest.New(t, root).Factory(strings.NewReader(""))
	lib, err := serve.LoadChains(t.Context(), f.IO, dir, false, clitest.Fixtures(), clitest.Fixtures())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range lib.Chains() {
		names = append(names, c.Name)
	}
	if strings.Join(names, " ") != "chains/Inner chains/Outer" {
		t.Errorf("served %v, want the two chains outside the cycle", names)
	}
	out, err := lib.Combined().Run(t.Context(), catalog.MustParseRef("chains/Outer"), catalog.Text("through two chains"))
	if err != nil || out.Value.Text != "through two chains" {
		t.Errorf("chains/Outer: %v, %v", out.Value.Summary(100), err)
	}
	lines := strings.Split(strings.TrimRight(errw.String(), "\n"), "\n")
	if len(lines) == 0 || !strings.Contains(errw.String(), "cycle") || !strings.Contains(errw.String(), "chains/Ping") || !strings.Contains(errw.String(), "chains/Pong") {
		t.Errorf("the cycle is not reported with its chains:\n%s", errw.String())
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "warning: left out: ") {
			t.Errorf("stderr line %q is not a warning", l)
		}
	}
}
