// Command pipette is a terminal workbench and HTTP server for a catalog of
// models, after Algorithmia: every model in one searchable catalog, one API,
// models that chain like UNIX pipes.
//
// `pipette` alone opens the TUI; `ls`, `docs`, `call` and `serve` are its
// headless verbs, and `run`, `validate` and `export` work on chain files. Every verb works on the built-in catalog in this process by
// default, or on a pipette server named with --server / PIPETTE_API, with the
// same output either way.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"syscall"

	"charm.land/fang/v2"
	"github.com/spf13/cobra"

	"pipette/algorithms/builtin"
	"pipette/client"
)

// Environment variables read by every verb.
const (
	envServer = "PIPETTE_API"     // address of a pipette server to use instead of the built-ins
	envKey    = "PIPETTE_API_KEY" // API key sent to that server
)

// builtinCatalog is the catalog verbs use in-process and `serve` hosts; tests
// swap it for a registry of fixtures.
var builtinCatalog = builtin.Registry

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run executes the command line and returns the process exit code: 0 on
// success, 2 for a usage error (bad flag, missing argument), 1 otherwise.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRootCmd()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := fang.Execute(ctx, root,
		fang.WithErrorHandler(printError),
		fang.WithNotifySignal(os.Interrupt, syscall.SIGTERM),
	)
	switch {
	case err == nil:
		return 0
	case isUsageError(err):
		return 2
	}
	return 1
}

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "pipette [CHAIN.yaml]",
		Short: "A terminal workbench for a catalog of models",
		Long: `pipette browses a catalog of models, reads their docs, calls them, and serves
them over the Algorithmia-compatible HTTP API. With no command it opens the TUI.

Every command uses the built-in catalog in this process, or the pipette server
named by --server (or $PIPETTE_API; its key in $PIPETTE_API_KEY).`,
		Example: `  # open the TUI; with a chain file, open it in the chain builder
  pipette
  pipette examples/meme.yaml

  # search the catalog, read a model's docs, call it
  pipette ls sentiment
  pipette docs nlp/SentimentAnalysis
  pipette call nlp/SentimentAnalysis -t "what a great day"

  # serve the catalog over HTTP
  pipette serve --addr 127.0.0.1:8080

  # run a chain of models, check it, export it as a Go program
  pipette run examples/sentence_mood.yaml -t "What a wonderful launch! Then the coffee machine broke."
  pipette validate examples/*.yaml
  pipette export examples/text_card.yaml --go -o card/main.go`,
		Args:          cobra.MaximumNArgs(1),
		RunE:          runTUI,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().String("server", "", "use the pipette server at URL instead of the built-in catalog (env "+envServer+")")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageErrorf(c, "%v", err)
	})
	addTUIFlags(root)
	root.AddCommand(newLsCmd(), newDocsCmd(), newCallCmd(), newServeCmd(), newRunCmd(), newValidateCmd(), newExportCmd())
	return root
}

// newClient returns the client every verb (and the TUI) calls through: the
// built-in registry in this process, or the server that --server or
// $PIPETTE_API names, authenticated with $PIPETTE_API_KEY.
func newClient(cmd *cobra.Command) (*client.Client, error) {
	addr, full := serverAddress(cmd)
	if addr == "" {
		reg := builtinCatalog()
		return client.NewLocal(reg, reg), nil
	}
	u, err := url.Parse(full)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.ContainsAny(addr, " \t") {
		return nil, usageErrorf(cmd, "server address %q is not a URL: write it like http://127.0.0.1:8080", addr)
	}
	return client.New(full, os.Getenv(envKey)), nil
}

// serverAddress is the server the command was pointed at, by --server or
// $PIPETTE_API: as written (trimmed), for messages, and as a URL (http://
// when no scheme is given). Both are "" for the built-in catalog.
func serverAddress(cmd *cobra.Command) (written, full string) {
	written = os.Getenv(envServer)
	if f := cmd.Flag("server"); f != nil && f.Changed {
		written = f.Value.String()
	}
	written = strings.TrimSpace(written)
	full = written
	if full != "" && !strings.Contains(full, "://") {
		full = "http://" + full
	}
	return written, full
}

// usageError is a mistake in how the command was invoked; it exits with 2.
type usageError struct {
	cmd *cobra.Command
	msg string
}

func (e *usageError) Error() string {
	path := "pipette"
	if e.cmd != nil {
		path = e.cmd.CommandPath()
	}
	return fmt.Sprintf("%s (see `%s --help`)", e.msg, path)
}

func usageErrorf(cmd *cobra.Command, format string, args ...any) error {
	return &usageError{cmd: cmd, msg: fmt.Sprintf(format, args...)}
}

// isUsageError also recognises cobra's own usage errors, which are plain
// errors: an unknown command and argument-count mistakes.
func isUsageError(err error) bool {
	var ue *usageError
	if errors.As(err, &ue) {
		return true
	}
	s := err.Error()
	for _, prefix := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "flag needs an argument", "invalid argument", "accepts ", "requires at least"} {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}
