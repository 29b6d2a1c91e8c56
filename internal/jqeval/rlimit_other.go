//go:build !linux

package jqeval

import (
	"errors"
	"os/exec"
)

// workersSupported is false where this package cannot limit a worker's
// address space: evaluations run in-process, bounded by the watchdog only.
const workersSupported = false

func limitAddressSpace(int64) error {
	return errors.New("address-space limits for jq workers are implemented on Linux only")
}

func workerSysProcAttr(*exec.Cmd) {}

func lowerPriority(int) error { return nil }
