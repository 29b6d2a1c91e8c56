package workerpool

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
)

// Supported says whether workers run here: Linux can limit a worker's
// address space and kill it with its parent.
const Supported = true

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

// sysProcAttr kills a worker when the process that started it dies, however
// it dies, and puts it in a process group of its own, so that
// lowerPriority reaches every one of its threads.
func sysProcAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
}

// lowerPriority gives the worker started as pid (the leader of its process
// group) the nice value nice. Linux sets a nice value per thread: setting
// it for the group reaches every thread the worker has now, and the threads
// it starts later inherit it from theirs.
func lowerPriority(pid, nice int) error {
	if err := syscall.Setpriority(syscall.PRIO_PGRP, pid, nice); err != nil {
		return fmt.Errorf("lower the priority of worker %d: %w", pid, err)
	}
	return nil
}

// killGroup kills the worker p and every process in its group (a worker
// leads a group of its own: sysProcAttr), or p alone if that fails.
func killGroup(p *os.Process) {
	if err := syscall.Kill(-p.Pid, syscall.SIGKILL); err != nil {
		_ = p.Kill()
	}
}

// preferAsOOMVictim makes this process the kernel OOM killer's first
// choice (oom_score_adj 1000, which any process may raise its own to).
func preferAsOOMVictim() error {
	return os.WriteFile("/proc/self/oom_score_adj", []byte("1000"), 0)
}

// OOMScoreAdj is a process's oom_score_adj (for tests).
func OOMScoreAdj(pid int) (int, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/oom_score_adj", pid))
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimSpace(string(b)))
}

// protocolOutput moves this process's stdout, the pipe to its pool, to a
// descriptor of its own, and points descriptor 1 at stderr: a library that
// prints to os.Stdout then cannot corrupt the answers.
func protocolOutput() (*os.File, error) {
	fd, err := syscall.Dup(1)
	if err != nil {
		return nil, fmt.Errorf("keep the answer pipe: %w", err)
	}
	syscall.CloseOnExec(fd)
	if err := syscall.Dup3(2, 1, 0); err != nil {
		return nil, fmt.Errorf("point stdout at stderr: %w", err)
	}
	return os.NewFile(uintptr(fd), "answers"), nil
}

// ThreadNice returns the nice value of every thread of process pid, by
// thread id, as /proc shows them (for tests and diagnostics).
func ThreadNice(pid int) (map[string]int, error) {
	tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	if err != nil {
		return nil, err
	}
	nice := map[string]int{}
	for _, task := range tasks {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/stat", pid, task.Name()))
		if err != nil {
			continue // the thread ended meanwhile
		}
		// nice is field 19; the fields are counted after the command name,
		// which may hold spaces and parentheses.
		f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
		if len(f) < 17 {
			return nil, fmt.Errorf("read /proc/%d/task/%s/stat: %d fields", pid, task.Name(), len(f))
		}
		if nice[task.Name()], err = strconv.Atoi(f[16]); err != nil {
			return nil, fmt.Errorf("read /proc/%d/task/%s/stat: %w", pid, task.Name(), err)
		}
	}
	return nice, nil
}
