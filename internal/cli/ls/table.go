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

// column is one column of the listing: its header and its cell for an entry.
type column struct {
	head string
	cell func(catalog.Entry) string
}

// columns are the listing's columns before the tagline: the reference, the
// version and the kinds; then, when a listed entry is a remote model, its
// size and context length, so a list of built-ins reads as it always has.
func columns(ix *catalog.Index, matches []catalog.Match) []column {
	cols := []column{
		{"REF", func(e catalog.Entry) string { return e.Ref.Path() }},
		{"VERSION", func(e catalog.Entry) string { return e.Ref.Version }},
		{"KINDS", kindCell},
	}
	for _, m := range matches {
		if ix.Entry(m.Index).Model != nil {
			return append(cols,
				column{"SIZE", func(e catalog.Entry) string { return modelField(e, (*catalog.Model).SizeString) }},
				column{"CONTEXT", func(e catalog.Entry) string { return modelField(e, (*catalog.Model).ContextString) }})
		}
	}
	return cols
}

// kindCell is a model's kind (chat, embedding…), an algorithm's kinds.
func kindCell(e catalog.Entry) string {
	if e.Model != nil && e.Model.Kind != "" {
		return string(e.Model.Kind)
	}
	return Kinds(e)
}

func modelField(e catalog.Entry, f func(*catalog.Model) string) string {
	if e.Model == nil {
		return ""
	}
	return f(e.Model)
}

// printPlain prints one row per algorithm in plain aligned columns, nothing
// cut: what a pipe gets.
func printPlain(w io.Writer, ix *catalog.Index, matches []catalog.Match) error {
	cols := columns(ix, matches)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, c := range cols {
		fmt.Fprint(tw, c.head+"\t")
	}
	fmt.Fprintln(tw, "TAGLINE")
	for _, m := range matches {
		e := ix.Entry(m.Index)
		for _, c := range cols {
			fmt.Fprint(tw, c.cell(e)+"\t")
		}
		fmt.Fprintln(tw, e.Tagline)
	}
	return tw.Flush()
}

// printTable prints one row per algorithm for a terminal of the given
// width: the tagline is cut to fit and the matched letters of each
// reference stand out.
func printTable(w io.Writer, ix *catalog.Index, matches []catalog.Match, width int) error {
	var (
		head   = lipgloss.NewStyle().Bold(true).Faint(true)
		ref    = lipgloss.NewStyle().Bold(true)
		hit    = lipgloss.NewStyle().Bold(true).Underline(true).Foreground(lipgloss.Color("5"))
		dim    = lipgloss.NewStyle().Faint(true)
		warn   = lipgloss.NewStyle().Foreground(lipgloss.Color("3"))
		cols   = columns(ix, matches)
		widths = make([]int, len(cols))
	)
	for i, c := range cols {
		widths[i] = len(c.head)
	}
	for _, m := range matches {
		e := ix.Entry(m.Index)
		for i, c := range cols {
			widths[i] = max(widths[i], ansi.StringWidth(c.cell(e)))
		}
	}
	const gap = "  "
	tagW := width - len(cols)*len(gap)
	for _, cw := range widths {
		tagW -= cw
	}
	pad := func(s string, plainWidth, to int) string {
		return s + strings.Repeat(" ", max(0, to-plainWidth))
	}
	var line []string
	for i, c := range cols {
		line = append(line, pad(head.Render(c.head), len(c.head), widths[i]))
	}
	if tagW >= 8 {
		line = append(line, head.Render("TAGLINE"))
	}
	fmt.Fprintln(w, strings.TrimRight(strings.Join(line, gap), " "))
	for _, m := range matches {
		e := ix.Entry(m.Index)
		line = line[:0]
		for i, c := range cols {
			text := c.cell(e)
			styled := dim.Render(text)
			switch i {
			case 0:
				styled = highlight(text, m.InRef, ref, hit)
			case 2:
				styled = text
			}
			line = append(line, pad(styled, ansi.StringWidth(text), widths[i]))
		}
		if tagW >= 8 {
			tagline := e.Tagline
			style := lipgloss.NewStyle()
			if e.Unavailable != "" {
				tagline = "unavailable here: " + e.Unavailable
				style = warn
			}
			line = append(line, style.Render(ansi.Truncate(tagline, tagW, "…")))
		}
		fmt.Fprintln(w, strings.TrimRight(strings.Join(line, gap), " "))
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
