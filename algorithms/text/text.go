// Package text holds the built-in text-search algorithms (owner "text").
package text

import "pipette/algorithms"

// All returns every algorithm of this package, one constructor per file.
func All() []algorithms.Algorithm {
	return []algorithms.Algorithm{
		Search(),
	}
}
