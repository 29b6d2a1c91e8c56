package server

import (
	"errors"
	"math"
	"runtime/debug"
	"testing"
)

func TestChooseMemoryLimit(t *testing.T) {
	t.Parallel()
	const gib = 1 << 30
	fixed := func(n uint64, err error) func() (uint64, error) { return func() (uint64, error) { return n, err } }
	none := errors.New("no limit")
	tests := []struct {
		name       string
		env        string
		cgroup     func() (uint64, error)
		ram        func() (uint64, error)
		wantBytes  int64
		wantSource string
	}{
		{"the user's GOMEMLIMIT wins", "123MiB", fixed(4*gib, nil), fixed(16*gib, nil), debug.SetMemoryLimit(-1), "GOMEMLIMIT"},
		{"a cgroup limit, with a tenth of headroom", "", fixed(4*gib, nil), fixed(16*gib, nil), 4 * gib * 9 / 10, "cgroup"},
		{"no cgroup: three quarters of RAM", "", fixed(0, none), fixed(16*gib, nil), 12 * gib, "RAM"},
		{"an unlimited cgroup is no limit", "", fixed(math.MaxUint64, nil), fixed(8*gib, nil), 6 * gib, "RAM"},
		{"nothing known", "", fixed(0, none), fixed(0, none), math.MaxInt64, "none"},
	}
	for _, tc := range tests {
		got := chooseMemoryLimit(tc.env, tc.cgroup, tc.ram)
		if got.Bytes != tc.wantBytes || got.Source != tc.wantSource {
			t.Errorf("%s: got %+v, want %d from %s", tc.name, got, tc.wantBytes, tc.wantSource)
		}
	}
}

func TestMemoryBudgets(t *testing.T) {
	t.Parallel()
	const mib = 1 << 20
	tests := []struct {
		name     string
		cfg      Config
		running  int
		wantBody int64
		wantCall int64
	}{
		{"a 4 GiB limit, 8 slots", Config{MemoryLimit: 4096 * mib}, 8, 512 * mib, 448 * mib},
		{"a small limit: at least 4 bodies and 64 MiB a call", Config{MemoryLimit: 256 * mib}, 16, 40 * mib, 64 * mib},
		{"a large limit: at most 1 GiB of bodies, 1 GiB a call", Config{MemoryLimit: 64 << 30}, 4, 1 << 30, 1 << 30},
		{"no limit", Config{MemoryLimit: math.MaxInt64}, 8, 160 * mib, 1 << 30},
		{"set by hand", Config{MemoryLimit: 4096 * mib, BodyMemory: 7, CallMemory: 9}, 8, 7, 9},
	}
	for _, tc := range tests {
		got := memoryBudgets(tc.cfg, 10*mib, tc.running)
		if got.body != tc.wantBody || got.call != tc.wantCall {
			t.Errorf("%s: body %d MiB, call %d MiB; want %d, %d", tc.name, got.body/mib, got.call/mib, tc.wantBody/mib, tc.wantCall/mib)
		}
	}
}
