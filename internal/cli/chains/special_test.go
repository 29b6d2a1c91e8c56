//go:build unix

package chains_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"pipette/internal/cli/clitest"
)

// TestChainFileSpecial: a pipe, a device, a folder or a file over the limit
// named as a chain file is one sentence, and nothing hangs.
func TestChainFileSpecial(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fifo, zero, big := filepath.Join(dir, "fifo.yaml"), filepath.Join(dir, "zero.yaml"), filepath.Join(dir, "big.yaml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(big, make([]byte, 4<<20+1), 0o644); err != nil {
		t.Fatal(err)
	}
	h := clitest.New(t, root).UseCatalog(clitest.Fixtures())
	for _, tc := range []struct {
		path, want string
		code       int
	}{
		{fifo, fifo + " is a named pipe, not a regular file", 2},
		{zero, zero + " is a device, not a regular file", 2},
		{dir, dir + " is a folder, not a chain file", 2},
		{big, big + " is over the 4 MiB a chain file may be", 1},
	} {
		for _, verb := range [][]string{{"run", tc.path, "-t", "x"}, {"validate", tc.path}, {"export", tc.path, "--yaml"}} {
			r := h.Run("", verb...)
			want := tc.code
			if verb[0] == "validate" {
				want = 1 // validate reports every file's problems, then fails
			}
			if r.Code != want {
				t.Errorf("%v: exit %d, want %d", verb, r.Code, want)
			}
			clitest.CheckOneSentence(t, r.Stderr, tc.want)
		}
	}
}
