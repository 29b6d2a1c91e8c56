package catalog

import "context"

// DefaultMemoryBudget is what one call may hold in memory at once when the
// host sets no budget of its own: enough for every operation on an image
// within the default pixel limit, far below what would take a machine down.
const DefaultMemoryBudget int64 = 1 << 30

type memoryBudgetKey struct{}

// WithMemoryBudget returns a context whose calls may hold at most n bytes at
// once. Algorithms check what they are about to allocate against it (an
// image they would decode, resize or draw, a table they would build) and
// answer TooLargeError before allocating; hosts that admit calls under a
// process memory limit give each call its share. n <= 0 means the default.
func WithMemoryBudget(ctx context.Context, n int64) context.Context {
	return context.WithValue(ctx, memoryBudgetKey{}, n)
}

// MemoryBudget is the budget WithMemoryBudget set on ctx, or
// DefaultMemoryBudget.
func MemoryBudget(ctx context.Context) int64 {
	if ctx != nil {
		if n, ok := ctx.Value(memoryBudgetKey{}).(int64); ok && n > 0 {
			return n
		}
	}
	return DefaultMemoryBudget
}
