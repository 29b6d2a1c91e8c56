package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

func newValidateCmd() *cobra.Command {
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
				return usageErrorf(cmd, "name a chain file, such as examples/meme.yaml")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			cl, err := newClient(cmd)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			var failed []string
			for _, path := range args {
				c, err := loadChain(cmd, path)
				if err == nil {
					err = validateChain(cmd.Context(), c, cl)
				}
				switch {
				case errors.Is(err, context.Canceled):
					return err
				case err != nil:
					msg := describe(err)
					if len(args) > 1 && !strings.HasPrefix(msg, path) {
						msg = path + ": " + msg
					}
					failed = append(failed, msg)
					continue
				}
				fmt.Fprintf(out, "ok: %s %s, %s\n", c.Name, c.Version, stepList(c))
			}
			if len(failed) > 0 {
				return &chainError{strings.Join(failed, "\n")}
			}
			return nil
		},
	}
}
