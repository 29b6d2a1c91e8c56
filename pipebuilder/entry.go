package pipebuilder

import (
	"fmt"
	"strings"

	"pipette/catalog"
)

// Entry describes the chain as a catalog entry, as it is published: its
// name and version, tagline, docs followed by the list of its steps, input
// kind, output kind when knowable, and the first step's samples when they
// are valid chain inputs. Validate first, so that the output kind and
// samples are known.
func (c *Chain) Entry() catalog.Entry {
	ref, _ := c.Ref()
	e := catalog.Entry{
		Ref:       ref,
		Versions:  []catalog.VersionInfo{{Version: c.Version}},
		Label:     ref.Name,
		Tagline:   c.Tagline,
		Docs:      c.docsWithSteps(),
		Tags:      []string{"chain"},
		InputKind: c.Input,
		Source:    SourceName,
	}
	e.OutputKind = c.outputKind()
	if len(c.Steps) > 0 {
		first := c.Steps[0]
		if first.Input == "" && first.Each == "" {
			for _, s := range first.entry.Samples {
				if s.Input.Kind == c.Input {
					e.Samples = append(e.Samples, s)
				}
			}
		}
	}
	return e
}

func (c *Chain) outputKind() catalog.Kind {
	if len(c.Steps) == 0 {
		return catalog.KindAny
	}
	if c.Output != "" {
		ids := stepRefs(c.Output)
		if q := strings.TrimSpace(c.Output); len(ids) == 1 && (q == ".steps."+ids[0]) {
			if i := c.StepIndex(ids[0]); i >= 0 {
				return orAny(c.Steps[i].producedKind())
			}
		}
		return orAny(staticKind(c.Output))
	}
	return orAny(c.Steps[len(c.Steps)-1].producedKind())
}

func orAny(k catalog.Kind) catalog.Kind {
	if k == "" {
		return catalog.KindAny
	}
	return k
}

// docsWithSteps is the chain's docs and a list of its steps, so the catalog
// shows what a chain does under the hood.
func (c *Chain) docsWithSteps() string {
	var b strings.Builder
	b.WriteString(strings.TrimRight(c.Docs, "\n"))
	if b.Len() > 0 {
		b.WriteString("\n\n")
	}
	b.WriteString("## Steps\n\n")
	for i, s := range c.Steps {
		how := "the previous step's result"
		if i == 0 {
			how = "the chain's input"
		}
		switch {
		case s.Each != "":
			how = fmt.Sprintf("once per element of `%s`", oneLine(s.Each))
		case s.Input != "":
			how = fmt.Sprintf("`%s`", oneLine(s.Input))
		}
		fmt.Fprintf(&b, "%d. **%s** — `%s` on %s\n", i+1, s.ID, s.Algo, how)
	}
	if c.Output != "" {
		fmt.Fprintf(&b, "\nThe result is `%s`.\n", oneLine(c.Output))
	}
	return b.String()
}

// oneLine shortens a jq expression to one line for the docs.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	s = strings.ReplaceAll(s, "`", "'")
	if r := []rune(s); len(r) > 80 {
		s = string(r[:79]) + "…"
	}
	return s
}
