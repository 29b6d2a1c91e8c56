// Command pipette is a terminal workbench and HTTP server for a catalog of
// models, after Algorithmia: every model in one searchable catalog, one API,
// models that chain like UNIX pipes.
//
// `pipette` alone opens the TUI; `ls`, `docs`, `call` and `serve` are its
// headless verbs, and `run`, `validate` and `export` work on chain files.
// The command line lives in internal/cli (docs/DESIGN.md describes it).
package main

import (
	"context"
	"os"

	_ "pipette/data/cloud" // s3://, gs:// and azblob:// stores for the Data API
	"pipette/internal/cli"
)

func main() {
	os.Exit(cli.Main(context.Background(), os.Args[1:], cli.NewFactory()))
}
