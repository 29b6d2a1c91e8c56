package catalog

import (
	"strings"
	"testing"
)

func TestParseRef(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Ref
	}{
		{"nlp/SentimentAnalysis", Ref{"nlp", "SentimentAnalysis", ""}},
		{"nlp/SentimentAnalysis/1.0.0", Ref{"nlp", "SentimentAnalysis", "1.0.0"}},
		{"algo://nlp/SentimentAnalysis", Ref{"nlp", "SentimentAnalysis", ""}},
		{"algo://nlp/SentimentAnalysis/1.2.3", Ref{"nlp", "SentimentAnalysis", "1.2.3"}},
		{"nlp/X/latest", Ref{"nlp", "X", "latest"}},
		{"nlp/X/1.2", Ref{"nlp", "X", "1.2"}},
		{"nlp/X/1.2.*", Ref{"nlp", "X", "1.2.*"}},
		{"nlp/X/1.*", Ref{"nlp", "X", "1.*"}},
		{"nlp/X/1", Ref{"nlp", "X", "1"}},
		{"  algo://nlp/X/  ", Ref{"nlp", "X", ""}},
		{"/nlp/X/", Ref{"nlp", "X", ""}},
		{"my-org/some_algo.v2", Ref{"my-org", "some_algo.v2", ""}},
	}
	for _, tc := range tests {
		got, err := ParseRef(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseRef(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
}

func TestParseRefErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"", "empty algorithm reference: write owner/name, for example nlp/SentimentAnalysis"},
		{"   ", "empty algorithm reference: write owner/name, for example nlp/SentimentAnalysis"},
		{"algo://", "empty algorithm reference: write owner/name, for example nlp/SentimentAnalysis"},
		{"nlp", `algorithm reference "nlp" is not owner/name or owner/name/version`},
		{"a/b/c/d", `algorithm reference "a/b/c/d" is not owner/name or owner/name/version`},
		{"nlp//X", `algorithm reference "nlp//X" has an empty part`},
		{"nl p/X", `algorithm reference "nl p/X" has an unexpected character ' '`},
		{"nlp/X?y", `has an unexpected character '?'`},
		{"nlp/Été", `has an unexpected character 'É'`},
		{"nlp/X/1.x", `version "1.x" is not a version (1.2.3) or range (1.2, 1.2.*, 1.*, latest)`},
		{"nlp/X/*", `a * may only end a range such as 1.* or 1.2.*`},
		{"nlp/X/1.*.3", `a * may only end a range`},
		{"nlp/X/1.2.3.4", `version "1.2.3.4" has more than three parts`},
		{"nlp/X/-1", `is not a version`},
		{"nlp/X/+1", `is not a version`},
		{"nlp/X/1.2.3-beta", `is not a version`},
		{"nlp/X/1..2", `is not a version`},
	}
	for _, tc := range tests {
		_, err := ParseRef(tc.in)
		if err == nil {
			t.Errorf("ParseRef(%q) succeeded, want an error containing %q", tc.in, tc.want)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseRef(%q) = %q, want it to contain %q", tc.in, err, tc.want)
		}
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("ParseRef(%q): error is not one line: %q", tc.in, err)
		}
	}
}

func TestRefForms(t *testing.T) {
	t.Parallel()
	r := Ref{"nlp", "X", "1.2.*"}
	if r.Path() != "nlp/X" || r.String() != "nlp/X/1.2.*" || r.URI() != "algo://nlp/X/1.2.*" {
		t.Errorf("forms: %s %s %s", r.Path(), r, r.URI())
	}
	if got := r.WithVersion(""); got.String() != "nlp/X" || got.URI() != "algo://nlp/X" {
		t.Errorf("WithVersion: %s", got)
	}
	if r.Version != "1.2.*" {
		t.Error("WithVersion changed its receiver")
	}
	// String and URI parse back to the same reference.
	for _, s := range []string{r.String(), r.URI(), r.Path()} {
		if got, err := ParseRef(s); err != nil || got.Path() != r.Path() {
			t.Errorf("ParseRef(%q) = %v, %v", s, got, err)
		}
	}
}

func TestMustParseRefPanics(t *testing.T) {
	t.Parallel()
	defer func() {
		if recover() == nil {
			t.Error("MustParseRef accepted a bad reference")
		}
	}()
	MustParseRef("nope")
}
