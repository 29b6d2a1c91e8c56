package call_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/colorprofile"
	"github.com/spf13/cobra"

	"pipette/algorithms/builtin"
	"pipette/internal/cli/call"
	"pipette/internal/cli/clitest"
	"pipette/internal/cli/command"
)

// root is `pipette` with only this verb: the test binary links no other.
var root = clitest.Verbs(func(f *command.Factory) *cobra.Command { return call.NewCmd(f, nil) })

func TestCallSentiment(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		stdin string
		args  []string
	}{
		{"text flag", "", []string{"-t", "what a great day"}},
		{"guessed text", "", []string{"-d", "what a great day"}},
		{"guessed JSON string", "", []string{"-d", `"what a great day"`}},
		{"JSON", "", []string{"-j", `{"text": "what a great day"}`}},
		{"piped stdin", "what a great day", nil},
		{"stdin as a file", "what a great day", []string{"-T", "-"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := clitest.New(t, root).UseCatalog(builtin.Registry()).Run(tc.stdin, append([]string{"call", "nlp/SentimentAnalysis"}, tc.args...)...)
			if r.Code != 0 {
				t.Fatalf("exit %d, stderr %q", r.Code, r.Stderr)
			}
			var got struct {
				Compound float64 `json:"compound"`
				Text     string  `json:"text"`
			}
			if err := json.Unmarshal([]byte(r.Stdout), &got); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, r.Stdout)
			}
			if got.Compound < 0.5 || strings.TrimSpace(got.Text) != "what a great day" {
				t.Errorf("result %+v: want a clearly positive score for the text", got)
			}
			if !strings.Contains(r.Stdout, "\n  \"compound\"") {
				t.Errorf("JSON is not pretty-printed:\n%s", r.Stdout)
			}
		})
	}
}

func TestCallKindsAndSamples(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		args  []string
		want  string
		stdin string
	}{
		{"text is printed as is", []string{"-t", "hi there"}, "hi there\n", ""},
		{"a number is JSON", []string{"-d", "42"}, "42\n", ""},
		{"JSON is indented", []string{"-j", `{"b":[1,2],"a":"<&>"}`}, "{\n  \"a\": \"<&>\",\n  \"b\": [\n    1,\n    2\n  ]\n}\n", ""},
		{"sample by number", []string{"--sample", "2"}, "[\n  1,\n  \"two\"\n]\n", ""},
		{"sample by name", []string{"--sample", "HELLO"}, "hello\n", ""},
		{"JSON file from stdin", []string{"-J", "-"}, "true\n", " true "},
		{"guessed stdin", nil, "{\n  \"x\": null\n}\n", `{"x": null}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := clitest.New(t, root).UseCatalog(clitest.Fixtures()).Run(tc.stdin, append([]string{"call", "test/Echo"}, tc.args...)...)
			if r.Code != 0 || r.Stdout != tc.want {
				t.Errorf("exit %d, stdout %q, stderr %q; want %q", r.Code, r.Stdout, r.Stderr, tc.want)
			}
		})
	}
	r := clitest.New(t, root).UseCatalog(clitest.Fixtures()).Run("", "call", "test/Echo", "-t", "x", "--stdout")
	if r.Stdout != "x\n" || !strings.Contains(r.Stderr, "echoing text") {
		t.Errorf("--stdout: stdout %q, stderr %q", r.Stdout, r.Stderr)
	}
}

func TestCallFiles(t *testing.T) {
	t.Parallel()
	h := clitest.New(t, root).UseCatalog(clitest.Fixtures())
	dir := t.TempDir()
	bin := filepath.Join(dir, "in.bin")
	os.WriteFile(bin, []byte{0xff, 0x00, 0xfe}, 0o644)
	js := filepath.Join(dir, "in.json")
	os.WriteFile(js, []byte(`{"k": "v"}`), 0o644)
	out := filepath.Join(dir, "out.bin")

	r := h.Run("", "call", "test/Echo", "-B", bin, "-o", out)
	if b, _ := os.ReadFile(out); r.Code != 0 || !bytes.Equal(b, []byte{0xff, 0x00, 0xfe}) || r.Stdout != "" {
		t.Errorf("-B/-o: exit %d, file %q, stdout %q, stderr %q", r.Code, b, r.Stdout, r.Stderr)
	}
	r = h.Run("", "call", "test/Echo", "-D", bin)
	if r.Stdout != "\xff\x00\xfe" {
		t.Errorf("-D of non-UTF-8 bytes is not binary: %q", r.Stdout)
	}
	r = h.Run("", "call", "test/Echo", "-D", js)
	if r.Stdout != "{\n  \"k\": \"v\"\n}\n" {
		t.Errorf("-D of a JSON file: %q", r.Stdout)
	}
	r = h.Run("", "call", "test/Echo", "-T", js)
	if r.Stdout != `{"k": "v"}`+"\n" {
		t.Errorf("-T of a JSON file is not text: %q", r.Stdout)
	}
}

func TestCallBinaryResult(t *testing.T) {
	t.Parallel()
	h := clitest.New(t, root).UseCatalog(clitest.Fixtures())
	out := filepath.Join(t.TempDir(), "pic.png")
	r := h.Run("", "call", "test/Picture", "-t", "a cat", "-o", out)
	b, err := os.ReadFile(out)
	if r.Code != 0 || err != nil || !bytes.HasPrefix(b, []byte("\x89PNG")) {
		t.Fatalf("exit %d, stderr %q, file %q (%v)", r.Code, r.Stderr, b, err)
	}
	if r.Stdout != "" {
		t.Errorf("stdout %q with -o", r.Stdout)
	}
	// Piped: the raw bytes.
	r = h.Run("", "call", "test/Picture", "-t", "a cat")
	if r.Stdout != string(b) {
		t.Errorf("piped binary result %q, want the bytes %q", r.Stdout, b)
	}
	// On a terminal: never the bytes, a sentence with the size instead.
	r = h.Terminal(80, colorprofile.Ascii).Run("", "call", "test/Picture", "-t", "a cat")
	if r.Code != 0 || strings.Contains(r.Stdout, "PNG") {
		t.Errorf("binary dumped on a terminal: exit %d, stdout %q", r.Code, r.Stdout)
	}
	if want := fmt.Sprintf("The result is %d bytes of binary data (image/png)", len(b)); !strings.Contains(r.Stderr, want) || !strings.Contains(r.Stderr, "-o FILE") {
		t.Errorf("stderr %q, want %q and how to save it", r.Stderr, want)
	}
}

func TestCallUsageErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		args  []string
		stdin string
		want  string
	}{
		{"unknown flag", []string{"call", "test/Echo", "--bogus"}, "", "unknown flag: --bogus"},
		{"no algorithm", []string{"call"}, "", "name an algorithm"},
		{"bad reference", []string{"call", "nope", "-t", "x"}, "", `"nope" is not owner/name`},
		{"two inputs", []string{"call", "test/Echo", "-t", "x", "-j", "1"}, "", "give one input, not -t and -j"},
		{"bad JSON", []string{"call", "test/Echo", "-j", "{nope"}, "", "-j is not valid JSON"},
		{"no input", []string{"call", "test/Echo"}, "", "no input: give one with -d"},
		{"sample out of range", []string{"call", "test/Echo", "--sample", "9"}, "", "test/Echo has 2 samples: use --sample 1 to 2"},
		{"unknown sample", []string{"call", "test/Echo", "--sample", "nah"}, "", `no sample named "nah"`},
		{"no samples", []string{"call", "test/Picky", "--sample", "1"}, "", "test/Picky has no samples"},
		{"missing file", []string{"call", "test/Echo", "-D", "/does/not/exist"}, "", "input file /does/not/exist does not exist"},
		{"bad timeout", []string{"call", "test/Echo", "-t", "x", "--timeout", "0"}, "", "--timeout 0 is out of range"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := clitest.New(t, root).UseCatalog(clitest.Fixtures()).Run(tc.stdin, tc.args...)
			if r.Code != 2 {
				t.Errorf("exit %d, want 2 (stderr %q)", r.Code, r.Stderr)
			}
			clitest.CheckOneSentence(t, r.Stderr, tc.want)
			if !strings.Contains(r.Stderr, "(see `pipette call --help`)") {
				t.Errorf("stderr %q does not point at call's help", r.Stderr)
			}
		})
	}
}

func TestCallErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown algorithm", []string{"call", "nlp/Nope", "-t", "x"}, "algorithm algo://nlp/Nope not found: run `pipette ls` to see the catalog"},
		{"unknown version", []string{"call", "test/Echo/2.0.0", "-t", "x"}, "algo://test/Echo/2.0.0 not found"},
		{"algorithm's own error", []string{"call", "test/Picky", "-t", "seven"}, "InputError: send a number, such as 42"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := clitest.New(t, root).UseCatalog(clitest.Fixtures()).Run("", tc.args...)
			if r.Code != 1 {
				t.Errorf("exit %d, want 1 (stderr %q)", r.Code, r.Stderr)
			}
			clitest.CheckOneSentence(t, r.Stderr, tc.want)
		})
	}
}

// TestCallFlags reads the flags into Options without calling anything.
func TestCallFlags(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args               []string
		given, output, ref string
		timeout            float64
		stdout             bool
	}{
		{[]string{"a/B"}, "", "", "a/B", 300, false},
		{[]string{"a/B/1.0.0", "-t", "hi", "-o", "x.png", "--timeout", "2.5", "--stdout"}, "text", "x.png", "a/B/1.0.0", 2.5, true},
		{[]string{"a/B", "-B", "f.bin"}, "binary-file", "", "a/B", 300, false},
		{[]string{"a/B", "--sample", "2"}, "sample", "", "a/B", 300, false},
	} {
		f, _, _ := clitest.New(t, root).Factory(strings.NewReader(""))
		var got *call.Options
		cmd := call.NewCmd(f, func(_ context.Context, o *call.Options) error { got = o; return nil })
		cmd.SetArgs(tc.args)
		if err := cmd.Execute(); err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		if got.Input.Given != tc.given || got.Output != tc.output || got.Ref.String() != tc.ref || got.Timeout != tc.timeout || got.Stdout != tc.stdout {
			t.Errorf("%v: options %+v", tc.args, *got)
		}
	}
}

// TestCallOutputFile: -o replaces a file whole (never half-written) and
// makes its folder, as export -o does.
func TestCallOutputFile(t *testing.T) {
	t.Parallel()
	h := clitest.New(t, root).UseCatalog(clitest.Fixtures())
	out := filepath.Join(t.TempDir(), "new", "folder", "out.txt")
	for _, text := range []string{"a longer first answer", "short"} {
		r := h.Run("", "call", "test/Echo", "-t", text, "-o", out)
		if b, err := os.ReadFile(out); r.Code != 0 || err != nil || string(b) != text {
			t.Errorf("-o %s: %+v, file %q (%v)", out, r, b, err)
		}
	}
	if ents, _ := os.ReadDir(filepath.Dir(out)); len(ents) != 1 {
		t.Errorf("files left beside the output: %v", ents)
	}
	r := h.Run("", "call", "test/Echo", "-t", "x", "-o", filepath.Join(clitest.WriteFile(t, "file", ""), "out.txt"))
	if r.Code != 1 {
		t.Errorf("-o under a file: exit %d", r.Code)
	}
	clitest.CheckOneSentence(t, r.Stderr, "cannot write the result to ")
}

// A remote model is called as a built-in is: its text streams to stdout.
func TestCallARemoteModel(t *testing.T) {
	t.Parallel()
	o := clitest.OllamaDocs(t)
	h := clitest.New(t, root)
	for _, args := range [][]string{
		{"--source", "ollama=" + o.URL, "call", "ollama/llama3.2:latest", "-t", "why is the sky blue?"},
		{"--source", "ollama=" + o.URL, "call", "ollama/llama3.2:latest", "--sample", "2"},
		{"--source", "ollama=" + o.URL, "call", "algo://ollama/llama3.2:latest", "-j", `{"messages":[{"role":"user","content":"why?"}],"options":{"max_tokens":8}}`},
	} {
		r := h.Run("", args...)
		if r.Code != 0 || r.Stdout != "The sky is blue.\n" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, r.Code, r.Stdout, r.Stderr)
		}
	}
	r := h.Run("", "--source", "ollama="+o.URL, "call", "ollama/llama3.2:latest", "-j", `{"prompt":"x","options":{"max_tokens":-1}}`)
	if r.Code != 1 {
		t.Errorf("a bad option: exit %d", r.Code)
	}
	clitest.CheckOneSentence(t, r.Stderr, `"options.max_tokens" is -1; give a whole number from 1 to 1048576`)
	r = h.Run("", "--source", "ollama="+o.URL, "call", "ollama/hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M", "-t", "hi")
	if r.Code != 2 {
		t.Errorf("a ref with slashes: exit %d", r.Code)
	}
	clitest.CheckOneSentence(t, r.Stderr, "as in ollama/hf.co~bartowski~Llama-3.2-1B-Instruct-GGUF:Q4_K_M")
}
