//go:build race

package ui

// frameBudget is how long a key may take to be answered and drawn. The
// race detector makes every frame about ten times slower (1-4 ms becomes
// 10-45 ms, with a 3 MB input or a tiny one alike), so under it the
// budget is ten frames of it; without it, 50 ms.
const frameBudget = 500_000_000
