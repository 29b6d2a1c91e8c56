// Package ls is `pipette ls`: the catalog, or the algorithms that
// fuzzy-match a query, best match first.
package ls

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"pipette/catalog"
	"pipette/client"
	"pipette/internal/cli/command"
	"pipette/internal/cli/iostreams"
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
	Full  bool   // --full: with --json, the whole algorithm objects
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
tagline and tags), best match first.

--json prints each as a summary in the shape of the API's algorithm object
(name, owner, details.label and tagline, settings, version_info.semantic_version,
tags, input_kind, output_kind, versions, source, model, self_link) and the names
of its samples (sample_names). --full adds what makes the catalog large: the
docs (details.summary), release notes, sample output, the input and output
schemas and the samples' inputs (images among them).`,
		Example: `  pipette ls
  pipette ls sent
  pipette ls --tag image
  pipette ls --json | jq -r '.[].name'
  pipette ls sentiment --json --full | jq '.[0].samples'
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
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print each algorithm's summary (the API's algorithm object without docs, schemas and samples) as a JSON array")
	cmd.Flags().BoolVar(&opts.Full, "full", false, "with --json: the whole algorithm objects of the API, docs, schemas and sample inputs included")
	return cmd
}

func (o *Options) check() error {
	if o.Full && !o.JSON {
		return command.UsageErrorf("--full is for --json: add --json")
	}
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
		return printJSON(opts.IO.Out, ix, matches, opts.Full)
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
