package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/spf13/cobra"

	"pipette/catalog"
	"pipette/client"
)

func newLsCmd() *cobra.Command {
	var (
		tag    string
		asJSON bool
	)
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
			c, err := newClient(cmd)
			if err != nil {
				return err
			}
			entries, err := c.Source().List(cmd.Context())
			if err != nil {
				return fmt.Errorf("list the catalog: %w", err)
			}
			query := strings.TrimSpace(strings.Join(args, " "))
			entries = catalog.FilterTag(entries, tag)
			ix := catalog.NewIndex(entries)
			matches := ix.Search(query) // an empty query keeps catalog order
			out := cmd.OutOrStdout()
			if asJSON {
				return printEntriesJSON(out, ix, matches)
			}
			if len(matches) == 0 {
				fmt.Fprintln(cmd.ErrOrStderr(), noMatchSentence(query, tag, ix.Len()))
				return nil
			}
			return printEntriesTable(out, ix, matches, terminalWidth(out))
		},
	}
	cmd.Flags().StringVar(&tag, "tag", "", "only algorithms with this TAG")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the algorithm objects of the API as a JSON array")
	return cmd
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

// printEntriesJSON prints the API's algorithm objects, so `ls --json` reads
// the same whether the catalog is in-process or behind a server.
func printEntriesJSON(w io.Writer, ix *catalog.Index, matches []catalog.Match) error {
	objs := make([]client.AlgorithmJSON, 0, len(matches))
	for _, m := range matches {
		e := ix.Entry(m.Index)
		a, err := client.EntryToJSON(e, e.Ref.URI())
		if err != nil {
			return err
		}
		objs = append(objs, a)
	}
	b, err := prettyJSON(objs)
	if err != nil {
		return fmt.Errorf("encode the catalog: %w", err)
	}
	_, err = w.Write(b)
	return err
}

func kinds(e catalog.Entry) string {
	in, out := string(e.InputKind), string(e.OutputKind)
	if in == "" {
		in = "any"
	}
	if out == "" {
		out = "any"
	}
	return in + "→" + out
}

// printEntriesTable prints one row per algorithm. Piped (width 0) it prints
// plain aligned columns, nothing cut; on a terminal the tagline is cut to the
// width and the matched letters of each reference stand out.
func printEntriesTable(w io.Writer, ix *catalog.Index, matches []catalog.Match, width int) error {
	if width <= 0 {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "REF\tVERSION\tKINDS\tTAGLINE")
		for _, m := range matches {
			e := ix.Entry(m.Index)
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", e.Ref.Path(), e.Ref.Version, kinds(e), e.Tagline)
		}
		return tw.Flush()
	}

	var (
		head  = lipgloss.NewStyle().Bold(true).Faint(true)
		ref   = lipgloss.NewStyle().Bold(true)
		hit   = lipgloss.NewStyle().Bold(true).Underline(true).Foreground(lipgloss.Color("5"))
		dim   = lipgloss.NewStyle().Faint(true)
		warn  = lipgloss.NewStyle().Foreground(lipgloss.Color("3"))
		refW  = len("REF")
		verW  = len("VERSION")
		kindW = len("KINDS")
	)
	for _, m := range matches {
		e := ix.Entry(m.Index)
		refW = max(refW, ansi.StringWidth(e.Ref.Path()))
		verW = max(verW, ansi.StringWidth(e.Ref.Version))
		kindW = max(kindW, ansi.StringWidth(kinds(e)))
	}
	const gap = "  "
	tagW := width - refW - verW - kindW - 3*len(gap)
	pad := func(s string, plainWidth, to int) string {
		return s + strings.Repeat(" ", max(0, to-plainWidth))
	}
	cw := colorWriter(w)
	line := pad(head.Render("REF"), 3, refW) + gap + pad(head.Render("VERSION"), 7, verW) + gap + pad(head.Render("KINDS"), 5, kindW)
	if tagW >= 8 {
		line += gap + head.Render("TAGLINE")
	}
	fmt.Fprintln(cw, line)
	for _, m := range matches {
		e := ix.Entry(m.Index)
		path := e.Ref.Path()
		line := pad(highlight(path, m.InRef, ref, hit), ansi.StringWidth(path), refW) + gap +
			pad(dim.Render(e.Ref.Version), ansi.StringWidth(e.Ref.Version), verW) + gap +
			pad(kinds(e), ansi.StringWidth(kinds(e)), kindW)
		if tagW >= 8 {
			tagline := e.Tagline
			style := lipgloss.NewStyle()
			if e.Unavailable != "" {
				tagline = "unavailable here: " + e.Unavailable
				style = warn
			}
			line += gap + style.Render(ansi.Truncate(tagline, tagW, "…"))
		}
		fmt.Fprintln(cw, line)
	}
	return nil
}

// highlight styles the bytes of s at the offsets in at with hit, the rest with base.
func highlight(s string, at []int, base, hit lipgloss.Style) string {
	if len(at) == 0 {
		return base.Render(s)
	}
	var b strings.Builder
	run := func(from, to int, st lipgloss.Style) {
		if from < to {
			b.WriteString(st.Render(s[from:to]))
		}
	}
	start, inHit := 0, false
	for i := range s {
		h := slices.Contains(at, i)
		if h != inHit {
			if inHit {
				run(start, i, hit)
			} else {
				run(start, i, base)
			}
			start, inHit = i, h
		}
	}
	if inHit {
		run(start, len(s), hit)
	} else {
		run(start, len(s), base)
	}
	return b.String()
}
