package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"pipette/algorithms"
	"pipette/algorithms/builtin"
	"pipette/catalog"
	"pipette/server"
)

// result is what one run of the command line produced.
type result struct {
	stdout, stderr string
	code           int
}

// execute runs the command line in this process with stdin as given.
func execute(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errw bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errw)
	return result{out.String(), errw.String(), code}
}

// useCatalog swaps the in-process catalog for reg during a test.
func useCatalog(t *testing.T, reg *algorithms.Registry) {
	t.Helper()
	old := builtinCatalog
	builtinCatalog = func() *algorithms.Registry { return reg }
	t.Cleanup(func() { builtinCatalog = old })
}

// fixtures is a registry with one algorithm of each result kind, so the
// output paths are tested whatever the built-in catalog holds.
func fixtures() *algorithms.Registry {
	reg := algorithms.NewRegistry("fixtures")
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR fake image bytes \x00\xff")
	reg.Register(
		algorithms.Algorithm{
			Entry: catalog.Entry{
				Ref: catalog.MustParseRef("test/Echo/1.0.0"), Tagline: "returns its input unchanged",
				InputKind: catalog.KindAny, OutputKind: catalog.KindAny, Tags: []string{"util"},
				Samples: []catalog.Sample{{Name: "hello", Input: catalog.Text("hello")}, {Name: "list", Input: catalog.JSON([]any{1.0, "two"})}},
			},
			Run: func(ctx context.Context, in catalog.Value, stdout io.Writer) (catalog.Value, error) {
				io.WriteString(stdout, "echoing "+string(in.Kind))
				return in, nil
			},
		},
		algorithms.Algorithm{
			Entry: catalog.Entry{
				Ref: catalog.MustParseRef("test/Picture/1.0.0"), Tagline: "draws a picture",
				InputKind: catalog.KindText, OutputKind: catalog.KindBinary, Tags: []string{"image"},
			},
			Run: func(ctx context.Context, in catalog.Value, stdout io.Writer) (catalog.Value, error) {
				return catalog.Bytes(png), nil
			},
		},
		algorithms.Algorithm{
			Entry: catalog.Entry{
				Ref: catalog.MustParseRef("test/Picky/1.0.0"), Tagline: "only takes numbers",
				InputKind: catalog.KindJSON, OutputKind: catalog.KindJSON,
			},
			Run: func(ctx context.Context, in catalog.Value, stdout io.Writer) (catalog.Value, error) {
				if _, ok := in.JSON.(float64); !ok {
					return catalog.Value{}, catalog.InputErrorf("send a number, such as 42")
				}
				return in, nil
			},
		},
	)
	return reg
}

func TestLsListsTheCatalog(t *testing.T) {
	r := execute(t, "", "ls")
	if r.code != 0 {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimRight(r.stdout, "\n"), "\n")
	if !strings.HasPrefix(lines[0], "REF") || !strings.Contains(lines[0], "TAGLINE") {
		t.Errorf("no header: %q", lines[0])
	}
	entries, _ := builtin.Registry().List(context.Background())
	if got, want := len(lines)-1, len(entries); got != want {
		t.Errorf("%d rows for %d algorithms:\n%s", got, want, r.stdout)
	}
	if !strings.Contains(r.stdout, "nlp/SentimentAnalysis") || !strings.Contains(r.stdout, "1.0.0") {
		t.Errorf("nlp/SentimentAnalysis 1.0.0 missing:\n%s", r.stdout)
	}
	if strings.Contains(r.stdout, "\x1b[") {
		t.Errorf("escape codes in piped output:\n%q", r.stdout)
	}
}

func TestLsSearchesBestFirst(t *testing.T) {
	r := execute(t, "", "ls", "sent")
	if r.code != 0 {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "nlp/SentimentAnalysis") {
		t.Errorf("ls sent misses nlp/SentimentAnalysis:\n%s", r.stdout)
	}
	r = execute(t, "", "ls", "sentiment")
	rows := strings.Split(strings.TrimRight(r.stdout, "\n"), "\n")
	if len(rows) < 2 || !strings.HasPrefix(rows[1], "nlp/SentimentAnalysis ") {
		t.Errorf("ls sentiment: nlp/SentimentAnalysis is not first:\n%s", r.stdout)
	}
	all := execute(t, "", "ls")
	if len(rows) >= len(strings.Split(all.stdout, "\n")) && len(rows) > 2 {
		t.Errorf("ls sentiment keeps every row:\n%s", r.stdout)
	}
}

func TestLsNoMatch(t *testing.T) {
	r := execute(t, "", "ls", "qqqzzzxxx")
	if r.code != 0 || r.stdout != "" {
		t.Errorf("exit %d, stdout %q", r.code, r.stdout)
	}
	if !strings.Contains(r.stderr, `no algorithm matches "qqqzzzxxx"`) {
		t.Errorf("stderr %q", r.stderr)
	}
	r = execute(t, "", "ls", "qqqzzzxxx", "--json")
	if strings.TrimSpace(r.stdout) != "[]" {
		t.Errorf("ls --json with no match: %q", r.stdout)
	}
}

func TestLsTagAndJSON(t *testing.T) {
	useCatalog(t, fixtures())
	r := execute(t, "", "ls", "--tag", "IMAGE", "--json")
	if r.code != 0 {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	var objs []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &objs); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.stdout)
	}
	if len(objs) != 1 || objs[0]["owner"] != "test" || objs[0]["name"] != "Picture" || objs[0]["output_kind"] != "binary" {
		t.Errorf("ls --tag image --json = %v", objs)
	}
	r = execute(t, "", "ls", "--tag", "nosuchtag")
	if !strings.Contains(r.stderr, `no algorithm is tagged "nosuchtag"`) {
		t.Errorf("stderr %q", r.stderr)
	}
}

func TestLsTerminalFitsTheWidth(t *testing.T) {
	fakeTerminal(t, 60)
	useCatalog(t, fixtures())
	r := execute(t, "", "ls", "pic")
	if r.code != 0 {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	for _, line := range strings.Split(strings.TrimRight(r.stdout, "\n"), "\n") {
		if w := len([]rune(stripANSI(line))); w > 60 {
			t.Errorf("line of width %d on a 60-column terminal: %q", w, line)
		}
	}
	if !strings.Contains(stripANSI(r.stdout), "test/Picture") {
		t.Errorf("no test/Picture:\n%s", r.stdout)
	}
}

func TestCallSentiment(t *testing.T) {
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
			r := execute(t, tc.stdin, append([]string{"call", "nlp/SentimentAnalysis"}, tc.args...)...)
			if r.code != 0 {
				t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
			}
			var got struct {
				Compound float64 `json:"compound"`
				Text     string  `json:"text"`
			}
			if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, r.stdout)
			}
			if got.Compound < 0.5 || strings.TrimSpace(got.Text) != "what a great day" {
				t.Errorf("result %+v: want a clearly positive score for the text", got)
			}
			if !strings.Contains(r.stdout, "\n  \"compound\"") {
				t.Errorf("JSON is not pretty-printed:\n%s", r.stdout)
			}
		})
	}
}

func TestCallKindsAndSamples(t *testing.T) {
	useCatalog(t, fixtures())
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
			r := execute(t, tc.stdin, append([]string{"call", "test/Echo"}, tc.args...)...)
			if r.code != 0 || r.stdout != tc.want {
				t.Errorf("exit %d, stdout %q, stderr %q; want %q", r.code, r.stdout, r.stderr, tc.want)
			}
		})
	}
	r := execute(t, "", "call", "test/Echo", "-t", "x", "--stdout")
	if r.stdout != "x\n" || !strings.Contains(r.stderr, "echoing text") {
		t.Errorf("--stdout: stdout %q, stderr %q", r.stdout, r.stderr)
	}
}

func TestCallFiles(t *testing.T) {
	useCatalog(t, fixtures())
	dir := t.TempDir()
	bin := filepath.Join(dir, "in.bin")
	os.WriteFile(bin, []byte{0xff, 0x00, 0xfe}, 0o644)
	js := filepath.Join(dir, "in.json")
	os.WriteFile(js, []byte(`{"k": "v"}`), 0o644)
	out := filepath.Join(dir, "out.bin")

	r := execute(t, "", "call", "test/Echo", "-B", bin, "-o", out)
	if b, _ := os.ReadFile(out); r.code != 0 || !bytes.Equal(b, []byte{0xff, 0x00, 0xfe}) || r.stdout != "" {
		t.Errorf("-B/-o: exit %d, file %q, stdout %q, stderr %q", r.code, b, r.stdout, r.stderr)
	}
	r = execute(t, "", "call", "test/Echo", "-D", bin)
	if r.stdout != "\xff\x00\xfe" {
		t.Errorf("-D of non-UTF-8 bytes is not binary: %q", r.stdout)
	}
	r = execute(t, "", "call", "test/Echo", "-D", js)
	if r.stdout != "{\n  \"k\": \"v\"\n}\n" {
		t.Errorf("-D of a JSON file: %q", r.stdout)
	}
	r = execute(t, "", "call", "test/Echo", "-T", js)
	if r.stdout != `{"k": "v"}`+"\n" {
		t.Errorf("-T of a JSON file is not text: %q", r.stdout)
	}
}

func TestCallBinaryResult(t *testing.T) {
	useCatalog(t, fixtures())
	out := filepath.Join(t.TempDir(), "pic.png")
	r := execute(t, "", "call", "test/Picture", "-t", "a cat", "-o", out)
	b, err := os.ReadFile(out)
	if r.code != 0 || err != nil || !bytes.HasPrefix(b, []byte("\x89PNG")) {
		t.Fatalf("exit %d, stderr %q, file %q (%v)", r.code, r.stderr, b, err)
	}
	if r.stdout != "" {
		t.Errorf("stdout %q with -o", r.stdout)
	}
	// Piped: the raw bytes.
	r = execute(t, "", "call", "test/Picture", "-t", "a cat")
	if r.stdout != string(b) {
		t.Errorf("piped binary result %q, want the bytes %q", r.stdout, b)
	}
	// On a terminal: never the bytes, a sentence with the size instead.
	fakeTerminal(t, 80)
	r = execute(t, "", "call", "test/Picture", "-t", "a cat")
	if r.code != 0 || strings.Contains(r.stdout, "PNG") {
		t.Errorf("binary dumped on a terminal: exit %d, stdout %q", r.code, r.stdout)
	}
	if want := fmt.Sprintf("The result is %d bytes of binary data (image/png)", len(b)); !strings.Contains(r.stderr, want) || !strings.Contains(r.stderr, "-o FILE") {
		t.Errorf("stderr %q, want %q and how to save it", r.stderr, want)
	}
}

func TestUsageErrors(t *testing.T) {
	useCatalog(t, fixtures())
	for _, tc := range []struct {
		name  string
		args  []string
		stdin string
		want  string
	}{
		{"unknown flag", []string{"call", "test/Echo", "--bogus"}, "", "unknown flag: --bogus"},
		{"unknown command", []string{"frobnicate"}, "", `unknown command or chain file "frobnicate"`},
		{"no algorithm", []string{"call"}, "", "name an algorithm"},
		{"two algorithms", []string{"docs", "a/b", "c/d"}, "", "takes one algorithm"},
		{"bad reference", []string{"call", "nope", "-t", "x"}, "", `"nope" is not owner/name`},
		{"two inputs", []string{"call", "test/Echo", "-t", "x", "-j", "1"}, "", "give one input, not -t and -j"},
		{"bad JSON", []string{"call", "test/Echo", "-j", "{nope"}, "", "-j is not valid JSON"},
		{"no input", []string{"call", "test/Echo"}, "", "no input: give one with -d"},
		{"sample out of range", []string{"call", "test/Echo", "--sample", "9"}, "", "test/Echo has 2 samples: use --sample 1 to 2"},
		{"unknown sample", []string{"call", "test/Echo", "--sample", "nah"}, "", `no sample named "nah"`},
		{"no samples", []string{"call", "test/Picky", "--sample", "1"}, "", "test/Picky has no samples"},
		{"missing file", []string{"call", "test/Echo", "-D", "/does/not/exist"}, "", "input file /does/not/exist does not exist"},
		{"bad timeout", []string{"call", "test/Echo", "-t", "x", "--timeout", "0"}, "", "--timeout 0 is out of range"},
		{"bad server", []string{"--server", "ftp://x", "ls"}, "", `server address "ftp://x" is not a URL`},
		{"serve arguments", []string{"serve", "now"}, "", "takes no arguments"},
		{"serve address", []string{"serve", "--addr", "8080"}, "", `--addr "8080" is not host:port`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := execute(t, tc.stdin, tc.args...)
			if r.code != 2 {
				t.Errorf("exit %d, want 2 (stderr %q)", r.code, r.stderr)
			}
			checkOneSentence(t, r.stderr, tc.want)
		})
	}
}

func TestCallErrors(t *testing.T) {
	useCatalog(t, fixtures())
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown algorithm", []string{"call", "nlp/Nope", "-t", "x"}, "algorithm algo://nlp/Nope not found: run `pipette ls` to see the catalog"},
		{"unknown version", []string{"call", "test/Echo/2.0.0", "-t", "x"}, "algo://test/Echo/2.0.0 not found"},
		{"algorithm's own error", []string{"call", "test/Picky", "-t", "seven"}, "InputError: send a number, such as 42"},
		{"docs of an unknown algorithm", []string{"docs", "nlp/Nope"}, "algorithm algo://nlp/Nope not found: run `pipette ls`"},
		{"unreachable server", []string{"--server", "http://127.0.0.1:1", "ls"}, "cannot reach the server at http://127.0.0.1:1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := execute(t, "", tc.args...)
			if r.code != 1 {
				t.Errorf("exit %d, want 1 (stderr %q)", r.code, r.stderr)
			}
			checkOneSentence(t, r.stderr, tc.want)
		})
	}
}

// checkOneSentence asserts that stderr is one line containing want, with no
// Go internals in it.
func checkOneSentence(t *testing.T, stderr, want string) {
	t.Helper()
	if !strings.Contains(stderr, want) {
		t.Errorf("stderr %q, want it to contain %q", stderr, want)
	}
	if n := strings.Count(strings.TrimRight(stderr, "\n"), "\n"); n > 0 {
		t.Errorf("stderr has %d lines, want one: %q", n+1, stderr)
	}
	for _, bad := range []string{"goroutine ", "panic", ".go:", "Usage:"} {
		if strings.Contains(stderr, bad) {
			t.Errorf("stderr shows %q: %q", bad, stderr)
		}
	}
}

func TestDocs(t *testing.T) {
	r := execute(t, "", "docs", "nlp/SentimentAnalysis")
	if r.code != 0 {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	e, err := builtin.Registry().Get(context.Background(), catalog.MustParseRef("nlp/SentimentAnalysis"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"nlp/SentimentAnalysis " + e.Ref.Version, "license:", "kinds:", "tags:", "samples:",
		"1  " + e.Samples[0].Name, "pipette call nlp/SentimentAnalysis --sample 1",
		strings.TrimSpace(e.Docs),
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("docs lack %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "\x1b[") {
		t.Errorf("escape codes in piped docs")
	}
}

func TestDocsOnATerminal(t *testing.T) {
	fakeTerminal(t, 70)
	t.Setenv("NO_COLOR", "1")
	useCatalog(t, fixtures())
	r := execute(t, "", "docs", "test/Echo")
	if r.code != 0 {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	plain := stripANSI(r.stdout)
	for _, want := range []string{"test/Echo", "returns its input unchanged", "hello", "--sample 1"} {
		if !strings.Contains(plain, want) {
			t.Errorf("docs lack %q:\n%s", want, plain)
		}
	}
}

// TestSameOutputInProcessAndOverHTTP runs each verb against the built-in
// catalog in this process and against a server hosting the same catalog: a
// user sees the same bytes either way.
func TestSameOutputInProcessAndOverHTTP(t *testing.T) {
	reg := builtin.Registry()
	srv := httptest.NewServer(server.New(server.Config{Source: reg, Runner: reg}))
	defer srv.Close()
	e, err := reg.Get(context.Background(), catalog.MustParseRef("nlp/SentimentAnalysis"))
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"ls", "--json"},
		{"ls", "sent", "--json"},
		{"ls"},
		{"call", "nlp/SentimentAnalysis", "-t", "what a great day"},
		{"call", "nlp/SentimentAnalysis", "-j", `["good", "bad"]`},
		{"call", "nlp/SentimentAnalysis", "--sample", "1"},
		{"call", "nlp/SentimentAnalysis", "--sample", e.Samples[len(e.Samples)-1].Name},
		{"call", "nlp/Nope", "-t", "x"},
		{"call", "nlp/SentimentAnalysis", "-j", `{"nope": 1}`},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			local := execute(t, "", args...)
			remote := execute(t, "", append([]string{"--server", srv.URL}, args...)...)
			if local != remote {
				t.Errorf("in-process and over HTTP differ:\nlocal:  %+v\nremote: %+v", local, remote)
			}
			if local.stdout == "" && local.stderr == "" {
				t.Errorf("no output at all")
			}
		})
	}
	t.Run("PIPETTE_API", func(t *testing.T) {
		t.Setenv(envServer, srv.URL)
		srv.Close() // the environment is read: a closed server proves it
		r := execute(t, "", "ls")
		if r.code != 1 || !strings.Contains(r.stderr, "cannot reach the server at "+srv.URL) {
			t.Errorf("PIPETTE_API ignored: %+v", r)
		}
	})
}

// fakeTerminal makes every stream look like a terminal of the given width.
var fakeTerminalMu sync.Mutex

func fakeTerminal(t *testing.T, width int) {
	t.Helper()
	fakeTerminalMu.Lock()
	oldT, oldW, oldD := isTerminal, terminalWidth, hasDarkBackground
	isTerminal = func(any) bool { return true }
	terminalWidth = func(io.Writer) int { return width }
	hasDarkBackground = func(io.Reader, io.Writer) bool { return true }
	t.Cleanup(func() {
		isTerminal, terminalWidth, hasDarkBackground = oldT, oldW, oldD
		fakeTerminalMu.Unlock()
	})
}

func stripANSI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '[' {
			j := i + 2
			for j < len(s) && (s[j] < 0x40 || s[j] > 0x7e) {
				j++
			}
			i = j
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
