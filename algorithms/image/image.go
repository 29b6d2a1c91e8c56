// Package image holds the built-in image algorithms (owner "image").
package image

import (
	"encoding/base64"

	"pipette/algorithms"
)

// All returns every algorithm of this package, one constructor per file.
func All() []algorithms.Algorithm {
	return []algorithms.Algorithm{OverlayText(), Transform(), DominantColors(), PerceptualHash(), Metadata(), DrawBoxes()}
}

// encodeB64 is how samples carry their images inside JSON, as on the wire.
func encodeB64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
