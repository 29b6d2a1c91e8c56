// Package image holds the built-in image algorithms (owner "image").
package image

import "pipette/algorithms"

// All returns every algorithm of this package, one constructor per file.
func All() []algorithms.Algorithm {
	return []algorithms.Algorithm{OverlayText(), Transform(), DominantColors(), PerceptualHash(), Metadata()}
}
