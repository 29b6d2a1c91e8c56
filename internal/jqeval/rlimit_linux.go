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
// however it dies, and puts it in a process group of its own, so that
// lowerPriority reaches every one of its threads.
func workerSysProcAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
}

// workerNice is the scheduling priority of jq workers: a jq program from a
// request (a bomb computing until its limits stop it) then takes the CPU
// only when the server's own calls leave it free.
const workerNice = 10

// lowerPriority gives the worker started as pid (the leader of its process
// group) the nice value workerNice. Linux sets a nice value per thread:
// setting it for the group reaches every thread the worker has now, and
// the threads it starts later inherit it from theirs.
func lowerPriority(pid int) error {
	if err := syscall.Setpriority(syscall.PRIO_PGRP, pid, workerNice); err != nil {
		return fmt.Errorf("lower the priority of jq worker %d: %w", pid, err)
	}
	return nil
}
