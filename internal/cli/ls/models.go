package ls

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"pipette/catalog"
	"pipette/internal/cli/iostreams"
)

// searchLimit is how many models a searching source (the Hub) adds to a
// query's listing.
const searchLimit = 50

// searcher is a catalog with sources that search rather than list whole.
type searcher interface {
	Search(ctx context.Context, query string, limit int) []catalog.Entry
}

// searched is what the sources that search found for query, less what the
// listing already has.
func searched(ctx context.Context, src catalog.Source, query string, listed []catalog.Entry) []catalog.Entry {
	s, ok := src.(searcher)
	if !ok || query == "" {
		return nil
	}
	have := make(map[string]bool, len(listed))
	for _, e := range listed {
		have[e.Ref.Path()] = true
	}
	var out []catalog.Entry
	for _, e := range s.Search(ctx, query, searchLimit) {
		if !have[e.Ref.Path()] {
			have[e.Ref.Path()] = true
			out = append(out, e)
		}
	}
	return out
}

// warnDown says on stderr which sources are down, and why: their models
// are missing from the listing or cannot be called.
func warnDown(ios *iostreams.IOStreams, src catalog.Source) {
	r, ok := src.(catalog.StatusReporter)
	if !ok {
		return
	}
	for _, st := range r.Statuses() {
		if st.State == catalog.SourceDown {
			fmt.Fprintf(ios.ErrOut, "warning: source %s (%s) is down: %s\n", st.Name, st.URL, st.Reason)
		}
	}
}

// filter keeps the entries of one kind and one source ("" keeps all).
func filter(entries []catalog.Entry, kind, from string) []catalog.Entry {
	if kind == "" && from == "" {
		return entries
	}
	var out []catalog.Entry
	for _, e := range entries {
		switch {
		case kind == "algorithm" && e.Model != nil,
			kind != "" && kind != "algorithm" && (e.Model == nil || string(e.Model.Kind) != kind),
			from != "" && !strings.EqualFold(e.Source, from):
			continue
		}
		out = append(out, e)
	}
	return out
}

// sortMatches orders the matches by name, or by a model's size, context or
// parameter count, largest first; what is unknown goes last, by name.
func sortMatches(ix *catalog.Index, ms []catalog.Match, by string) {
	field := map[string]func(*catalog.Model) int64{
		"size":    func(m *catalog.Model) int64 { return m.Size },
		"context": func(m *catalog.Model) int64 { return m.ContextLength },
		"params":  func(m *catalog.Model) int64 { return m.Parameters },
	}[by]
	if by == "" {
		return
	}
	value := func(e catalog.Entry) int64 {
		if field == nil || e.Model == nil {
			return 0
		}
		return field(e.Model)
	}
	slices.SortStableFunc(ms, func(a, b catalog.Match) int {
		ea, eb := ix.Entry(a.Index), ix.Entry(b.Index)
		return cmp.Or(cmp.Compare(value(eb), value(ea)), strings.Compare(strings.ToLower(ea.Ref.Path()), strings.ToLower(eb.Ref.Path())))
	})
}
