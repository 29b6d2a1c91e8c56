// Package itest starts the real third-party model servers that pipette's integration tests run
// against — llama.cpp's llama-server (OpenAI-compatible) and Ollama — on loopback ports, loaded
// with a tiny random-weight model the tests write themselves (TinyLlama).
//
// The servers are built once from the registries by it/build-servers into a cache outside the
// clone ($PIPETTE_IT_CACHE, default ~/.cache/pipette-it); .ci/run builds llama-server. A test
// asking for a server that is not built is skipped, or fails under CI for llama-server (CI builds
// it). Ollama takes ~35 minutes to build, so its tests run when the cached build is present or
// PIPETTE_IT_OLLAMA=1 asks for them (then a missing build fails).
package itest

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"pipette/internal/testenv"
)

// CacheDir is where it/build-servers puts what it builds.
func CacheDir() string {
	if d := os.Getenv("PIPETTE_IT_CACHE"); d != "" {
		return d
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return filepath.Join(os.TempDir(), "pipette-it")
	}
	return filepath.Join(home, ".cache", "pipette-it")
}

// findBinary finds a built server: $envVar if set, else the cache's bin/name.
func findBinary(envVar, name string) (string, bool) {
	if p := os.Getenv(envVar); p != "" {
		return p, true
	}
	p := filepath.Join(CacheDir(), "bin", name)
	if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
		return p, true
	}
	return p, false
}

// Server is a third-party server a test started. Its process is stopped when the test ends.
type Server struct {
	URL   string // http://127.0.0.1:PORT
	Model string // the model id it serves the tiny model under

	t    testing.TB
	addr string
	argv []string
	env  []string
	log  *syncBuffer
	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{}
}

// Log is everything the server printed so far.
func (s *Server) Log() string { return s.log.String() }

// Stop ends the server (SIGTERM, then SIGKILL after 5 s) and waits for it. Start brings it back
// on the same address.
func (s *Server) Stop() {
	s.mu.Lock()
	cmd, done := s.cmd, s.done
	s.cmd = nil
	s.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = cmd.Process.Kill()
		<-done
	}
}

// Start starts the server's process (again) and waits until it answers.
func (s *Server) Start(ready string) {
	s.t.Helper()
	cmd := exec.Command(s.argv[0], s.argv[1:]...)
	cmd.Env = append(os.Environ(), s.env...)
	cmd.Stdout, cmd.Stderr = s.log, s.log
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("start %s: %v", s.argv[0], err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	s.mu.Lock()
	s.cmd, s.done = cmd, done
	s.mu.Unlock()
	if err := waitHTTP(s.URL+ready, done, 60*time.Second); err != nil {
		s.Stop()
		s.t.Fatalf("%s did not come up: %v\n%s", filepath.Base(s.argv[0]), err, tail(s.log.String(), 40))
	}
}

// LlamaOptions choose how llama-server runs.
type LlamaOptions struct {
	Embeddings bool   // --embeddings: serve /v1/embeddings (llama-server then serves only that)
	Alias      string // the model id in /v1/models; default "pipette-tiny"
	Parallel   int    // slots; default 2
}

// LlamaServer starts llama-server on a loopback port with the tiny model.
func LlamaServer(t testing.TB, opt LlamaOptions) *Server {
	t.Helper()
	bin, ok := findBinary("PIPETTE_LLAMA_SERVER", "llama-server")
	if !ok {
		if os.Getenv("CI") != "" {
			t.Fatalf("llama-server is not built at %s; .ci/run builds it with it/build-servers", bin)
		}
		t.Skipf("llama-server is not built; run it/build-servers (about 8 minutes) to run this test")
	}
	if opt.Alias == "" {
		opt.Alias = "pipette-tiny"
	}
	if opt.Parallel == 0 {
		opt.Parallel = 2
	}
	model := writeModel(t)
	addr := freeAddr(t)
	host, port, _ := net.SplitHostPort(addr)
	argv := []string{bin, "-m", model, "--host", host, "--port", port, "--alias", opt.Alias,
		"-c", strconv.Itoa(DefaultTinyLlama.Context * opt.Parallel), "-np", strconv.Itoa(opt.Parallel),
		"-t", "1", "--no-webui", "--skip-chat-parsing", "--slots", "--metrics"}
	if opt.Embeddings {
		argv = append(argv, "--embeddings", "--pooling", "mean")
	}
	s := &Server{URL: "http://" + addr, Model: opt.Alias, t: t, addr: addr, argv: argv, log: &syncBuffer{}}
	t.Cleanup(s.Stop)
	s.Start("/health")
	return s
}

// OllamaModel is the name the tiny model is created under in Ollama.
const OllamaModel = "pipette-tiny:latest"

// Ollama starts `ollama serve` on a loopback port with its own empty model store, and creates
// the tiny model in it (`ollama create` from a Modelfile).
func Ollama(t testing.TB) *Server {
	t.Helper()
	testenv.Slow(t) // Ollama takes seconds to start and to load the model
	bin, ok := findBinary("PIPETTE_OLLAMA", "ollama")
	if !ok {
		if os.Getenv("PIPETTE_IT_OLLAMA") == "1" {
			t.Fatalf("ollama is not built at %s; run it/build-servers ollama (about 35 minutes)", bin)
		}
		t.Skipf("ollama is not built; run it/build-servers ollama (about 35 minutes), or set PIPETTE_IT_OLLAMA=1 to require it")
	}
	dir := t.TempDir()
	model := writeModel(t)
	addr := freeAddr(t)
	env := []string{"OLLAMA_HOST=" + addr, "OLLAMA_MODELS=" + filepath.Join(dir, "models"),
		"OLLAMA_NOPRUNE=1", "OLLAMA_NUM_PARALLEL=2", "HOME=" + dir}
	s := &Server{URL: "http://" + addr, Model: OllamaModel, t: t, addr: addr,
		argv: []string{bin, "serve"}, env: env, log: &syncBuffer{}}
	t.Cleanup(s.Stop)
	s.Start("/api/version")

	modelfile := filepath.Join(dir, "Modelfile")
	mf := fmt.Sprintf("FROM %s\nTEMPLATE \"\"\"{{ if .System }}<|im_start|>system\n{{ .System }}<|im_end|>\n{{ end }}{{ if .Prompt }}<|im_start|>user\n{{ .Prompt }}<|im_end|>\n{{ end }}<|im_start|>assistant\n\"\"\"\nPARAMETER num_ctx %d\nLICENSE \"\"\"MIT (random weights written by pipette's tests)\"\"\"\n", model, DefaultTinyLlama.Context)
	if err := os.WriteFile(modelfile, []byte(mf), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	create := exec.CommandContext(ctx, bin, "create", OllamaModel, "-f", modelfile)
	create.Env = append(os.Environ(), env...)
	if out, err := create.CombinedOutput(); err != nil {
		t.Fatalf("ollama create: %v\n%s\nserver log:\n%s", err, tail(string(out), 20), tail(s.Log(), 40))
	}
	return s
}

var modelOnce = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "pipette-itest-")
	if err != nil {
		return "", err
	}
	p := filepath.Join(dir, "pipette-tiny.gguf")
	return p, DefaultTinyLlama.WriteFile(p)
})

// writeModel writes the tiny model once per test binary and returns its path.
func writeModel(t testing.TB) string {
	t.Helper()
	p, err := modelOnce()
	if err != nil {
		t.Fatalf("write the tiny model: %v", err)
	}
	return p
}

// freeAddr picks a free loopback port.
func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// waitHTTP polls url until it answers 200, the process ends, or the time is up.
func waitHTTP(url string, exited <-chan struct{}, within time.Duration) error {
	deadline := time.Now().Add(within)
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		resp, err := client.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("%s answered %s", url, resp.Status)
		}
		select {
		case <-exited:
			return fmt.Errorf("the process exited")
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no answer within %s: %v", within, err)
		}
	}
}

func tail(s string, lines int) string {
	b := []byte(s)
	n := 0
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] == '\n' {
			n++
			if n > lines {
				return string(b[i+1:])
			}
		}
	}
	return s
}

// syncBuffer is a bytes.Buffer a process writes while a test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.buf.Len() > 4<<20 { // a chatty server must not grow a test's memory without bound
		b.buf.Reset()
	}
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
