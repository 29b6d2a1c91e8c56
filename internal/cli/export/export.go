// Package export is `pipette export`: a chain written as a standalone Go
// program, as normalised YAML, or as a curl | jq shell script.
package export

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"pipette/client"
	"pipette/internal/atomicfile"
	"pipette/internal/cli/chains"
	"pipette/internal/cli/command"
	"pipette/internal/cli/iostreams"
	"pipette/internal/human"
	"pipette/pipebuilder"
)

// Format is what a chain is exported as.
type Format string

// The formats, by their flags.
const (
	Go    Format = "go"
	YAML  Format = "yaml"
	Shell Format = "shell"
)

// Options are what `export` was asked.
type Options struct {
	IO     *iostreams.IOStreams
	Client func() (*client.Client, error)
	// Server is the URL --server or $PIPETTE_API gave ("" for none): the
	// exported Go program's default address.
	Server string

	Path   string // the chain file
	Format Format
	Output string // -o FILE; "" or "-" is stdout
}

// NewCmd makes `export`; runF, when not nil, runs instead (tests of the
// flags).
func NewCmd(f *command.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IO, Client: f.Client}
	var asGo, asYAML, asShell bool
	cmd := &cobra.Command{
		Use:   "export CHAIN.yaml --go|--yaml|--shell [-o FILE]",
		Short: "Write a chain as a Go program, YAML or a shell script",
		Long: `Write a chain as code that runs it over the pipette API, or as YAML:

  --go     a standalone Go program (standard library, plus github.com/itchyny/gojq
           when a step maps its input) that calls each step over the API and
           prints the result. Its server address and key come from -server and
           -key, or $PIPETTE_API and $PIPETTE_API_KEY; the default address is the
           --server given here, else http://127.0.0.1:8080.
  --yaml   the chain file, normalised; it loads back to the same chain.
  --shell  a bash script of curl | jq, one call per step.

The chain is checked against the catalog first (the built-in one, or --server),
so that steps taking only binary input get bytes, as ` + "`pipette run`" + ` sends them.
The result goes to stdout, or to -o FILE (its folder is made if needed).`,
		Example: `  pipette export examples/meme.yaml --yaml
  pipette export examples/text_card.yaml --go -o card/main.go
  (cd card && go mod init card && go mod tidy && go build)
  pipette export examples/sentence_mood.yaml --shell -o mood.sh`,
		Args: chains.OneArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			var picked []Format
			for _, p := range []struct {
				on bool
				f  Format
			}{{asGo, Go}, {asYAML, YAML}, {asShell, Shell}} {
				if p.on {
					picked = append(picked, p.f)
				}
			}
			switch len(picked) {
			case 0:
				return command.UsageErrorf("say what to export the chain as: --go, --yaml or --shell")
			case 1:
				opts.Format = picked[0]
			default:
				return command.UsageErrorf("export as one of --go, --yaml or --shell at a time")
			}
			opts.Path = args[0]
			_, opts.Server = f.ServerAddress()
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.SortFlags = false
	fl.BoolVar(&asGo, "go", false, "a standalone Go program")
	fl.BoolVar(&asYAML, "yaml", false, "the chain file")
	fl.BoolVar(&asShell, "shell", false, "a bash script of curl and jq")
	fl.StringVarP(&opts.Output, "output", "o", "", "write to FILE instead of stdout")
	return cmd
}

// Run exports the chain.
func Run(ctx context.Context, opts *Options) error {
	c, _, err := chains.LoadValid(ctx, opts.Client, opts.Path)
	if err != nil {
		return err
	}
	var (
		src  []byte
		perm os.FileMode = 0o644
		kind string
	)
	switch opts.Format {
	case YAML:
		src, err = c.Marshal()
		kind = "YAML"
	case Shell:
		src, err = pipebuilder.ExportShell(c)
		perm, kind = 0o755, "shell script"
	default:
		src, err = pipebuilder.ExportGo(c, pipebuilder.GoExportOptions{Server: opts.Server})
		kind = "Go program"
	}
	if err != nil {
		return fmt.Errorf("export chain %s as %s: %w", c.Name, kind, err)
	}
	if opts.Output == "" || opts.Output == "-" {
		_, err := opts.IO.Out.Write(src)
		return err
	}
	// The folder is made if needed, so that `export --go -o card/main.go`
	// starts a new program's folder.
	if err := atomicfile.Write(opts.Output, src, perm); err != nil {
		return fmt.Errorf("cannot write %s: %v", opts.Output, human.FileError(err))
	}
	if errw := opts.IO.ErrOut; opts.IO.IsStderrTTY() {
		fmt.Fprintf(errw, "wrote chain %s as a %s to %s\n", c.Name, kind, opts.Output)
		if opts.Format == Go {
			fmt.Fprintf(errw, "build it with: cd %s && go mod init chain && go mod tidy && go build\n", filepath.Dir(opts.Output))
		}
	}
	return nil
}
