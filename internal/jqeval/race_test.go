//go:build race

package jqeval

// raceEnabled: under -race a growing program allocates ten times slower,
// so the growth patterns that end at the memory limit in seconds run into
// the time limit instead; only the one-step ones are tried.
const raceEnabled = true
