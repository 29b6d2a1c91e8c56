// Package stats holds the built-in statistics algorithms (owner "stats").
package stats

import "pipette/algorithms"

// All returns every algorithm of this package, one constructor per file.
func All() []algorithms.Algorithm {
	return []algorithms.Algorithm{
		TimeSeries(),
	}
}
