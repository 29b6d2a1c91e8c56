//go:build !race

package algotest

// Race is whether the race detector is on (see race.go).
const Race = false
