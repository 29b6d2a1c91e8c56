package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"pipette/catalog"
	"pipette/pipebuilder"
)

// Chains over the fixtures registry (test/Echo, test/Picture, test/Picky),
// run in this process: the verbs' behaviour whatever the built-ins hold.

const echoChain = `chain: v1
name: test/EchoTwice
version: 1.2.3
tagline: echoes its input twice
input: text
steps:
  - id: first
    algo: test/Echo/1.0.0
  - id: second
    algo: test/Echo/1.*
    input: '{said: .steps.first}'
`

const pickyChain = `chain: v1
name: test/PickyChain
version: 1.0.0
input: json
steps:
  - id: echo
    algo: test/Echo/1.0.0
  - id: picky
    algo: test/Picky/1.0.0
`

const pictureChain = `chain: v1
name: test/Frame
version: 1.0.0
input: binary
steps:
  - id: echo
    algo: test/Echo/1.0.0
`

func writeChain(t *testing.T, name, src string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// traceLines decodes --trace's JSON lines.
func traceLines(t *testing.T, stderr string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for line := range strings.SplitSeq(strings.TrimRight(stderr, "\n"), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("trace line is not JSON (%v): %q", err, line)
		}
		out = append(out, m)
	}
	return out
}

func TestRunChain(t *testing.T) {
	useCatalog(t, fixtures())
	path := writeChain(t, "echo.yaml", echoChain)

	r := execute(t, "", "run", path, "-t", "hello", "--trace")
	if r.code != 0 {
		t.Fatalf("exit %d: %+v", r.code, r)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || got["said"] != "hello" {
		t.Errorf("stdout %q, want {\"said\": \"hello\"} pretty-printed (%v)", r.stdout, err)
	}
	if !strings.Contains(r.stdout, "\n  \"said\"") {
		t.Errorf("JSON not pretty-printed as call prints it: %q", r.stdout)
	}
	steps := traceLines(t, r.stderr)
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
	r = execute(t, "", "run", path, "-t", "hi", "--up-to", "first")
	if r.code != 0 || r.stdout != "hi\n" || r.stderr != "" {
		t.Errorf("--up-to first: %+v", r)
	}
	r = execute(t, "", "run", path, "-t", "hi", "--up-to", "third")
	if r.code != 2 {
		t.Errorf("--up-to of no step: exit %d", r.code)
	}
	checkOneSentence(t, r.stderr, `chain test/EchoTwice has no step "third": its steps are first → second`)
}

func TestRunChainInput(t *testing.T) {
	useCatalog(t, fixtures())
	text := writeChain(t, "echo.yaml", echoChain)
	js := writeChain(t, "picky.yaml", pickyChain)
	bin := writeChain(t, "frame.yaml", pictureChain)

	// Data of no stated kind is read as the kind the chain declares: "42"
	// piped into a text chain stays text (call would guess JSON)…
	r := execute(t, "42", "run", text, "--up-to", "first")
	if r.code != 0 || r.stdout != "42\n" {
		t.Errorf("stdin into a text chain: %+v", r)
	}
	// …and into a JSON chain it is the number.
	r = execute(t, "", "run", js, "-d", "42")
	if r.code != 0 || strings.TrimSpace(r.stdout) != "42" {
		t.Errorf("-d 42 into a JSON chain: %+v", r)
	}
	r = execute(t, "", "run", js, "-d", "{oops")
	if r.code != 2 {
		t.Errorf("bad JSON: exit %d", r.code)
	}
	checkOneSentence(t, r.stderr, "chain test/PickyChain takes JSON input, and this is not JSON")

	// The chain's samples are its first step's that fit its input.
	r = execute(t, "", "run", text, "--sample", "1", "--up-to", "first")
	if r.code != 0 || r.stdout != "hello\n" {
		t.Errorf("--sample 1: %+v", r)
	}
	r = execute(t, "", "run", text, "--sample", "7")
	if r.code != 2 {
		t.Errorf("--sample 7: exit %d", r.code)
	}
	checkOneSentence(t, r.stderr, "test/EchoTwice has 1 sample: use --sample 1 to 1")

	// The wrong kind is refused before anything runs.
	r = execute(t, "", "run", bin, "-t", "not an image")
	if r.code != 2 {
		t.Errorf("text into a binary chain: exit %d", r.code)
	}
	checkOneSentence(t, r.stderr, "chain test/Frame takes binary input (such as an image): give a file with -B FILE")
	img := filepath.Join(t.TempDir(), "img.bin")
	os.WriteFile(img, []byte{0, 1, 2, 255}, 0o644)
	r = execute(t, "", "run", text, "-B", img)
	if r.code != 2 {
		t.Errorf("bytes into a text chain: exit %d", r.code)
	}
	checkOneSentence(t, r.stderr, "chain test/EchoTwice takes text input, not binary data")

	// A binary result goes to -o, or to stdout when piped, as call does.
	out := filepath.Join(t.TempDir(), "out.bin")
	r = execute(t, "", "run", bin, "-B", img, "-o", out)
	if b, _ := os.ReadFile(out); r.code != 0 || string(b) != "\x00\x01\x02\xff" {
		t.Errorf("-o: %+v, file %q", r, b)
	}
	r = execute(t, "", "run", bin, "-B", img)
	if r.code != 0 || r.stdout != "\x00\x01\x02\xff" {
		t.Errorf("binary to a pipe: %+v", r)
	}

	r = execute(t, "", "run", text, "-t", "a", "-j", "1")
	if r.code != 2 {
		t.Errorf("two inputs: exit %d", r.code)
	}
	checkOneSentence(t, r.stderr, "give one input, not -t and -j")
}

func TestRunChainFailedStep(t *testing.T) {
	useCatalog(t, fixtures())
	path := writeChain(t, "picky.yaml", pickyChain)
	r := execute(t, "", "run", path, "-j", `"forty-two"`, "--trace")
	if r.code != 1 {
		t.Errorf("exit %d, want 1", r.code)
	}
	lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("want two trace lines and the error, got %q", r.stderr)
	}
	steps := traceLines(t, strings.Join(lines[:2], "\n"))
	if e, _ := steps[1]["error"].(map[string]any); steps[1]["step"] != "picky" || e["error_type"] != "InputError" {
		t.Errorf("the failed step's trace line: %v", steps[1])
	}
	checkOneSentence(t, lines[2]+"\n", `pipette: chain test/PickyChain failed at step picky (test/Picky/1.0.0): InputError: send a number, such as 42; its input was "forty-two"`)
	if r.stdout != "" {
		t.Errorf("a failed run printed %q", r.stdout)
	}
}

func TestRunChainTimeouts(t *testing.T) {
	useCatalog(t, fixtures())
	path := writeChain(t, "echo.yaml", echoChain)
	for _, args := range [][]string{{"--timeout", "-1"}, {"--step-timeout", "0"}, {"--step-timeout", "4000"}} {
		r := execute(t, "", append([]string{"run", path, "-t", "x"}, args...)...)
		if r.code != 2 {
			t.Errorf("%v: exit %d", args, r.code)
		}
		checkOneSentence(t, r.stderr, "out of range")
	}
}

// problemLine is how a problem in a chain file reaches stderr.
var problemLine = regexp.MustCompile(`^pipette: .+\.yaml:\d+:\d+: \S.*$`)

func TestChainFileProblems(t *testing.T) {
	useCatalog(t, fixtures())
	cases := []struct{ name, src, want string }{
		{"malformed.yaml", "chain: v1\nname: t/Bad\nversion: 1.0.0\ninput: text\nsteps:\n  - id: a\n   algo: [x\n", "malformed.yaml:7:4: this is not valid YAML"},
		{"jq.yaml", "chain: v1\nname: t/Bad\nversion: 1.0.0\ninput: text\nsteps:\n  - id: a\n    algo: test/Echo/1.0.0\n    input: '.input | lenght('\n", "jq.yaml:8:29: jq syntax error in `input` of step `a`: unexpected EOF"},
		{"unknown.yaml", "chain: v1\nname: t/Bad\nversion: 1.0.0\ninput: text\nsteps:\n  - id: a\n    algo: test/Nope/1.0.0\n", "unknown.yaml:7:11: step `a` calls test/Nope/1.0.0, which is not in the catalog"},
		{"field.yaml", "chain: v1\nname: t/Bad\nversion: 1.0.0\ninput: text\nsteps:\n  - id: a\n    algo: test/Echo/1.0.0\n    inptu: .input\n", "field.yaml:8:5: unknown field `inptu` in step 1 (did you mean `input`?)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := writeChain(t, tc.name, tc.src)
			for _, verb := range [][]string{{"run", path, "-t", "x"}, {"validate", path}, {"export", path, "--go"}} {
				r := execute(t, "", verb...)
				if r.code != 1 {
					t.Errorf("%s: exit %d, want 1", verb[0], r.code)
				}
				checkOneSentence(t, r.stderr, tc.want)
				if !problemLine.MatchString(strings.TrimRight(r.stderr, "\n")) {
					t.Errorf("%s: %q is not `pipette: FILE:LINE:COL: sentence`", verb[0], r.stderr)
				}
				if r.stdout != "" {
					t.Errorf("%s printed %q", verb[0], r.stdout)
				}
			}
		})
	}

	t.Run("several problems", func(t *testing.T) {
		path := writeChain(t, "two.yaml", "chain: v1\nname: t/Bad\nversion: 1.0.0\ninput: text\nsteps:\n  - id: a\n    algo: test/Echo/1.0.0\n    input: '.steps.b'\n  - id: b\n    algo: test/Echo/1.0.0\n    each: '[.input'\n")
		r := execute(t, "", "validate", path)
		lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
		if r.code != 1 || len(lines) != 2 {
			t.Fatalf("want two problems, exit 1: %+v", r)
		}
		for _, l := range lines {
			if !problemLine.MatchString(l) {
				t.Errorf("%q is not `pipette: FILE:LINE:COL: sentence`", l)
			}
		}
	})
	t.Run("missing file", func(t *testing.T) {
		r := execute(t, "", "run", filepath.Join(t.TempDir(), "nope.yaml"), "-t", "x")
		if r.code != 2 {
			t.Errorf("exit %d, want 2", r.code)
		}
		checkOneSentence(t, r.stderr, "nope.yaml does not exist")
	})
}

func TestValidate(t *testing.T) {
	useCatalog(t, fixtures())
	good := writeChain(t, "echo.yaml", echoChain)
	r := execute(t, "", "validate", good)
	if r.code != 0 || r.stdout != "ok: test/EchoTwice 1.2.3, 2 steps (first → second)\n" || r.stderr != "" {
		t.Errorf("%+v", r)
	}
	bad := writeChain(t, "bad.yaml", strings.Replace(echoChain, "test/Echo/1.*", "test/Echo/2.*", 1))
	r = execute(t, "", "validate", good, bad)
	if r.code != 1 || !strings.HasPrefix(r.stdout, "ok: test/EchoTwice") {
		t.Errorf("%+v", r)
	}
	checkOneSentence(t, r.stderr, "bad.yaml:10:11: step `second` calls test/Echo/2.*, which has no version 2.* (published: 1.0.0)")
	r = execute(t, "", "validate")
	if r.code != 2 {
		t.Errorf("no file: exit %d", r.code)
	}
}

func TestExport(t *testing.T) {
	useCatalog(t, fixtures())
	path := writeChain(t, "echo.yaml", echoChain)
	want, err := pipebuilder.Load(path)
	if err != nil {
		t.Fatal(err)
	}

	r := execute(t, "", "export", path, "--yaml")
	if r.code != 0 {
		t.Fatalf("%+v", r)
	}
	back, err := pipebuilder.Parse("back.yaml", []byte(r.stdout))
	if err != nil || !back.Equal(want) {
		t.Errorf("exported YAML does not reload equal (%v):\n%s", err, r.stdout)
	}

	// --go compiles in the server it was pointed at as the default address.
	out := filepath.Join(t.TempDir(), "prog", "main.go")
	const addr = "http://127.0.0.1:9999"
	t.Setenv(envServer, "")
	r = execute(t, "", "--server", addr, "export", path, "--go", "-o", out)
	// The fixtures are not on that server: validation fails, nothing written.
	if r.code != 1 {
		t.Errorf("export against an unreachable server: %+v", r)
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("wrote %s although the chain could not be checked", out)
	}
	r = execute(t, "", "export", path, "--go", "-o", out)
	src, _ := os.ReadFile(out)
	if r.code != 0 || !strings.Contains(string(src), "package main") || !strings.Contains(string(src), strconv.Quote("test/EchoTwice")) {
		t.Errorf("export --go -o: %+v\n%s", r, src)
	}

	r = execute(t, "", "export", path, "--shell")
	if r.code != 0 || !strings.Contains(r.stdout, "curl") || !strings.HasPrefix(r.stdout, "#!") {
		t.Errorf("export --shell: %+v", r)
	}

	for _, args := range [][]string{{"export", path}, {"export", path, "--go", "--yaml"}, {"export"}, {"export", path, path, "--go"}} {
		r := execute(t, "", args...)
		if r.code != 2 {
			t.Errorf("%v: exit %d, want 2", args, r.code)
		}
		if strings.Count(strings.TrimRight(r.stderr, "\n"), "\n") != 0 || !strings.Contains(r.stderr, "pipette export --help") {
			t.Errorf("%v: %q", args, r.stderr)
		}
	}
}

func TestServeChainsFolderProblems(t *testing.T) {
	useCatalog(t, fixtures())
	r := execute(t, "", "serve", "--chains", filepath.Join(t.TempDir(), "none"), "--addr", "127.0.0.1:0")
	if r.code != 2 {
		t.Errorf("missing folder: exit %d", r.code)
	}
	checkOneSentence(t, r.stderr, "no such folder")
	file := writeChain(t, "echo.yaml", echoChain)
	r = execute(t, "", "serve", "--chains", file, "--addr", "127.0.0.1:0")
	if r.code != 2 {
		t.Errorf("a file for a folder: exit %d", r.code)
	}
	checkOneSentence(t, r.stderr, "is a file, not a folder")
}

func TestRunChainOnATerminal(t *testing.T) {
	useCatalog(t, fixtures())
	fakeTerminal(t, 80)
	path := writeChain(t, "frame.yaml", pictureChain)
	img := filepath.Join(t.TempDir(), "img.bin")
	os.WriteFile(img, []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), 0o644)

	// Binary is never dumped on a terminal; the hint repeats this command.
	r := execute(t, "", "run", path, "-B", img)
	if r.code != 0 || r.stdout != "" {
		t.Errorf("%+v", r)
	}
	errs := stripANSI(r.stderr)
	for _, want := range []string{"not shown on a terminal", "`pipette run " + path + " … > result.png`", "test/Frame · 1 step · binary"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}

	// No input on a terminal is a usage error, not a wait on stdin.
	r = execute(t, "", "run", path)
	if r.code != 2 || !strings.Contains(stripANSI(r.stderr), "no input") {
		t.Errorf("no input: %+v", r)
	}

	// export -o says what it wrote and, for Go, how to build it.
	out := filepath.Join(t.TempDir(), "card", "main.go")
	r = execute(t, "", "export", path, "--go", "-o", out)
	errs = stripANSI(r.stderr)
	if r.code != 0 || !strings.Contains(errs, "wrote chain test/Frame as a Go program to "+out) || !strings.Contains(errs, "go mod init chain && go mod tidy && go build") {
		t.Errorf("%+v", r)
	}
}

func TestServeChainsLibrary(t *testing.T) {
	dir := t.TempDir()
	chain := func(file, name, algo string) {
		src := "chain: v1\nname: " + name + "\nversion: 1.0.0\ninput: text\nsteps:\n  - id: only\n    algo: " + algo + "\n"
		if err := os.WriteFile(filepath.Join(dir, file), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	chain("outer.yaml", "chains/Outer", "chains/Inner/1.0.0") // a chain calling a chain
	chain("inner.yaml", "chains/Inner", "test/Echo/1.0.0")
	chain("ping.yaml", "chains/Ping", "chains/Pong/1.0.0") // a cycle
	chain("pong.yaml", "chains/Pong", "chains/Ping/1.0.0")
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not a chain"), 0o644)

	cmd := newServeCmd()
	var errw strings.Builder
	cmd.SetErr(&errw)
	cmd.SetContext(t.Context())
	lib, err := loadChainLibrary(cmd, dir, fixtures())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range lib.Chains() {
		names = append(names, c.Name)
	}
	if strings.Join(names, " ") != "chains/Inner chains/Outer" {
		t.Errorf("served %v, want the two chains outside the cycle", names)
	}
	out, err := lib.Combined().Run(t.Context(), catalog.MustParseRef("chains/Outer"), catalog.Text("through two chains"))
	if err != nil || out.Value.Text != "through two chains" {
		t.Errorf("chains/Outer: %v, %v", out.Value.Summary(100), err)
	}
	lines := strings.Split(strings.TrimRight(errw.String(), "\n"), "\n")
	if len(lines) == 0 || !strings.Contains(errw.String(), "cycle") || !strings.Contains(errw.String(), "chains/Ping") || !strings.Contains(errw.String(), "chains/Pong") {
		t.Errorf("the cycle is not reported with its chains:\n%s", errw.String())
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "warning: left out: ") {
			t.Errorf("stderr line %q is not a warning", l)
		}
	}
}
