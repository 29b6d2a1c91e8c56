package server

import (
	"log/slog"
	"math"
	"runtime/debug"
	"time"

	"pipette/catalog"
	"pipette/data"
)

// DefaultMaxBody is the request body limit when Config.MaxBody is 0.
const DefaultMaxBody = 10 << 20

// Config says what a Server serves, who may call it and how much it takes
// on. Every limit's zero value means a default sized from the machine.
type Config struct {
	Source  catalog.Source // what the catalog endpoints list
	Runner  catalog.Runner // what POST /v1/algo runs
	Keys    []string       // accepted API keys, trimmed, blank ones ignored; none = anonymous calls allowed
	MaxBody int64          // request body limit in bytes; 0 = 10 MiB
	Logger  *slog.Logger   // nil = discard
	// Sources, when set, reports how the catalog's remote sources are
	// doing, for GET /v1/sources (docs/SOURCES.md); nil: no sources.
	Sources catalog.StatusReporter

	// Limits bound the calls running and waiting at once.
	Limits Limits
	// MemoryLimit is the process's memory limit in bytes (SetMemoryLimit
	// chooses it for `pipette serve`); 0 = the Go runtime's current one.
	// The body budget and the per-call budget are shares of it.
	MemoryLimit int64
	// CallMemory is what one call may use for its own work (its
	// catalog.MemoryBudget); 0 = a share of MemoryLimit, at most 1 GiB.
	CallMemory int64
	// BodyMemory is the most request-body bytes held at once, read and
	// waiting or running; 0 = an eighth of MemoryLimit, at most 1 GiB and
	// at least 4 MaxBody.
	BodyMemory int64
	// BodyRate is the request-body bytes a second one client (its API key,
	// or its address without keys) may send while others are served, with
	// bursts of 4 MaxBody; 0 = DefaultBodyRate, negative = no such budget.
	BodyRate int64
	// Timeouts bound how long a client may take to send and to receive.
	Timeouts Timeouts
	// MaxConns is the most connections served at once; more wait to be
	// accepted. 0 = 4096, or fewer when the process may open fewer files.
	MaxConns int
	// MetricsAddr, when set, is where ListenAndServe serves /metrics
	// instead of the API's address. Otherwise /metrics is on the API's
	// address, behind the API key when keys are configured.
	MetricsAddr string
	// Data is the Data API's store (/v1/data, data:// inputs, links); nil =
	// no Data API. PublicURL is this server's address as callers reach it,
	// for links to stored files; "" = taken from each request's Host.
	Data      *data.Store
	PublicURL string
}

// Timeouts bound how long a client may take. None of them cuts a call that
// is running: the body's deadline is lifted once the body is in, and the
// write deadline starts when the answer is ready.
type Timeouts struct {
	Header      time.Duration // to send the request line and headers; default 10 s
	BodyGrace   time.Duration // before the body must flow at BodyMinRate; default 10 s
	BodyMinRate int64         // bytes per second a body must average after the grace; default 8 KiB/s
	Write       time.Duration // to take the answer once it is ready; default 60 s
	Idle        time.Duration // a kept-alive connection waiting for its next request; default 2 min
}

// The defaults of Timeouts.
const (
	DefaultHeaderTimeout = 10 * time.Second
	DefaultBodyGrace     = 10 * time.Second
	DefaultBodyMinRate   = 8 << 10
	DefaultWriteTimeout  = 60 * time.Second
	DefaultIdleTimeout   = 2 * time.Minute
)

func (t Timeouts) withDefaults() Timeouts {
	if t.Header <= 0 {
		t.Header = DefaultHeaderTimeout
	}
	if t.BodyGrace <= 0 {
		t.BodyGrace = DefaultBodyGrace
	}
	if t.BodyMinRate <= 0 {
		t.BodyMinRate = DefaultBodyMinRate
	}
	if t.Write <= 0 {
		t.Write = DefaultWriteTimeout
	}
	if t.Idle <= 0 {
		t.Idle = DefaultIdleTimeout
	}
	return t
}

// budgets are the memory shares a Server hands out.
type budgets struct {
	body int64 // request bodies held at once
	call int64 // one call's work
}

// memoryBudgets derives the body and per-call budgets from the memory
// limit: bodies get an eighth, and the rest is shared by the calls that may
// run at once (a fan-out's borrowed slots included, since they count as
// running). Without a limit, bodies get 16 MaxBody and a call the default.
func memoryBudgets(cfg Config, maxBody int64, maxRunning int) budgets {
	limit := cfg.MemoryLimit
	if limit <= 0 {
		limit = debug.SetMemoryLimit(-1)
	}
	unlimited := limit <= 0 || limit == math.MaxInt64
	b := budgets{body: cfg.BodyMemory, call: cfg.CallMemory}
	if b.body <= 0 {
		b.body = 16 * maxBody
		if !unlimited {
			b.body = max(min(limit/8, 1<<30), 4*maxBody)
		}
	}
	if b.call <= 0 {
		b.call = catalog.DefaultMemoryBudget
		if !unlimited {
			share := (limit - b.body) / int64(maxRunning)
			b.call = min(max(share, 64<<20), catalog.DefaultMemoryBudget)
		}
	}
	return b
}
