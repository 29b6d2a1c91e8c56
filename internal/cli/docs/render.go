package docs

import (
	"fmt"
	"io"
	"strings"

	"charm.land/glamour/v2"
	"charm.land/glamour/v2/styles"
	"charm.land/lipgloss/v2"

	"pipette/catalog"
	"pipette/internal/cli/iostreams"
)

// render prints the card with lipgloss and the docs with glamour, in the
// dark or light style that suits the terminal's background.
func render(ios *iostreams.IOStreams, e catalog.Entry, width int) error {
	dark := ios.HasDarkBackground()
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
	for _, f := range fields(e) {
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
	cw := ios.ColorOut()
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
