//go:build race

package cv

// raceEnabled trims the sweeps that repeat a whole network run: under -race
// each detection costs about ten times as much, and the plain test run
// covers every case.
const raceEnabled = true
