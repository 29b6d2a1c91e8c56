// Package util holds the built-in utility algorithms (owner "util").
package util

import "pipette/algorithms"

// All returns every algorithm of this package, one constructor per file.
func All() []algorithms.Algorithm {
	return []algorithms.Algorithm{
		Transform(),
		QRCode(),
		Upload(),
	}
}
