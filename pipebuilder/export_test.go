package pipebuilder_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"pipette/catalog"
	"pipette/client"
	"pipette/internal/testenv"
	"pipette/pipebuilder"
	"pipette/server"
	"pipette/sources"
	"pipette/sources/ollama/ollamatest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const exportChain = `chain: v1
name: test/Export
version: 1.0.0
tagline: every shape a step can take
input: text
steps:
  - id: words
    algo: test/Words/1.0.0
  - id: loud
    algo: test/Upper/1.*
    each: .steps.words
  - id: joined
    algo: test/Join/1.0.0
    input: '{parts: .steps.loud, sep: "-"}'
  - id: measured
    algo: test/Length/1.0.0
output: '{text: .steps.measured.text, n: .steps.measured.length, words: (.steps.words | length)}'
`

const plainChain = `chain: v1
name: test/Plain
version: 2.0.0
input: binary
steps:
  - id: rev
    algo: test/Reverse/1.0.0
  - id: back
    algo: test/Reverse
`

const binaryChain = `chain: v1
name: test/Bytes
version: 1.0.0
input: binary
steps:
  - id: rev
    algo: test/Reverse/1.0.0
  - id: both
    algo: test/Echo/1.0.0
    input: '{original: .input, reversed: .steps.rev}'
  - id: again
    algo: test/Reverse/1.0.0
    input: .steps.both.reversed
`

// nastyChain's mappings are full of what breaks generated code: quotes,
// backticks, comment closers, newlines, Go and shell syntax.
var nastyChain = "chain: v1\n" +
	"name: odd/Nasty_1.x\n" +
	"version: 1.0.0\n" +
	"tagline: \"\\\"); os.Exit(3) //\"\n" +
	"docs: |\n  */ `backticks` \"quotes\" 'single' $(rm -rf /)\n  // line two */ /* \\n\n  \")\n  func init() { panic(1) }\n" +
	"input: text\n" +
	"steps:\n" +
	"  - id: q\n" +
	"    algo: test/Echo/1.0.0\n" +
	"    input: |\n" +
	"      # a jq comment with */ and \"); panic(1) // and `ticks`\n" +
	"      \"\\(.input) \\\"double\\\" 'single' `back` */ /* \\n second line \\t tab $(echo no) ${HOME} '\\\\'' end\"\n" +
	"  - id: r\n" +
	"    algo: test/Echo/1.0.0\n" +
	"output: '.steps.r + \" \\u2028 end\"'\n"

func validated(t *testing.T, src string) *pipebuilder.Chain {
	t.Helper()
	c, err := pipebuilder.Parse("test.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(context.Background(), pipebuilder.NewTestRegistry()); err != nil {
		t.Fatal(err)
	}
	return c
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it); got:\n%s", name, got)
	}
}

func TestExportGolden(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, src string }{
		{"export", exportChain}, {"plain", plainChain},
	} {
		c := validated(t, tc.src)
		src, err := pipebuilder.ExportGo(c, pipebuilder.GoExportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		golden(t, tc.name+".go.golden", src)
		sh, err := pipebuilder.ExportShell(c)
		if err != nil {
			t.Fatal(err)
		}
		golden(t, tc.name+".sh.golden", sh)
		y, err := c.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		golden(t, tc.name+".yaml.golden", y)
	}
}

func TestExportGoHasNoJQWithoutMappings(t *testing.T) {
	t.Parallel()
	src, err := pipebuilder.ExportGo(validated(t, plainChain), pipebuilder.GoExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(src, []byte("gojq")) {
		t.Errorf("a chain without mappings should export to standard library only")
	}
}

// testServer serves the test algorithms over the real API.
func testServer(t *testing.T) *httptest.Server {
	reg := pipebuilder.NewTestRegistry()
	ts := httptest.NewServer(server.New(server.Config{Source: reg, Runner: reg}))
	t.Cleanup(ts.Close)
	return ts
}

// programs are the exported programs built by this test process, by their
// source: a test building a program another already built reuses it.
var programs struct {
	mu   sync.Mutex // builds run one at a time: two would only fight over the cores
	dir  string
	bins map[[sha256.Size]byte]string
}

func TestMain(m *testing.M) {
	code := m.Run()
	if programs.dir != "" {
		os.RemoveAll(programs.dir)
	}
	os.Exit(code)
}

// buildProgram builds an exported program in a module of its own, as a
// user would, and returns the binary's path. A build is seconds: the tests
// that build run under testenv.Slow.
func buildProgram(t *testing.T, src []byte) string {
	t.Helper()
	testenv.Slow(t)
	programs.mu.Lock()
	defer programs.mu.Unlock()
	key := sha256.Sum256(src)
	if bin, ok := programs.bins[key]; ok {
		return bin
	}
	if programs.dir == "" {
		dir, err := os.MkdirTemp("", "pipebuilder-programs-")
		if err != nil {
			t.Fatal(err)
		}
		programs.dir, programs.bins = dir, map[[sha256.Size]byte]string{}
	}
	dir := filepath.Join(programs.dir, hex.EncodeToString(key[:8]))
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	mod := "module chainexport\n\ngo 1.26\n"
	if bytes.Contains(src, []byte(`"github.com/itchyny/gojq"`)) {
		mod += "\nrequire github.com/itchyny/gojq " + gojqVersion(t) + "\n"
	}
	sum, err := os.ReadFile("../go.sum")
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"go.mod": []byte(mod), "go.sum": sum, "main.go": src} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bin := filepath.Join(dir, "chain")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the exported program does not build: %v\n%s\n%s", err, out, src)
	}
	programs.bins[key] = bin
	return bin
}

// gojqVersion is the gojq version pipette itself builds with.
func gojqVersion(t *testing.T) string {
	mod, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(mod), "\n") {
		f := strings.Fields(line)
		for i := 0; i+1 < len(f); i++ {
			if f[i] == "github.com/itchyny/gojq" {
				return f[i+1]
			}
		}
	}
	t.Fatal("go.mod does not require gojq")
	return ""
}

// rendered is how the exported programs print a result.
func rendered(t *testing.T, v catalog.Value) []byte {
	switch v.Kind {
	case catalog.KindJSON:
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(v.JSON); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	case catalog.KindText:
		if strings.HasSuffix(v.Text, "\n") {
			return []byte(v.Text)
		}
		return []byte(v.Text + "\n")
	case catalog.KindBinary:
		return v.Bytes
	}
	return nil
}

type e2eCase struct {
	name, src string
	input     catalog.Value
}

func e2eCases() []e2eCase {
	return []e2eCase{
		{"each and mappings", exportChain, catalog.Text("one two three")},
		{"binary", binaryChain, catalog.Bytes([]byte{0, 1, 2, 250, 255})},
		{"plain", plainChain, catalog.Bytes([]byte("plain bytes"))},
		{"nasty strings", nastyChain, catalog.Text("in\"put`")},
	}
}

func inputFile(t *testing.T, v catalog.Value) string {
	path := filepath.Join(t.TempDir(), "input")
	var data []byte
	switch v.Kind {
	case catalog.KindText:
		data = []byte(v.Text)
	case catalog.KindBinary:
		data = v.Bytes
	default:
		data, _ = json.Marshal(v.JSON)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestExportedGoRunsLikeRun builds each exported program and runs it against
// a pipette server: it must print what Run gives over the same server.
func TestExportedGoRunsLikeRun(t *testing.T) {
	ts := testServer(t)
	for _, tc := range e2eCases() {
		t.Run(tc.name, func(t *testing.T) {
			c := validated(t, tc.src)
			src, err := pipebuilder.ExportGo(c, pipebuilder.GoExportOptions{})
			if err != nil {
				t.Fatal(err)
			}
			tr, err := pipebuilder.Run(context.Background(), clientFor(ts), c, tc.input, pipebuilder.Options{})
			if err != nil {
				t.Fatal(err)
			}
			want := rendered(t, tr.Output)
			bin := buildProgram(t, src)
			cmd := exec.Command(bin, "-server", ts.URL, "-trace", "-i", inputFile(t, tc.input))
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("%v\n%s", err, stderr.String())
			}
			if !bytes.Equal(stdout.Bytes(), want) {
				t.Errorf("exported program printed\n%q\nRun gives\n%q", stdout.String(), want)
			}
			if tc.src == nastyChain {
				help, _ := exec.Command(bin, "-h").CombinedOutput()
				for _, s := range []string{c.Tagline, strings.TrimRight(c.Docs, "\n")} {
					if !strings.Contains(string(help), s) {
						t.Errorf("-h does not print %q verbatim:\n%s", s, help)
					}
				}
				for _, s := range []string{`in"put` + "`", `"double"`, "'single'", "`back`", "*/ /*", "\n second line", "\t tab",
					"$(echo no)", "${HOME}", `'\''`, "\u2028 end"} {
					if !strings.Contains(stdout.String(), s) {
						t.Errorf("the program's output lacks %q: %q", s, stdout.String())
					}
				}
			}
			lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
			if len(lines) != len(c.Steps) {
				t.Fatalf("-trace printed %d lines for %d steps:\n%s", len(lines), len(c.Steps), stderr.String())
			}
			for i, line := range lines {
				var got map[string]any
				if err := json.Unmarshal([]byte(line), &got); err != nil {
					t.Fatalf("trace line %d is not JSON: %s", i, line)
				}
				wantLine, _ := tr.Steps[i].MarshalJSON()
				var w map[string]any
				json.Unmarshal(wantLine, &w)
				for _, k := range []string{"step", "algo", "input", "input_kind", "result", "content_type"} {
					if !jsonEqual(got[k], w[k]) {
						t.Errorf("trace line %d: %s = %v, Run's trace has %v", i, k, got[k], w[k])
					}
				}
			}
		})
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

func TestExportedGoReportsAFailedStep(t *testing.T) {
	ts := testServer(t)
	c := validated(t, `chain: v1
name: test/Failing
version: 1.0.0
input: text
steps:
  - id: up
    algo: test/Upper/1.0.0
  - id: lines
    algo: test/Fail/1.0.0
    input: '{text: .steps.up, n: 2}'
`)
	src, err := pipebuilder.ExportGo(c, pipebuilder.GoExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, runErr := pipebuilder.Run(context.Background(), clientFor(ts), c, catalog.Text("hi"), pipebuilder.Options{})
	cmd := exec.Command(buildProgram(t, src), "hi")
	cmd.Env = append(os.Environ(), "PIPETTE_API="+ts.URL)
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the program succeeded: %s", out)
	}
	if got, want := strings.TrimSpace(string(out)), "error: "+runErr.Error(); got != want {
		t.Errorf("program said\n%s\nRun says\n%s", got, want)
	}
}

// TestExportedShellRunsLikeRun runs the exported script with bash, curl and
// jq against a pipette server.
func TestExportedShellRunsLikeRun(t *testing.T) {
	testenv.Slow(t) // dozens of curl and jq processes
	for _, tool := range []string{"bash", "curl", "jq", "base64"} {
		testenv.Tool(t, tool)
	}
	ts := testServer(t)
	for _, tc := range e2eCases() {
		t.Run(tc.name, func(t *testing.T) {
			c := validated(t, tc.src)
			sh, err := pipebuilder.ExportShell(c)
			if err != nil {
				t.Fatal(err)
			}
			tr, err := pipebuilder.Run(context.Background(), clientFor(ts), c, tc.input, pipebuilder.Options{})
			if err != nil {
				t.Fatal(err)
			}
			script := filepath.Join(t.TempDir(), "chain.sh")
			if err := os.WriteFile(script, sh, 0o755); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command("bash", script, inputFile(t, tc.input))
			cmd.Env = append(os.Environ(), "PIPETTE_API="+ts.URL)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("%v\n%s", err, stderr.String())
			}
			want := rendered(t, tr.Output)
			if tr.Output.Kind == catalog.KindJSON {
				// jq and Go indent alike but may differ in number
				// spelling: compare the values.
				var a, b any
				if json.Unmarshal(stdout.Bytes(), &a) != nil || json.Unmarshal(want, &b) != nil || !jsonEqual(a, b) {
					t.Errorf("script printed\n%s\nRun gives\n%s", stdout.String(), want)
				}
				return
			}
			if !bytes.Equal(stdout.Bytes(), want) {
				t.Errorf("script printed\n%q\nRun gives\n%q", stdout.String(), want)
			}
		})
	}
}

func clientFor(ts *httptest.Server) *client.Client { return client.New(ts.URL, "") }

func TestExportedGoSendsTheKey(t *testing.T) {
	reg := pipebuilder.NewTestRegistry()
	ts := httptest.NewServer(server.New(server.Config{Source: reg, Runner: reg, Keys: []string{"s3cret"}}))
	defer ts.Close()
	src, err := pipebuilder.ExportGo(validated(t, plainChain), pipebuilder.GoExportOptions{Server: ts.URL})
	if err != nil {
		t.Fatal(err)
	}
	bin := buildProgram(t, src)
	in := inputFile(t, catalog.Bytes([]byte("abc")))
	for _, tc := range []struct {
		env, want string
		ok        bool
	}{
		{"PIPETTE_API_KEY=s3cret", "abc", true},
		{"PIPETTE_API_KEY=wrong", "error: step rev (test/Reverse/1.0.0): ", false},
	} {
		cmd := exec.Command(bin, "-i", in)
		cmd.Env = append(os.Environ(), tc.env)
		out, err := cmd.CombinedOutput()
		if (err == nil) != tc.ok || !strings.HasPrefix(string(out), tc.want) {
			t.Errorf("%s: %v %q", tc.env, err, out)
		}
	}
	cmd := exec.Command(bin, "-h")
	cmd.Env = append(os.Environ(), "PIPETTE_API_KEY=s3cret")
	help, _ := cmd.CombinedOutput()
	if strings.Contains(string(help), "s3cret") || !strings.Contains(string(help), "Runs the chain test/Plain 2.0.0 (input: binary)") {
		t.Errorf("-h output:\n%s", help)
	}
}

// TestRunSameInProcessAndOverHTTP: every step's input, result and content
// type, and the output, are the same whichever transport runs the chain.
func TestRunSameInProcessAndOverHTTP(t *testing.T) {
	t.Parallel()
	ts := testServer(t)
	reg := pipebuilder.NewTestRegistry()
	for _, tc := range e2eCases() {
		c := validated(t, tc.src)
		local, err := pipebuilder.Run(context.Background(), client.NewLocal(reg, reg), c, tc.input, pipebuilder.Options{})
		if err != nil {
			t.Fatal(err)
		}
		remote, err := pipebuilder.Run(context.Background(), clientFor(ts), c, tc.input, pipebuilder.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !local.Output.Equal(remote.Output) || len(local.Steps) != len(remote.Steps) {
			t.Fatalf("%s: output %s in-process, %s over HTTP", tc.name, local.Output.Summary(80), remote.Output.Summary(80))
		}
		for i := range local.Steps {
			l, r := local.Steps[i], remote.Steps[i]
			if !l.Input.Equal(r.Input) || !l.Result.Equal(r.Result) || l.ContentType != r.ContentType {
				t.Errorf("%s: step %s differs: %+v vs %+v", tc.name, l.ID, l, r)
			}
		}
	}
}

// A chain whose step is a remote model exports as a Go program that calls
// it through a gateway (pipette serve --source ollama=…) like any step: the
// model's reference (with ":" in it) reaches /v1/algo intact.
func TestExportedGoCallsARemoteModel(t *testing.T) {
	ollama := ollamatest.Docs(t)
	reg := pipebuilder.NewTestRegistry()
	merged, err := sources.Merge(context.Background(), reg, reg, []sources.Spec{{Name: "ollama", Kind: sources.KindOllama, URL: ollama.URL}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(server.New(server.Config{Source: merged, Runner: merged}))
	defer ts.Close()
	c, err := pipebuilder.Parse("remote.yaml", []byte(`chain: v1
name: test/Remote
version: 1.0.0
input: text
steps:
  - id: answer
    algo: ollama/llama3.2:latest
    input: '{prompt: .input, options: {max_tokens: 16}}'
  - id: loud
    algo: test/Upper/1.0.0
`))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(context.Background(), merged); err != nil {
		t.Fatal(err)
	}
	src, err := pipebuilder.ExportGo(c, pipebuilder.GoExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	bin := buildProgram(t, src)
	cmd := exec.Command(bin, "-server", ts.URL, "why is the sky blue?")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	if stdout.String() != "THE SKY IS BLUE.\n" {
		t.Errorf("the exported program printed %q", stdout.String())
	}
}
