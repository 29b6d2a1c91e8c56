package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// The pipette binary, built at most once per test process.
var built struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// PipetteBinary returns the path of the pipette binary, built once per test
// process from the module's main package (a build is seconds of the shared
// cores; every test of a package reuses it). $PIPETTE_BIN names a binary
// built elsewhere instead. A package that calls it removes the build with
// RemoveBinary in its TestMain.
func PipetteBinary(t testing.TB) string {
	t.Helper()
	if bin := os.Getenv("PIPETTE_BIN"); bin != "" {
		return bin
	}
	built.once.Do(func() {
		built.dir, built.err = os.MkdirTemp("", "pipette-bin-")
		if built.err != nil {
			return
		}
		built.path = filepath.Join(built.dir, "pipette")
		cmd := exec.Command("go", "build", "-o", built.path, "pipette")
		if out, err := cmd.CombinedOutput(); err != nil {
			built.err = fmt.Errorf("go build pipette: %v\n%s", err, out)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.path
}

// RemoveBinary removes what PipetteBinary built; TestMain calls it after
// m.Run.
func RemoveBinary() {
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
}
