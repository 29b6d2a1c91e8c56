package cli_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"pipette/algorithms/builtin"
	"pipette/catalog"
	"pipette/internal/cli"
	"pipette/internal/cli/clitest"
	"pipette/internal/cli/command"
	"pipette/server"
)

// TestRootErrors: mistakes the root command catches, before any verb runs.
func TestRootErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"unknown command", []string{"frobnicate"}, 2, `unknown command or chain file "frobnicate"`},
		{"unknown flag", []string{"--bogus"}, 2, "unknown flag: --bogus"},
		{"bad server", []string{"--server", "ftp://x", "ls"}, 2, `server address "ftp://x" is not a URL`},
		{"bad theme", []string{"--theme", "neon"}, 2, "neon"},
		{"unreachable server", []string{"--server", "http://127.0.0.1:1", "ls"}, 1, "cannot reach the server at http://127.0.0.1:1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := clitest.New(t, cli.NewRootCmd).UseCatalog(clitest.Fixtures()).Run("", tc.args...)
			if r.Code != tc.code {
				t.Errorf("exit %d, want %d (stderr %q)", r.Code, tc.code, r.Stderr)
			}
			clitest.CheckOneSentence(t, r.Stderr, tc.want)
		})
	}
}

// TestSameOutputInProcessAndOverHTTP runs each verb against the built-in
// catalog in this process and against a server hosting the same catalog: a
// user sees the same bytes either way.
func TestSameOutputInProcessAndOverHTTP(t *testing.T) {
	t.Parallel()
	reg := builtin.Registry()
	srv := httptest.NewServer(server.New(server.Config{Source: reg, Runner: reg}))
	defer srv.Close()
	e, err := reg.Get(context.Background(), catalog.MustParseRef("nlp/SentimentAnalysis"))
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"ls", "--json"},
		{"ls", "sent", "--json"},
		{"ls", "sent", "--json", "--full"},
		{"ls"},
		{"call", "nlp/SentimentAnalysis", "-t", "what a great day"},
		{"call", "nlp/SentimentAnalysis", "-j", `["good", "bad"]`},
		{"call", "nlp/SentimentAnalysis", "--sample", "1"},
		{"call", "nlp/SentimentAnalysis", "--sample", e.Samples[len(e.Samples)-1].Name},
		{"call", "nlp/Nope", "-t", "x"},
		{"call", "nlp/SentimentAnalysis", "-j", `{"nope": 1}`},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			h := clitest.New(t, cli.NewRootCmd).UseCatalog(builtin.Registry())
			local := h.Run("", args...)
			remote := h.Run("", append([]string{"--server", srv.URL}, args...)...)
			if local != remote {
				t.Errorf("in-process and over HTTP differ:\nlocal:  %+v\nremote: %+v", local, remote)
			}
			if local.Stdout == "" && local.Stderr == "" {
				t.Errorf("no output at all")
			}
		})
	}
	t.Run("PIPETTE_API", func(t *testing.T) {
		dead := httptest.NewServer(nil)
		dead.Close() // the environment is read: a closed server proves it
		r := clitest.New(t, cli.NewRootCmd).UseCatalog(builtin.Registry()).Setenv(command.EnvServer, dead.URL).Run("", "ls")
		if r.Code != 1 || !strings.Contains(r.Stderr, "cannot reach the server at "+dead.URL) {
			t.Errorf("PIPETTE_API ignored: %+v", r)
		}
	})
}

// TestHelpHasNoTrailingSpaces: every command's --help, as a terminal and a
// pipe get it.
func TestHelpHasNoTrailingSpaces(t *testing.T) {
	t.Parallel()
	for _, verb := range []string{"", "ls", "docs", "call", "serve", "run", "validate", "export", "data", "data ls"} {
		t.Run("pipette "+verb, func(t *testing.T) {
			t.Parallel()
			args := append(strings.Fields(verb), "--help")
			r := clitest.New(t, cli.NewRootCmd).Run("", args...)
			if r.Code != 0 || !strings.Contains(r.Stdout, "pipette") {
				t.Fatalf("%v: %+v", args, r)
			}
			for i, line := range strings.Split(r.Stdout, "\n") {
				if strings.TrimRight(line, " \t") != line {
					t.Errorf("%v: line %d ends in spaces: %q", args, i+1, line)
				}
			}
		})
	}
}
