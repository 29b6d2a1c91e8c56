//go:build !race

package ui

// frameBudget is how long a key may take to be answered and drawn (see
// race_on_test.go).
const frameBudget = 50_000_000
