package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"pipette/pipebuilder"
)

func newExportCmd() *cobra.Command {
	var (
		asGo, asYAML, asShell bool
		output                string
	)
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
		Args: oneChainArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			var picked []string
			for name, on := range map[string]bool{"--go": asGo, "--yaml": asYAML, "--shell": asShell} {
				if on {
					picked = append(picked, name)
				}
			}
			switch len(picked) {
			case 0:
				return usageErrorf(cmd, "say what to export the chain as: --go, --yaml or --shell")
			case 1:
			default:
				return usageErrorf(cmd, "export as one of --go, --yaml or --shell at a time")
			}
			path := args[0]
			c, _, err := loadValidChain(cmd, path)
			if err != nil {
				return err
			}
			var (
				src  []byte
				perm os.FileMode = 0o644
				kind string
			)
			switch {
			case asYAML:
				src, err = c.Marshal()
				kind = "YAML"
			case asShell:
				src, err = pipebuilder.ExportShell(c)
				perm, kind = 0o755, "shell script"
			default:
				_, server := serverAddress(cmd)
				src, err = pipebuilder.ExportGo(c, pipebuilder.GoExportOptions{Server: server})
				kind = "Go program"
			}
			if err != nil {
				return fmt.Errorf("export chain %s as %s: %w", c.Name, kind, err)
			}
			if output == "" || output == "-" {
				_, err := cmd.OutOrStdout().Write(src)
				return err
			}
			if err := writeFileAll(output, src, perm); err != nil {
				return err
			}
			errw := cmd.ErrOrStderr()
			if isTerminal(errw) {
				fmt.Fprintf(errw, "wrote chain %s as a %s to %s\n", c.Name, kind, output)
				if asGo {
					dir := filepath.Dir(output)
					fmt.Fprintf(errw, "build it with: cd %s && go mod init chain && go mod tidy && go build\n", dir)
				}
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.SortFlags = false
	fl.BoolVar(&asGo, "go", false, "a standalone Go program")
	fl.BoolVar(&asYAML, "yaml", false, "the chain file")
	fl.BoolVar(&asShell, "shell", false, "a bash script of curl and jq")
	fl.StringVarP(&output, "output", "o", "", "write to FILE instead of stdout")
	return cmd
}
