package catalog

import (
	"fmt"
	"strings"
)

// A remote model's reference is its source's name as the owner and its model
// id, encoded, as the name: "ollama/llama3.2:3b",
// "ollama/hf.co~bartowski~Llama-3.2-1B-Instruct-GGUF:Q4_K_M",
// "hf/meta-llama~Llama-3.1-8B-Instruct", "llamacpp/models~foo.gguf". The
// encoding keeps a name one segment of the API path
// /v1/algo/{owner}/{name}[/{version}], so the reference round-trips through
// any Algorithmia client, proxy and chain file unchanged, and it is a
// bijection: every id has exactly one name and every name one id.
//
//   - letters, digits and "-_.:" stand for themselves;
//   - "/" is written "~" (the one character ids use to nest);
//   - every other byte is "!" and two upper-case hex digits ("~" is "!7E",
//     "!" is "!21", a space "!20").
//
// Percent-encoding would not do: proxies and HTTP libraries decode "%2F"
// (or refuse it), and "%" inside a reference would be decoded once by the
// URL and again by the reference. "~" and "!" need no escaping in a path
// segment, and url.PathEscape's "%21" for "!" decodes back to "!".
const (
	nameSlash  = '~'
	nameEscape = '!'
)

// EncodeName turns a model id into the name part of a reference.
func EncodeName(id string) string {
	if id == "." || id == ".." { // path segments that clients and routers drop
		return strings.Repeat("!2E", len(id))
	}
	var b strings.Builder
	b.Grow(len(id))
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c == '/':
			b.WriteByte(nameSlash)
		case isLiteralNameByte(c):
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%c%02X", nameEscape, c)
		}
	}
	return b.String()
}

// DecodeName turns the name part of a reference back into the model id. It
// refuses what EncodeName never writes (a lower-case or short escape, an
// escaped byte that needs none), so one id never has two names.
func DecodeName(name string) (string, error) {
	if name == "." || name == ".." {
		return "", fmt.Errorf("name %q is not a path segment: the model id %q is written %s", name, name, EncodeName(name))
	}
	plain := true
	for i := 0; i < len(name); i++ {
		if c := name[i]; !isLiteralNameByte(c) {
			if c != nameSlash && c != nameEscape {
				return "", fmt.Errorf("name %q has an unexpected character %q", name, c)
			}
			plain = false
		}
	}
	if plain {
		return name, nil
	}
	var b strings.Builder
	b.Grow(len(name))
	for i := 0; i < len(name); i++ {
		switch c := name[i]; c {
		case nameSlash:
			b.WriteByte('/')
		case nameEscape:
			if i+2 >= len(name) || !isUpperHex(name[i+1]) || !isUpperHex(name[i+2]) {
				return "", fmt.Errorf("name %q has a %c not followed by two upper-case hex digits (write %c21 for a %c in a model id)", name, nameEscape, nameEscape, nameEscape)
			}
			v := unhex(name[i+1])<<4 | unhex(name[i+2])
			if v == '/' || (isLiteralNameByte(v) && !(v == '.' && (name == "!2E" || name == "!2E!2E"))) {
				return "", fmt.Errorf("name %q escapes %q, which is written as itself", name, string(rune(v)))
			}
			b.WriteByte(v)
			i += 2
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

// ModelRef is the reference of the model id that the source named source
// serves, without a version.
func ModelRef(source, id string) Ref { return Ref{Owner: source, Name: EncodeName(id)} }

// ModelID is the model id a remote model's reference names (its name,
// decoded). ParseRef has checked the encoding; a Ref built by hand with a
// bad one gives its name unchanged.
func (r Ref) ModelID() string {
	id, err := DecodeName(r.Name)
	if err != nil {
		return r.Name
	}
	return id
}

func isLiteralNameByte(c byte) bool {
	return c == '-' || c == '_' || c == '.' || c == ':' ||
		(c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

func isUpperHex(c byte) bool { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') }

func unhex(c byte) byte {
	if c <= '9' {
		return c - '0'
	}
	return c - 'A' + 10
}
