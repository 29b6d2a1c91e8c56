package pipebuilder_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pipette/pipebuilder"
)

// draftOf reads src as the builder does (a chain with problems still reads).
func draftOf(t *testing.T, src []byte) *pipebuilder.Chain {
	t.Helper()
	c, err := pipebuilder.ParseDraft("", src)
	if c == nil {
		t.Fatalf("cannot read the chain: %v", err)
	}
	return c
}

// marshalOnto writes c onto src and checks what every save must hold: the
// file reads back to c.
func marshalOnto(t *testing.T, c *pipebuilder.Chain, src []byte) ([]byte, bool) {
	t.Helper()
	out, kept, err := c.MarshalOnto(src)
	if err != nil {
		t.Fatalf("MarshalOnto: %v", err)
	}
	back, _ := pipebuilder.ParseDraft("", out)
	want := c.Clone()
	if want.Format == "" {
		want.Format = pipebuilder.FormatV1
	}
	if !back.Equal(want) {
		t.Fatalf("the saved file does not read back to the chain:\n%s", out)
	}
	return out, kept
}

// TestMarshalOntoKeepsComments edits a commented chain file in each way the
// builder can and compares the saved file with the one a person would write
// (testdata/layout/*.yaml, looked at line by line): comments and blank lines
// stay with what they were about, and only the edited lines change.
func TestMarshalOntoKeepsComments(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile("testdata/commented.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		edit func(c *pipebuilder.Chain) error // problems the edit leaves in the chain are fine
	}{
		{"add_step", func(c *pipebuilder.Chain) error { _, err := c.AddStep("nlp/Summarizer"); return err }},
		{"remove_step", func(c *pipebuilder.Chain) error { return c.RemoveStep(1) }},
		{"remove_first_step", func(c *pipebuilder.Chain) error { return c.RemoveStep(0) }},
		{"move_step", func(c *pipebuilder.Chain) error { return c.MoveStep(2, 0) }},
		{"rename_step", func(c *pipebuilder.Chain) error { return c.RenameStep(1, "moods") }},
		{"change_mapping", func(c *pipebuilder.Chain) error { c.Steps[2].Input = "{text: .input}"; return nil }},
		{"add_mapping", func(c *pipebuilder.Chain) error { c.Steps[0].Input = ".input | ascii_downcase"; return nil }},
		{"remove_mapping", func(c *pipebuilder.Chain) error { c.Steps[2].Input = ""; return nil }},
		{"mapping_to_each", func(c *pipebuilder.Chain) error {
			c.Steps[2].Input, c.Steps[2].Each = "", "[.steps.mood[].text]"
			return nil
		}},
		{"multiline_mapping", func(c *pipebuilder.Chain) error {
			c.Steps[2].Input = "(.steps.mood | min_by(.compound)) as $worst\n| {text: $worst.text}"
			return nil
		}},
		{"chain_fields", func(c *pipebuilder.Chain) error {
			c.Name, c.Version, c.Tagline = "me/Renamed", "1.2.0", "Moods, then keywords, renamed"
			return nil
		}},
		{"docs", func(c *pipebuilder.Chain) error { c.Docs = "# Commented\n\nRewritten.\n"; return nil }},
		{"remove_tagline_and_output", func(c *pipebuilder.Chain) error { c.Tagline, c.Output = "", ""; return nil }},
		{"input_kind", func(c *pipebuilder.Chain) error { c.Input = "json"; return nil }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := draftOf(t, src)
			var problems pipebuilder.Errors
			if err := tc.edit(c); err != nil && !errors.As(err, &problems) {
				t.Fatalf("the edit failed: %v", err)
			}
			out, kept := marshalOnto(t, c, src)
			if !kept {
				t.Errorf("the layout was not kept:\n%s", out)
			}
			golden(t, filepath.Join("layout", tc.name+".yaml"), out)
		})
	}
}

// TestMarshalOntoUnchanged: saving a chain nobody edited rewrites the file
// byte for byte, whatever its layout.
func TestMarshalOntoUnchanged(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob("../examples/*.yaml")
	files = append(files, "testdata/commented.yaml")
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out, kept := marshalOnto(t, draftOf(t, src), src)
		if !kept || string(out) != string(src) {
			t.Errorf("%s: saving it unchanged rewrote it (kept %v):\n%s", f, kept, out)
		}
	}
}

// TestMarshalOntoShapes covers files laid out otherwise than Marshal would:
// their indentation is followed by what is written anew, what the chain
// model does not know is kept, and a file that cannot serve as a layout gives
// Marshal's file.
func TestMarshalOntoShapes(t *testing.T) {
	t.Parallel()
	const flush = "chain: v1\nname: a/Flush   # four spaces\nversion: 1.0.0\ninput: text\nsteps:\n- id: one\n  algo: nlp/SentimentAnalysis\n  input: |\n      .input\n      | ascii_downcase\n"
	for _, tc := range []struct {
		name, src string
		edit      func(c *pipebuilder.Chain)
		kept      bool
		want      string // the whole saved file
	}{{
		name: "dashes under the key, four-space blocks",
		src:  flush,
		edit: func(c *pipebuilder.Chain) {
			c.AddStep("nlp/KeywordExtraction")
			c.Steps[1].Input = "{text: .input}\n| .text"
		},
		kept: true,
		want: flush + "- id: keywordextraction\n  algo: nlp/KeywordExtraction\n  input: |-\n      {text: .input}\n      | .text\n",
	}, {
		name: "flow-style steps are written anew, the rest kept",
		src:  "# top\nchain: v1\nname: a/Flow # flow\nversion: 1.0.0\ninput: text\nsteps: [{id: one, algo: nlp/SentimentAnalysis}]\n",
		edit: func(c *pipebuilder.Chain) { c.AddStep("nlp/KeywordExtraction") },
		kept: true,
		want: "# top\nchain: v1\nname: a/Flow # flow\nversion: 1.0.0\ninput: text\nsteps:\n  - id: one\n    algo: nlp/SentimentAnalysis\n  - id: keywordextraction\n    algo: nlp/KeywordExtraction\n",
	}, {
		name: "a field the chain does not know is kept for its author to fix",
		src:  "chain: v1\nname: a/Typo\nversion: 1.0.0\ntagilne: what it does\ninput: text\nsteps:\n  - id: one\n    algo: nlp/SentimentAnalysis\n",
		edit: func(c *pipebuilder.Chain) { c.Version = "1.0.1" },
		kept: true,
		want: "chain: v1\nname: a/Typo\nversion: 1.0.1\ntagilne: what it does\ninput: text\nsteps:\n  - id: one\n    algo: nlp/SentimentAnalysis\n",
	}, {
		name: "missing fields go in their place",
		src:  "# c\nname: a/Short\nsteps:\n  - id: one   # first\n    algo: nlp/SentimentAnalysis\n",
		edit: func(c *pipebuilder.Chain) {
			c.Format, c.Version, c.Input, c.Output = "v1", "0.1.0", "text", ".steps.one"
		},
		kept: true,
		want: "# c\nchain: v1\nname: a/Short\nversion: 0.1.0\ninput: text\nsteps:\n  - id: one   # first\n    algo: nlp/SentimentAnalysis\noutput: .steps.one\n",
	}, {
		name: "a file with CRLF line ends keeps them",
		src:  "# c\r\nchain: v1\r\nname: a/Win   # w\r\nversion: 1.0.0\r\ninput: text\r\nsteps:\r\n  - id: one\r\n    algo: nlp/SentimentAnalysis\r\n",
		edit: func(c *pipebuilder.Chain) { c.Version = "1.0.1" },
		kept: true,
		want: "# c\r\nchain: v1\r\nname: a/Win   # w\r\nversion: 1.0.1\r\ninput: text\r\nsteps:\r\n  - id: one\r\n    algo: nlp/SentimentAnalysis\r\n",
	}, {
		name: "an empty file",
		src:  "",
		edit: func(c *pipebuilder.Chain) {},
		kept: false,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := pipebuilder.NewChain("a/New", "text")
			c.AddStep("nlp/SentimentAnalysis")
			if tc.src != "" {
				c = draftOf(t, []byte(tc.src))
			}
			tc.edit(c)
			out, kept := marshalOnto(t, c, []byte(tc.src))
			if kept != tc.kept {
				t.Errorf("kept = %v, want %v", kept, tc.kept)
			}
			if tc.want != "" && string(out) != tc.want {
				t.Errorf("saved:\n%s\nwant:\n%s", out, tc.want)
			}
			if !kept {
				fresh, err := c.Marshal()
				if err != nil || string(fresh) != string(out) {
					t.Errorf("without a layout the file should be Marshal's:\n%s", out)
				}
			}
		})
	}
}

// TestMarshalOntoNotAChain: a layout that is not one chain mapping (a list,
// two documents, broken YAML) gives Marshal's file and says so.
func TestMarshalOntoNotAChain(t *testing.T) {
	t.Parallel()
	c := pipebuilder.NewChain("a/New", "text")
	c.AddStep("nlp/SentimentAnalysis")
	fresh, err := c.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range []string{"- a\n- b\n", "chain: v1\n---\nchain: v1\n", "chain: [\n", "{chain: v1, steps: []}\n", "just text\n"} {
		out, kept, err := c.MarshalOnto([]byte(src))
		if err != nil || kept || string(out) != string(fresh) {
			t.Errorf("%q: kept %v, err %v, out:\n%s", src, kept, err, out)
		}
	}
}

// TestMarshalOntoRandomEdits applies random sequences of builder edits to
// each example and to the commented file: every save reads back to the
// chain, keeps the layout, and keeps every comment of the file that is not
// on a step that was removed.
func TestMarshalOntoRandomEdits(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob("../examples/*.yaml")
	files = append(files, "testdata/commented.yaml")
	rng := rand.New(rand.NewPCG(8, 10))
	algos := []string{"nlp/SentimentAnalysis", "nlp/KeywordExtraction", "text/SplitSentences/1.0.0"}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for round := range 25 {
			c := draftOf(t, src)
			var did []string
			for range 1 + rng.IntN(5) {
				n := len(c.Steps)
				switch op := rng.IntN(7); {
				case op == 0:
					c.AddStep(algos[rng.IntN(len(algos))])
					did = append(did, "add")
				case op == 1 && n > 1:
					i := rng.IntN(n)
					c.RemoveStep(i)
					did = append(did, fmt.Sprint("remove ", i))
				case op == 2 && n > 1:
					i, j := rng.IntN(n), rng.IntN(n)
					c.MoveStep(i, j)
					did = append(did, fmt.Sprint("move ", i, j))
				case op == 3 && n > 0:
					i := rng.IntN(n)
					c.RenameStep(i, fmt.Sprintf("s%d", rng.IntN(100)))
					did = append(did, fmt.Sprint("rename ", i))
				case op == 4 && n > 0:
					i := rng.IntN(n)
					c.Steps[i].Input = []string{"", ".input", "{text: .input}", "[.input]\n| first", "'quoted'"}[rng.IntN(5)]
					did = append(did, fmt.Sprint("map ", i))
				case op == 5:
					c.Tagline = []string{"", "a tagline", "# not a comment", "two\nlines"}[rng.IntN(4)]
					did = append(did, "tagline")
				default:
					c.Version = fmt.Sprintf("1.%d.0", rng.IntN(10))
					did = append(did, "version")
				}
			}
			out, kept := marshalOnto(t, c, src)
			if !kept {
				t.Errorf("%s round %d (%v): the layout was not kept:\n%s", f, round, did, out)
			}
			if strings.Contains(string(src), "# End of file.") && !strings.Contains(string(out), "# End of file.") {
				t.Errorf("%s round %d (%v): the last comment was lost:\n%s", f, round, did, out)
			}
		}
	}
}

// FuzzMarshalOnto: any file a draft reads from saves onto itself after an
// edit, reading back to the edited chain, without a panic.
func FuzzMarshalOnto(f *testing.F) {
	for _, glob := range []string{"../examples/*.yaml", "testdata/commented.yaml"} {
		files, _ := filepath.Glob(glob)
		for _, path := range files {
			if b, err := os.ReadFile(path); err == nil {
				f.Add(b, uint8(0))
			}
		}
	}
	f.Add([]byte("chain: v1\nsteps: [{id: a, algo: a/B}]\n# c\n"), uint8(3))
	f.Add([]byte("steps:\n# c\n- id: a\n  algo: a/B\n  input: |+\n    x\n\n"), uint8(2))
	f.Fuzz(func(t *testing.T, src []byte, op uint8) {
		c, _ := pipebuilder.ParseDraft("", src)
		if c == nil {
			return
		}
		switch n := len(c.Steps); {
		case op%5 == 0:
			c.AddStep("a/New")
		case op%5 == 1 && n > 0:
			c.RemoveStep(int(op) % n)
		case op%5 == 2 && n > 1:
			c.MoveStep(int(op)%n, 0)
		case op%5 == 3 && n > 0:
			c.Steps[int(op)%n].Input = ".input\n| {x: .}"
		default:
			c.Tagline = "edited"
		}
		if _, err := c.Marshal(); err != nil {
			return // not a chain that saves at all
		}
		marshalOnto(t, c, src)
	})
}
