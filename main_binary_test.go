package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestBinary builds pipette once and runs what a newcomer types, as a separate
// process: exit codes, stdout and stderr exactly as a shell sees them.
func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "pipette")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	pipette := func(t *testing.T, args ...string) result {
		t.Helper()
		cmd := exec.Command(bin, args...)
		var out, errw bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errw
		err := cmd.Run()
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return result{out.String(), errw.String(), code}
	}

	t.Run("ls", func(t *testing.T) {
		r := pipette(t, "ls")
		if r.code != 0 || !strings.Contains(r.stdout, "nlp/SentimentAnalysis") {
			t.Errorf("%+v", r)
		}
	})
	t.Run("ls sent", func(t *testing.T) {
		r := pipette(t, "ls", "sent")
		if r.code != 0 || !strings.Contains(r.stdout, "nlp/SentimentAnalysis") {
			t.Errorf("%+v", r)
		}
	})
	t.Run("call", func(t *testing.T) {
		r := pipette(t, "call", "nlp/SentimentAnalysis", "-t", "what a great day")
		checkPositive(t, r)
	})
	t.Run("help", func(t *testing.T) {
		r := pipette(t, "--help")
		for _, verb := range []string{"ls", "docs", "call", "serve"} {
			if !strings.Contains(r.stdout, verb) {
				t.Errorf("help does not mention %s:\n%s", verb, r.stdout)
			}
		}
	})
	t.Run("bad flag", func(t *testing.T) {
		r := pipette(t, "call", "nlp/SentimentAnalysis", "--bogus")
		if r.code != 2 {
			t.Errorf("exit %d, want 2", r.code)
		}
		checkOneSentence(t, r.stderr, "unknown flag: --bogus")
	})
	t.Run("unknown algorithm", func(t *testing.T) {
		r := pipette(t, "call", "nlp/Nope", "-t", "x")
		if r.code != 1 {
			t.Errorf("exit %d, want 1", r.code)
		}
		checkOneSentence(t, r.stderr, "algorithm algo://nlp/Nope not found: run `pipette ls` to see the catalog")
	})
	t.Run("no input", func(t *testing.T) {
		// Stdin is /dev/null here: nothing to read.
		r := pipette(t, "call", "nlp/SentimentAnalysis")
		if r.code != 2 {
			t.Errorf("exit %d, want 2", r.code)
		}
		checkOneSentence(t, r.stderr, "no input")
	})

	t.Run("serve", func(t *testing.T) {
		cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0")
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
		if !strings.HasPrefix(line, "pipette serving ") || !strings.Contains(line, " algorithms on http://") || i < 0 {
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

		checkPositive(t, pipette(t, "--server", url, "call", "nlp/SentimentAnalysis", "-t", "what a great day"))

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

func checkPositive(t *testing.T, r result) {
	t.Helper()
	var got struct{ Compound float64 }
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &got) != nil || got.Compound < 0.5 {
		t.Errorf("want a positive sentiment: %+v", r)
	}
}
