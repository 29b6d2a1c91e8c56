// Command soak runs a mixed hostile and normal load against the real
// `pipette serve` on a loopback port, for a bounded time (2 minutes by
// default), and prints what happened: requests and errors by kind, the p50
// and p99 of the normal calls alone and under attack, the server's peak
// resident memory against its budget, and its goroutines before and after.
// It exits non-zero when the server crashed, leaked goroutines, went over
// its memory budget, or when the normal calls' p99 under attack was more than
// 3 times their p99 alone.
//
//	go run ./bench/soak                  # 30 s alone, 60 s under attack, up to 30 s to settle
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
	alone, attack, settle time.Duration
	budget                string // GOMEMLIMIT for the server
	rate                  int    // normal calls per second
	serveArgs             []string
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
}

func run() error {
	var cfg config
	flag.DurationVar(&cfg.alone, "alone", 30*time.Second, "how long the normal load runs alone")
	flag.DurationVar(&cfg.attack, "attack", 60*time.Second, "how long it runs under attack")
	flag.DurationVar(&cfg.settle, "settle", 30*time.Second, "the longest to wait for goroutines to come back down")
	flag.StringVar(&cfg.budget, "budget", "1GiB", "the server's memory budget (its GOMEMLIMIT)")
	flag.IntVar(&cfg.rate, "rate", 100, "normal calls per second")
	serveArgs := flag.String("serve-args", "", "extra arguments for pipette serve, space-separated")
	dump := flag.Bool("dump", false, "end the server with SIGQUIT and print its goroutines (to find a leak)")
	kinds := flag.String("attacks", "trickle,big,bombs,flood,junk,disconnect,void", "the kinds of attack, comma-separated")
	flag.Parse()
	which := map[string]bool{}
	for _, k := range strings.Split(*kinds, ",") {
		which[strings.TrimSpace(k)] = true
	}
	cfg.serveArgs = strings.Fields(*serveArgs)
	budget, err := parseBytes(cfg.budget)
	if err != nil {
		return err
	}
	if total := cfg.alone + cfg.attack + cfg.settle; total > 10*time.Minute {
		return fmt.Errorf("-alone, -attack and -settle add up to %s; keep a soak under 10 minutes", total)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	bin, remove, err := harness.Build(ctx, ".")
	if err != nil {
		return err
	}
	defer remove()
	srv, err := harness.Start(bin, []string{"GOMEMLIMIT=" + cfg.budget}, append([]string{"serve", "--addr", "127.0.0.1:0"}, cfg.serveArgs...)...)
	if err != nil {
		return err
	}
	defer srv.Stop(10 * time.Second)
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Printf("pipette serve on %s, GOMEMLIMIT=%s; load average at the start: %s\n", srv.URL, cfg.budget, strings.Join(strings.Fields(string(load))[:3], " "))

	mem := watchMemory(ctx, srv.Cmd.Process.Pid)
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

	alone := normal.run(ctx, cfg.rate, cfg.alone)
	attackCtx, endAttack := context.WithCancel(ctx)
	h := newHostile(srv.URL)
	attackDone := make(chan struct{})
	go func() { h.run(attackCtx, which); close(attackDone) }()
	attacked := normal.run(ctx, cfg.rate, cfg.attack)
	endAttack()
	<-attackDone

	normal.hc.CloseIdleConnections()
	after, settled := settle(ctx, srv.URL, before, cfg.settle)
	healthy := healthz(srv.URL)
	exited, exitErr := srv.Exited()
	peak, peakTree := mem.stop()
	if *dump {
		_ = srv.Cmd.Process.Signal(syscall.SIGQUIT)
		time.Sleep(time.Second)
		fmt.Println(srv.Logs.String())
	}
	stopErr := srv.Stop(10 * time.Second)

	r := report{
		alone: alone, attacked: attacked, hostile: h.tally.n,
		peakRSS: peak, peakTreeRSS: peakTree, budget: budget,
		goroutinesBefore: before, goroutinesAfter: after, settled: settled,
		healthy: healthy, crashed: exited, crashErr: exitErr, stopErr: stopErr,
		logLines: srv.Logs.Lines(),
	}
	r.print(os.Stdout)
	return r.verdict()
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
