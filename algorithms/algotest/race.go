//go:build race

package algotest

// Race is whether the race detector is on: tests that decode tens of
// megapixels skip under it, where each costs minutes and gigabytes of
// shadow memory, and the plain run checks them.
const Race = true
