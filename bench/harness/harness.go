// Package harness runs the real programs the load and soak tools measure:
// it builds pipette, starts `pipette serve` on a loopback port, starts a bare
// net/http JSON echo beside it, and measures what they cost (latency
// percentiles, a process's resident memory).
package harness

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Build compiles the pipette module found at or above dir into a temporary
// folder and returns the binary's path and a function that removes it.
func Build(ctx context.Context, dir string) (string, func(), error) {
	return BuildPackage(ctx, dir, ".")
}

// BuildPackage compiles the package pkg (a path relative to the module's
// root, such as "./bench/load") of the pipette module found at or above dir,
// with the same `go build` and flags as Build, so that two programs compared
// with each other are built alike.
func BuildPackage(ctx context.Context, dir, pkg string) (string, func(), error) {
	root, err := moduleRoot(dir)
	if err != nil {
		return "", nil, err
	}
	tmp, err := os.MkdirTemp("", "pipette-bench-")
	if err != nil {
		return "", nil, fmt.Errorf("make a folder for the binary: %w", err)
	}
	bin := filepath.Join(tmp, "pipette")
	if pkg != "." {
		bin = filepath.Join(tmp, filepath.Base(pkg))
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, pkg)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		os.RemoveAll(tmp)
		return "", nil, fmt.Errorf("go build %s: %w\n%s", pkg, err, out)
	}
	return bin, func() { os.RemoveAll(tmp) }, nil
}

func moduleRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		if b, err := os.ReadFile(filepath.Join(d, "go.mod")); err == nil && strings.Contains(string(b), "module pipette\n") {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no pipette module at or above %s", dir)
		}
	}
}

// Process is a server program started by Start.
type Process struct {
	Cmd  *exec.Cmd
	URL  string // http://127.0.0.1:PORT
	Logs *Logs  // what it wrote to stderr
	done chan error

	stopOnce sync.Once
	stopErr  error
}

// Logs keeps the last 256 KiB or so of a process's stderr (a server under
// load logs a line per call), safe to read while it is written.
type Logs struct {
	mu    sync.Mutex
	buf   []byte
	lines int
	file  *os.File // Options.LogFile: the log is there instead
}

const keepLogs = 256 << 10

func (l *Logs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines += bytes.Count(p, []byte("\n"))
	l.buf = append(l.buf, p...)
	if len(l.buf) > 2*keepLogs {
		l.buf = append(l.buf[:0], l.buf[len(l.buf)-keepLogs:]...)
	}
	return len(p), nil
}

// String is the end of the log.
func (l *Logs) String() string {
	if l.file != nil {
		b, _ := os.ReadFile(l.file.Name())
		return string(b[max(0, len(b)-keepLogs):])
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return string(l.buf)
}

// Lines is how many lines were written in all.
func (l *Logs) Lines() int {
	if l.file != nil {
		b, _ := os.ReadFile(l.file.Name())
		return bytes.Count(b, []byte("\n"))
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lines
}

// listening matches the line `pipette serve` and the echo print once ready.
var listening = regexp.MustCompile(`on (http://[0-9.:\[\]a-f]+)`)

// Options say how Start runs a program.
type Options struct {
	Env []string // added to this process's environment
	// LogFile, when set, is the program's stderr itself: its log lines go
	// to the file without passing through this process (Process.Logs then
	// reads the file's end). Otherwise stderr is a pipe this process
	// drains into Logs, which costs it CPU as the program logs.
	LogFile *os.File
}

// Start runs bin with args and waits (up to 30 s) for the line on stdout
// saying where it listens.
func Start(bin string, env []string, args ...string) (*Process, error) {
	return StartWith(bin, Options{Env: env}, args...)
}

// StartWith is Start with Options.
func StartWith(bin string, opt Options, args ...string) (*Process, error) {
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), opt.Env...)
	logs := &Logs{file: opt.LogFile}
	cmd.Stderr = logs
	if opt.LogFile != nil {
		cmd.Stderr = opt.LogFile
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	p := &Process{Cmd: cmd, Logs: logs, done: make(chan error, 1)}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
	}()
	go func() { p.done <- cmd.Wait() }()
	select {
	case p.URL = <-found:
		return p, nil
	case err := <-p.done:
		return nil, fmt.Errorf("%s exited before listening (%v):\n%s", bin, err, logs.String())
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		return nil, fmt.Errorf("%s did not say where it listens within 30 s:\n%s", bin, logs.String())
	}
}

// Stop sends SIGTERM and waits up to grace for the process to exit, then
// kills it. It returns the process's exit error (nil for a clean exit); a
// second Stop returns the first one's answer.
func (p *Process) Stop(grace time.Duration) error {
	p.stopOnce.Do(func() {
		_ = p.Cmd.Process.Signal(syscall.SIGTERM)
		select {
		case p.stopErr = <-p.done:
		case <-time.After(grace):
			_ = p.Cmd.Process.Kill()
			<-p.done
			p.stopErr = errors.New("did not exit within the grace period; killed")
		}
	})
	return p.stopErr
}

// Exited reports whether the process has ended, and how.
func (p *Process) Exited() (bool, error) {
	select {
	case err := <-p.done:
		p.done <- err // keep it for Stop
		return true, err
	default:
		return false, nil
	}
}

// RSS is the process's resident set size in bytes, from /proc.
func RSS(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, errors.New("no VmRSS line")
}

// CPUTime is the CPU time (user and system, all threads) process pid has
// used so far, from /proc/PID/stat; the kernel counts it in clock ticks
// (10 ms), so compare it over seconds.
func CPUTime(pid int) (time.Duration, error) {
	own, _, err := cpuTimes(pid)
	return own, err
}

// ChildrenCPUTime is the CPU time the processes pid started have used so
// far: those that ended and were waited for (the kernel adds them to pid's
// count) and those still running, with theirs.
func ChildrenCPUTime(pid int) time.Duration {
	_, ended, _ := cpuTimes(pid)
	total := ended
	for _, c := range Descendants(pid) {
		own, _, _ := cpuTimes(c)
		total += own
	}
	return total
}

// cpuTimes reads a process's own CPU time (utime and stime, fields 14 and
// 15 of /proc/PID/stat) and that of its children it waited for (cutime and
// cstime, 16 and 17).
func cpuTimes(pid int) (own, children time.Duration, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, err
	}
	// The command name in parentheses may hold spaces: count fields from
	// after it (the first is field 3).
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, 0, errors.New("no command name in /proc stat")
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 15 {
		return 0, 0, errors.New("short /proc stat line")
	}
	var ticks [4]int64
	for j, s := range f[11:15] {
		if ticks[j], err = strconv.ParseInt(s, 10, 64); err != nil {
			return 0, 0, fmt.Errorf("/proc stat: %w", err)
		}
	}
	const clockTicks = 100 // USER_HZ, 100 on every Linux architecture Go runs on
	tick := time.Second / clockTicks
	return time.Duration(ticks[0]+ticks[1]) * tick, time.Duration(ticks[2]+ticks[3]) * tick, nil
}

// Descendants lists the processes started by pid, and theirs.
func Descendants(pid int) []int {
	var out []int
	tasks, _ := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	for _, t := range tasks {
		b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/children", pid, t.Name()))
		for _, f := range strings.Fields(string(b)) {
			if c, err := strconv.Atoi(f); err == nil {
				out = append(out, c)
				out = append(out, Descendants(c)...)
			}
		}
	}
	return out
}

// OwnCPUTime is the CPU time (user and system) this process has used so far.
func OwnCPUTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// Percentile returns the p-th percentile (0..100) of sorted durations.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted)-1) * p / 100)
	return sorted[i]
}

// Sorted returns ds sorted, for Percentile.
func Sorted(ds []time.Duration) []time.Duration {
	out := slices.Clone(ds)
	slices.Sort(out)
	return out
}

// Echo serves a bare net/http JSON echo: the body back in the API's
// envelope, {"result": …, "metadata": {…}}, as text for a text body and as
// JSON for a JSON one. It is the floor pipette serve is compared with.
func Echo() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 10<<20))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		var v any = string(body)
		kind := "text"
		if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			if err := json.Unmarshal(body, &v); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			kind = "json"
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"result":   v,
			"metadata": map[string]any{"content_type": kind, "duration": 0.0},
		})
	})
}

// ServeEcho serves Echo on a loopback port and prints where, as pipette
// serve does, until ctx ends.
func ServeEcho(ctx context.Context, out io.Writer) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: Echo(), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(out, "echo serving on http://%s\n", ln.Addr())
	go func() { <-ctx.Done(); hs.Close() }()
	if err := hs.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
