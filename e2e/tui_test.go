package e2e

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"pipette/internal/testenv"
)

// binary is the built pipette, for the terminal end-to-end tests: slow (a
// build, then real seconds in tmux), and only where tmux is installed.
func binary(t *testing.T) string {
	t.Helper()
	testenv.Slow(t)
	testenv.Tool(t, "tmux")
	return testenv.PipetteBinary(t)
}

// term is one tmux session on a private server socket.
type term struct {
	t      *testing.T
	socket string
	env    []string
}

func newTerm(t *testing.T, w, h int, command string) *term {
	t.Helper()
	dir := t.TempDir()
	tm := &term{t: t, socket: filepath.Join(dir, "tmux.sock"), env: append(os.Environ(),
		"XDG_CONFIG_HOME="+filepath.Join(dir, "config"),
		"XDG_STATE_HOME="+filepath.Join(dir, "state"),
		"TERM=xterm-256color", "PIPETTE_API=", "NO_COLOR=")}
	// The shell prints the exit status after the program leaves, which shows
	// both that it exited cleanly and that the screen was restored.
	tm.tmux("new-session", "-d", "-s", "e2e", "-x", fmt.Sprint(w), "-y", fmt.Sprint(h),
		"sh", "-c", command+"; echo \"EXITED $?\"; sleep 30")
	t.Cleanup(func() { _ = exec.Command("tmux", "-S", tm.socket, "kill-server").Run() })
	return tm
}

func (tm *term) tmux(args ...string) string {
	tm.t.Helper()
	cmd := exec.Command("tmux", append([]string{"-S", tm.socket}, args...)...)
	cmd.Env = tm.env
	out, err := cmd.CombinedOutput()
	if err != nil {
		tm.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func (tm *term) screen() string { return tm.tmux("capture-pane", "-p", "-t", "e2e") }

// keys sends keys one at a time with a pause, so that esc is never read as
// the start of an escape sequence.
func (tm *term) keys(keys ...string) {
	tm.t.Helper()
	for _, k := range keys {
		tm.tmux("send-keys", "-t", "e2e", k)
		time.Sleep(60 * time.Millisecond)
	}
}

func (tm *term) typeText(s string) {
	tm.t.Helper()
	tm.tmux("send-keys", "-t", "e2e", "-l", s)
	time.Sleep(100 * time.Millisecond)
}

// waitFor polls the screen until it contains every string.
func (tm *term) waitFor(what ...string) string {
	tm.t.Helper()
	deadline := time.Now().Add(45 * time.Second)
	var s string
	for time.Now().Before(deadline) {
		s = tm.screen()
		ok := true
		for _, w := range what {
			if !strings.Contains(s, w) {
				ok = false
				break
			}
		}
		if ok {
			return s
		}
		time.Sleep(100 * time.Millisecond)
	}
	tm.t.Fatalf("screen never showed %q:\n%s", what, s)
	return ""
}

// assertFits checks that nothing is cut off: both border corners of the
// bottom row and the footer are on screen.
func assertFooter(t *testing.T, s string, h int) {
	t.Helper()
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) < h-1 {
		t.Errorf("screen has %d lines, want %d", len(lines), h)
	}
	joined := strings.Join(lines[max(0, len(lines)-3):], "\n")
	if !strings.Contains(joined, "? help") || !strings.Contains(joined, "╰") {
		t.Errorf("footer or bottom border missing at %d rows:\n%s", h, s)
	}
}

// TestTUIInTmux: filter to a model, read its docs, run its sample, resize,
// quit — the built binary in a real terminal.
func TestTUIInTmux(t *testing.T) {
	bin := binary(t)
	tm := newTerm(t, 100, 30, bin)
	tm.waitFor("models", "? help")
	tm.keys("/")
	tm.typeText("sentiment")
	tm.waitFor("▸ nlp/SentimentAnalysis")
	tm.keys("Enter", "1")
	tm.waitFor("nlp/SentimentAnalysis", "· / search")
	tm.keys("2")
	tm.waitFor("input ·", "r run")
	tm.keys("r")
	s := tm.waitFor("✓ json", "compound")
	assertFooter(t, s, 30)

	tm.tmux("resize-window", "-t", "e2e", "-x", "80", "-y", "24")
	s = tm.waitFor("compound")
	time.Sleep(300 * time.Millisecond)
	s = tm.screen()
	assertFooter(t, s, 24)
	for i, l := range strings.Split(s, "\n") {
		if n := len([]rune(l)); n > 80 {
			t.Errorf("line %d is %d wide at 80 columns", i, n)
		}
	}
	tm.keys("q")
	s = tm.waitFor("EXITED 0")
	if strings.Contains(s, "╭") {
		t.Errorf("the TUI's screen is still there after quitting:\n%s", s)
	}
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func startServer(t *testing.T, bin, addr string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--addr", addr)
	cmd.Env = append(os.Environ(), "PIPETTE_API=")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + addr + "/v1/algorithms?limit=1")
		if err == nil {
			resp.Body.Close()
			return cmd
		}
		time.Sleep(100 * time.Millisecond)
	}
	_ = cmd.Process.Kill()
	t.Fatalf("pipette serve on %s did not come up", addr)
	return nil
}

func stopServer(cmd *exec.Cmd) {
	_ = cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = cmd.Process.Kill()
		<-done
	}
}

// TestTUIAgainstServer: the same UI on a `pipette serve`; stopping the
// server mid-session gives an error line, not a crash; starting it again
// recovers.
func TestTUIAgainstServer(t *testing.T) {
	bin := binary(t)
	addr := freePort(t)
	srv := startServer(t, bin, addr)
	defer func() { stopServer(srv) }()

	tm := newTerm(t, 100, 30, bin+" --server http://"+addr)
	tm.waitFor("models", "? help")
	tm.keys("/")
	tm.typeText("sentiment")
	tm.waitFor("▸ nlp/SentimentAnalysis")
	tm.keys("Enter", "Enter")
	tm.waitFor("input ·")
	tm.keys("r")
	tm.waitFor("✓ json", "compound")

	stopServer(srv)
	tm.keys("r")
	s := tm.waitFor("failed")
	assertFooter(t, s, 30)
	tm.keys("R")
	s = tm.waitFor("cannot load the catalog", "press R to retry")
	assertFooter(t, s, 30)

	srv = startServer(t, bin, addr)
	tm.keys("R")
	// The filter survives the outage: the same model is selected again.
	tm.waitFor("▸ nlp/SentimentAnalysis")
	tm.keys("r")
	tm.waitFor("✓ json", "compound")
	tm.keys("q")
	tm.waitFor("EXITED 0")
}

// TestTabEscWalkInTmux walks the panes with Tab, shift+Tab, 1/2/3 and esc
// in --plain, where the focused pane is the one framed with = and #.
func TestTabEscWalkInTmux(t *testing.T) {
	bin := binary(t)
	tm := newTerm(t, 100, 30, bin+" --plain")
	tm.waitFor("models", "? help")
	focusedAt := func(s string) string {
		lines := strings.Split(s, "\n")
		switch {
		case strings.HasPrefix(lines[0], "#=") && strings.Contains(s, "chain - "):
			return "builder"
		case strings.HasPrefix(lines[0], "#="):
			return "catalog"
		case strings.Contains(lines[0], "+#="):
			return "detail"
		}
		return "none"
	}
	step := func(key, want, text string) {
		t.Helper()
		tm.keys(key)
		s := tm.waitFor(text)
		deadline := time.Now().Add(10 * time.Second)
		for focusedAt(s) != want && time.Now().Before(deadline) {
			time.Sleep(100 * time.Millisecond)
			s = tm.screen()
		}
		if got := focusedAt(s); got != want {
			t.Fatalf("after %s the focus is on the %s, want the %s:\n%s", key, got, want, s)
		}
	}
	step("Tab", "detail", "Docs")
	step("Tab", "catalog", "models")
	step("BTab", "detail", "Docs")
	step("2", "detail", "input -")
	step("Escape", "catalog", "models")
	step("a", "catalog", "added ")
	step("Tab", "detail", "Docs")
	step("Tab", "builder", "chain - me/Untitled")
	step("Escape", "detail", "Docs")
	step("c", "builder", "chain - me/Untitled")
	step("Tab", "catalog", "models")
	tm.keys("q")
	tm.waitFor("EXITED 0")
}
