package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"pipette/algorithms"
	"pipette/client"
	"pipette/pipebuilder"
)

// What `run`, `validate` and `export` share: reading a chain file and
// checking it against the catalog the client sees.

// chainError is a failure of a chain verb already said in full: problems
// in a chain file (one line each, file:line:col first) or a failed step
// naming itself. It deliberately does not unwrap, so that describe prints
// it whole instead of only the algorithm's error inside it.
type chainError struct{ msg string }

func (e *chainError) Error() string { return e.msg }

// loadChain reads and compiles the chain file at path. A missing or
// unreadable file is one sentence; problems in the file are one line each.
func loadChain(cmd *cobra.Command, path string) (*pipebuilder.Chain, error) {
	c, err := pipebuilder.Load(path)
	if err == nil {
		return c, nil
	}
	var probs pipebuilder.Errors
	switch {
	case errors.As(err, &probs):
		return nil, &chainError{probs.Error()}
	case errors.Is(err, fs.ErrNotExist):
		return nil, usageErrorf(cmd, "chain file %s does not exist", path)
	case errors.Is(err, fs.ErrPermission):
		return nil, fmt.Errorf("cannot read chain file %s: permission denied", path)
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return nil, fmt.Errorf("cannot read chain file %s: %v", path, pe.Err)
	}
	return nil, fmt.Errorf("read chain file %s: %w", path, err)
}

// loadValidChain loads the chain at path and validates it against the
// catalog of the client the command uses (built-in, or --server).
func loadValidChain(cmd *cobra.Command, path string) (*pipebuilder.Chain, *client.Client, error) {
	c, err := loadChain(cmd, path)
	if err != nil {
		return nil, nil, err
	}
	cl, err := newClient(cmd)
	if err != nil {
		return nil, nil, err
	}
	if err := validateChain(cmd.Context(), c, cl); err != nil {
		return nil, nil, err
	}
	return c, cl, nil
}

func validateChain(ctx context.Context, c *pipebuilder.Chain, cl *client.Client) error {
	err := c.Validate(ctx, cl.Source())
	var probs pipebuilder.Errors
	switch {
	case err == nil:
		return nil
	case errors.As(err, &probs):
		return &chainError{probs.Error()}
	case errors.Is(err, context.Canceled):
		return err
	}
	// The catalog could not be read: say which, keeping the sentence describe
	// makes of a server's error.
	return fmt.Errorf("check chain %s against the catalog: %s", c.Name, describe(err))
}

// oneChainArg accepts exactly one chain file.
func oneChainArg(cmd *cobra.Command, args []string) error {
	switch len(args) {
	case 0:
		return usageErrorf(cmd, "name a chain file, such as examples/meme.yaml")
	case 1:
		if strings.TrimSpace(args[0]) == "" {
			return usageErrorf(cmd, "the chain file name is empty")
		}
		return nil
	}
	return usageErrorf(cmd, "give one chain file, not %d (%s)", len(args), strings.Join(args, " "))
}

func stepList(c *pipebuilder.Chain) string {
	return fmt.Sprintf("%s (%s)", plural(len(c.Steps), "step"), c.Pipeline())
}

// writeFileAll writes data to path, making its folder first (so that
// `export --go -o card/main.go` starts a new program's folder).
func writeFileAll(path string, data []byte, perm os.FileMode) error {
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("cannot make folder %s: %v", dir, osReason(err))
		}
	}
	if err := os.WriteFile(path, data, perm); err != nil {
		return fmt.Errorf("cannot write %s: %v", path, osReason(err))
	}
	return nil
}

// loadChainLibrary loads the chains `serve --chains DIR` publishes. A file
// that fails is a warning line on stderr, one per problem, and is left out;
// only a folder that cannot be read stops the server.
func loadChainLibrary(cmd *cobra.Command, dir string, reg *algorithms.Registry) (*pipebuilder.Library, error) {
	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, usageErrorf(cmd, "--chains %s: no such folder", dir)
	case err != nil:
		return nil, fmt.Errorf("cannot read the chains folder %s: %w", dir, err)
	case !info.IsDir():
		return nil, usageErrorf(cmd, "--chains %s is a file, not a folder: give the folder that holds chain files", dir)
	}
	lib, err := pipebuilder.LoadLibrary(cmd.Context(), dir, reg, reg)
	if err != nil {
		return nil, fmt.Errorf("load the chains of %s: %w", dir, err)
	}
	errw := cmd.ErrOrStderr()
	for _, p := range lib.Problems() {
		for line := range strings.SplitSeq(p.Error(), "\n") {
			fmt.Fprintf(errw, "warning: left out: %s\n", line)
		}
	}
	return lib, nil
}
