package server

import (
	"log/slog"
	"math"
	"os"
	"runtime/debug"

	"github.com/KimMachineGun/automemlimit/memlimit"
)

// Headroom left between what the process may hold and what it is given:
// a container's limit is a hard wall (the kernel kills at it), so the Go
// runtime aims a tenth below it; the machine's RAM is shared with other
// programs, so only three quarters of it.
const (
	cgroupShare = 0.9
	ramShare    = 0.75
)

// MemoryLimit is the memory limit SetMemoryLimit chose and where it came
// from: "GOMEMLIMIT", "cgroup", "RAM", or "none".
type MemoryLimit struct {
	Bytes  int64
	Source string
}

// SetMemoryLimit sets the Go runtime's memory limit for a server process
// (the garbage collector works harder as the heap nears it) and logs what it
// chose: GOMEMLIMIT when the user set it, otherwise nine tenths of the
// cgroup's limit (v2 memory.max, v1 memory.limit_in_bytes), otherwise three
// quarters of the machine's RAM. The per-call and body budgets are shares
// of it (Config.MemoryLimit).
func SetMemoryLimit(log *slog.Logger) MemoryLimit {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ml := chooseMemoryLimit(os.Getenv("GOMEMLIMIT"), memlimit.FromCgroup, memlimit.FromSystem)
	if ml.Source != "GOMEMLIMIT" && ml.Source != "none" {
		debug.SetMemoryLimit(ml.Bytes)
	}
	log.Info("memory limit", "bytes", ml.Bytes, "MiB", ml.Bytes>>20, "source", ml.Source)
	return ml
}

// chooseMemoryLimit is SetMemoryLimit's choice, with its sources passed in
// for tests.
func chooseMemoryLimit(env string, cgroup, ram func() (uint64, error)) MemoryLimit {
	if env != "" {
		// The runtime read GOMEMLIMIT at start; a malformed value made it
		// exit before main, so what is in force is what the user said.
		return MemoryLimit{Bytes: debug.SetMemoryLimit(-1), Source: "GOMEMLIMIT"}
	}
	if n, err := cgroup(); err == nil && n > 0 && n < math.MaxInt64 {
		return MemoryLimit{Bytes: int64(float64(n) * cgroupShare), Source: "cgroup"}
	}
	if n, err := ram(); err == nil && n > 0 && n < math.MaxInt64 {
		return MemoryLimit{Bytes: int64(float64(n) * ramShare), Source: "RAM"}
	}
	return MemoryLimit{Bytes: math.MaxInt64, Source: "none"}
}
