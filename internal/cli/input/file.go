package input

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"pipette/internal/cli/command"
	"pipette/internal/cli/iostreams"
	"pipette/internal/human"
)

// readFile reads an input file; "-" is stdin.
func readFile(ios *iostreams.IOStreams, name string) ([]byte, error) {
	if name == "-" {
		b, err := io.ReadAll(ios.In)
		if err != nil {
			return nil, fmt.Errorf("read the input from stdin: %w", err)
		}
		return b, nil
	}
	b, err := os.ReadFile(name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, command.UsageErrorf("input file %s does not exist", name)
	case errors.Is(err, fs.ErrPermission):
		return nil, fmt.Errorf("cannot read input file %s: permission denied", name)
	case err != nil:
		return nil, fmt.Errorf("cannot read input file %s: %v", name, human.FileError(err))
	}
	return b, nil
}
