package serve

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"pipette/catalog"
	"pipette/internal/chainfile"
	"pipette/internal/cli/command"
	"pipette/internal/cli/iostreams"
	"pipette/internal/human"
	"pipette/pipebuilder"
)

// LoadChains loads the chains `serve --chains DIR` publishes, following
// links out of dir when linksOut says so. A file that fails is a warning
// line on stderr, one per problem, and is left out; only a folder that
// cannot be read stops the server.
func LoadChains(ctx context.Context, ios *iostreams.IOStreams, dir string, linksOut bool, base catalog.Source, run catalog.Runner) (*pipebuilder.Library, error) {
	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, command.UsageErrorf("--chains %s: no such folder", dir)
	case err != nil:
		return nil, fmt.Errorf("cannot read the chains folder %s: %w", dir, err)
	case !info.IsDir():
		return nil, command.UsageErrorf("--chains %s is a file, not a folder: give the folder that holds chain files", dir)
	}
	files, err := chainfile.ReadDir(dir, chainfile.DirOptions{LinksOut: linksOut})
	if err != nil {
		return nil, fmt.Errorf("cannot read the chains folder %s: %v", dir, human.FileError(err))
	}
	lib, err := pipebuilder.NewLibrary(ctx, files, base, run)
	if err != nil {
		return nil, fmt.Errorf("load the chains of %s: %w", dir, err)
	}
	for _, p := range lib.Problems() {
		msg := p.Error()
		if errors.Is(p, chainfile.ErrOutside) {
			msg += " (--" + flagChainsLinksOut + ")"
		}
		for line := range strings.SplitSeq(msg, "\n") {
			fmt.Fprintf(ios.ErrOut, "warning: left out: %s\n", line)
		}
	}
	return lib, nil
}
