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
		return Ref{}, fmt.Errorf("algorithm reference %q is not owner/name or owner/name/version%s", orig, slashHint(parts))
	}
	for i, p := range parts {
		if p == "" {
			return Ref{}, fmt.Errorf("algorithm reference %q has an empty part", orig)
		}
		limit := validNameRune
		switch i {
		case 0:
			limit = validOwnerRune
		case 2:
			limit = validVersionRune
		}
		for _, r := range p {
			if !limit(r) {
				return Ref{}, fmt.Errorf("algorithm reference %q has an unexpected character %q", orig, r)
			}
		}
	}
	if _, err := DecodeName(parts[1]); err != nil {
		return Ref{}, fmt.Errorf("algorithm reference %q: %w", orig, err)
	}
	ref := Ref{Owner: parts[0], Name: parts[1]}
	if len(parts) == 3 {
		ref.Version = parts[2]
		if _, err := ParseConstraint(ref.Version); err != nil {
			return Ref{}, fmt.Errorf("algorithm reference %q: %w%s", orig, err, slashHint(parts))
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

// validNameRune is what an owner or a name may hold: letters, digits and
// "_-.", and in a name also the ":", "~" and "!" of an encoded model id
// (EncodeName). Owners never hold them: an owner is a built-in group, a
// chain's owner or a source's name.
func validNameRune(r rune) bool {
	return validOwnerRune(r) || r == ':' || r == nameSlash || r == nameEscape
}

func validOwnerRune(r rune) bool {
	return r == '_' || r == '-' || r == '.' ||
		(r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
}

// slashHint adds, to the error for a reference with too many parts or a
// version that is not one, how a model id with slashes is written.
func slashHint(parts []string) string {
	if len(parts) < 3 || (len(parts) == 3 && !looksLikeIDPart(parts[2])) {
		return ""
	}
	for _, p := range parts {
		for i := 0; i < len(p); i++ {
			if !isLiteralNameByte(p[i]) {
				return "" // a reference with other mistakes gets no hint
			}
		}
	}
	return fmt.Sprintf("; a model id with slashes is written with ~ in a reference, as in %s/%s", parts[0], EncodeName(strings.Join(parts[1:], "/")))
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

// looksLikeIDPart tells a model id's last part ("Llama-3.1-8B-Instruct")
// from a mistyped version ("1.x"): versions start with a digit.
func looksLikeIDPart(s string) bool {
	return s != "" && (s[0] < '0' || s[0] > '9') && s[0] != '*'
}
