package common

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"pipette/internal/human"
)

// MaxInputFile bounds a file loaded as an input; the server's default body
// limit is 10 MiB.
const MaxInputFile = 32 << 20

// ExpandHome turns a leading ~ into the home directory.
func ExpandHome(p string) string {
	if p == "~" || strings.HasPrefix(p, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, p[1:])
		}
	}
	return p
}

// ReadInput reads a file to use as an input, refusing a directory or a
// file over MaxInputFile with a sentence that says so.
func ReadInput(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("cannot load %s: %w", path, human.FileError(err))
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s is a directory; give a file", path)
	}
	if st.Size() > MaxInputFile {
		return nil, fmt.Errorf("%s is %s; inputs are limited to %s", path, human.Bytes(st.Size()), human.Bytes(MaxInputFile))
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot load %s: %w", path, human.FileError(err))
	}
	return b, nil
}
