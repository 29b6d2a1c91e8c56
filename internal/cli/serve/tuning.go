package serve

import (
	"net"
	"time"

	"github.com/spf13/pflag"

	"pipette/internal/cli/command"
	"pipette/server"
)

// Tuning is what serve's flags set of server.Config's limits; every zero
// means the server's default, sized from the cores and the memory limit.
type Tuning struct {
	Limits      server.Limits
	MaxConns    int
	CallMemory  int64
	BodyGrace   time.Duration
	BodyMinRate int64
	BodyRate    int64 // per client; 0 turns the budget off
	Write       time.Duration
	MetricsAddr string
}

func (t *Tuning) addFlags(fl *pflag.FlagSet) {
	fl.IntVar(&t.Limits.MaxRunning, "max-concurrent", 0, "calls running at once (default 4 per core)")
	fl.IntVar(&t.Limits.MaxRunningPerAlgo, "max-concurrent-per-algo", 0, "calls of one algorithm running at once (default 1 per core)")
	fl.IntVar(&t.Limits.MaxHeavy, "max-heavy", 0, "calls of heavy algorithms (run here, 10 ms or more on average) running at once (default one fewer than the cores, at least 1)")
	fl.IntVar(&t.Limits.MaxRunningPerClient, "max-concurrent-per-client", 0, "one client's share of the running calls (API key, or address without keys), past which it starts no more while others wait (default three quarters of --max-concurrent)")
	fl.IntVar(&t.Limits.MaxQueue, "queue", 0, "calls waiting for a slot before more are refused with 429 (default 64 per core, at least 128)")
	fl.IntVar(&t.Limits.MaxQueuePerClient, "queue-per-client", 0, "one client's share of the queue, past which its newest call gives its place to another client's when the queue is full (default a quarter of --queue)")
	fl.DurationVar(&t.Limits.QueueWait, "queue-wait", server.DefaultQueueWait, "how long a call waits for a slot before a 503")
	fl.IntVar(&t.MaxConns, "max-conns", 0, "connections served at once; more wait to be accepted (default 4096)")
	fl.Int64Var(&t.CallMemory, "call-memory", 0, "BYTES one call may use for its work (default: a share of the memory limit, at most 1 GiB)")
	fl.DurationVar(&t.BodyGrace, "body-grace", server.DefaultBodyGrace, "time a request body may take before it must flow at --body-min-rate")
	fl.Int64Var(&t.BodyMinRate, "body-min-rate", server.DefaultBodyMinRate, "BYTES per second a request body must average after the grace")
	fl.Int64Var(&t.BodyRate, "body-rate", server.DefaultBodyRate, "BYTES per second of request bodies one client may send while others are served, in bursts of 4 --max-body; past it its bodies wait, and one that would wait over 2 s gets 429 (0: no limit)")
	fl.DurationVar(&t.Write, "write-timeout", server.DefaultWriteTimeout, "time a client has to take an answer once it is ready")
	fl.StringVar(&t.MetricsAddr, "metrics-addr", "", "serve /metrics on HOST:PORT instead of the API's address (where it needs the API key)")
}

// check refuses negative numbers and a malformed --metrics-addr, each with
// a sentence naming the flag.
func (t *Tuning) check() error {
	for _, n := range []struct {
		flag string
		v    int64
	}{
		{"--max-concurrent", int64(t.Limits.MaxRunning)}, {"--max-concurrent-per-algo", int64(t.Limits.MaxRunningPerAlgo)},
		{"--queue", int64(t.Limits.MaxQueue)}, {"--queue-wait", int64(t.Limits.QueueWait)}, {"--max-conns", int64(t.MaxConns)},
		{"--max-heavy", int64(t.Limits.MaxHeavy)}, {"--max-concurrent-per-client", int64(t.Limits.MaxRunningPerClient)},
		{"--queue-per-client", int64(t.Limits.MaxQueuePerClient)},
		{"--call-memory", t.CallMemory}, {"--body-grace", int64(t.BodyGrace)}, {"--body-min-rate", t.BodyMinRate},
		{"--write-timeout", int64(t.Write)}, {"--body-rate", t.BodyRate},
	} {
		if n.v < 0 {
			return command.UsageErrorf("%s is negative: give a positive value, or leave it out for the default", n.flag)
		}
	}
	if t.BodyRate > server.MaxBodyRate {
		return command.UsageErrorf("--body-rate %d is more than %d bytes a second, which no network reaches: give a smaller rate, or 0 for no limit", t.BodyRate, int64(server.MaxBodyRate))
	}
	if t.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(t.MetricsAddr); err != nil {
			return command.UsageErrorf("--metrics-addr %q is not host:port: write it like 127.0.0.1:9090", t.MetricsAddr)
		}
	}
	return nil
}

func (t *Tuning) apply(cfg *server.Config) {
	cfg.Limits = t.Limits
	cfg.MaxConns = t.MaxConns
	cfg.CallMemory = t.CallMemory
	cfg.Timeouts = server.Timeouts{BodyGrace: t.BodyGrace, BodyMinRate: t.BodyMinRate, Write: t.Write}
	cfg.MetricsAddr = t.MetricsAddr
	cfg.BodyRate = t.BodyRate
	if t.BodyRate == 0 {
		cfg.BodyRate = -1 // the flag's 0 is "no limit"; the Config's is the default
	}
}
