// Package testenv decides which tests a run includes. The default `go test ./...` stays fast
// for the person at the keyboard; CI (CI set) and PIPETTE_SLOW=1 run the slow suites too, and
// there a missing tool fails the test instead of skipping it, so a broken install step cannot
// pass unnoticed.
package testenv

import (
	"os"
	"os/exec"
	"testing"
)

// Full reports whether this run includes the slow suites: CI is set, or PIPETTE_SLOW=1.
func Full() bool {
	return os.Getenv("CI") != "" || os.Getenv("PIPETTE_SLOW") == "1"
}

// Slow skips t unless the run includes the slow suites (see Full), and always under -short.
func Slow(t testing.TB) {
	t.Helper()
	if testing.Short() {
		t.Skip("slow test; skipped with -short")
	}
	if !Full() {
		t.Skip("slow test; run with PIPETTE_SLOW=1 (CI runs it)")
	}
}

// Tool returns the path of the named program. When it is missing the test is skipped, or,
// under CI, fails: CI installs what its tests need.
func Tool(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is not installed; .ci/run installs it", name)
	}
	t.Skipf("%s is not installed", name)
	return ""
}
