package ocr

import (
	"context"
	"encoding/base64"
	"fmt"
	"testing"

	"pipette/algorithms/algotest"
	"pipette/catalog"
)

// An explicit "scale" is checked like every other size: the enlarged image
// must be within the pixel limit before it is made (and handed to
// Tesseract whole). Not parallel: Hostile measures the process's allocations.
func TestExtractTextHostileScale(t *testing.T) {
	needTesseract(t)
	img := base64.StdEncoding.EncodeToString(algotest.StripPNG(t, 4000, 4000))
	err := algotest.Hostile(t, ExtractText(), context.Background(), catalog.JSON(map[string]any{"image": img, "scale": 2.0}), 128<<20, catalog.TooLargeError)
	algotest.WantError(t, err, catalog.TooLargeError, "enlarged 2×", "8000×8000")
	for _, n := range algotest.HostileNumbers {
		t.Run(fmt.Sprintf("scale=%g", n), func(t *testing.T) {
			algotest.Hostile(t, ExtractText(), context.Background(), catalog.JSON(map[string]any{"image": img, "scale": n}), 128<<20, catalog.InputError, catalog.TooLargeError)
		})
		t.Run(fmt.Sprintf("psm=%g", n), func(t *testing.T) {
			algotest.Hostile(t, ExtractText(), context.Background(), catalog.JSON(map[string]any{"image": img, "psm": n}), 128<<20, catalog.InputError)
		})
	}
}
