//go:build !linux

package workerpool

import (
	"errors"
	"os"
	"os/exec"
)

// Supported is false where this package cannot limit a worker's address
// space: Call answers ErrUnavailable and the work runs in-process.
const Supported = false

func limitAddressSpace(int64) error {
	return errors.New("address-space limits for workers are implemented on Linux only")
}

func sysProcAttr(*exec.Cmd) {}

func lowerPriority(int, int) error { return nil }

func protocolOutput() (*os.File, error) { return os.Stdout, nil }

func preferAsOOMVictim() error { return nil }

func killGroup(p *os.Process) { _ = p.Kill() }

// OOMScoreAdj is a process's oom_score_adj: Linux only.
func OOMScoreAdj(int) (int, error) { return 0, errors.ErrUnsupported }

// ThreadNice is implemented on Linux only.
func ThreadNice(int) (map[string]int, error) {
	return nil, errors.New("reading thread priorities is implemented on Linux only")
}
