package ui

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pipette/catalog"
	"pipette/server"
)

// TestSnippetsRunAgainstAServer runs every Code-tab snippet, exactly as
// shown, against a pipette server on a loopback port, and checks it prints
// the model's answer. Languages whose tool is missing are skipped by name.
func TestSnippetsRunAgainstAServer(t *testing.T) {
	if testing.Short() {
		t.Skip("runs curl, go, python3 and node")
	}
	reg := testRegistry()
	srv := httptest.NewServer(server.New(server.Config{Source: reg, Runner: reg}))
	defer srv.Close()
	target := codeTarget{base: srv.URL}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "input.bin"), []byte("ignored"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		ref  string
		in   codeInput
		want string
	}{
		{"test/Shout/1.0.0", codeInput{kind: catalog.KindText, text: "it's \"quoted\" `tick` $HOME"}, "IT'S \"QUOTED\" `TICK` $HOME"},
		{"test/WordCount/1.0.0", codeInput{kind: catalog.KindJSON, text: "{\"text\": \"three little words\"}"}, `"words":3`},
		{"test/Pixels/1.0.0", codeInput{kind: catalog.KindJSON, text: "{}"}, "iVBOR"}, // base64 PNG
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
	for _, lang := range languages {
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
			code := snippet(lang, target, catalog.MustParseRef(c.ref), c.in)
			out, err := run(lang, code)
			if err != nil {
				t.Errorf("%s snippet for %s failed: %v\n%s\n--- code:\n%s", lang, c.ref, err, out, code)
				continue
			}
			// curl prints the whole JSON envelope, where strings are escaped.
			escaped := strings.Trim(jsonQuote(c.want), `"`)
			squash := func(s string) string { return strings.Join(strings.Fields(s), "") }
			if !strings.Contains(squash(out), squash(c.want)) && !strings.Contains(squash(out), squash(escaped)) {
				t.Errorf("%s snippet for %s printed %q, want it to contain %q", lang, c.ref, out, c.want)
			}
		}
	}
}
