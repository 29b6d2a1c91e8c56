package catalog

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Version is a semantic version: major.minor.patch.
type Version struct{ Major, Minor, Patch int }

// ParseVersion parses an exact "1.2.3".
func ParseVersion(s string) (Version, error) {
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return Version{}, fmt.Errorf("version %q is not major.minor.patch", s)
	}
	var n [3]int
	for i, p := range parts {
		// Only canonical numbers: "01" or "-0" would parse to a version
		// whose String() differs from what was registered, and Resolve
		// would then name a version that does not exist.
		v, err := strconv.Atoi(p)
		if err != nil || !canonicalNumber(p) {
			return Version{}, fmt.Errorf("version %q is not major.minor.patch", s)
		}
		n[i] = v
	}
	return Version{n[0], n[1], n[2]}, nil
}

// canonicalNumber reports whether p is digits only, without a leading zero.
func canonicalNumber(p string) bool {
	if p == "" || (len(p) > 1 && p[0] == '0') {
		return false
	}
	for _, r := range p {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func (v Version) String() string { return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch) }

// Compare orders versions: negative when v < w.
func (v Version) Compare(w Version) int {
	if c := cmp.Compare(v.Major, w.Major); c != 0 {
		return c
	}
	if c := cmp.Compare(v.Minor, w.Minor); c != 0 {
		return c
	}
	return cmp.Compare(v.Patch, w.Patch)
}

// Constraint is what a reference asks for: latest, an exact version, or a
// prefix range such as 1.2 / 1.2.* (newest 1.2.x) or 1.* (newest 1.x).
type Constraint struct {
	parts []int // fixed leading components; empty = latest
}

// ParseConstraint parses "", "latest", "1.2.3", "1.2", "1.2.*", "1", "1.*".
func ParseConstraint(s string) (Constraint, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "latest" {
		return Constraint{}, nil
	}
	raw := strings.Split(s, ".")
	if len(raw) > 3 {
		return Constraint{}, fmt.Errorf("version %q has more than three parts", s)
	}
	var c Constraint
	for i, p := range raw {
		if p == "*" {
			if i != len(raw)-1 || i == 0 {
				return Constraint{}, fmt.Errorf("version %q: a * may only end a range such as 1.* or 1.2.*", s)
			}
			break
		}
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || p == "" || strings.ContainsAny(p, "+-") {
			return Constraint{}, fmt.Errorf("version %q is not a version (1.2.3) or range (1.2, 1.2.*, 1.*, latest)", s)
		}
		c.parts = append(c.parts, n)
	}
	return c, nil
}

// Matches reports whether v satisfies the constraint.
func (c Constraint) Matches(v Version) bool {
	vs := [3]int{v.Major, v.Minor, v.Patch}
	for i, p := range c.parts {
		if vs[i] != p {
			return false
		}
	}
	return true
}

// Resolve picks the newest of versions that satisfies want ("" or "latest",
// exact, or a range). Versions that do not parse are ignored.
func Resolve(versions []string, want string) (string, error) {
	c, err := ParseConstraint(want)
	if err != nil {
		return "", err
	}
	best, found := Version{}, false
	for _, s := range versions {
		v, err := ParseVersion(s)
		if err != nil || !c.Matches(v) {
			continue
		}
		if !found || v.Compare(best) > 0 {
			best, found = v, true
		}
	}
	if !found {
		if want == "" || want == "latest" {
			return "", fmt.Errorf("no published version")
		}
		return "", fmt.Errorf("no version matches %s", want)
	}
	return best.String(), nil
}

// SortVersions sorts versions newest first; unparsable ones go last.
func SortVersions(versions []string) {
	slices.SortStableFunc(versions, func(a, b string) int {
		va, ea := ParseVersion(a)
		vb, eb := ParseVersion(b)
		switch {
		case ea != nil && eb != nil:
			return strings.Compare(a, b)
		case ea != nil:
			return 1
		case eb != nil:
			return -1
		}
		return vb.Compare(va)
	})
}
