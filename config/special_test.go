//go:build unix

package config

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestConfigIsAPipe: a config path that is a named pipe is refused at once,
// never waited on (the TUI would show a blank screen).
func TestConfigIsAPipe(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := Load(path); done <- err }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), path+" is a named pipe, not a regular file: the config file must be one; started with defaults") {
			t.Errorf("Load of a pipe: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Load waits on the pipe")
	}
}
