package catalog

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestEncodeName(t *testing.T) {
	t.Parallel()
	tests := []struct{ id, name string }{
		{"llama3.2:3b", "llama3.2:3b"},
		{"hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M", "hf.co~bartowski~Llama-3.2-1B-Instruct-GGUF:Q4_K_M"},
		{"meta-llama/Llama-3.1-8B-Instruct", "meta-llama~Llama-3.1-8B-Instruct"},
		{"models/foo.gguf", "models~foo.gguf"},
		{"/home/me/models/foo.gguf", "~home~me~models~foo.gguf"},
		{"openai/gpt-4o:free", "openai~gpt-4o:free"},
		{"a~b", "a!7Eb"},
		{"a!b", "a!21b"},
		{"my model", "my!20model"},
		{"50%", "50!25"},
		{"é", "!C3!A9"},
		{".", "!2E"},
		{"..", "!2E!2E"},
		{"...", "..."},
		{"a/./b", "a~.~b"},
		{"q?x#y", "q!3Fx!23y"},
	}
	for _, tc := range tests {
		if got := EncodeName(tc.id); got != tc.name {
			t.Errorf("EncodeName(%q) = %q, want %q", tc.id, got, tc.name)
		}
		back, err := DecodeName(tc.name)
		if err != nil || back != tc.id {
			t.Errorf("DecodeName(%q) = %q, %v; want %q", tc.name, back, err, tc.id)
		}
		// The reference parses, and goes through the API path as one
		// segment that decodes back to itself.
		ref, err := ParseRef("src/" + tc.name)
		if err != nil {
			t.Errorf("ParseRef(src/%s): %v", tc.name, err)
			continue
		}
		if ref.ModelID() != tc.id || ref != ModelRef("src", tc.id) {
			t.Errorf("src/%s: ModelID %q, ModelRef %+v", tc.name, ref.ModelID(), ModelRef("src", tc.id))
		}
		seg := url.PathEscape(tc.name)
		if strings.Contains(seg, "/") || strings.Contains(seg, "%2F") {
			t.Errorf("%q escapes to %q: not one path segment", tc.name, seg)
		}
		if un, err := url.PathUnescape(seg); err != nil || un != tc.name {
			t.Errorf("path segment %q unescapes to %q, %v", seg, un, err)
		}
	}
}

func TestDecodeNameRefusesNonCanonical(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, want string }{
		{"a!", "not followed by two upper-case hex digits"},
		{"a!7", "not followed by two upper-case hex digits"},
		{"a!7e", "not followed by two upper-case hex digits"},
		{"a!ZZ", "not followed by two upper-case hex digits"},
		{"!61", `escapes "a", which is written as itself`},
		{"a!2Fb", `escapes "/", which is written as itself`},
		{"a!3Ab", `escapes ":", which is written as itself`},
		{"x!2E", `escapes ".", which is written as itself`},
	}
	for _, tc := range tests {
		_, err := DecodeName(tc.name)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("DecodeName(%q) = %v, want an error containing %q", tc.name, err, tc.want)
		}
		if _, err := ParseRef("src/" + tc.name); err == nil {
			t.Errorf("ParseRef(src/%s) succeeded", tc.name)
		}
	}
}

func TestParseRefModelIDHints(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"ollama/hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M", "written with ~ in a reference, as in ollama/hf.co~bartowski~Llama-3.2-1B-Instruct-GGUF:Q4_K_M"},
		{"hf/meta-llama/Llama-3.1-8B-Instruct", "as in hf/meta-llama~Llama-3.1-8B-Instruct"},
		{"a:b/c", `unexpected character ':'`}, // an owner is a source or group name
	}
	for _, tc := range tests {
		_, err := ParseRef(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseRef(%q) = %v, want %q", tc.in, err, tc.want)
		}
	}
	// A mistyped version gets no model-id hint.
	if _, err := ParseRef("nlp/X/1.x"); err == nil || strings.Contains(err.Error(), "~") {
		t.Errorf("ParseRef(nlp/X/1.x) = %v", err)
	}
}

// FuzzEncodeName: every string is encoded to a name that parses in a
// reference and decodes back to it.
func FuzzEncodeName(f *testing.F) {
	for _, s := range []string{"llama3.2:3b", "a/b", "~!", ".", "..", "é", "\x00", "%2F"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		if id == "" {
			return
		}
		name := EncodeName(id)
		back, err := DecodeName(name)
		if err != nil || back != id {
			t.Fatalf("DecodeName(EncodeName(%q)=%q) = %q, %v", id, name, back, err)
		}
		if !utf8.ValidString(name) {
			t.Fatalf("EncodeName(%q) = %q is not UTF-8", id, name)
		}
		ref, err := ParseRef("src/" + name)
		if err != nil || ref.ModelID() != id {
			t.Fatalf("ParseRef(src/%s) = %+v, %v", name, ref, err)
		}
	})
}

// FuzzDecodeName: a name that decodes is the one encoding of its id.
func FuzzDecodeName(f *testing.F) {
	for _, s := range []string{"a~b", "!7E", "!2E", "!2E!2E", "!61", "a!"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		id, err := DecodeName(name)
		if err != nil {
			return
		}
		if id == "" {
			return
		}
		if got := EncodeName(id); got != name {
			t.Fatalf("DecodeName(%q) = %q, which encodes to %q", name, id, got)
		}
	})
}
