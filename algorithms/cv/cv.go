// Package cv holds the built-in computer-vision algorithms (owner "cv").
package cv

import "pipette/algorithms"

// All returns every algorithm of this package, one constructor per file.
func All() []algorithms.Algorithm {
	return []algorithms.Algorithm{}
}
