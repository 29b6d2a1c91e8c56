package cli_test

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"pipette/internal/cli/clitest"
	"pipette/internal/testenv"
	"pipette/pipebuilder"
)

func TestMain(m *testing.M) {
	code := m.Run()
	testenv.RemoveBinary()
	os.Exit(code)
}

// binary is pipette, built once per test process.
func binary(t *testing.T) string { return testenv.PipetteBinary(t) }

// TestBinary runs what a newcomer types against the built binary, as a
// separate process: exit codes, stdout and stderr exactly as a shell sees
// them.
func TestBinary(t *testing.T) {
	testenv.Slow(t) // builds the binary
	bin := binary(t)

	t.Run("ls", func(t *testing.T) {
		r := clitest.RunBinary(t, bin, "ls")
		if r.Code != 0 || !strings.Contains(r.Stdout, "nlp/SentimentAnalysis") {
			t.Errorf("%+v", r)
		}
	})
	t.Run("ls sent", func(t *testing.T) {
		r := clitest.RunBinary(t, bin, "ls", "sent")
		if r.Code != 0 || !strings.Contains(r.Stdout, "nlp/SentimentAnalysis") {
			t.Errorf("%+v", r)
		}
	})
	t.Run("call", func(t *testing.T) {
		r := clitest.RunBinary(t, bin, "call", "nlp/SentimentAnalysis", "-t", "what a great day")
		checkPositive(t, r)
	})
	t.Run("help", func(t *testing.T) {
		r := clitest.RunBinary(t, bin, "--help")
		for _, verb := range []string{"ls", "docs", "call", "serve"} {
			if !strings.Contains(r.Stdout, verb) {
				t.Errorf("help does not mention %s:\n%s", verb, r.Stdout)
			}
		}
	})
	t.Run("bad flag", func(t *testing.T) {
		r := clitest.RunBinary(t, bin, "call", "nlp/SentimentAnalysis", "--bogus")
		if r.Code != 2 {
			t.Errorf("exit %d, want 2", r.Code)
		}
		clitest.CheckOneSentence(t, r.Stderr, "unknown flag: --bogus")
	})
	t.Run("unknown algorithm", func(t *testing.T) {
		r := clitest.RunBinary(t, bin, "call", "nlp/Nope", "-t", "x")
		if r.Code != 1 {
			t.Errorf("exit %d, want 1", r.Code)
		}
		clitest.CheckOneSentence(t, r.Stderr, "algorithm algo://nlp/Nope not found: run `pipette ls` to see the catalog")
	})
	t.Run("no input", func(t *testing.T) {
		// Stdin is /dev/null here: nothing to read.
		r := clitest.RunBinary(t, bin, "call", "nlp/SentimentAnalysis")
		if r.Code != 2 {
			t.Errorf("exit %d, want 2", r.Code)
		}
		clitest.CheckOneSentence(t, r.Stderr, "no input")
	})

	t.Run("serve", func(t *testing.T) {
		cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0")
		cmd.Env = append(os.Environ(), "PIPETTE_API=")
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var logs bytes.Buffer
		cmd.Stderr = &logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		defer func() {
			cmd.Process.Kill()
			<-done
		}()
		lines := make(chan string, 1)
		go func() {
			line, _ := bufio.NewReader(stdout).ReadString('\n')
			lines <- line
			io.Copy(io.Discard, stdout)
			done <- cmd.Wait()
		}()
		var line string
		select {
		case line = <-lines:
		case <-time.After(30 * time.Second):
			t.Fatalf("serve did not say it was listening; logs:\n%s", logs.String())
		}
		i := strings.Index(line, "http://")
		if !strings.HasPrefix(line, "pipette serving ") || !strings.Contains(line, " algorithms") || !strings.Contains(line, " on http://") || i < 0 {
			t.Fatalf("first line %q", line)
		}
		url := strings.TrimSpace(line[i:])

		resp, err := http.Post(url+"/v1/algo/nlp/SentimentAnalysis", "text/plain", strings.NewReader("what a great day"))
		if err != nil {
			t.Fatal(err)
		}
		var body struct {
			Result   struct{ Compound float64 }
			Metadata struct {
				ContentType string `json:"content_type"`
			}
		}
		err = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if err != nil || body.Metadata.ContentType != "json" || body.Result.Compound < 0.5 {
			t.Errorf("POST /v1/algo/nlp/SentimentAnalysis: %+v (%v)", body, err)
		}

		checkPositive(t, clitest.RunBinary(t, bin, "--server", url, "call", "nlp/SentimentAnalysis", "-t", "what a great day"))

		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-done:
			done <- err
			if err != nil {
				t.Errorf("serve exited with %v after SIGTERM; logs:\n%s", err, logs.String())
			}
		case <-time.After(30 * time.Second):
			t.Errorf("serve did not stop on SIGTERM")
		}
	})
}

func checkPositive(t *testing.T, r clitest.Result) {
	t.Helper()
	var got struct{ Compound float64 }
	if r.Code != 0 || json.Unmarshal([]byte(r.Stdout), &got) != nil || got.Compound < 0.5 {
		t.Errorf("want a positive sentiment: %+v", r)
	}
}

// chainText is the input of the text examples: three sentences, one of them
// plainly negative.
const chainText = "The launch was flawless and the crew was thrilled. Then the coffee machine broke, which was a disaster. Still, a great day overall."

// exampleCase is one chain of examples/: how to give it its input on the
// command line and over the API, and what its result must be.
type exampleCase struct {
	args        []string // input flags of `pipette run`
	input       []byte   // the same input as bytes (exported program, POST)
	contentType string   // the POST's Content-Type
	check       func(t *testing.T, out []byte, trace []map[string]any)
}

func exampleCases(t *testing.T) map[string]exampleCase {
	photo := filepath.Join("algorithms", "testdata", "images", "astronaut.png")
	photoBytes, err := os.ReadFile(filepath.Join(clitest.RepoRoot(), photo))
	if err != nil {
		t.Fatal(err)
	}
	cat := filepath.Join("algorithms", "testdata", "images", "chelsea.png")
	catBytes, err := os.ReadFile(filepath.Join(clitest.RepoRoot(), cat))
	if err != nil {
		t.Fatal(err)
	}
	return map[string]exampleCase{
		"face_meme.yaml": {
			args: []string{"-B", photo}, input: photoBytes, contentType: "application/octet-stream",
			check: func(t *testing.T, out []byte, trace []map[string]any) { checkMeme(t, photoBytes, out, trace) },
		},
		"meme.yaml": {
			args: []string{"-B", cat}, input: catBytes, contentType: "application/octet-stream",
			check: func(t *testing.T, out []byte, trace []map[string]any) { checkArticleMeme(t, catBytes, out) },
		},
		"sentence_mood.yaml": {
			args: []string{"-t", chainText}, input: []byte(chainText), contentType: "text/plain",
			check: func(t *testing.T, out []byte, _ []map[string]any) {
				var got struct {
					Sentences int
					Average   float64
					Scores    []struct {
						Text     string
						Compound float64
					}
				}
				var raw map[string]any
				if err := json.Unmarshal(out, &got); err != nil || json.Unmarshal(out, &raw) != nil {
					t.Fatalf("not a JSON summary (%v): %s", err, out)
				}
				if got.Sentences != 3 || len(got.Scores) != 3 || got.Average <= 0 {
					t.Errorf("summary: %s", out)
				}
				if raw["most_negative"] != "Then the coffee machine broke, which was a disaster." ||
					raw["most_positive"] != "The launch was flawless and the crew was thrilled." {
					t.Errorf("most positive/negative sentences: %s", out)
				}
			},
		},
		"text_card.yaml": {
			args: []string{"-t", chainText}, input: []byte(chainText), contentType: "text/plain",
			check: func(t *testing.T, out []byte, _ []map[string]any) {
				var got struct {
					Language   string
					Words      int
					Grade      float64
					KeyPhrases []string `json:"key_phrases"`
				}
				if err := json.Unmarshal(out, &got); err != nil {
					t.Fatalf("not a JSON card (%v): %s", err, out)
				}
				if got.Language != "English" || got.Words != 23 || len(got.KeyPhrases) == 0 || len(got.KeyPhrases) > 5 || got.Grade <= 0 {
					t.Errorf("card: %s", out)
				}
			},
		},
	}
}

// checkMeme: a 512×512 PNG equal to the photo but in one horizontal band,
// the caption, which is well away from the face the first step found, and
// the caption is the most upbeat line (the face is happy).
func checkMeme(t *testing.T, photo, out []byte, trace []map[string]any) {
	t.Helper()
	meme, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("the meme is not a PNG (%v): %d bytes", err, len(out))
	}
	orig, _, err := image.Decode(bytes.NewReader(photo))
	if err != nil {
		t.Fatal(err)
	}
	b := meme.Bounds()
	if b.Dx() != 512 || b.Dy() != 512 || b != orig.Bounds() {
		t.Fatalf("meme is %v, want the photo's 512×512", b)
	}
	first, last, changed := changedRows(meme, orig)
	band := last - first + 1
	switch {
	case first < 0:
		t.Fatal("the meme is the photo unchanged: no caption")
	case band < 20 || band > b.Dy()/2:
		t.Errorf("the caption band is rows %d–%d (%d rows): want one band of 20 to %d rows", first, last, band, b.Dy()/2)
	case changed < band*b.Dx()/5:
		t.Errorf("only %d pixels differ in the band of %d rows: no caption drawn", changed, band)
	}

	if len(trace) != 4 {
		t.Fatalf("want 4 steps in the trace, got %d", len(trace))
	}
	faces, _ := trace[0]["result"].(map[string]any)
	if faces["mood"] != "happy" {
		t.Errorf("mood %v, want happy", faces["mood"])
	}
	list, _ := faces["faces"].([]any)
	if len(list) == 0 {
		t.Fatalf("no face found: %v", faces)
	}
	box := list[0].(map[string]any)["box"].(map[string]any)
	top, bottom := int(box["y"].(float64)), int(box["y"].(float64)+box["height"].(float64))
	if first < bottom && last >= top {
		t.Errorf("the caption (rows %d–%d) covers the face (rows %d–%d)", first, last, top, bottom)
	}
	best, bestScore := "", -2.0
	for _, s := range trace[2]["result"].([]any) {
		m := s.(map[string]any)
		if c := m["compound"].(float64); c > bestScore {
			best, bestScore = m["text"].(string), c
		}
	}
	if got := trace[3]["input"].(map[string]any)["text"]; got != best || best == "" {
		t.Errorf("caption %q, want the most upbeat hit %q", got, best)
	}
}

// TestChainsBinary runs every chain of examples/ through the built binary:
// `pipette run` offline, its exported Go program built in a module of its
// own (go mod init, go mod tidy, go build) and its exported shell script
// against `pipette serve --chains examples`, that server's one-request call,
// and its exported YAML; then the mistakes a user makes in a chain file.
func TestChainsBinary(t *testing.T) {
	testenv.Slow(t) // builds the binary and three Go programs, runs the built-in models
	bin := binary(t)
	pipette := func(t *testing.T, args ...string) clitest.Result {
		t.Helper()
		return clitest.RunBinary(t, bin, args...)
	}
	root := clitest.RepoRoot()

	srv := startServe(t, bin, "--chains", "examples")
	if !strings.Contains(srv.first, "(4 chains from examples)") {
		t.Errorf("serve --chains examples says %q", srv.first)
	}

	cases := exampleCases(t)
	paths, _ := filepath.Glob(filepath.Join(root, "examples", "*.yaml"))
	if len(paths) != len(cases) {
		t.Errorf("examples/ has %d chains, the test knows %d", len(paths), len(cases))
	}
	for _, path := range paths {
		name := filepath.Base(path)
		path := filepath.Join("examples", name) // as a user types it, in the repository's root
		t.Run(name, func(t *testing.T) {
			tc, ok := cases[name]
			if !ok {
				t.Fatalf("no check for %s", path)
			}
			chain, err := pipebuilder.Load(filepath.Join(root, path))
			if err != nil {
				t.Fatal(err)
			}

			// pipette run, offline, with the trace.
			r := pipette(t, append([]string{"run", path, "--trace"}, tc.args...)...)
			if r.Code != 0 {
				t.Fatalf("run: exit %d\n%s", r.Code, r.Stderr)
			}
			trace := clitest.TraceLines(t, r.Stderr)
			if len(trace) != len(chain.Steps) {
				t.Fatalf("trace has %d lines for %d steps", len(trace), len(chain.Steps))
			}
			for i, s := range trace {
				if s["step"] != chain.Steps[i].ID || s["error"] != nil {
					t.Errorf("trace line %d: step %v, error %v", i, s["step"], s["error"])
				}
			}
			want := []byte(r.Stdout)
			tc.check(t, want, trace)

			// The same run with the steps called on the server.
			if rs := pipette(t, append([]string{"--server", srv.url, "run", path}, tc.args...)...); rs.Code != 0 || !sameOutput([]byte(rs.Stdout), want) {
				t.Errorf("run --server: exit %d, %d bytes %q…, offline %d bytes %q…\n%s",
					rs.Code, len(rs.Stdout), clip([]byte(rs.Stdout)), len(r.Stdout), clip(want), rs.Stderr)
			}

			v := pipette(t, "validate", path)
			if wantOK := fmt.Sprintf("ok: %s %s, %d steps (%s)\n", chain.Name, chain.Version, len(chain.Steps), chain.Pipeline()); v.Code != 0 || v.Stdout != wantOK {
				t.Errorf("validate: %+v, want %q", v, wantOK)
			}

			// The exported YAML reloads to an equal chain.
			dir := t.TempDir()
			y := pipette(t, "export", path, "--yaml", "-o", filepath.Join(dir, name))
			if y.Code != 0 {
				t.Fatalf("export --yaml: %+v", y)
			}
			back, err := pipebuilder.Load(filepath.Join(dir, name))
			if err != nil || !back.Equal(chain) {
				t.Errorf("the exported YAML does not reload equal: %v", err)
			}

			// One request to the published chain.
			resp, err := http.Post(srv.url+"/v1/algo/"+chain.Name, tc.contentType, bytes.NewReader(tc.input))
			if err != nil {
				t.Fatal(err)
			}
			var body struct {
				Result   json.RawMessage
				Error    json.RawMessage
				Metadata struct {
					ContentType string `json:"content_type"`
				}
			}
			err = json.NewDecoder(resp.Body).Decode(&body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != 200 || body.Error != nil {
				t.Fatalf("POST /v1/algo/%s: %d %v %s", chain.Name, resp.StatusCode, err, body.Error)
			}
			sameResult(t, "the published chain", body.Metadata.ContentType, body.Result, want)
			if name == "meme.yaml" {
				// Served, the URL is a link to the server's store: a browser
				// (no API key) gets the captioned PNG.
				checkArticleMeme(t, tc.input, body.Result)
			}

			// The exported Go program, built as a user would, against the server.
			prog := buildExported(t, bin, path)
			in := filepath.Join(t.TempDir(), "input")
			os.WriteFile(in, tc.input, 0o644)
			cmd := exec.Command(prog, "-server", srv.url, "-i", in)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("the exported program: %v\n%s", err, stderr.String())
			}
			if !sameOutput(stdout.Bytes(), want) {
				t.Errorf("the exported program printed %d bytes %q…, pipette run %d bytes %q…",
					stdout.Len(), clip(stdout.Bytes()), len(want), clip(want))
			}

			// The exported shell script, where bash, curl and jq are installed.
			if missing := missingTools("bash", "curl", "jq"); missing != "" {
				t.Logf("not running the exported shell script: %s not installed", missing)
				return
			}
			script := filepath.Join(t.TempDir(), "chain.sh")
			if r := pipette(t, "export", path, "--shell", "-o", script); r.Code != 0 {
				t.Fatalf("export --shell: %+v", r)
			}
			cmd = exec.Command("bash", script, in)
			cmd.Env = append(os.Environ(), "PIPETTE_API="+srv.url)
			stdout.Reset()
			stderr.Reset()
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("the exported shell script: %v\n%s", err, stderr.String())
			}
			if !json.Valid(want) {
				if !bytes.Equal(stdout.Bytes(), want) {
					t.Errorf("the exported shell script printed %d bytes, pipette run %d", stdout.Len(), len(want))
				}
			} else {
				sameResult(t, "the exported shell script", "json", stdout.Bytes(), want)
			}
		})
	}

	t.Run("mistakes", func(t *testing.T) {
		dir := t.TempDir()
		files := map[string]struct{ src, want string }{
			"malformed.yaml": {"chain: v1\nname: t/Bad\nversion: 1.0.0\ninput: text\nsteps:\n  - id: a\n   algo: [x\n", ":7:4: this is not valid YAML"},
			"typo.yaml":      {"chain: v1\nname: t/Bad\nversion: 1.0.0\ninput: text\nsteps:\n  - id: a\n    algo: nlp/SentimentAnalysis/1.0.0\n    input: '{text: .input | lenght}'\n", ":8:13: jq"},
			"unknown.yaml":   {"chain: v1\nname: t/Bad\nversion: 1.0.0\ninput: text\nsteps:\n  - id: a\n    algo: nlp/Sentimental/1.0.0\n", ":7:11: step `a` calls nlp/Sentimental/1.0.0, which is not in the catalog"},
		}
		for name, f := range files {
			path := filepath.Join(dir, name)
			os.WriteFile(path, []byte(f.src), 0o644)
			for _, args := range [][]string{{"run", path, "-t", "hello"}, {"validate", path}, {"export", path, "--go"}} {
				r := pipette(t, args...)
				if r.Code != 1 {
					t.Errorf("%s %s: exit %d, want 1", args[0], name, r.Code)
				}
				clitest.CheckOneSentence(t, r.Stderr, "pipette: "+path+f.want)
				if r.Stdout != "" {
					t.Errorf("%s %s printed %q", args[0], name, r.Stdout)
				}
			}
		}
	})

	t.Run("serve a folder with a broken chain", func(t *testing.T) {
		dir := t.TempDir()
		good, _ := os.ReadFile(filepath.Join(root, "examples", "sentence_mood.yaml"))
		os.WriteFile(filepath.Join(dir, "good.yaml"), good, 0o644)
		os.WriteFile(filepath.Join(dir, "broken.yaml"), []byte("chain: v1\nname: t/Broken\nversion: 1.0.0\ninput: text\nsteps:\n  - id: a\n    algo: nlp/SentimentAnalysis/1.0.0\n    input: '[.input'\n"), 0o644)
		s := startServe(t, bin, "--chains", dir)
		if !strings.Contains(s.first, "(1 chain from "+dir+")") {
			t.Errorf("first line %q", s.first)
		}
		resp, err := http.Post(s.url+"/v1/algo/demo/SentenceMood?output=raw", "text/plain", strings.NewReader(chainText))
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !bytes.Contains(raw, []byte(`"sentences":3`)) {
			t.Errorf("the good chain: %d %s", resp.StatusCode, raw)
		}
		resp, err = http.Post(s.url+"/v1/algo/t/Broken", "text/plain", strings.NewReader("x"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 404 {
			t.Errorf("the broken chain answers %d, want 404", resp.StatusCode)
		}
		logs := s.stop(t)
		want := "warning: left out: " + filepath.Join(dir, "broken.yaml") + ":8:20: jq syntax error in `input` of step `a`: unexpected EOF"
		if !strings.Contains(logs, want) {
			t.Errorf("serve's stderr does not report the broken file as %q:\n%s", want, logs)
		}
		if strings.Contains(logs, "good.yaml") || strings.Contains(logs, "goroutine ") {
			t.Errorf("serve's stderr:\n%s", logs)
		}
	})
}

// sameResult compares an API result of content type ct with what `pipette
// run` printed for the same chain and input.
func sameResult(t *testing.T, what, ct string, result json.RawMessage, printed []byte) {
	t.Helper()
	switch ct {
	case "binary":
		var s string
		json.Unmarshal(result, &s)
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil || !bytes.Equal(b, printed) {
			t.Errorf("%s answers %d bytes (%v), pipette run printed %d", what, len(b), err, len(printed))
		}
	case "json":
		var a, b any
		if json.Unmarshal(uploadLinks(result), &a) != nil || json.Unmarshal(uploadLinks(printed), &b) != nil || !reflect.DeepEqual(a, b) {
			t.Errorf("%s answers %s, pipette run printed %s", what, result, printed)
		}
	default:
		t.Errorf("%s answers content type %q", what, ct)
	}
}

// uploadLink is a link to a file util/Upload stored: a file:// URL of the
// local store when a chain runs in-process, a signed /hosted link when a
// server runs it. The name is the content's hash in both.
var uploadLink = regexp.MustCompile(`"(?:file|https?)://[^"]*/uploads/([^"/?]+)[^"]*"`)

// uploadLinks replaces every upload link of out by its file name, so that
// runs in-process and on a server compare equal when they stored the same
// bytes.
func uploadLinks(out []byte) []byte {
	out = uploadExpiry.ReplaceAll(out, []byte(`"expires":"-"`))
	return uploadLink.ReplaceAll(out, []byte(`"upload:$1"`))
}

// uploadExpiry is when a link ends: null for a file:// URL.
var uploadExpiry = regexp.MustCompile(`"expires":\s*(?:null|"[^"]*")`)

// sameOutput compares what two runs of a chain printed, upload links by
// the files they name.
func sameOutput(a, b []byte) bool { return bytes.Equal(uploadLinks(a), uploadLinks(b)) }

// checkArticleMeme checks the article's chain's answer, {url, caption,
// labels}: a cat is found in chelsea, the caption is from the search, and
// the URL (a file:// URL in-process, a link on a server, fetched without a
// key) gives a PNG of the photo's size that differs from it in one band,
// where the caption is.
func checkArticleMeme(t *testing.T, photo, out []byte) {
	t.Helper()
	var got struct {
		URL     string   `json:"url"`
		Caption string   `json:"caption"`
		Labels  []string `json:"labels"`
	}
	if err := json.Unmarshal(out, &got); err != nil || got.URL == "" || got.Caption == "" {
		t.Fatalf("not {url, caption, labels}: %v %s", err, out)
	}
	if !slices.Contains(got.Labels, "cat") {
		t.Errorf("labels %v: no cat in chelsea", got.Labels)
	}
	var meme []byte
	switch {
	case strings.HasPrefix(got.URL, "file://"):
		u, _ := url.Parse(got.URL)
		b, err := os.ReadFile(u.Path)
		if err != nil {
			t.Fatal(err)
		}
		meme = b
	default:
		resp, err := http.Get(got.URL)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" {
			t.Fatalf("GET %s: %d %s", got.URL, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		meme = b
	}
	img, err := png.Decode(bytes.NewReader(meme))
	if err != nil {
		t.Fatalf("the URL does not give a PNG: %v", err)
	}
	orig, _, err := image.Decode(bytes.NewReader(photo))
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	if b != orig.Bounds() {
		t.Fatalf("the meme is %v, the photo %v", b, orig.Bounds())
	}
	first, last, changed := changedRows(img, orig)
	if first < 0 || last-first+1 > b.Dy()/2 || changed < (last-first+1)*b.Dx()/8 {
		t.Errorf("the caption band is rows %d–%d with %d pixels changed: want one band of text", first, last, changed)
	}
}

// changedRows compares a captioned image with its photo: the first and last
// rows where they differ (-1 when none) and how many pixels do.
func changedRows(captioned, photo image.Image) (first, last, changed int) {
	first, last = -1, -1
	b := captioned.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r1, g1, b1, _ := captioned.At(x, y).RGBA()
			r2, g2, b2, _ := photo.At(x, y).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 {
				if first < 0 {
					first = y
				}
				last = y
				changed++
			}
		}
	}
	return first, last, changed
}

// missingTools names the commands of names that are not on $PATH.
func missingTools(names ...string) string {
	var missing []string
	for _, n := range names {
		if _, err := exec.LookPath(n); err != nil {
			missing = append(missing, n)
		}
	}
	return strings.Join(missing, ", ")
}

func clip(b []byte) string {
	if len(b) > 100 {
		b = b[:100]
	}
	return strings.ToValidUTF8(string(b), "?")
}

// buildExported exports the chain at path as Go with the binary and builds
// it as a user would: go mod init, go mod tidy, go build. Modules resolve from
// the local module cache only (a file:// proxy), checked against pipette's own
// go.sum, so the test runs offline.
func buildExported(t *testing.T, bin, path string) string {
	t.Helper()
	dir := t.TempDir()
	export := exec.Command(bin, "export", path, "--go", "-o", filepath.Join(dir, "main.go"))
	export.Dir = clitest.RepoRoot()
	if out, err := export.CombinedOutput(); err != nil {
		t.Fatalf("export --go: %v\n%s", err, out)
	}
	sum, err := os.ReadFile(filepath.Join(clitest.RepoRoot(), "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	gomodcache, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod",
		"GOPROXY=file://"+filepath.ToSlash(filepath.Join(strings.TrimSpace(string(gomodcache)), "cache", "download")))
	steps := [][]string{{"go", "mod", "init", "chainexport"}, {"go", "mod", "tidy"}, {"go", "build", "-o", "chain", "."}}
	for i, args := range steps {
		if i == 1 {
			if err := os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir, cmd.Env = dir, env
		if out, err := cmd.CombinedOutput(); err != nil {
			src, _ := os.ReadFile(filepath.Join(dir, "main.go"))
			t.Fatalf("%s: %v\n%s\n%s", strings.Join(args, " "), err, out, src)
		}
	}
	return filepath.Join(dir, "chain")
}

// served is a `pipette serve` running as its own process.
type served struct {
	url, first string
	cmd        *exec.Cmd
	logs       *bytes.Buffer
	done       chan error
}

// startServe starts `pipette serve` on a free loopback port and waits for
// its first line; the server is stopped when the test ends.
func startServe(t *testing.T, bin string, args ...string) *served {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Dir = clitest.RepoRoot()
	cmd.Env = append(os.Environ(), "PIPETTE_DATA="+t.TempDir()) // never the developer's store
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	s := &served{cmd: cmd, logs: &bytes.Buffer{}, done: make(chan error, 1)}
	cmd.Stderr = s.logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		lines <- line
		io.Copy(io.Discard, stdout)
		s.done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		if s.done != nil {
			cmd.Process.Kill()
			<-s.done
		}
	})
	select {
	case s.first = <-lines:
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatal("serve did not say it was listening")
	}
	i := strings.Index(s.first, "http://")
	if i < 0 {
		t.Fatalf("serve's first line %q", s.first)
	}
	s.url = strings.TrimSpace(s.first[i:])
	return s
}

// stop ends the server with SIGTERM and returns what it wrote on stderr.
func (s *served) stop(t *testing.T) string {
	t.Helper()
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		if err != nil {
			t.Errorf("serve exited with %v after SIGTERM", err)
		}
	case <-time.After(30 * time.Second):
		t.Error("serve did not stop on SIGTERM")
		s.cmd.Process.Kill()
		<-s.done
	}
	s.done = nil
	return s.logs.String()
}
