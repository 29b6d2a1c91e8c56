package catalog

import (
	"fmt"
	"strings"
)

// Ref names an algorithm: owner/name and an optional version or version range.
type Ref struct {
	Owner   string
	Name    string
	Version string // "" means latest; may be exact ("1.2.3") or a range ("1.2", "1.2.*", "1.*")
}

// ParseRef parses "owner/name", "owner/name/version" and the same forms behind
// an "algo://" prefix.
func ParseRef(s string) (Ref, error) {
	orig := s
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "algo://")
	s = strings.Trim(s, "/")
	if s == "" {
		return Ref{}, fmt.Errorf("empty algorithm reference: write owner/name, for example nlp/SentimentAnalysis")
	}
	parts := strings.Split(s, "/")
	if len(parts) < 2 || len(parts) > 3 {
		return Ref{}, fmt.Errorf("algorithm reference %q is not owner/name or owner/name/version", orig)
	}
	for i, p := range parts {
		if p == "" {
			return Ref{}, fmt.Errorf("algorithm reference %q has an empty part", orig)
		}
		limit := validNameRune
		if i == 2 {
			limit = validVersionRune
		}
		for _, r := range p {
			if !limit(r) {
				return Ref{}, fmt.Errorf("algorithm reference %q has an unexpected character %q", orig, r)
			}
		}
	}
	ref := Ref{Owner: parts[0], Name: parts[1]}
	if len(parts) == 3 {
		ref.Version = parts[2]
		if _, err := ParseConstraint(ref.Version); err != nil {
			return Ref{}, fmt.Errorf("algorithm reference %q: %w", orig, err)
		}
	}
	return ref, nil
}

// MustParseRef is ParseRef for references known at compile time.
func MustParseRef(s string) Ref {
	r, err := ParseRef(s)
	if err != nil {
		panic(err)
	}
	return r
}

func validNameRune(r rune) bool {
	return r == '_' || r == '-' || r == '.' ||
		(r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
}

func validVersionRune(r rune) bool {
	return r == '.' || r == '*' || r == '-' || r == '+' ||
		(r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
}

// Path is "owner/name", without the version.
func (r Ref) Path() string { return r.Owner + "/" + r.Name }

// String is "owner/name" or "owner/name/version".
func (r Ref) String() string {
	if r.Version == "" {
		return r.Path()
	}
	return r.Path() + "/" + r.Version
}

// URI is the algo:// form used in error messages, as the original platform did.
func (r Ref) URI() string { return "algo://" + r.String() }

// WithVersion returns the reference pinned to v.
func (r Ref) WithVersion(v string) Ref { r.Version = v; return r }
