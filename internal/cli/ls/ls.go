// Package ls is `pipette ls`: the catalog, or the algorithms that
// fuzzy-match a query, best match first.
package ls

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"pipette/catalog"
	"pipette/client"
	"pipette/internal/cli/command"
	"pipette/internal/cli/iostreams"
	"pipette/internal/cli/result"
)

// Options are what `ls` was asked.
type Options struct {
	IO     *iostreams.IOStreams
	Client func() (*client.Client, error)

	Query string // the words of the query, joined
	Tag   string // --tag
	JSON  bool   // --json
}

// NewCmd makes `ls`; runF, when not nil, runs instead of listing (tests of
// the flags).
func NewCmd(f *command.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IO, Client: f.Client}
	cmd := &cobra.Command{
		Use:   "ls [QUERY]",
		Short: "List and search the catalog",
		Long: `List the catalog, or the algorithms that fuzzy-match QUERY (on the reference,
tagline and tags), best match first.`,
		Example: `  pipette ls
  pipette ls sent
  pipette ls --tag image
  pipette ls --json | jq -r '.[].name'`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Query = strings.TrimSpace(strings.Join(args, " "))
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Tag, "tag", "", "only algorithms with this TAG")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the algorithm objects of the API as a JSON array")
	return cmd
}

// Run lists the catalog as opts asks.
func Run(ctx context.Context, opts *Options) error {
	c, err := opts.Client()
	if err != nil {
		return err
	}
	entries, err := c.Source().List(ctx)
	if err != nil {
		return fmt.Errorf("list the catalog: %w", err)
	}
	entries = catalog.FilterTag(entries, opts.Tag)
	ix := catalog.NewIndex(entries)
	matches := ix.Search(opts.Query) // an empty query keeps catalog order
	if opts.JSON {
		return printJSON(opts.IO.Out, ix, matches)
	}
	if len(matches) == 0 {
		fmt.Fprintln(opts.IO.ErrOut, noMatchSentence(opts.Query, opts.Tag, ix.Len()))
		return nil
	}
	width := opts.IO.TerminalWidth()
	if width <= 0 {
		return printPlain(opts.IO.Out, ix, matches)
	}
	return printTable(opts.IO.ColorOut(), ix, matches, width)
}

func noMatchSentence(query, tag string, inTag int) string {
	switch {
	case tag != "" && inTag == 0:
		return fmt.Sprintf("no algorithm is tagged %q: run `pipette ls` to see every tag in use", tag)
	case tag != "":
		return fmt.Sprintf("no algorithm tagged %q matches %q: try a shorter query", tag, query)
	case query != "":
		return fmt.Sprintf("no algorithm matches %q: try a shorter query, or `pipette ls` for everything", query)
	}
	return "the catalog is empty"
}

// printJSON prints the API's algorithm objects, so `ls --json` reads the
// same whether the catalog is in-process or behind a server.
func printJSON(w io.Writer, ix *catalog.Index, matches []catalog.Match) error {
	objs := make([]client.AlgorithmJSON, 0, len(matches))
	for _, m := range matches {
		e := ix.Entry(m.Index)
		a, err := client.EntryToJSON(e, e.Ref.URI())
		if err != nil {
			return err
		}
		objs = append(objs, a)
	}
	b, err := result.PrettyJSON(objs)
	if err != nil {
		return fmt.Errorf("encode the catalog: %w", err)
	}
	_, err = w.Write(b)
	return err
}

// Kinds is "text→json": what an algorithm takes and gives ("any" when it
// does not say).
func Kinds(e catalog.Entry) string {
	in, out := string(e.InputKind), string(e.OutputKind)
	if in == "" {
		in = "any"
	}
	if out == "" {
		out = "any"
	}
	return in + "→" + out
}
