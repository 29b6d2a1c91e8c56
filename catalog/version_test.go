package catalog

import (
	"slices"
	"strings"
	"testing"
)

func TestParseVersion(t *testing.T) {
	t.Parallel()
	good := map[string]Version{"0.0.0": {}, "1.2.3": {1, 2, 3}, "10.20.30": {10, 20, 30}}
	for s, want := range good {
		got, err := ParseVersion(s)
		if err != nil || got != want || got.String() != s {
			t.Errorf("ParseVersion(%q) = %v, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "1", "1.2", "1.2.3.4", "1.2.x", "a.b.c", "1..3", "-1.2.3", "+1.2.3", "1.2.3-rc1", " 1.2.3", "1.2.*", "01.2.3", "1.02.3", "1.2.-0"} {
		if v, err := ParseVersion(s); err == nil {
			t.Errorf("ParseVersion(%q) = %v, want an error", s, v)
		} else if !strings.Contains(err.Error(), "major.minor.patch") {
			t.Errorf("ParseVersion(%q): %v", s, err)
		}
	}
}

func TestVersionCompare(t *testing.T) {
	t.Parallel()
	order := []Version{{0, 0, 1}, {0, 1, 0}, {0, 9, 9}, {1, 0, 0}, {1, 2, 0}, {1, 10, 0}, {2, 0, 0}}
	for i := range order {
		for j := range order {
			got := order[i].Compare(order[j])
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got != want {
				t.Errorf("%v.Compare(%v) = %d, want %d", order[i], order[j], got, want)
			}
		}
	}
}

func TestResolve(t *testing.T) {
	t.Parallel()
	versions := []string{"1.0.0", "1.2.0", "not-a-version", "1.2.5", "2.0.0", "1.10.1", "0.9.0"}
	tests := []struct{ want, got, err string }{
		{"", "2.0.0", ""},
		{"latest", "2.0.0", ""},
		{"1.2.5", "1.2.5", ""},
		{"1.0.0", "1.0.0", ""},
		{"1.2", "1.2.5", ""},
		{"1.2.*", "1.2.5", ""},
		{"1.*", "1.10.1", ""}, // numeric, not lexical: 1.10 > 1.2
		{"1", "1.10.1", ""},
		{"1.10", "1.10.1", ""},
		{"0", "0.9.0", ""},
		{"0.*", "0.9.0", ""},
		{"2.0", "2.0.0", ""},
		{"3", "", "no version matches 3"},
		{"1.3", "", "no version matches 1.3"},
		{"1.2.4", "", "no version matches 1.2.4"},
		{"1.x", "", `version "1.x" is not a version`},
		{"*", "", "a * may only end a range"},
	}
	for _, tc := range tests {
		got, err := Resolve(versions, tc.want)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("Resolve(%q) = %q, %v; want error %q", tc.want, got, err, tc.err)
		case tc.err == "" && (err != nil || got != tc.got):
			t.Errorf("Resolve(%q) = %q, %v; want %q", tc.want, got, err, tc.got)
		}
	}
	if _, err := Resolve(nil, ""); err == nil || err.Error() != "no published version" {
		t.Errorf("Resolve(nil) = %v", err)
	}
	if _, err := Resolve([]string{"junk"}, "latest"); err == nil || err.Error() != "no published version" {
		t.Errorf("Resolve(junk) = %v", err)
	}
}

func TestSortVersions(t *testing.T) {
	t.Parallel()
	vs := []string{"1.0.0", "zeta", "2.0.0", "1.10.0", "alpha", "1.2.0", "0.0.1", "1.2.10"}
	SortVersions(vs)
	want := []string{"2.0.0", "1.10.0", "1.2.10", "1.2.0", "1.0.0", "0.0.1", "alpha", "zeta"}
	if !slices.Equal(vs, want) {
		t.Errorf("SortVersions = %v, want %v", vs, want)
	}
	SortVersions(nil) // no panic on empty
}

func TestParseConstraintMatches(t *testing.T) {
	t.Parallel()
	v := Version{1, 2, 3}
	for s, want := range map[string]bool{"": true, "latest": true, "1": true, "1.*": true, "1.2": true, "1.2.*": true, "1.2.3": true, "2": false, "1.3": false, "1.2.4": false} {
		c, err := ParseConstraint(s)
		if err != nil {
			t.Fatalf("ParseConstraint(%q): %v", s, err)
		}
		if got := c.Matches(v); got != want {
			t.Errorf("%q matches 1.2.3 = %v, want %v", s, got, want)
		}
	}
}
