package main

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"charm.land/glamour/v2"
	"charm.land/glamour/v2/styles"
	"charm.land/lipgloss/v2"
	"github.com/spf13/cobra"

	"pipette/catalog"
)

func newDocsCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "docs REF",
		Short: "Show an algorithm's documentation",
		Long: `Show an algorithm's documentation: its versions, license, input and output kinds,
tags and samples, then its docs — rendered on a terminal, plain markdown when piped.`,
		Example: `  pipette docs nlp/SentimentAnalysis
  pipette docs nlp/SentimentAnalysis/1.0.0 > sentiment.md`,
		Args: oneRef,
		RunE: func(cmd *cobra.Command, args []string) error {
			ref, err := parseRefArg(cmd, args[0])
			if err != nil {
				return err
			}
			c, err := newClient(cmd)
			if err != nil {
				return err
			}
			e, err := c.Source().Get(cmd.Context(), ref)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			width := terminalWidth(out)
			if width == 0 {
				_, err := io.WriteString(out, docsHeader(e)+"\n"+strings.TrimSpace(e.Docs)+"\n")
				return err
			}
			return renderDocs(cmd, e, width)
		},
	}
}

// oneRef checks that a verb got exactly one algorithm reference.
func oneRef(cmd *cobra.Command, args []string) error {
	switch len(args) {
	case 0:
		return usageErrorf(cmd, "name an algorithm, for example `%s nlp/SentimentAnalysis`", cmd.CommandPath())
	case 1:
		return nil
	}
	return usageErrorf(cmd, "%s takes one algorithm, got %d arguments: %s", cmd.CommandPath(), len(args), strings.Join(args, " "))
}

func parseRefArg(cmd *cobra.Command, s string) (catalog.Ref, error) {
	ref, err := catalog.ParseRef(s)
	if err != nil {
		return catalog.Ref{}, usageErrorf(cmd, "%v", err)
	}
	return ref, nil
}

// docsHeader is the plain-text card above the docs: what a user needs to call
// the algorithm without reading further.
func docsHeader(e catalog.Entry) string {
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
	for _, f := range docsFields(e) {
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
			fmt.Fprintf(&b, "  %d  %-*s  %s\n", i+1, nameW, s.Name, s.Input.Summary(60))
		}
	}
	return b.String()
}

func docsFields(e catalog.Entry) [][2]string {
	fields := [][2]string{
		{"versions", strings.Join(e.VersionNames(), ", ")},
		{"license", orNone(e.License)},
		{"kinds", kinds(e)},
		{"tags", orNone(strings.Join(e.Tags, ", "))},
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

// renderDocs prints the card with lipgloss and the docs with glamour, in the
// dark or light style that suits the terminal's background.
func renderDocs(cmd *cobra.Command, e catalog.Entry, width int) error {
	dark := hasDarkBackground(cmd.InOrStdin(), cmd.OutOrStdout())
	ld := lipgloss.LightDark(dark)
	accent := ld(lipgloss.Color("#5A3FC0"), lipgloss.Color("#B9A5FF"))
	var (
		title = lipgloss.NewStyle().Bold(true).Foreground(accent)
		dim   = lipgloss.NewStyle().Faint(true)
		label = lipgloss.NewStyle().Faint(true).Width(10)
		warn  = lipgloss.NewStyle().Foreground(lipgloss.Color("3"))
		card  = lipgloss.NewStyle().Padding(0, 2).MarginTop(1)
	)
	var b strings.Builder
	b.WriteString(title.Render(e.Ref.Path()) + " " + dim.Render(e.Ref.Version))
	if e.Label != "" {
		b.WriteString(dim.Render(" · ") + e.Label)
	}
	b.WriteString("\n")
	if e.Tagline != "" {
		b.WriteString(e.Tagline + "\n")
	}
	b.WriteString("\n")
	for _, f := range docsFields(e) {
		v := f[1]
		if f[0] == "warning" {
			v = warn.Render(v)
		}
		b.WriteString(label.Render(f[0]) + v + "\n")
	}
	if len(e.Samples) > 0 {
		b.WriteString("\n" + label.Render("samples") + "\n")
		nameW := 0
		for _, s := range e.Samples {
			nameW = max(nameW, lipgloss.Width(s.Name))
		}
		for i, s := range e.Samples {
			room := max(20, min(width, 100)-nameW-12)
			b.WriteString(fmt.Sprintf("  %s  %s  %s\n", title.Render(fmt.Sprint(i+1)), lipgloss.NewStyle().Width(nameW).Render(s.Name), dim.Render(s.Input.Summary(room))))
		}
	}
	cw := colorWriter(cmd.OutOrStdout())
	fmt.Fprint(cw, card.Width(min(width, 100)).Render(strings.TrimRight(b.String(), "\n"))+"\n")

	if strings.TrimSpace(e.Docs) == "" {
		return nil
	}
	style := styles.LightStyleConfig
	if dark {
		style = styles.DarkStyleConfig
	}
	r, err := glamour.NewTermRenderer(glamour.WithStyles(style), glamour.WithWordWrap(min(width, 100)-4))
	if err != nil {
		return fmt.Errorf("render the docs: %w", err)
	}
	md, err := r.Render(e.Docs)
	if err != nil {
		return fmt.Errorf("render the docs: %w", err)
	}
	_, err = io.WriteString(cw, md)
	return err
}
