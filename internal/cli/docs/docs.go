// Package docs is `pipette docs`: an algorithm's card (versions, license,
// kinds, tags, samples) and its documentation, rendered on a terminal and
// plain markdown when piped.
package docs

import (
	"context"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"pipette/catalog"
	"pipette/client"
	"pipette/internal/cli/command"
	"pipette/internal/cli/iostreams"
	"pipette/internal/cli/ls"
)

// Options are what `docs` was asked.
type Options struct {
	IO     *iostreams.IOStreams
	Client func() (*client.Client, error)

	Ref catalog.Ref
}

// NewCmd makes `docs`; runF, when not nil, runs instead (tests of the
// arguments).
func NewCmd(f *command.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IO, Client: f.Client}
	return &cobra.Command{
		Use:   "docs REF",
		Short: "Show an algorithm's documentation",
		Long: `Show an algorithm's documentation: its versions, license, input and output kinds,
tags and samples, then its docs — rendered on a terminal, plain markdown when piped.`,
		Example: `  pipette docs nlp/SentimentAnalysis
  pipette docs nlp/SentimentAnalysis/1.0.0 > sentiment.md`,
		Args: command.OneRef,
		RunE: func(cmd *cobra.Command, args []string) error {
			ref, err := command.ParseRef(args[0])
			if err != nil {
				return err
			}
			opts.Ref = ref
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
}

// Run prints the docs opts asks for.
func Run(ctx context.Context, opts *Options) error {
	c, err := opts.Client()
	if err != nil {
		return err
	}
	e, err := c.Source().Get(ctx, opts.Ref)
	if err != nil {
		return err
	}
	width := opts.IO.TerminalWidth()
	if width == 0 {
		_, err := io.WriteString(opts.IO.Out, header(e)+"\n"+strings.TrimSpace(e.Docs)+"\n")
		return err
	}
	return render(opts.IO, e, width)
}

// header is the plain-text card above the docs: what a user needs to call
// the algorithm without reading further.
func header(e catalog.Entry) string {
	var b strings.Builder
	title := e.Ref.Path() + " " + e.Ref.Version
	if e.Label != "" {
		title += " — " + e.Label
	}
	fmt.Fprintln(&b, title)
	if e.Tagline != "" {
		fmt.Fprintln(&b, e.Tagline)
	}
	fmt.Fprintln(&b)
	for _, f := range fields(e) {
		fmt.Fprintf(&b, "%-9s %s\n", f[0]+":", f[1])
	}
	if len(e.Samples) > 0 {
		fmt.Fprintln(&b)
		fmt.Fprintln(&b, "samples:")
		nameW := 0
		for _, s := range e.Samples {
			nameW = max(nameW, utf8.RuneCountInString(s.Name))
		}
		for i, s := range e.Samples {
			fmt.Fprintf(&b, "%s\n", strings.TrimRight(fmt.Sprintf("  %d  %-*s  %s", i+1, nameW, s.Name, s.Input.Summary(60)), " "))
		}
	}
	return b.String()
}

func fields(e catalog.Entry) [][2]string {
	fields := [][2]string{
		{"versions", orNone(strings.Join(e.VersionNames(), ", "))},
		{"license", orNone(e.License)},
		{"kinds", ls.Kinds(e)},
		{"tags", orNone(strings.Join(e.Tags, ", "))},
	}
	if m := e.Model; m != nil {
		fields = append(fields, [2]string{"model", m.Summary()})
		if m.ID != e.Ref.Name {
			fields = append(fields, [2]string{"id", m.ID})
		}
	}
	if e.Source != "" {
		fields = append(fields, [2]string{"source", e.Source})
	}
	if e.Unavailable != "" {
		fields = append(fields, [2]string{"warning", "cannot run here: " + e.Unavailable})
	}
	call := "pipette call " + e.Ref.Path()
	if len(e.Samples) > 0 {
		call += " --sample 1"
	} else {
		call += " -d INPUT"
	}
	fields = append(fields, [2]string{"try", call})
	return fields
}

func orNone(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
