package snippet_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pipette/algorithms"
	"pipette/catalog"
	"pipette/client/snippet"
	"pipette/internal/testenv"
	"pipette/server"
)

// registry holds an algorithm of each kind of input and result.
func registry() *algorithms.Registry {
	reg := algorithms.NewRegistry("snippets")
	entry := func(ref string, in, out catalog.Kind) catalog.Entry {
		return catalog.Entry{Ref: catalog.MustParseRef(ref), InputKind: in, OutputKind: out}
	}
	reg.Register(
		algorithms.Algorithm{
			Entry: entry("test/Shout/1.0.0", catalog.KindText, catalog.KindText),
			Run: func(ctx context.Context, in catalog.Value, stdout io.Writer) (catalog.Value, error) {
				return catalog.Text(strings.ToUpper(in.Text)), nil
			},
		},
		algorithms.Algorithm{
			Entry: entry("test/WordCount/1.0.0", catalog.KindJSON, catalog.KindJSON),
			Run: func(ctx context.Context, in catalog.Value, stdout io.Writer) (catalog.Value, error) {
				var req struct {
					Text string `json:"text"`
				}
				if err := algorithms.DecodeJSONInput(in, &req, "{\"text\": string}"); err != nil {
					return catalog.Value{}, err
				}
				return catalog.JSON(map[string]any{"words": len(strings.Fields(req.Text))}), nil
			},
		},
		algorithms.Algorithm{
			Entry: entry("test/Pixels/1.0.0", catalog.KindJSON, catalog.KindBinary),
			Run: func(ctx context.Context, in catalog.Value, stdout io.Writer) (catalog.Value, error) {
				img := image.NewRGBA(image.Rect(0, 0, 4, 4))
				for y := range 4 {
					for x := range 4 {
						img.Set(x, y, color.RGBA{R: uint8(x * 60), G: uint8(y * 60), B: 200, A: 255})
					}
				}
				var b bytes.Buffer
				_ = png.Encode(&b, img)
				return catalog.Bytes(b.Bytes()), nil
			},
		},
	)
	return reg
}

// TestSnippetsRunAgainstAServer runs every Code-tab snippet, exactly as
// shown, against a pipette server on a loopback port, and checks it prints
// the model's answer. Languages whose tool is missing are skipped by name.
func TestSnippetsRunAgainstAServer(t *testing.T) {
	testenv.Slow(t) // runs curl, go, python3 and node
	reg := registry()
	srv := httptest.NewServer(server.New(server.Config{Source: reg, Runner: reg}))
	defer srv.Close()
	target := snippet.Target{Base: srv.URL}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "input.bin"), []byte("ignored"), 0o600); err != nil {
		t.Fatal(err)
	}
	// A text input too large to inline is read from a file.
	if err := os.WriteFile(filepath.Join(dir, "input.txt"), []byte("from a file"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		ref  string
		in   snippet.Input
		want string
	}{
		{"test/Shout/1.0.0", snippet.Input{Kind: catalog.KindText, Text: "it's \"quoted\" `tick` $HOME"}, "IT'S \"QUOTED\" `TICK` $HOME"},
		{"test/WordCount/1.0.0", snippet.Input{Kind: catalog.KindJSON, Text: "{\"text\": \"three little words\"}"}, `"words":3`},
		{"test/Pixels/1.0.0", snippet.Input{Kind: catalog.KindJSON, Text: "{}"}, "iVBOR"}, // base64 PNG
		{"test/Shout/1.0.0", snippet.Input{Kind: catalog.KindText, File: "input.txt"}, "FROM A FILE"},
	}
	run := func(lang, code string) (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		var cmd *exec.Cmd
		switch lang {
		case "curl":
			cmd = exec.CommandContext(ctx, "sh", "-c", code)
		case "Go":
			f := filepath.Join(dir, "main.go")
			if err := os.WriteFile(f, []byte(code), 0o600); err != nil {
				return "", err
			}
			cmd = exec.CommandContext(ctx, "go", "run", f)
		case "Python":
			cmd = exec.CommandContext(ctx, "python3", "-c", code)
		case "JavaScript":
			f := filepath.Join(dir, "call.mjs")
			if err := os.WriteFile(f, []byte(code), 0o600); err != nil {
				return "", err
			}
			cmd = exec.CommandContext(ctx, "node", f)
		}
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GO111MODULE=auto")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	tools := map[string]string{"curl": "curl", "Go": "go", "Python": "python3", "JavaScript": "node"}
	for _, lang := range snippet.Languages {
		if _, err := exec.LookPath(tools[lang]); err != nil {
			t.Logf("%s: %s not installed, skipped", lang, tools[lang])
			continue
		}
		if lang == "Python" {
			if err := exec.Command("python3", "-c", "import requests").Run(); err != nil {
				t.Logf("Python: the requests package is not installed, skipped")
				continue
			}
		}
		for _, c := range cases {
			code := snippet.Write(lang, target, catalog.MustParseRef(c.ref), c.in)
			out, err := run(lang, code)
			if err != nil {
				t.Errorf("%s snippet for %s failed: %v\n%s\n--- code:\n%s", lang, c.ref, err, out, code)
				continue
			}
			// curl prints the whole JSON envelope, where strings are escaped.
			quoted, _ := json.Marshal(c.want)
			escaped := strings.Trim(string(quoted), `"`)
			squash := func(s string) string { return strings.Join(strings.Fields(s), "") }
			if !strings.Contains(squash(out), squash(c.want)) && !strings.Contains(squash(out), squash(escaped)) {
				t.Errorf("%s snippet for %s printed %q, want it to contain %q", lang, c.ref, out, c.want)
			}
		}
	}
}

// TestWriteQuotesWhatItSends: a text with quotes, a newline and shell
// syntax reaches each snippet as data, and the content type follows the
// input's kind.
func TestWriteQuotesWhatItSends(t *testing.T) {
	t.Parallel()
	ref := catalog.MustParseRef("nlp/SentimentAnalysis")
	text := snippet.Input{Kind: catalog.KindText, Text: "it's $(rm -rf /)\nline"}
	curl := snippet.Write("curl", snippet.Target{Base: "http://h:1/", Auth: true}, ref, text)
	for _, want := range []string{
		`curl -sS -X POST 'http://h:1/v1/algo/nlp/SentimentAnalysis'`,
		`-H 'Content-Type: text/plain'`, `Authorization: Simple $PIPETTE_API_KEY`,
		`--data-binary 'it'\''s $(rm -rf /)` + "\nline'",
	} {
		if !strings.Contains(curl, want) {
			t.Errorf("curl snippet lacks %q:\n%s", want, curl)
		}
	}
	bin := snippet.Write("Python", snippet.Target{Base: "http://h:1"}, ref, snippet.Input{Kind: catalog.KindBinary, File: "photo.png"})
	if !strings.Contains(bin, `"application/octet-stream"`) || !strings.Contains(bin, `open("photo.png", "rb")`) {
		t.Errorf("binary Python snippet:\n%s", bin)
	}
	if got := snippet.Write("COBOL", snippet.Target{}, ref, text); got != "" {
		t.Errorf("an unknown language wrote %q", got)
	}
}
