// Package cli is pipette's command line: the root command, which opens the
// TUI, and one package per verb below this one (ls, docs, call, serve, run,
// validate, export; tui for the root's own work), each an Options struct
// and a NewCmd(f, runF) as in gh's pkg/cmd. A verb gets everything it works
// with from a command.Factory. See docs/DESIGN.md, "The command line".
package cli

import (
	"context"
	"os"

	"github.com/spf13/cobra"

	"pipette/algorithms/builtin"
	"pipette/internal/cli/call"
	"pipette/internal/cli/command"
	"pipette/internal/cli/data"
	"pipette/internal/cli/docs"
	"pipette/internal/cli/export"
	"pipette/internal/cli/iostreams"
	"pipette/internal/cli/ls"
	"pipette/internal/cli/run"
	"pipette/internal/cli/serve"
	"pipette/internal/cli/tui"
	"pipette/internal/cli/validate"
)

// NewFactory is the Factory of the pipette process: its own streams and
// environment, and the built-in catalog.
func NewFactory() *command.Factory {
	return &command.Factory{IO: iostreams.System(), Getenv: os.Getenv, Catalog: builtin.Registry}
}

// NewRootCmd is `pipette` with every verb. A new verb is one line here.
func NewRootCmd(f *command.Factory) *cobra.Command {
	root := tui.NewCmd(f, nil)
	root.Long = `pipette browses a catalog of models, reads their docs, calls them, and serves
them over the Algorithmia-compatible HTTP API. With no command it opens the TUI.

Every command uses the built-in catalog in this process, or the pipette server
named by --server (or $` + command.EnvServer + `; its key in $` + command.EnvKey + `).`
	root.Example = `  # open the TUI; with a chain file, open it in the chain builder
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
  pipette export examples/text_card.yaml --go -o card/main.go`
	command.PrepareRoot(root, f)
	root.AddCommand(
		ls.NewCmd(f, nil),
		docs.NewCmd(f, nil),
		call.NewCmd(f, nil),
		serve.NewCmd(f, nil),
		run.NewCmd(f, nil),
		validate.NewCmd(f, nil),
		data.NewCmd(f),
		export.NewCmd(f, nil),
	)
	return root
}

// Main runs the command line and returns the process exit code: 0 on
// success, 2 for a usage error (bad flag, missing argument), 1 otherwise.
func Main(ctx context.Context, args []string, f *command.Factory) int {
	return command.Execute(ctx, NewRootCmd(f), args, f)
}
