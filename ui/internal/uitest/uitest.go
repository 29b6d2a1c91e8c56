// Package uitest makes the values the UI's tests and benchmarks show.
package uitest

import (
	"fmt"

	"bytes"
	"image"
	"image/color"
	"image/png"
	"pipette/catalog"
)

// Gradient is a w×h PNG, red along x, green along y.
func Gradient(w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{R: uint8(x * 240 / max(1, w-1)), G: uint8(y * 240 / max(1, h-1)), B: 200, A: 255})
		}
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	return b.Bytes()
}

// BigJSON is a result of a few thousand lines, as a large model answer.
func BigJSON() catalog.Value {
	rows := make([]any, 2000)
	for i := range rows {
		rows[i] = map[string]any{"id": i, "label": fmt.Sprintf("item %d", i), "score": float64(i) / 7, "ok": i%2 == 0}
	}
	return catalog.JSON(map[string]any{"rows": rows})
}
