// Package testimage makes the small images the UI's tests preview.
package testimage

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
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
