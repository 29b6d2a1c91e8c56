//go:build unix

package serve_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"pipette/internal/cli/clitest"
	"pipette/internal/cli/serve"
	"pipette/pipebuilder"
)

// TestServeChainsSpecialFiles: `serve --chains DIR` starts at once whatever
// DIR holds — a FIFO, a link to /dev/zero, a file over 4 MiB, a link out of
// DIR — reporting each as a warning and serving the rest; a link out is
// published with --chains-follow-links.
func TestServeChainsSpecialFiles(t *testing.T) {
	t.Parallel()
	dir, outside := t.TempDir(), t.TempDir()
	good := "chain: v1\nname: chains/Good\nversion: 1.0.0\ninput: text\nsteps:\n  - id: only\n    algo: test/Echo/1.0.0\n"
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(filepath.Join(dir, "good.yaml"), []byte(good), 0o644))
	must(syscall.Mkfifo(filepath.Join(dir, "fifo.yaml"), 0o644))
	must(os.Symlink("/dev/zero", filepath.Join(dir, "zero.yaml")))
	big, err := os.Create(filepath.Join(dir, "big.yaml"))
	must(err)
	must(big.Truncate(5 << 20))
	must(big.Close())
	must(os.WriteFile(filepath.Join(outside, "out.yaml"), []byte(strings.Replace(good, "chains/Good", "chains/Out", 1)), 0o644))
	must(os.Symlink(filepath.Join(outside, "out.yaml"), filepath.Join(dir, "out.yaml")))

	for _, linksOut := range []bool{false, true} {
		f, _, errw := clitest.New(t, root).Factory(strings.NewReader(""))
		done := make(chan error, 1)
		var lib *pipebuilder.Library
		go func() {
			var err error
			lib, err = serve.LoadChains(t.Context(), f.IO, dir, linksOut, clitest.Fixtures(), clitest.Fixtures())
			done <- err
		}()
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("loading the chains hangs")
		}
		var names []string
		for _, c := range lib.Chains() {
			names = append(names, c.Name)
		}
		want := "chains/Good"
		if linksOut {
			want = "chains/Good chains/Out"
		}
		if strings.Join(names, " ") != want {
			t.Errorf("links out %v: served %v, want %s", linksOut, names, want)
		}
		logs := errw.String()
		for _, w := range []string{
			"warning: left out: " + filepath.Join(dir, "fifo.yaml") + " is a named pipe, not a regular file",
			"warning: left out: " + filepath.Join(dir, "big.yaml") + " is over the 4 MiB a chain file may be",
		} {
			if !strings.Contains(logs, w) {
				t.Errorf("links out %v: stderr lacks %q:\n%s", linksOut, w, logs)
			}
		}
		outWarning := "warning: left out: " + filepath.Join(dir, "out.yaml") + " is a link to " + filepath.Join(outside, "out.yaml") + ", outside the folder"
		if strings.Contains(logs, outWarning) == linksOut || (!linksOut && !strings.Contains(logs, "(--chains-follow-links)")) {
			t.Errorf("links out %v: the link out is reported as %v:\n%s", linksOut, !linksOut, logs)
		}
		zero := filepath.Join(dir, "zero.yaml") + " is a "
		if !strings.Contains(logs, zero) {
			t.Errorf("links out %v: /dev/zero not reported:\n%s", linksOut, logs)
		}
	}
}
