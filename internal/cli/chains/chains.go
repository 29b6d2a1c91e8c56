// Package chains is what `run`, `validate` and `export` share: reading a
// chain file and checking it against the catalog the client sees, with every
// problem said as a user reads it.
package chains

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/spf13/cobra"

	"pipette/client"
	"pipette/internal/chainfile"
	"pipette/internal/cli/command"
	"pipette/internal/human"
	"pipette/pipebuilder"
)

// Error is a failure of a chain verb already said in full: problems in a
// chain file (one line each, file:line:col first) or a failed step naming
// itself. It deliberately does not unwrap, so that command.Describe prints
// it whole instead of only the algorithm's error inside it.
type Error struct{ Msg string }

func (e *Error) Error() string { return e.Msg }

// Load reads and compiles the chain file at path. A missing or unreadable
// file is one sentence; problems in the file are one line each.
func Load(path string) (*pipebuilder.Chain, error) {
	c, err := pipebuilder.Load(path)
	if err == nil {
		return c, nil
	}
	var probs pipebuilder.Errors
	switch {
	case errors.As(err, &probs):
		return nil, &Error{probs.Error()}
	case errors.Is(err, fs.ErrNotExist):
		return nil, command.UsageErrorf("chain file %s does not exist", path)
	case errors.Is(err, chainfile.ErrNotRegular):
		return nil, command.UsageErrorf("%v", err) // a folder, a pipe, a device: not what to name
	case errors.Is(err, chainfile.ErrTooLarge):
		return nil, err // one sentence naming the file
	case errors.Is(err, fs.ErrPermission):
		return nil, fmt.Errorf("cannot read chain file %s: permission denied", path)
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return nil, fmt.Errorf("cannot read chain file %s: %v", path, human.FileError(err))
	}
	return nil, fmt.Errorf("read chain file %s: %w", path, err)
}

// LoadValid loads the chain at path and validates it against the catalog of
// the client the command uses (built-in, or --server).
func LoadValid(ctx context.Context, newClient func() (*client.Client, error), path string) (*pipebuilder.Chain, *client.Client, error) {
	c, err := Load(path)
	if err != nil {
		return nil, nil, err
	}
	cl, err := newClient()
	if err != nil {
		return nil, nil, err
	}
	if err := Validate(ctx, c, cl); err != nil {
		return nil, nil, err
	}
	return c, cl, nil
}

// Validate checks c against the catalog cl sees.
func Validate(ctx context.Context, c *pipebuilder.Chain, cl *client.Client) error {
	err := c.Validate(ctx, cl.Source())
	var probs pipebuilder.Errors
	switch {
	case err == nil:
		return nil
	case errors.As(err, &probs):
		return &Error{probs.Error()}
	case errors.Is(err, context.Canceled):
		return err
	}
	// The catalog could not be read: say which, keeping the sentence
	// Describe makes of a server's error.
	return fmt.Errorf("check chain %s against the catalog: %s", c.Name, command.Describe(err))
}

// OneArg accepts exactly one chain file.
func OneArg(cmd *cobra.Command, args []string) error {
	switch len(args) {
	case 0:
		return command.CmdUsageErrorf(cmd, "name a chain file, such as examples/meme.yaml")
	case 1:
		if strings.TrimSpace(args[0]) == "" {
			return command.CmdUsageErrorf(cmd, "the chain file name is empty")
		}
		return nil
	}
	return command.CmdUsageErrorf(cmd, "give one chain file, not %d (%s)", len(args), strings.Join(args, " "))
}

// StepList is "3 steps (a → b → c)".
func StepList(c *pipebuilder.Chain) string {
	return fmt.Sprintf("%s (%s)", human.Plural(len(c.Steps), "step"), c.Pipeline())
}
