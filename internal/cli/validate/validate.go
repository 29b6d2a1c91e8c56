// Package validate is `pipette validate`: chain files checked against the
// catalog without running them, every problem on its own line.
package validate

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"pipette/client"
	"pipette/internal/cli/chains"
	"pipette/internal/cli/command"
	"pipette/internal/cli/iostreams"
)

// Options are what `validate` was asked.
type Options struct {
	IO     *iostreams.IOStreams
	Client func() (*client.Client, error)

	Paths []string // the chain files
}

// NewCmd makes `validate`; runF, when not nil, runs instead (tests of the
// arguments).
func NewCmd(f *command.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IO, Client: f.Client}
	return &cobra.Command{
		Use:   "validate CHAIN.yaml...",
		Short: "Check chain files without running them",
		Long: `Check chain files without running them: the YAML, the fields, the step ids,
the jq mappings, and every step's algorithm and version against the catalog
(the built-in one, or the server --server names), with the kinds of value
they are fed when that is known before running.

A good file prints "ok: NAME VERSION, N steps (a → b → c)". Every problem is
printed on stderr as FILE:LINE:COL: what is wrong, and the exit code is 1.`,
		Example: `  pipette validate examples/meme.yaml
  pipette validate examples/*.yaml
  pipette --server http://127.0.0.1:8080 validate my_chain.yaml`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return command.CmdUsageErrorf(cmd, "name a chain file, such as examples/meme.yaml")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
}

// Run checks every file and prints "ok: …" for each good one; the problems
// of the others are the error.
func Run(ctx context.Context, opts *Options) error {
	cl, err := opts.Client()
	if err != nil {
		return err
	}
	var failed []string
	for _, path := range opts.Paths {
		c, err := chains.Load(path)
		if err == nil {
			err = chains.Validate(ctx, c, cl)
		}
		switch {
		case errors.Is(err, context.Canceled):
			return err
		case err != nil:
			msg := command.Describe(err)
			if len(opts.Paths) > 1 && !strings.HasPrefix(msg, path) {
				msg = path + ": " + msg
			}
			failed = append(failed, msg)
			continue
		}
		fmt.Fprintf(opts.IO.Out, "ok: %s %s, %s\n", c.Name, c.Version, chains.StepList(c))
	}
	if len(failed) > 0 {
		return &chains.Error{Msg: strings.Join(failed, "\n")}
	}
	return nil
}
