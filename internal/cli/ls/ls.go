// Package ls is `pipette ls`: the catalog, or the algorithms that
// fuzzy-match a query, best match first.
package ls

import (
	"context"
	"fmt"
	"io"
	"slices"
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
	Kind  string // --kind: chat, completion, embedding, tensor, or algorithm
	From  string // --from: one source's entries
	Sort  string // --sort: "" (best match, else catalog order), name, size, context, params
	JSON  bool   // --json
}

// Sorts are what --sort takes.
var Sorts = []string{"name", "size", "context", "params"}

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
  pipette ls --json | jq -r '.[].name'
  pipette --source ollama ls --kind chat --sort size
  pipette --source hf ls llama --from hf`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Query = strings.TrimSpace(strings.Join(args, " "))
			if err := opts.check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Tag, "tag", "", "only algorithms with this TAG")
	cmd.Flags().StringVar(&opts.Kind, "kind", "", "only models of this KIND: chat, completion, embedding, tensor, or algorithm (the rest)")
	cmd.Flags().StringVar(&opts.From, "from", "", "only what the source NAME has (builtin, or a source's name)")
	cmd.Flags().StringVar(&opts.Sort, "sort", "", "order by name, size, context or params (largest first) instead of best match")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the algorithm objects of the API as a JSON array")
	return cmd
}

func (o *Options) check() error {
	if o.Sort != "" && !slices.Contains(Sorts, o.Sort) {
		return command.UsageErrorf("--sort %q: sort by %s", o.Sort, strings.Join(Sorts, ", "))
	}
	if k := catalog.ModelKind(o.Kind); o.Kind != "" && o.Kind != "algorithm" && !slices.Contains(catalog.ModelKinds, k) {
		return command.UsageErrorf("--kind %q: use chat, completion, embedding, tensor or algorithm", o.Kind)
	}
	return nil
}

// Run lists the catalog as opts asks.
func Run(ctx context.Context, opts *Options) error {
	c, err := opts.Client()
	if err != nil {
		return err
	}
	src := c.Source()
	entries, err := src.List(ctx)
	if err != nil {
		return fmt.Errorf("list the catalog: %w", err)
	}
	warnDown(opts.IO, src)
	entries = append(entries, searched(ctx, src, opts.Query, entries)...)
	entries = filter(catalog.FilterTag(entries, opts.Tag), opts.Kind, opts.From)
	ix := catalog.NewIndex(entries)
	matches := ix.Search(opts.Query) // an empty query keeps catalog order
	sortMatches(ix, matches, opts.Sort)
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
