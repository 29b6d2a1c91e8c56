// Command load compares `pipette serve` with a bare net/http JSON echo under
// concurrent load, in the same run: it builds pipette, starts both on
// loopback ports, then drives them in turn (interleaved, the order swapped
// every round) at each connection count, and prints requests per second,
// p50 and p99 latency, and pipette's ratios to the echo.
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
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"pipette/bench/harness"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "echo" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
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
	bin        string
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
	flag.StringVar(&c.bin, "bin", "", "a pipette binary to serve with, instead of building this module (an older build, to compare)")
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
	return c, nil
}

// target is one server under load.
type target struct {
	name string
	url  string
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
	printMachine()
	results := map[string]*tally{}
	for round := range cfg.rounds {
		for _, n := range cfg.conns {
			order := targets
			if round%2 == 1 {
				order = []target{targets[1], targets[0]}
			}
			for _, t := range order {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				key := fmt.Sprintf("%s/%d", t.name, n)
				if results[key] == nil {
					results[key] = &tally{}
				}
				results[key].add(drive(ctx, t.url+"/v1/algo/"+cfg.algo, cfg, n))
			}
		}
	}
	report(os.Stdout, cfg, results)
	return nil
}

// startTargets starts the bare echo (this program, re-run as `load echo`)
// and pipette serve, built from this module or served in this process.
func startTargets(ctx context.Context, cfg config) ([]target, func(), error) {
	self, err := os.Executable()
	if err != nil {
		return nil, nil, err
	}
	echo, err := harness.Start(self, nil, "echo")
	if err != nil {
		return nil, nil, err
	}
	stops := []func(){func() { echo.Stop(5 * time.Second) }}
	cleanup := func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
	}
	var pipetteURL string
	if cfg.inProcess {
		url, stopServer, err := serveInProcess(ctx)
		if err != nil {
			cleanup()
			return nil, nil, err
		}
		stops = append(stops, stopServer)
		pipetteURL = url
	} else {
		bin := cfg.bin
		if bin == "" {
			built, remove, err := harness.Build(ctx, ".")
			if err != nil {
				cleanup()
				return nil, nil, err
			}
			stops = append(stops, remove)
			bin = built
		}
		p, err := harness.Start(bin, nil, append([]string{"serve", "--addr", "127.0.0.1:0"}, cfg.serveArgs...)...)
		if err != nil {
			cleanup()
			return nil, nil, err
		}
		stops = append(stops, func() {
			if err := p.Stop(10 * time.Second); err != nil {
				fmt.Fprintf(os.Stderr, "pipette serve: %v\n", err)
			}
		})
		pipetteURL = p.URL
	}
	return []target{{"echo", echo.URL}, {"pipette", pipetteURL}}, cleanup, nil
}

// sample is what one run at one connection count measured.
type sample struct {
	requests  int
	errors    int
	elapsed   time.Duration
	latencies []time.Duration
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

// tally adds up the samples of one target at one connection count.
type tally struct {
	sample
	runs int
}

func (t *tally) add(s sample) {
	t.requests += s.requests
	t.errors += s.errors
	t.elapsed += s.elapsed
	t.latencies = append(t.latencies, s.latencies...)
	t.runs++
}

func (t *tally) rate() float64 { return float64(t.requests) / t.elapsed.Seconds() }

func report(w io.Writer, cfg config, results map[string]*tally) {
	fmt.Fprintf(w, "\n%s with %q (%s), %d round(s) of %s per target and connection count\n\n", cfg.algo, cfg.input, cfg.ctype, cfg.rounds, cfg.d)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "conns\ttarget\treq/s\tp50\tp99\terrors\t")
	for _, n := range cfg.conns {
		for _, name := range []string{"echo", "pipette"} {
			t := results[fmt.Sprintf("%s/%d", name, n)]
			lat := harness.Sorted(t.latencies)
			fmt.Fprintf(tw, "%d\t%s\t%.0f\t%s\t%s\t%d\t\n", n, name, t.rate(), ms(harness.Percentile(lat, 50)), ms(harness.Percentile(lat, 99)), t.errors)
		}
	}
	tw.Flush()
	fmt.Fprintln(w, "\npipette / echo:")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "conns\treq/s ratio\tp99 ratio\t")
	for _, n := range cfg.conns {
		e, p := results[fmt.Sprintf("echo/%d", n)], results[fmt.Sprintf("pipette/%d", n)]
		ep99 := harness.Percentile(harness.Sorted(e.latencies), 99)
		pp99 := harness.Percentile(harness.Sorted(p.latencies), 99)
		fmt.Fprintf(tw, "%d\t%.2f×\t%.2f×\t\n", n, p.rate()/e.rate(), float64(pp99)/float64(max(ep99, 1)))
	}
	tw.Flush()
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/1e6) }

// printMachine says what the figures were measured on, and under what load.
func printMachine() {
	load, _ := os.ReadFile("/proc/loadavg")
	fields := strings.Fields(string(load))
	if len(fields) >= 3 {
		fmt.Printf("load average %s %s %s (1, 5, 15 min) at the start\n", fields[0], fields[1], fields[2])
	}
}
