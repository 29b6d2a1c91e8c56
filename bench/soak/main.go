// Command soak runs a mixed hostile and normal load against the real
// `pipette serve` on a loopback port, for a bounded time (2 minutes by
// default), and prints what happened: requests and errors by kind, the p50
// and p99 of the normal calls alone and under attack, the CPU the server,
// its worker processes (jq, images) and this program spent, the server's peak resident memory
// against its budget, and its goroutines before and after. It exits
// non-zero when the server crashed, leaked goroutines, went over its memory
// budget, or when the normal calls' p99 under the whole attack was more
// than 3 times their p99 alone.
//
//	go run ./bench/soak                  # 30 s alone, 60 s under attack, up to 30 s to settle
//	go run ./bench/soak -each 15s        # also each attack on its own first, 15 s each
//	go run ./bench/soak -budget 512MiB -alone 10s -attack 30s
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"pipette/bench/harness"
)

type config struct {
	alone, attack, each, settle time.Duration
	budget                      string // GOMEMLIMIT for the server
	rate                        int    // normal calls per second
	serveArgs                   []string
	kinds                       []string
	attackNice                  int
	bin                         string
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "attack" {
		if err := runAttacker(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "soak attack:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
}

func parseFlags() (config, bool, error) {
	var cfg config
	flag.DurationVar(&cfg.alone, "alone", 30*time.Second, "how long the normal load runs alone")
	flag.DurationVar(&cfg.attack, "attack", 60*time.Second, "how long it runs under the whole attack")
	flag.DurationVar(&cfg.each, "each", 0, "when set, how long it first runs under each attack on its own")
	flag.DurationVar(&cfg.settle, "settle", 30*time.Second, "the longest to wait for goroutines to come back down")
	flag.StringVar(&cfg.budget, "budget", "1GiB", "the server's memory budget (its GOMEMLIMIT)")
	flag.IntVar(&cfg.rate, "rate", 100, "normal calls per second")
	flag.StringVar(&cfg.bin, "bin", "", "a pipette binary to serve with, instead of building this module (an older build, to compare)")
	flag.IntVar(&cfg.attackNice, "attack-nice", 0, "the attackers' nice value (19: they take only CPU nothing else wants, as attackers on other machines would)")
	serveArgs := flag.String("serve-args", "", "extra arguments for pipette serve, space-separated")
	dump := flag.Bool("dump", false, "end the server with SIGQUIT and print its goroutines (to find a leak)")
	kinds := flag.String("attacks", strings.Join(attackKinds(), ","), "the kinds of attack, comma-separated")
	flag.Parse()
	for _, k := range strings.Split(*kinds, ",") {
		if k = strings.TrimSpace(k); k != "" {
			cfg.kinds = append(cfg.kinds, k)
		}
	}
	cfg.serveArgs = strings.Fields(*serveArgs)
	total := cfg.alone + cfg.attack + cfg.settle + time.Duration(len(cfg.kinds))*(cfg.each+quietWait)
	if total > 10*time.Minute {
		return cfg, false, fmt.Errorf("the phases add up to %s; keep a soak under 10 minutes", total)
	}
	return cfg, *dump, nil
}

func run() error {
	cfg, dump, err := parseFlags()
	if err != nil {
		return err
	}
	budget, err := parseBytes(cfg.budget)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	bin := cfg.bin
	if bin == "" {
		built, remove, err := harness.Build(ctx, ".")
		if err != nil {
			return err
		}
		defer remove()
		bin = built
	}
	// The server's log goes to a file, not through this program, whose CPU
	// is counted apart.
	logFile, err := os.CreateTemp("", "pipette-soak-*.log")
	if err != nil {
		return err
	}
	defer os.Remove(logFile.Name())
	defer logFile.Close()
	srv, err := harness.StartWith(bin, harness.Options{Env: []string{"GOMEMLIMIT=" + cfg.budget}, LogFile: logFile},
		append([]string{"serve", "--addr", "127.0.0.1:0"}, cfg.serveArgs...)...)
	if err != nil {
		return err
	}
	defer srv.Stop(10 * time.Second)
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Printf("pipette serve on %s, GOMEMLIMIT=%s; load average at the start: %s\n", srv.URL, cfg.budget, strings.Join(strings.Fields(string(load))[:3], " "))

	pid := srv.Cmd.Process.Pid
	mem := watchMemory(ctx, pid)
	normal := newNormal(srv.URL)
	if err := normal.warm(ctx); err != nil {
		return fmt.Errorf("warm up: %w", err)
	}
	// Goroutines are counted with no connection of this program open, before
	// and after: an idle keep-alive connection has a goroutine of its own.
	normal.hc.CloseIdleConnections()
	time.Sleep(100 * time.Millisecond)
	before, err := goroutines(srv.URL)
	if err != nil {
		return err
	}

	alone := measure(pid, "alone", func() *phase { return normal.run(ctx, cfg.rate, cfg.alone) })
	phases := []*phase{alone}
	if cfg.each > 0 {
		for _, kind := range cfg.kinds {
			p, err := underAttack(ctx, pid, srv.URL, normal, cfg, cfg.each, kind, []string{kind})
			if err != nil {
				return err
			}
			phases = append(phases, p)
			waitQuiet(ctx, srv.URL)
		}
	}
	full, err := underAttack(ctx, pid, srv.URL, normal, cfg, cfg.attack, "whole attack", cfg.kinds)
	if err != nil {
		return err
	}
	phases = append(phases, full)

	normal.hc.CloseIdleConnections()
	after, settled := settle(ctx, srv.URL, before, cfg.settle)
	healthy := healthz(srv.URL)
	exited, exitErr := srv.Exited()
	peak, peakTree := mem.stop()
	if dump {
		_ = srv.Cmd.Process.Signal(syscall.SIGQUIT)
		time.Sleep(time.Second)
		fmt.Println(srv.Logs.String())
	}
	stopErr := srv.Stop(10 * time.Second)

	r := report{
		phases: phases, alone: alone, attacked: full,
		peakRSS: peak, peakTreeRSS: peakTree, budget: budget,
		goroutinesBefore: before, goroutinesAfter: after, settled: settled,
		healthy: healthy, crashed: exited, crashErr: exitErr, stopErr: stopErr,
		logLines: srv.Logs.Lines(),
	}
	r.print(os.Stdout)
	return r.verdict()
}

// underAttack runs the normal load for d while the attackers named in kinds
// run, in a process of their own.
func underAttack(ctx context.Context, pid int, url string, normal *normal, cfg config, d time.Duration, name string, kinds []string) (*phase, error) {
	var attackErr error
	p := measure(pid, name, func() *phase {
		a, err := startAttackers(url, kinds, d, cfg.attackNice)
		if err != nil {
			attackErr = err
			return &phase{}
		}
		p := normal.run(ctx, cfg.rate, d)
		p.hostile, p.attackersCPU, attackErr = a.wait()
		return p
	})
	return p, attackErr
}

// measure runs f and adds the CPU the server, the processes it started
// and this program spent meanwhile.
func measure(pid int, name string, f func() *phase) *phase {
	server0, _ := harness.CPUTime(pid)
	children0 := harness.ChildrenCPUTime(pid)
	own0 := harness.OwnCPUTime()
	p := f()
	p.name = name
	server1, _ := harness.CPUTime(pid)
	p.serverCPU = server1 - server0
	p.childrenCPU = harness.ChildrenCPUTime(pid) - children0
	p.soakCPU = harness.OwnCPUTime() - own0
	return p
}

// quietWait is the longest waited between attacks for the server to have
// no call running or waiting.
const quietWait = 20 * time.Second

// waitQuiet waits until the server runs no call and no background run, up
// to quietWait: an attack's calls (a jq bomb at its limit) may outlive it.
func waitQuiet(ctx context.Context, url string) {
	for start := time.Now(); time.Since(start) < quietWait && ctx.Err() == nil; time.Sleep(200 * time.Millisecond) {
		busy, err := metric(url, "pipette_call_slots_busy")
		bg, err2 := metric(url, "pipette_background_runs")
		if err == nil && err2 == nil && busy == 0 && bg == 0 {
			return
		}
	}
}

// settle waits, up to d, for the server's goroutines to come back to what
// they were before the attack (idle workers end after 10 s, connections the
// clients closed end at once).
func settle(ctx context.Context, url string, before int, d time.Duration) (int, time.Duration) {
	start := time.Now()
	for {
		n, err := goroutines(url)
		if err == nil && n <= before || time.Since(start) > d || ctx.Err() != nil {
			return n, time.Since(start)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

func parseBytes(s string) (int64, error) {
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}} {
		if n, ok := strings.CutSuffix(s, u.suffix); ok {
			v, err := strconv.ParseInt(n, 10, 64)
			if err != nil || v <= 0 {
				break
			}
			return v * u.mult, nil
		}
	}
	return 0, errors.New("-budget: write a size like 1GiB or 512MiB")
}
