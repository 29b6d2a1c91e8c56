package catalog

import (
	"slices"
	"strings"
	"testing"
)

// FuzzParseRef: any string either fails with an error or gives a reference
// that prints and parses back to itself.
func FuzzParseRef(f *testing.F) {
	for _, s := range []string{"nlp/SentimentAnalysis", "algo://nlp/X/1.2.*", "a/b/c/d", "", "nlp//X", "x/y/1.*", "x/y/latest", " /a/b/ ", "a/b/01.2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRef(s)
		if err != nil {
			if err.Error() == "" || strings.Contains(err.Error(), "\n") {
				t.Fatalf("ParseRef(%q): error %q is not one sentence", s, err)
			}
			return
		}
		if r.Owner == "" || r.Name == "" {
			t.Fatalf("ParseRef(%q) = %+v with an empty part", s, r)
		}
		if r.Version != "" {
			if _, err := ParseConstraint(r.Version); err != nil {
				t.Fatalf("ParseRef(%q) kept version %q that does not parse: %v", s, r.Version, err)
			}
		}
		for _, form := range []string{r.String(), r.URI()} {
			back, err := ParseRef(form)
			if err != nil || back != r {
				t.Fatalf("ParseRef(%q) = %+v, but %q parses to %+v, %v", s, r, form, back, err)
			}
		}
	})
}

// FuzzResolve: Resolve picks one of the given versions, one that satisfies
// the request, and the newest such; or it finds none that does.
func FuzzResolve(f *testing.F) {
	f.Add("1.0.0,1.2.0,1.2.5,2.0.0", "1.2")
	f.Add("1.0.0,1.10.0,1.9.9", "1.*")
	f.Add("junk,1.0.0", "latest")
	f.Add("01.0.0", "")
	f.Add("", "1")
	f.Fuzz(func(t *testing.T, list, want string) {
		versions := strings.Split(list, ",")
		got, err := Resolve(versions, want)
		c, cerr := ParseConstraint(want)
		if cerr != nil {
			if err == nil {
				t.Fatalf("Resolve(%q, %q) = %q although the request does not parse", list, want, got)
			}
			return
		}
		var matching []Version
		for _, s := range versions {
			if v, err := ParseVersion(s); err == nil && c.Matches(v) {
				matching = append(matching, v)
			}
		}
		if err != nil {
			if len(matching) > 0 {
				t.Fatalf("Resolve(%q, %q) failed (%v) although %v match", list, want, err, matching)
			}
			return
		}
		if !slices.Contains(versions, got) {
			t.Fatalf("Resolve(%q, %q) = %q, which is not one of the versions", list, want, got)
		}
		v, perr := ParseVersion(got)
		if perr != nil || !c.Matches(v) {
			t.Fatalf("Resolve(%q, %q) = %q, which does not satisfy the request", list, want, got)
		}
		for _, m := range matching {
			if m.Compare(v) > 0 {
				t.Fatalf("Resolve(%q, %q) = %q, but %v is newer", list, want, got, m)
			}
		}
	})
}

// FuzzSortVersions: sorting is newest first for valid versions, with the
// unparsable ones after them, and keeps every element.
func FuzzSortVersions(f *testing.F) {
	f.Add("1.0.0,2.0.0,x,1.10.0")
	f.Fuzz(func(t *testing.T, list string) {
		vs := strings.Split(list, ",")
		orig := slices.Clone(vs)
		SortVersions(vs)
		a, b := slices.Clone(orig), slices.Clone(vs)
		slices.Sort(a)
		slices.Sort(b)
		if !slices.Equal(a, b) {
			t.Fatalf("SortVersions(%q) lost or added elements: %q", orig, vs)
		}
		seenBad := false
		var prev *Version
		for _, s := range vs {
			v, err := ParseVersion(s)
			if err != nil {
				seenBad = true
				continue
			}
			if seenBad {
				t.Fatalf("SortVersions(%q) = %q: a valid version after an invalid one", orig, vs)
			}
			if prev != nil && prev.Compare(v) < 0 {
				t.Fatalf("SortVersions(%q) = %q: not newest first", orig, vs)
			}
			prev = &v
		}
	})
}
