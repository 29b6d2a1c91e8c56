//go:build !race

package cv

const raceEnabled = false
