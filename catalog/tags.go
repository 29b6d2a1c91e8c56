package catalog

import (
	"cmp"
	"slices"
	"strings"
)

// FilterTag keeps the entries that carry tag (case-insensitive). An empty tag
// keeps everything.
func FilterTag(entries []Entry, tag string) []Entry {
	if tag == "" {
		return entries
	}
	var out []Entry
	for _, e := range entries {
		if slices.ContainsFunc(e.Tags, func(t string) bool { return strings.EqualFold(t, tag) }) {
			out = append(out, e)
		}
	}
	return out
}

// Tags lists every tag in entries with its count, most used first.
func Tags(entries []Entry) []TagCount {
	counts := map[string]int{}
	for _, e := range entries {
		for _, t := range e.Tags {
			counts[strings.ToLower(t)]++
		}
	}
	out := make([]TagCount, 0, len(counts))
	for t, n := range counts {
		out = append(out, TagCount{Tag: t, Count: n})
	}
	slices.SortFunc(out, func(a, b TagCount) int {
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		return strings.Compare(a.Tag, b.Tag)
	})
	return out
}

// TagCount is a tag and how many entries carry it.
type TagCount struct {
	Tag   string
	Count int
}
