//go:build !race

package jqeval

const raceEnabled = false
