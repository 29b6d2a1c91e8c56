package pipebuilder_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image/png"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"pipette/algorithms/builtin"
	"pipette/catalog"
	"pipette/client"
	"pipette/data"
	"pipette/internal/testenv"
	"pipette/pipebuilder"
	"pipette/server"
)

const exampleText = "The launch was flawless and the crew was thrilled. Then the coffee machine broke, which was a disaster. Still, a great day overall."

// TestExamples checks every chain of examples/ on the built-in models: it
// validates, runs in-process with the expected result, gives the same result
// over HTTP step by step, as one request to the chain published by a
// Library, and from its exported Go program; its YAML reloads equal.
func TestExamples(t *testing.T) {
	testenv.Slow(t) // runs the built-in models and builds Go programs
	reg := builtin.Registry()
	storeDir := t.TempDir()
	local := client.NewLocal(reg, reg, client.WithStore(func() (*data.Store, error) {
		return data.Open(context.Background(), storeDir, data.Options{})
	}))
	ts := httptest.NewServer(server.New(server.Config{Source: reg, Runner: reg, Data: memStore(t)}))
	defer ts.Close()
	lib, err := pipebuilder.LoadLibrary(context.Background(), "../examples", reg, reg)
	if err != nil {
		t.Fatal(err)
	}
	if len(lib.Problems()) > 0 {
		t.Fatalf("examples/ as a library: %v", lib.Problems())
	}
	comb := lib.Combined()
	published := httptest.NewServer(server.New(server.Config{Source: comb, Runner: comb, Data: memStore(t)}))
	defer published.Close()

	astronaut, err := os.ReadFile("../algorithms/testdata/images/astronaut.png")
	if err != nil {
		t.Fatal(err)
	}
	chelsea, err := os.ReadFile("../algorithms/testdata/images/chelsea.png")
	if err != nil {
		t.Fatal(err)
	}
	checks := map[string]struct {
		input catalog.Value
		check func(t *testing.T, tr *pipebuilder.Trace)
	}{
		"meme.yaml": {catalog.Bytes(chelsea), func(t *testing.T, tr *pipebuilder.Trace) {
			// The article's chain: {url, caption, labels}, a cat found,
			// the caption the best-scoring hit, the URL the stored result.
			out := tr.Output.JSON.(map[string]any)
			labels, _ := out["labels"].([]any)
			if !slices.Contains(labels, any("cat")) {
				t.Errorf("labels %v: no cat in chelsea", labels)
			}
			best := mostUpbeat(tr.Steps[3].Result)
			if out["caption"] != best || best == "" {
				t.Errorf("caption %v, want the best-scoring hit %q", out["caption"], best)
			}
			if u, _ := out["url"].(string); !strings.HasPrefix(u, "file://") || !strings.HasSuffix(u, ".png") {
				t.Errorf("url %v: want the stored PNG's file:// URL in-process", out["url"])
			}
		}},
		"face_meme.yaml": {catalog.Bytes(astronaut), func(t *testing.T, tr *pipebuilder.Trace) {
			img, err := png.Decode(bytes.NewReader(tr.Output.Bytes))
			if err != nil {
				t.Fatalf("the meme is not a PNG: %v", err)
			}
			if b := img.Bounds(); b.Dx() != 512 || b.Dy() != 512 {
				t.Errorf("meme is %v, want the photo's 512x512", b)
			}
			if mood := tr.Steps[0].Result.JSON.(map[string]any)["mood"]; mood != "happy" {
				t.Errorf("mood %v, want happy", mood)
			}
			// happy: the caption is the most upbeat of the hits.
			best := mostUpbeat(tr.Steps[2].Result)
			if got := tr.Steps[3].Input.JSON.(map[string]any)["text"]; got != best {
				t.Errorf("caption %q, want the most upbeat hit %q", got, best)
			}
		}},
		"sentence_mood.yaml": {catalog.Text(exampleText), func(t *testing.T, tr *pipebuilder.Trace) {
			out := tr.Output.JSON.(map[string]any)
			if out["sentences"] != 3.0 || out["most_negative"] != "Then the coffee machine broke, which was a disaster." ||
				out["most_positive"] != "The launch was flawless and the crew was thrilled." {
				t.Errorf("summary: %v", out)
			}
		}},
		"text_card.yaml": {catalog.Text(exampleText), func(t *testing.T, tr *pipebuilder.Trace) {
			out := tr.Output.JSON.(map[string]any)
			phrases, _ := out["key_phrases"].([]any)
			if out["language"] != "English" || len(phrases) == 0 || out["words"] != 23.0 {
				t.Errorf("card: %v", out)
			}
		}},
	}
	paths, _ := filepath.Glob("../examples/*.yaml")
	if len(paths) != len(checks) {
		t.Errorf("examples/ has %d chains, the test knows %d", len(paths), len(checks))
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			tc, ok := checks[filepath.Base(path)]
			if !ok {
				t.Fatalf("no check for %s", path)
			}
			c, err := pipebuilder.Load(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.Validate(context.Background(), reg); err != nil {
				t.Fatal(err)
			}
			tr, err := pipebuilder.Run(context.Background(), local, c, tc.input, pipebuilder.Options{})
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, tr)

			remote, err := pipebuilder.Run(context.Background(), client.New(ts.URL, ""), c, tc.input, pipebuilder.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !sameValue(remote.Output, tr.Output) {
				t.Errorf("over HTTP the chain gives %s, in-process %s", remote.Output.Summary(200), tr.Output.Summary(200))
			}
			for i := range tr.Steps {
				if !sameValue(remote.Steps[i].Result, tr.Steps[i].Result) {
					t.Errorf("step %s differs over HTTP", tr.Steps[i].ID)
				}
			}

			ref, _ := c.Ref()
			resp, err := client.New(published.URL, "").AlgoRef(ref).Pipe(context.Background(), tc.input)
			if err != nil {
				t.Fatal(err)
			}
			if !sameValue(resp.Value, tr.Output) {
				t.Errorf("the published chain answers %s, Run gives %s", resp.Value.Summary(200), tr.Output.Summary(200))
			}

			y, err := c.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			if back, err := pipebuilder.Parse("back.yaml", y); err != nil || !back.Equal(c) {
				t.Errorf("exported YAML does not reload equal: %v\n%s", err, y)
			}

			src, err := pipebuilder.ExportGo(c, pipebuilder.GoExportOptions{})
			if err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(buildProgram(t, src), "-server", ts.URL, "-i", inputFile(t, tc.input))
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("exported program: %v\n%s", err, stderr.String())
			}
			if want := rendered(t, tr.Output); !bytes.Equal(uploadLinks(stdout.Bytes()), uploadLinks(want)) {
				t.Errorf("exported program printed %d bytes %q…, Run gives %d bytes %q…", stdout.Len(), head(stdout.Bytes()), len(want), head(want))
			}
		})
	}
}

// mostUpbeat is the text of the sentiment result with the highest compound
// score in a list of them.
func mostUpbeat(scores catalog.Value) string {
	best, bestScore := "", -2.0
	for _, s := range scores.JSON.([]any) {
		m := s.(map[string]any)
		if c := m["compound"].(float64); c > bestScore {
			best, bestScore = m["text"].(string), c
		}
	}
	return best
}

func memStore(t *testing.T) *data.Store {
	t.Helper()
	st, err := data.Open(context.Background(), "mem://", data.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// uploadLink is a link util/Upload made: a file:// URL of the local store
// in-process, a signed /hosted link on a server; its name is the stored
// content's hash either way.
var uploadLink = regexp.MustCompile(`"(?:file|https?)://[^"]*/uploads/([^"/?]+)[^"]*"`)

// uploadExpiry is when a link ends: null for a file:// URL.
var uploadExpiry = regexp.MustCompile(`"expires":\s*(?:null|"[^"]*")`)

func uploadLinks(b []byte) []byte {
	b = uploadExpiry.ReplaceAll(b, []byte(`"expires":"-"`))
	return uploadLink.ReplaceAll(b, []byte(`"upload:$1"`))
}

// sameValue compares two results as the wire carries them, upload links by
// the files they name.
func sameValue(a, b catalog.Value) bool {
	if a.Kind != b.Kind {
		return false
	}
	wa, err1 := a.WireResult()
	wb, err2 := b.WireResult()
	if err1 != nil || err2 != nil {
		return reflect.DeepEqual(a, b)
	}
	var va, vb any
	if json.Unmarshal(uploadLinks(wa), &va) != nil || json.Unmarshal(uploadLinks(wb), &vb) != nil {
		return false
	}
	return reflect.DeepEqual(va, vb)
}

func head(b []byte) string {
	s := string(b)
	if len(s) > 120 {
		s = s[:120]
	}
	return strings.ToValidUTF8(s, "?")
}
