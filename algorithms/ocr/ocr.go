// Package ocr holds the built-in OCR algorithms (owner "ocr").
package ocr

import "pipette/algorithms"

// All returns every algorithm of this package, one constructor per file.
func All() []algorithms.Algorithm {
	return []algorithms.Algorithm{ExtractText()}
}
