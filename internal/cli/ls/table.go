package ls

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"pipette/catalog"
)

// printPlain prints one row per algorithm in plain aligned columns, nothing
// cut: what a pipe gets.
func printPlain(w io.Writer, ix *catalog.Index, matches []catalog.Match) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "REF\tVERSION\tKINDS\tTAGLINE")
	for _, m := range matches {
		e := ix.Entry(m.Index)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", e.Ref.Path(), e.Ref.Version, Kinds(e), e.Tagline)
	}
	return tw.Flush()
}

// printTable prints one row per algorithm for a terminal of the given
// width: the tagline is cut to fit and the matched letters of each
// reference stand out.
func printTable(w io.Writer, ix *catalog.Index, matches []catalog.Match, width int) error {
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
		kindW = max(kindW, ansi.StringWidth(Kinds(e)))
	}
	const gap = "  "
	tagW := width - refW - verW - kindW - 3*len(gap)
	pad := func(s string, plainWidth, to int) string {
		return s + strings.Repeat(" ", max(0, to-plainWidth))
	}
	line := pad(head.Render("REF"), 3, refW) + gap + pad(head.Render("VERSION"), 7, verW) + gap + pad(head.Render("KINDS"), 5, kindW)
	if tagW >= 8 {
		line += gap + head.Render("TAGLINE")
	}
	fmt.Fprintln(w, strings.TrimRight(line, " "))
	for _, m := range matches {
		e := ix.Entry(m.Index)
		path := e.Ref.Path()
		line := pad(highlight(path, m.InRef, ref, hit), ansi.StringWidth(path), refW) + gap +
			pad(dim.Render(e.Ref.Version), ansi.StringWidth(e.Ref.Version), verW) + gap +
			pad(Kinds(e), ansi.StringWidth(Kinds(e)), kindW)
		if tagW >= 8 {
			tagline := e.Tagline
			style := lipgloss.NewStyle()
			if e.Unavailable != "" {
				tagline = "unavailable here: " + e.Unavailable
				style = warn
			}
			line += gap + style.Render(ansi.Truncate(tagline, tagW, "…"))
		}
		fmt.Fprintln(w, strings.TrimRight(line, " "))
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
