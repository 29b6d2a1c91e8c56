package catalog

import "context"

// DefaultMemoryBudget is the memory one call may use for its own work when
// the host set no budget on its context (pipette call, run and the TUI run
// one call at a time): 1 GiB.
const DefaultMemoryBudget int64 = 1 << 30

type memoryBudgetKey struct{}

// WithMemoryBudget marks ctx as a call that may allocate at most bytes for
// its own work (decoded images, intermediate results, jq values). A host that
// runs many calls at once (pipette serve) gives each a share of its memory
// limit, so that a call that would not fit is refused with a TooLargeError
// before it allocates rather than killing the process. A budget of 0 or less
// leaves ctx unchanged.
func WithMemoryBudget(ctx context.Context, bytes int64) context.Context {
	if bytes <= 0 {
		return ctx
	}
	return context.WithValue(ctx, memoryBudgetKey{}, bytes)
}

// MemoryBudget is the memory, in bytes, the call of ctx may use for its own
// work: what its host set with WithMemoryBudget, else DefaultMemoryBudget.
// Algorithms compare what an input will cost (with overflow-safe arithmetic)
// against it before allocating.
func MemoryBudget(ctx context.Context) int64 {
	if b, ok := ctx.Value(memoryBudgetKey{}).(int64); ok {
		return b
	}
	return DefaultMemoryBudget
}

// Slots is the part of a host's capacity that a call may borrow to run parts
// of itself at the same time, such as the elements of a chain's `each` step.
// A call always has the one slot it was admitted with; TryTake lends another
// only when one is free right now and nobody is waiting for it, so a fan-out
// never waits on capacity others hold (no deadlock, however deep chains nest)
// and all calls together never run more at once than the host allows.
type Slots interface {
	// TryTake lends a slot and returns the function that gives it back, or
	// reports false when none is free.
	TryTake() (release func(), ok bool)
}

type slotsKey struct{}

// WithSlots marks ctx as a call whose host bounds how much runs at once.
func WithSlots(ctx context.Context, s Slots) context.Context {
	return context.WithValue(ctx, slotsKey{}, s)
}

// SlotsOf returns the host's Slots for the call of ctx, or nil when the host
// sets no bound (a fan-out may then run as wide as it was told).
func SlotsOf(ctx context.Context) Slots {
	s, _ := ctx.Value(slotsKey{}).(Slots)
	return s
}
