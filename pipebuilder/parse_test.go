package pipebuilder

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pipette/catalog"
)

func TestParseFields(t *testing.T) {
	t.Parallel()
	c := mustParse(`# a comment
chain: v1
name: demo/Words
version: 1.2.3
tagline: "Shout: every word"
docs: |
  # Words

  Splits, then *shouts*.
input: text
steps:
  - id: words
    algo: algo://test/Words/1.0.0
  - id: loud
    algo: test/Upper
    each: >-
      .steps.words
      | map(.)
output: .steps.loud
`)
	want := &Chain{
		Format: "v1", Name: "demo/Words", Version: "1.2.3", Tagline: "Shout: every word",
		Docs: "# Words\n\nSplits, then *shouts*.\n", Input: catalog.KindText, Output: ".steps.loud",
		Steps: []Step{
			{ID: "words", Algo: "algo://test/Words/1.0.0"},
			{ID: "loud", Algo: "test/Upper", Each: ".steps.words | map(.)"},
		},
	}
	if !c.Equal(want) {
		t.Fatalf("parsed %+v\nwant %+v", c, want)
	}
	if got := c.Steps[0].Ref(); got != (catalog.Ref{Owner: "test", Name: "Words", Version: "1.0.0"}) {
		t.Errorf("ref = %+v", got)
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	t.Parallel()
	for _, c := range []*Chain{
		mustParse(wordsChain),
		{
			Format: "v1", Name: "odd/Chain_1", Version: "0.0.1",
			Tagline: `quotes " ' and backticks ` + "`" + ` and */ and a: colon # hash`,
			Docs:    "  leading spaces\n\ttab\ntrailing spaces   \n\n\nblank lines kept\n\n",
			Input:   catalog.KindJSON,
			Steps: []Step{
				{ID: "a", Algo: "test/Echo/1.0.0", Input: "{s: \"it's \\\"quoted\\\"\", n: 1} # comment\n| .s"},
				{ID: "b_2", Algo: "test/Echo/1.*", Each: "[.steps.a]"},
				{ID: "c", Algo: "test/Echo", Input: "\"multi\\nline\"\n"},
			},
			Output: "  .steps.b_2  ",
		},
		{Format: "v1", Name: "x/Y", Version: "1.0.0", Input: catalog.KindBinary, Docs: "no final newline",
			Steps: []Step{{ID: "only", Algo: "test/Reverse/1.0.0"}}},
	} {
		if err := c.Compile(); err != nil {
			t.Fatalf("compile %s: %v", c.Name, err)
		}
		b, err := c.Marshal()
		if err != nil {
			t.Fatalf("marshal %s: %v", c.Name, err)
		}
		back, err := Parse("round.yaml", b)
		if err != nil {
			t.Fatalf("reparse %s: %v\n%s", c.Name, err, b)
		}
		if !back.Equal(c) {
			t.Errorf("round trip of %s changed it:\n%s\nback: %+v", c.Name, b, back)
		}
		if !strings.HasPrefix(string(b), "chain: v1\nname: ") {
			t.Errorf("fields out of order:\n%s", b)
		}
	}
}

// TestParseProblems checks every load-time error: its position and sentence.
func TestParseProblems(t *testing.T) {
	t.Parallel()
	const head = "chain: v1\nname: t/T\nversion: 1.0.0\ninput: text\n"
	for _, tc := range []struct {
		name, src, want string
	}{
		{"empty", "", "test.yaml:1:1: the file is empty: a chain starts with `chain: v1` and lists its `steps`"},
		{"not yaml", "chain: v1\n  name: [\n", "test.yaml:1:8: this is not valid YAML: mapping value is not allowed in this context"},
		{"not a mapping", "- a\n- b\n", "test.yaml:1:1: a chain should be a mapping of `field: value` lines, not a list"},
		{"unknown field", head + "step:\n  - id: a\n    algo: test/Echo\n",
			"test.yaml:5:1: unknown field `step` (did you mean `steps`?): a chain has `chain`, `name`, `version`, `tagline`, `docs`, `input`, `steps` and `output`\n" +
				"test.yaml:1:1: the chain has no `steps`: list at least one step with an `id` and an `algo`"},
		{"unknown step field", head + "steps:\n  - id: a\n    algo: test/Echo\n    inptu: .input\n",
			"test.yaml:8:5: unknown field `inptu` in step 1 (did you mean `input`?): a step has `id`, `algo`, `input` and `each`"},
		{"duplicate field", head + "name: t/U\nsteps:\n  - id: a\n    algo: test/Echo\n",
			"test.yaml:5:1: `name` is set twice (first on line 2)"},
		{"missing header", "steps:\n  - id: a\n    algo: test/Echo\n",
			"test.yaml:1:1: the file does not say it is a chain: start it with `chain: v1`\n" +
				"test.yaml:1:1: the chain has no `name`: give it the owner/name it is published as, such as demo/MemeGenerator\n" +
				"test.yaml:1:1: the chain has no `version`: give it an exact version such as 1.0.0\n" +
				"test.yaml:1:1: the chain has no `input`: say what it takes, text, json or binary"},
		{"bad header values", "chain: v2\nname: Meme\nversion: 1.0\ninput: image\nsteps:\n  - id: a\n    algo: test/Echo\n",
			"test.yaml:1:8: `chain: v2` is not a chain format pipette knows: write `chain: v1`\n" +
				"test.yaml:2:7: `name` must be owner/name, such as demo/MemeGenerator: algorithm reference \"Meme\" is not owner/name or owner/name/version\n" +
				"test.yaml:3:10: `version` must be an exact version such as 1.0.0, not \"1.0\"\n" +
				"test.yaml:4:8: `input` must be text, json or binary, not \"image\""},
		{"name with version", "chain: v1\nname: t/T/1.0.0\nversion: 1.0.0\ninput: text\nsteps:\n  - id: a\n    algo: test/Echo\n",
			"test.yaml:2:7: `name` must be owner/name without a version; put 1.0.0 in `version`"},
		{"no steps", head + "steps: []\n", "test.yaml:5:8: the chain has no steps: list at least one step with an `id` and an `algo`"},
		{"steps not a list", head + "steps: detect\n", "test.yaml:5:8: `steps` should be a list of steps (`- id: …`), not \"detect\""},
		{"missing id and algo", head + "steps:\n  - input: .input\n",
			"test.yaml:6:5: step 1 has no `id`: give it a short name such as detect\n" +
				"test.yaml:6:5: step 1 has no `algo`: name the algorithm it calls as owner/name/version, such as nlp/SentimentAnalysis/1.0.0"},
		{"duplicate id", head + "steps:\n  - id: a\n    algo: test/Echo\n  - id: a\n    algo: test/Echo\n",
			"test.yaml:8:9: step id `a` is used twice: steps 1 and 2; give each step its own id"},
		{"bad id", head + "steps:\n  - id: my-step\n    algo: test/Echo\n",
			"test.yaml:6:9: step id \"my-step\" must be a name of letters, digits and _ (not starting with a digit), so that mappings can write .steps.my-step"},
		{"bad algo", head + "steps:\n  - id: a\n    algo: Echo\n",
			"test.yaml:7:11: step `a`: algorithm reference \"Echo\" is not owner/name or owner/name/version"},
		{"input and each", head + "steps:\n  - id: a\n    algo: test/Echo\n    input: .input\n    each: '[.input]'\n",
			"test.yaml:9:12: step `a` has both `input` and `each`: map its input with one of them (each runs the step once per element of a list)"},
		{"later step", head + "steps:\n  - id: a\n    algo: test/Echo\n    input: '{x: .steps.b}'\n  - id: b\n    algo: test/Echo\n",
			"test.yaml:8:17: `input` of step `a` refers to .steps.b, which runs later (step 2): a step can only use the results of the steps before it"},
		{"own step", head + "steps:\n  - id: a\n    algo: test/Echo\n    each: .steps[\"a\"]\n",
			"test.yaml:8:18: `each` of step `a` refers to its own result .steps.a: a step can only use the results of the steps before it"},
		{"unknown step", head + "steps:\n  - id: a\n    algo: test/Echo\n  - id: b\n    algo: test/Echo\n    input: .steps | .nope\noutput: .steps.zz\n",
			"test.yaml:10:22: `input` of step `b` refers to .steps.nope, but no step has that id (the steps are a, b)\n" +
				"test.yaml:11:9: the chain's `output` refers to .steps.zz, but no step has that id (the steps are a, b)"},
		{"jq syntax", head + "steps:\n  - id: a\n    algo: test/Echo\n    input: '{x: .input)'\n",
			"test.yaml:8:23: jq syntax error in `input` of step `a`: unexpected token \")\""},
		{"jq syntax in a block", head + "steps:\n  - id: a\n    algo: test/Echo\n    input: |\n      {x: .input,\n       y: (.input | length}\n",
			"test.yaml:10:27: jq syntax error in `input` of step `a`: unexpected token \"}\""},
		{"jq unknown function", head + "steps:\n  - id: a\n    algo: test/Echo\n    input: nope(1)\n",
			"test.yaml:8:12: jq error in `input` of step `a`: function not defined: nope/1"},
		{"jq input function", head + "steps:\n  - id: a\n    algo: test/Echo\n    input: '{x: input}'\n",
			"test.yaml:8:17: `input` of step `a` calls jq's `input` function, which reads nothing here: write `.input` for the chain's input"},
		{"string expected", head + "steps:\n  - id: a\n    algo: [test/Echo]\n",
			"test.yaml:7:11: `algo` should be a string, not a list"},
		{"alias", head + "x: &a 1\nsteps:\n  - id: a\n    algo: *a\n",
			"test.yaml:5:1: unknown field `x`: a chain has `chain`, `name`, `version`, `tagline`, `docs`, `input`, `steps` and `output`\n" +
				"test.yaml:8:11: aliases (*name) are not allowed in a chain file: write the value out"},
		{"unquoted jq object", head + "steps:\n  - id: a\n    algo: test/Echo\n    input: {x: .input}\n",
			"test.yaml:8:12: `input` is a jq expression, but YAML read it as a mapping: put it in single quotes, input: '{x: .input}'"},
		{"unquoted jq list", head + "steps:\n  - id: a\n    algo: test/Echo\n    each: [.input, \"it's\"]\n",
			"test.yaml:8:11: `each` is a jq expression, but YAML read it as a list: put it in single quotes, each: '[.input, \"it''s\"]'"},
		{"two documents", head + "steps:\n  - id: a\n    algo: test/Echo\n---\nchain: v1\n",
			"test.yaml:9:1: a chain file holds one chain; this is document 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := Parse("test.yaml", []byte(tc.src))
			if err == nil {
				t.Fatalf("no error; parsed %+v", c)
			}
			if c != nil {
				t.Errorf("a chain with problems was returned")
			}
			var errs Errors
			if !errors.As(err, &errs) {
				t.Fatalf("error %T is not Errors", err)
			}
			if err.Error() != tc.want {
				t.Errorf("problems:\n%s\nwant:\n%s", err, tc.want)
			}
		})
	}
}

func TestValidateProblems(t *testing.T) {
	t.Parallel()
	reg := testRegistry()
	const head = "chain: v1\nname: t/T\nversion: 1.0.0\n"
	for _, tc := range []struct{ name, src, want string }{
		{"ok", head + "input: text\nsteps:\n  - id: a\n    algo: test/Upper/1.*\n  - id: b\n    algo: test/Words\n", ""},
		{"unknown algorithm", head + "input: text\nsteps:\n  - id: a\n    algo: test/Nope/1.0.0\n",
			"test.yaml:7:11: step `a` calls test/Nope/1.0.0, which is not in the catalog test (algorithm algo://test/Nope not found)"},
		{"unknown version", head + "input: text\nsteps:\n  - id: a\n    algo: test/Upper/3.*\n",
			"test.yaml:7:11: step `a` calls test/Upper/3.*, which has no version 3.* (published: 2.0.0, 1.0.0)"},
		{"binary step fed text", head + "input: text\nsteps:\n  - id: a\n    algo: test/Reverse/1.0.0\n",
			"test.yaml:7:11: step `a` (test/Reverse) takes binary input, but it is given the chain's text input: map its input with `input:` to the binary it expects"},
		{"text step fed binary result", head + "input: binary\nsteps:\n  - id: a\n    algo: test/Reverse/1.0.0\n  - id: b\n    algo: test/Upper/1.0.0\n",
			"test.yaml:9:11: step `b` (test/Upper) takes text input, but it is given step `a`'s binary result: map its input with `input:` to the text it expects"},
		{"object mapped into text step", head + "input: text\nsteps:\n  - id: a\n    algo: test/Upper/1.0.0\n    input: '.input | {x: .}'\n",
			"test.yaml:8:13: step `a` (test/Upper) takes text input, but its `input` mapping builds a json value: change it to build the text it expects"},
		{"list after each", head + "input: text\nsteps:\n  - id: a\n    algo: test/Words/1.0.0\n  - id: b\n    algo: test/Upper/1.0.0\n    each: .steps.a\n  - id: c\n    algo: test/Upper/1.0.0\n",
			"test.yaml:12:11: step `c` (test/Upper) takes text input, but it is given step `b`'s json result: map its input with `input:` to the text it expects"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := mustParse(tc.src)
			err := c.Validate(context.Background(), reg)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tc.want {
				t.Errorf("problems:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

func TestLoad(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "c.yaml")
	if err := os.WriteFile(path, []byte(wordsChain), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path)
	if err != nil || c.File != path || c.Name != "test/Shout" {
		t.Fatalf("Load: %v %+v", err, c)
	}
	if _, err := Load(filepath.Join(dir, "missing.yaml")); err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

func TestCompileInMemory(t *testing.T) {
	t.Parallel()
	c := &Chain{Format: "v1", Name: "t/T", Version: "1.0.0", Input: catalog.KindText,
		Steps: []Step{{ID: "a", Algo: "test/Upper"}, {ID: "b", Algo: "test/Echo", Input: ".steps.c"}}}
	err := c.Compile()
	var errs Errors
	if !errors.As(err, &errs) || len(errs.ForStep(1)) != 1 || errs[0].Field != "steps[1].input" {
		t.Fatalf("in-memory problem: %#v", err)
	}
	if got := err.Error(); got != "steps[1].input: `input` of step `b` refers to .steps.c, but no step has that id (the steps are a, b)" {
		t.Errorf("message without a file: %s", got)
	}
	c.Steps[1].Input = ".steps.a"
	if err := c.Compile(); err != nil {
		t.Fatal(err)
	}
}

func TestStaticRefsAreScoped(t *testing.T) {
	t.Parallel()
	for expr, want := range map[string]string{
		`.steps.a`:                                  "a",
		`[.steps.a[].text] | join(" ")`:             "a",
		`{x: .steps["a"], y: .steps."b"}`:           "a b",
		`.steps | {a, c: .b}`:                       "a b",
		`.steps.a | map(.steps.zz)`:                 "a", // inside map, . is an element
		`. as $r | .steps.a | $r.steps.b`:           "a",
		`if .input then .steps.a else .steps.b end`: "a b",
		`reduce .steps.a[] as $x (0; . + $x)`:       "a",
		`"\(.steps.a) and \(.steps.b)"`:             "a b",
		`.steps[.input]`:                            "",
		`def f: .steps.x; f`:                        "",
	} {
		if got := strings.Join(stepRefs(expr), " "); got != want {
			t.Errorf("refs of %s = %q, want %q", expr, got, want)
		}
	}
}

func TestParseDraft(t *testing.T) {
	t.Parallel()
	src := "chain: v1\nname: me/Draft\nversion: 0.1.0\ninput: text\nsteps:\n  - id: a\n    algo: test/Upper\n    input: '{x: .steps.b}'\n  - id: b\n    algo: test/Echo\n"
	c, err := ParseDraft("draft.yaml", []byte(src))
	if c == nil || err == nil || len(c.Steps) != 2 || c.Steps[0].Input != "{x: .steps.b}" {
		t.Fatalf("draft: %+v %v", c, err)
	}
	if _, err := Run(context.Background(), localClient(), c, catalog.Text("x"), Options{}); err == nil {
		t.Errorf("a draft with problems ran")
	}
	c.Steps[0].Input = ""
	if err := c.Compile(); err != nil {
		t.Fatal(err)
	}
	if c, err := ParseDraft("bad.yaml", []byte("name: [\n")); c != nil || err == nil {
		t.Errorf("unreadable YAML gave a draft")
	}
}
