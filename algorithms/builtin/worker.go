package builtin

import "pipette/algorithms/workers"

// A process started as an algorithm worker (pipette serve runs CPU-heavy
// image calls in them) serves calls with the built-in algorithms and exits,
// before main: any binary that links this package can be one, and only
// those start workers.
func init() { workers.ServeFrom(New) }
