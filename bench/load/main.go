// Command load compares `pipette serve` with a bare net/http JSON echo under
// concurrent load, in the same run: it builds pipette, starts both on
// loopback ports, then drives them in turn (interleaved, the order swapped
// every round) at each connection count, and prints requests per second,
// p50 and p99 latency, and pipette's ratios to the echo.
//
// Both servers are built alike (`go build` of this module), run with the
// same GOMAXPROCS and write their logs straight to files of their own; the
// CPU each server and this load generator spent per request is measured
// from /proc beside the wall-clock figures, since on a shared machine CPU
// time is the steadier of the two.
//
//	go run ./bench/load                       # 1, 16 and 64 connections, 3 rounds of 3 s
//	go run ./bench/load -conns 16 -d 10s -rounds 1
//	go run ./bench/load -inprocess -cpuprofile cpu.out   # profile the server code
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"pipette/bench/harness"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "echo" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		if err := harness.ServeEcho(ctx, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

type config struct {
	conns      []int
	d          time.Duration
	rounds     int
	algo       string
	input      string
	ctype      string
	serveArgs  []string
	inProcess  bool
	cpuProfile string
	bins       []string
	procs      int
}

func parseFlags() (config, error) {
	var c config
	conns := flag.String("conns", "1,16,64", "connection counts, comma-separated")
	flag.DurationVar(&c.d, "d", 3*time.Second, "how long each target is driven at each connection count, per round")
	flag.IntVar(&c.rounds, "rounds", 3, "rounds; each drives both targets at every connection count")
	flag.StringVar(&c.algo, "algo", "nlp/SentimentAnalysis", "the algorithm pipette is called with")
	flag.StringVar(&c.input, "input", "what a great day", "the request body")
	flag.StringVar(&c.ctype, "type", "text/plain", "the request's Content-Type")
	serveArgs := flag.String("serve-args", "", "extra arguments for pipette serve, space-separated")
	flag.BoolVar(&c.inProcess, "inprocess", false, "serve pipette's API in this process (with -cpuprofile: a profile of the server code)")
	flag.StringVar(&c.cpuProfile, "cpuprofile", "", "write a CPU profile of this process to FILE (with -inprocess)")
	bins := flag.String("bin", "", "pipette binaries to serve with instead of building this module, comma-separated (older builds, to compare with each other in one run)")
	flag.IntVar(&c.procs, "procs", runtime.NumCPU(), "GOMAXPROCS of both servers")
	flag.Parse()
	for _, s := range strings.Split(*conns, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 || n > 4096 {
			return c, fmt.Errorf("-conns %q: each count must be a whole number from 1 to 4096", *conns)
		}
		c.conns = append(c.conns, n)
	}
	if c.rounds < 1 || c.d <= 0 {
		return c, errors.New("-rounds and -d must be positive")
	}
	c.serveArgs = strings.Fields(*serveArgs)
	if *bins != "" {
		c.bins = strings.Split(*bins, ",")
	}
	return c, nil
}

// target is one server under load.
type target struct {
	name string
	url  string
	pid  int // 0 when served in this process
}

func run() error {
	cfg, err := parseFlags()
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	targets, cleanup, err := startTargets(ctx, cfg)
	if err != nil {
		return err
	}
	defer cleanup()
	if cfg.cpuProfile != "" {
		f, err := os.Create(cfg.cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	printLoad("at the start")
	results := map[string]*tally{}
	for round := range cfg.rounds {
		for _, n := range cfg.conns {
			// Each round starts with the next target, so that none is
			// always measured first or last.
			for i := range targets {
				t := targets[(i+round)%len(targets)]
				if ctx.Err() != nil {
					return ctx.Err()
				}
				key := fmt.Sprintf("%s/%d", t.name, n)
				if results[key] == nil {
					results[key] = &tally{}
				}
				results[key].add(measure(ctx, t, cfg, n))
			}
		}
	}
	names := make([]string, len(targets))
	for i, t := range targets {
		names[i] = t.name
	}
	report(os.Stdout, cfg, names, results)
	printLoad("at the end")
	return nil
}

// startTargets builds the bare echo (this program, run as `load echo`) and
// pipette the same way, and starts them with the same GOMAXPROCS, each
// writing its log to a file of its own; or serves pipette in this process.
func startTargets(ctx context.Context, cfg config) ([]target, func(), error) {
	var stops []func()
	cleanup := func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
	}
	logDir, err := os.MkdirTemp("", "pipette-load-logs-")
	if err != nil {
		return nil, nil, err
	}
	stops = append(stops, func() { os.RemoveAll(logDir) })
	start := func(name, bin string, args ...string) (*harness.Process, error) {
		log, err := os.Create(filepath.Join(logDir, name+".log"))
		if err != nil {
			return nil, err
		}
		stops = append(stops, func() { log.Close() })
		p, err := harness.StartWith(bin, harness.Options{Env: []string{fmt.Sprintf("GOMAXPROCS=%d", cfg.procs)}, LogFile: log}, args...)
		if err != nil {
			return nil, err
		}
		stops = append(stops, func() {
			if err := p.Stop(10 * time.Second); err != nil {
				fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
			}
		})
		return p, nil
	}
	fail := func(err error) ([]target, func(), error) {
		cleanup()
		return nil, nil, err
	}
	echoBin, remove, err := harness.BuildPackage(ctx, ".", "./bench/load")
	if err != nil {
		return fail(err)
	}
	stops = append(stops, remove)
	echo, err := start("echo", echoBin, "echo")
	if err != nil {
		return fail(err)
	}
	targets := []target{{"echo", echo.URL, echo.Cmd.Process.Pid}}
	if cfg.inProcess {
		url, stopServer, err := serveInProcess(ctx)
		if err != nil {
			return fail(err)
		}
		stops = append(stops, stopServer)
		return append(targets, target{"pipette", url, 0}), cleanup, nil
	}
	bins := cfg.bins
	if len(bins) == 0 {
		built, remove, err := harness.Build(ctx, ".")
		if err != nil {
			return fail(err)
		}
		stops = append(stops, remove)
		bins = []string{built}
	}
	for i, bin := range bins {
		name := "pipette"
		if len(bins) > 1 {
			name = fmt.Sprintf("pipette%d", i+1)
			fmt.Printf("%s is %s\n", name, bin)
		}
		p, err := start(name, bin, append([]string{"serve", "--addr", "127.0.0.1:0"}, cfg.serveArgs...)...)
		if err != nil {
			return fail(err)
		}
		targets = append(targets, target{name, p.URL, p.Cmd.Process.Pid})
	}
	return targets, cleanup, nil
}

// sample is what one run at one connection count measured.
type sample struct {
	requests  int
	errors    int
	elapsed   time.Duration
	latencies []time.Duration
	serverCPU time.Duration // the server process's CPU time over the run
	loadCPU   time.Duration // this process's
}

// measure drives t over n connections and adds the CPU time the server and
// this process spent meanwhile.
func measure(ctx context.Context, t target, cfg config, n int) sample {
	server0, _ := harness.CPUTime(t.pid)
	own0 := harness.OwnCPUTime()
	s := drive(ctx, t.url+"/v1/algo/"+cfg.algo, cfg, n)
	s.loadCPU = harness.OwnCPUTime() - own0
	if t.pid != 0 {
		server1, _ := harness.CPUTime(t.pid)
		s.serverCPU = server1 - server0
	}
	return s
}

// drive sends requests over n connections for cfg.d.
func drive(ctx context.Context, url string, cfg config, n int) sample {
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: n, MaxConnsPerHost: n, DisableCompression: true}}
	defer hc.CloseIdleConnections()
	body := []byte(cfg.input)
	ctx, cancel := context.WithTimeout(ctx, cfg.d)
	defer cancel()
	var mu sync.Mutex
	var total sample
	var wg sync.WaitGroup
	start := time.Now()
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var s sample
			for ctx.Err() == nil {
				t0 := time.Now()
				ok := call(ctx, hc, url, cfg.ctype, body)
				if ctx.Err() != nil {
					break // cut by the end of the run: not counted
				}
				if !ok {
					s.errors++
					continue
				}
				s.requests++
				s.latencies = append(s.latencies, time.Since(t0))
			}
			mu.Lock()
			total.requests += s.requests
			total.errors += s.errors
			total.latencies = append(total.latencies, s.latencies...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	total.elapsed = time.Since(start)
	return total
}

func call(ctx context.Context, hc *http.Client, url, ctype string, body []byte) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return false
	}
	req.Header.Set("Content-Type", ctype)
	resp, err := hc.Do(req)
	if err != nil {
		return false
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return err == nil && resp.StatusCode == http.StatusOK
}

// tally adds up the samples of one target at one connection count, and
// keeps each round's for the ratios round by round.
type tally struct {
	sample
	rounds []sample
}

func (t *tally) add(s sample) {
	t.requests += s.requests
	t.errors += s.errors
	t.elapsed += s.elapsed
	t.latencies = append(t.latencies, s.latencies...)
	t.serverCPU += s.serverCPU
	t.loadCPU += s.loadCPU
	t.rounds = append(t.rounds, s)
}

// perRequest is a CPU time per answered request, in microseconds.
func (s *sample) perRequest(d time.Duration) float64 {
	return float64(d.Microseconds()) / float64(max(s.requests, 1))
}

func (s *sample) rate() float64 { return float64(s.requests) / s.elapsed.Seconds() }

func (s *sample) p99() time.Duration { return harness.Percentile(harness.Sorted(s.latencies), 99) }

func report(w io.Writer, cfg config, names []string, results map[string]*tally) {
	fmt.Fprintf(w, "\n%s with %q (%s), %d round(s) of %s per target and connection count, GOMAXPROCS=%d\n\n", cfg.algo, cfg.input, cfg.ctype, cfg.rounds, cfg.d, cfg.procs)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "conns\ttarget\treq/s\tp50\tp99\terrors\tserver CPU/req\tload CPU/req\t")
	for _, n := range cfg.conns {
		for _, name := range names {
			t := results[fmt.Sprintf("%s/%d", name, n)]
			lat := harness.Sorted(t.latencies)
			serverCPU := "-"
			if t.serverCPU > 0 {
				serverCPU = fmt.Sprintf("%.1f µs", t.perRequest(t.serverCPU))
			}
			fmt.Fprintf(tw, "%d\t%s\t%.0f\t%s\t%s\t%d\t%s\t%.1f µs\t\n", n, name, t.rate(), ms(harness.Percentile(lat, 50)), ms(harness.Percentile(lat, 99)), t.errors,
				serverCPU, t.perRequest(t.loadCPU))
		}
	}
	tw.Flush()
	fmt.Fprintln(w, "\nagainst the echo: all rounds pooled, then the median of the rounds' own ratios [lowest–highest]")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "conns\ttarget\treq/s ratio\tp99 ratio\tserver CPU/req ratio\tby round: req/s\tp99\t")
	for _, n := range cfg.conns {
		e := results[fmt.Sprintf("echo/%d", n)]
		for _, name := range names[1:] {
			p := results[fmt.Sprintf("%s/%d", name, n)]
			cpu := "-"
			if p.serverCPU > 0 && e.serverCPU > 0 {
				cpu = fmt.Sprintf("%.2f×", p.perRequest(p.serverCPU)/e.perRequest(e.serverCPU))
			}
			var rates, p99s []float64
			for i := range min(len(e.rounds), len(p.rounds)) {
				rates = append(rates, p.rounds[i].rate()/e.rounds[i].rate())
				p99s = append(p99s, float64(p.rounds[i].p99())/float64(max(e.rounds[i].p99(), 1)))
			}
			fmt.Fprintf(tw, "%d\t%s\t%.2f×\t%.2f×\t%s\t%s\t%s\t\n", n, name, p.rate()/e.rate(), float64(p.p99())/float64(max(e.p99(), 1)), cpu, spread(rates), spread(p99s))
		}
	}
	tw.Flush()
}

// spread is the median of xs and their range, as ratios.
func spread(xs []float64) string {
	if len(xs) == 0 {
		return "-"
	}
	slices.Sort(xs)
	return fmt.Sprintf("%.2f× [%.2f–%.2f]", xs[len(xs)/2], xs[0], xs[len(xs)-1])
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/1e6) }

// printLoad says under what load the figures were measured.
func printLoad(when string) {
	load, _ := os.ReadFile("/proc/loadavg")
	fields := strings.Fields(string(load))
	if len(fields) >= 3 {
		fmt.Printf("load average %s %s %s (1, 5, 15 min) %s\n", fields[0], fields[1], fields[2], when)
	}
}
