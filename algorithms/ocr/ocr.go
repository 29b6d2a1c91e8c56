// Package ocr holds the built-in OCR algorithms (owner "ocr").
package ocr

import (
	"encoding/base64"

	"pipette/algorithms"
)

// All returns every algorithm of this package, one constructor per file.
func All() []algorithms.Algorithm {
	return []algorithms.Algorithm{ExtractText()}
}

// base64Std is how samples carry their images inside JSON, as on the wire.
func base64Std(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
