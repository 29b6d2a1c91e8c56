package jqeval

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
)

// workersSupported says whether evaluations go to worker processes here.
const workersSupported = true

// limitAddressSpace caps this process's address space at what it maps now
// plus extra bytes: the Go runtime reserves its address space as it goes,
// so the cap is on growth, whatever the binary's size at rest.
func limitAddressSpace(extra int64) error {
	now, err := mappedBytes()
	if err != nil {
		return err
	}
	limit := uint64(now + extra)
	var inherited syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_AS, &inherited); err == nil {
		// Under a tighter limit already (ulimit -v), keep it: a process
		// cannot raise its hard limit.
		limit = min(limit, inherited.Max, inherited.Cur)
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_AS, &syscall.Rlimit{Cur: limit, Max: limit}); err != nil {
		return fmt.Errorf("limit the address space to %d bytes: %w", limit, err)
	}
	return nil
}

// mappedBytes is the process's virtual size, VmSize in /proc/self/status.
func mappedBytes() (int64, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmSize:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("read VmSize %q: %w", rest, err)
			}
			return kb << 10, nil
		}
	}
	return 0, fmt.Errorf("no VmSize in /proc/self/status")
}

// workerSysProcAttr kills a worker when the process that started it dies,
// however it dies.
func workerSysProcAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
