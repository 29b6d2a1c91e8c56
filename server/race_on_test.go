//go:build race

package server

// raceEnabled: the race detector makes the built-in models several times
// slower, so the round trip then tries one sample per algorithm.
const raceEnabled = true
