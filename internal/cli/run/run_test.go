package run_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/colorprofile"
	"github.com/spf13/cobra"

	"pipette/internal/cli/clitest"
	"pipette/internal/cli/command"
	"pipette/internal/cli/run"
)

// root is `pipette` with only this verb: the test binary links no other.
var root = clitest.Verbs(func(f *command.Factory) *cobra.Command { return run.NewCmd(f, nil) })

func TestRunChain(t *testing.T) {
	t.Parallel()
	h := clitest.New(t, root).UseCatalog(clitest.Fixtures())
	path := clitest.WriteFile(t, "echo.yaml", clitest.EchoChain)

	r := h.Run("", "run", path, "-t", "hello", "--trace")
	if r.Code != 0 {
		t.Fatalf("exit %d: %+v", r.Code, r)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(r.Stdout), &got); err != nil || got["said"] != "hello" {
		t.Errorf("stdout %q, want {\"said\": \"hello\"} pretty-printed (%v)", r.Stdout, err)
	}
	if !strings.Contains(r.Stdout, "\n  \"said\"") {
		t.Errorf("JSON not pretty-printed as call prints it: %q", r.Stdout)
	}
	steps := clitest.TraceLines(t, r.Stderr)
	if len(steps) != 2 || steps[0]["step"] != "first" || steps[1]["step"] != "second" {
		t.Fatalf("trace: %v", steps)
	}
	if steps[0]["input"] != "hello" || steps[0]["content_type"] != "text" || steps[1]["content_type"] != "json" {
		t.Errorf("trace: %v", steps)
	}
	if _, ok := steps[1]["duration"].(float64); !ok {
		t.Errorf("no duration in %v", steps[1])
	}

	// Without --trace, stderr stays empty; --up-to stops early.
	r = h.Run("", "run", path, "-t", "hi", "--up-to", "first")
	if r.Code != 0 || r.Stdout != "hi\n" || r.Stderr != "" {
		t.Errorf("--up-to first: %+v", r)
	}
	r = h.Run("", "run", path, "-t", "hi", "--up-to", "third")
	if r.Code != 2 {
		t.Errorf("--up-to of no step: exit %d", r.Code)
	}
	clitest.CheckOneSentence(t, r.Stderr, `chain test/EchoTwice has no step "third": its steps are first → second`)
}

func TestRunChainInput(t *testing.T) {
	t.Parallel()
	h := clitest.New(t, root).UseCatalog(clitest.Fixtures())
	text := clitest.WriteFile(t, "echo.yaml", clitest.EchoChain)
	js := clitest.WriteFile(t, "picky.yaml", clitest.PickyChain)
	bin := clitest.WriteFile(t, "frame.yaml", clitest.PictureChain)

	// Data of no stated kind is read as the kind the chain declares: "42"
	// piped into a text chain stays text (call would guess JSON)…
	r := h.Run("42", "run", text, "--up-to", "first")
	if r.Code != 0 || r.Stdout != "42\n" {
		t.Errorf("stdin into a text chain: %+v", r)
	}
	// …and into a JSON chain it is the number.
	r = h.Run("", "run", js, "-d", "42")
	if r.Code != 0 || strings.TrimSpace(r.Stdout) != "42" {
		t.Errorf("-d 42 into a JSON chain: %+v", r)
	}
	r = h.Run("", "run", js, "-d", "{oops")
	if r.Code != 2 {
		t.Errorf("bad JSON: exit %d", r.Code)
	}
	clitest.CheckOneSentence(t, r.Stderr, "chain test/PickyChain takes JSON input, and this is not JSON")

	// The chain's samples are its first step's that fit its input.
	r = h.Run("", "run", text, "--sample", "1", "--up-to", "first")
	if r.Code != 0 || r.Stdout != "hello\n" {
		t.Errorf("--sample 1: %+v", r)
	}
	r = h.Run("", "run", text, "--sample", "7")
	if r.Code != 2 {
		t.Errorf("--sample 7: exit %d", r.Code)
	}
	clitest.CheckOneSentence(t, r.Stderr, "test/EchoTwice has 1 sample: use --sample 1 to 1")

	// The wrong kind is refused before anything runs.
	r = h.Run("", "run", bin, "-t", "not an image")
	if r.Code != 2 {
		t.Errorf("text into a binary chain: exit %d", r.Code)
	}
	clitest.CheckOneSentence(t, r.Stderr, "chain test/Frame takes binary input (such as an image): give a file with -B FILE")
	img := filepath.Join(t.TempDir(), "img.bin")
	os.WriteFile(img, []byte{0, 1, 2, 255}, 0o644)
	r = h.Run("", "run", text, "-B", img)
	if r.Code != 2 {
		t.Errorf("bytes into a text chain: exit %d", r.Code)
	}
	clitest.CheckOneSentence(t, r.Stderr, "chain test/EchoTwice takes text input, not binary data")

	// A binary result goes to -o, or to stdout when piped, as call does.
	out := filepath.Join(t.TempDir(), "out.bin")
	r = h.Run("", "run", bin, "-B", img, "-o", out)
	if b, _ := os.ReadFile(out); r.Code != 0 || string(b) != "\x00\x01\x02\xff" {
		t.Errorf("-o: %+v, file %q", r, b)
	}
	r = h.Run("", "run", bin, "-B", img)
	if r.Code != 0 || r.Stdout != "\x00\x01\x02\xff" {
		t.Errorf("binary to a pipe: %+v", r)
	}

	r = h.Run("", "run", text, "-t", "a", "-j", "1")
	if r.Code != 2 {
		t.Errorf("two inputs: exit %d", r.Code)
	}
	clitest.CheckOneSentence(t, r.Stderr, "give one input, not -t and -j")
}

func TestRunChainFailedStep(t *testing.T) {
	t.Parallel()
	path := clitest.WriteFile(t, "picky.yaml", clitest.PickyChain)
	r := clitest.New(t, root).UseCatalog(clitest.Fixtures()).Run("", "run", path, "-j", `"forty-two"`, "--trace")
	if r.Code != 1 {
		t.Errorf("exit %d, want 1", r.Code)
	}
	lines := strings.Split(strings.TrimRight(r.Stderr, "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("want two trace lines and the error, got %q", r.Stderr)
	}
	steps := clitest.TraceLines(t, strings.Join(lines[:2], "\n"))
	if e, _ := steps[1]["error"].(map[string]any); steps[1]["step"] != "picky" || e["error_type"] != "InputError" {
		t.Errorf("the failed step's trace line: %v", steps[1])
	}
	clitest.CheckOneSentence(t, lines[2]+"\n", `pipette: chain test/PickyChain failed at step picky (test/Picky/1.0.0): InputError: send a number, such as 42; its input was "forty-two"`)
	if r.Stdout != "" {
		t.Errorf("a failed run printed %q", r.Stdout)
	}
}

func TestRunChainTimeouts(t *testing.T) {
	t.Parallel()
	path := clitest.WriteFile(t, "echo.yaml", clitest.EchoChain)
	for _, args := range [][]string{{"--timeout", "-1"}, {"--step-timeout", "0"}, {"--step-timeout", "4000"}} {
		r := clitest.New(t, root).UseCatalog(clitest.Fixtures()).Run("", append([]string{"run", path, "-t", "x"}, args...)...)
		if r.Code != 2 {
			t.Errorf("%v: exit %d", args, r.Code)
		}
		clitest.CheckOneSentence(t, r.Stderr, "out of range")
	}
}

func TestRunChainOnATerminal(t *testing.T) {
	t.Parallel()
	h := clitest.New(t, root).UseCatalog(clitest.Fixtures()).Terminal(80, colorprofile.Ascii)
	path := clitest.WriteFile(t, "frame.yaml", clitest.PictureChain)
	img := filepath.Join(t.TempDir(), "img.bin")
	os.WriteFile(img, []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), 0o644)

	// Binary is never dumped on a terminal; the hint repeats this command.
	r := h.Run("", "run", path, "-B", img)
	if r.Code != 0 || r.Stdout != "" {
		t.Errorf("%+v", r)
	}
	errs := clitest.StripANSI(r.Stderr)
	for _, want := range []string{"not shown on a terminal", "`pipette run " + path + " … > result.png`", "test/Frame · 1 step · binary · "} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}

	// No input on a terminal is a usage error, not a wait on stdin.
	r = h.Run("", "run", path)
	if r.Code != 2 || !strings.Contains(clitest.StripANSI(r.Stderr), "no input") {
		t.Errorf("no input: %+v", r)
	}
}

// TestRunFlags reads the flags into Options without running anything.
func TestRunFlags(t *testing.T) {
	t.Parallel()
	f, _, _ := clitest.New(t, root).Factory(strings.NewReader(""))
	var got *run.Options
	cmd := run.NewCmd(f, func(_ context.Context, o *run.Options) error { got = o; return nil })
	cmd.SetArgs([]string{"c.yaml", "-J", "in.json", "--trace", "--up-to", "b", "--timeout", "9", "--step-timeout", "3", "-o", "out"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Path != "c.yaml" || got.Input.Given != "json-file" || got.Input.JSONFile != "in.json" || !got.Trace ||
		got.UpTo != "b" || got.Timeout != 9 || got.StepTimeout != 3 || got.Output != "out" {
		t.Errorf("options %+v", *got)
	}
}
