package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"pipette/bench/harness"
)

// memoryWatch polls the server's resident memory (and that of the processes
// it started: jq and heavy-call workers) every 100 ms and keeps the peaks.
type memoryWatch struct {
	mu         sync.Mutex
	peak, tree int64
	cancel     context.CancelFunc
	done       chan struct{}
}

func watchMemory(ctx context.Context, pid int) *memoryWatch {
	ctx, cancel := context.WithCancel(ctx)
	w := &memoryWatch{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(w.done)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			own, _ := harness.RSS(pid)
			tree := own
			for _, c := range harness.Descendants(pid) {
				n, _ := harness.RSS(c)
				tree += n
			}
			w.mu.Lock()
			w.peak, w.tree = max(w.peak, own), max(w.tree, tree)
			w.mu.Unlock()
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return w
}

func (w *memoryWatch) stop() (peak, tree int64) {
	w.cancel()
	<-w.done
	return w.peak, w.tree
}

// goroutines reads go_goroutines from the server's /metrics.
func goroutines(url string) (int, error) {
	f, err := metric(url, "go_goroutines")
	return int(f), err
}

// metric reads one unlabelled metric from the server's /metrics.
func metric(url, name string) (float64, error) {
	resp, err := http.Get(url + "/metrics")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			return strconv.ParseFloat(rest, 64)
		}
	}
	return 0, fmt.Errorf("no %s in /metrics", name)
}

func healthz(url string) bool {
	c := &http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get(url + "/healthz")
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

type report struct {
	phases                            []*phase
	alone, attacked                   *phase
	peakRSS, peakTreeRSS, budget      int64
	goroutinesBefore, goroutinesAfter int
	settled                           time.Duration
	healthy, crashed                  bool
	crashErr, stopErr                 error
	logLines                          int
}

func (r *report) print(w io.Writer) {
	fmt.Fprintln(w, "\nnormal calls (sentiment, language, image hash, round robin); CPU in cores (CPU seconds a second)")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "phase\ttime\tsent\tok\tfailed\tskipped\tp50\tp99\tp99 / alone\tserver CPU\tworkers CPU\tnormal clients CPU\tattackers CPU\thostile requests\t")
	aloneP99 := p99(r.alone)
	for _, p := range r.phases {
		lat := harness.Sorted(p.latencies)
		hostile := 0
		for _, outcomes := range p.hostile {
			for _, n := range outcomes {
				hostile += n
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%s\t%s\t%.2f×\t%.2f\t%.2f\t%.2f\t%.2f\t%d\t\n", p.name, p.d, p.sent, p.ok, p.sent-p.ok, p.skipped,
			ms(harness.Percentile(lat, 50)), ms(harness.Percentile(lat, 99)), float64(p99(p))/float64(max(aloneP99, 1)),
			cores(p.serverCPU, p.d), cores(p.childrenCPU, p.d), cores(p.soakCPU, p.d), cores(p.attackersCPU, p.d), hostile)
	}
	tw.Flush()
	for _, p := range r.phases {
		for _, k := range sortedKeys(p.failed) {
			fmt.Fprintf(w, "  %s: failed normal call: %s ×%d\n", p.name, k, p.failed[k])
		}
	}
	fmt.Fprintf(w, "p99 under the whole attack / p99 alone: %.2f× (must be at most 3×)\n", r.p99Ratio())

	fmt.Fprintln(w, "\nhostile requests by phase, kind and outcome")
	for _, p := range r.phases[1:] {
		fmt.Fprintf(w, "%s:\n", p.name)
		total := 0
		for _, kind := range sortedKeys(p.hostile) {
			outcomes := p.hostile[kind]
			n := 0
			parts := make([]string, 0, len(outcomes))
			for _, o := range sortedKeys(outcomes) {
				n += outcomes[o]
				parts = append(parts, fmt.Sprintf("%s ×%d", o, outcomes[o]))
			}
			total += n
			fmt.Fprintf(w, "  %-12s %6d: %s\n", kind, n, strings.Join(parts, ", "))
		}
		fmt.Fprintf(w, "  %-12s %6d\n", "in all", total)
	}

	fmt.Fprintf(w, "\npeak RSS: %d MiB (with the processes it started: %d MiB); budget (GOMEMLIMIT) %d MiB\n", r.peakRSS>>20, r.peakTreeRSS>>20, r.budget>>20)
	fmt.Fprintf(w, "goroutines: %d before the attack, %d after (settled in %s)\n", r.goroutinesBefore, r.goroutinesAfter, r.settled.Round(100*time.Millisecond))
	fmt.Fprintf(w, "healthz after the attack: %v; crashed: %v; exit on SIGTERM: %v; log lines: %d\n", r.healthy, r.crashed, errText(r.stopErr), r.logLines)
}

func p99(p *phase) time.Duration { return harness.Percentile(harness.Sorted(p.latencies), 99) }

// cores is CPU time over a wall-clock time: how many cores it kept busy.
func cores(cpu, d time.Duration) float64 { return cpu.Seconds() / max(d.Seconds(), 1e-9) }

func (r *report) p99Ratio() float64 {
	return float64(p99(r.attacked)) / float64(max(p99(r.alone), 1))
}

// verdict is the error that fails the soak, or nil.
func (r *report) verdict() error {
	var bad []string
	if r.crashed {
		bad = append(bad, fmt.Sprintf("the server crashed (%v)", r.crashErr))
	}
	if !r.healthy {
		bad = append(bad, "/healthz did not answer after the attack")
	}
	if r.stopErr != nil {
		bad = append(bad, fmt.Sprintf("the server did not stop cleanly on SIGTERM (%v)", r.stopErr))
	}
	if r.peakRSS >= r.budget {
		bad = append(bad, fmt.Sprintf("peak RSS %d MiB reached the budget of %d MiB", r.peakRSS>>20, r.budget>>20))
	}
	if leaked := r.goroutinesAfter - r.goroutinesBefore; leaked > 0 {
		bad = append(bad, fmt.Sprintf("%d goroutines leaked", leaked))
	}
	if q := r.p99Ratio(); q > 3 {
		bad = append(bad, fmt.Sprintf("the normal calls' p99 under attack was %.2f× their p99 alone", q))
	}
	if len(bad) > 0 {
		return errors.New(strings.Join(bad, "; "))
	}
	fmt.Println("\nok: no crash, no leak, within the memory budget, p99 under attack within 3× of alone")
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/1e6) }

func errText(err error) string {
	if err == nil {
		return "clean"
	}
	return err.Error()
}
