package cv

import (
	"image"
	"image/color"
)

// rgbReader returns a function that reads the 8-bit RGB value of a pixel,
// with fast paths for the types the decoders produce. Values match drawing
// the image onto an RGBA canvas (alpha premultiplied, so transparency reads
// as black, like the zero padding around it).
func rgbReader(img image.Image) func(x, y int) (r, g, b float32) {
	switch m := img.(type) {
	case *image.RGBA:
		return func(x, y int) (float32, float32, float32) {
			i := m.PixOffset(x, y)
			return float32(m.Pix[i]), float32(m.Pix[i+1]), float32(m.Pix[i+2])
		}
	case *image.Gray:
		return func(x, y int) (float32, float32, float32) {
			v := float32(m.Pix[m.PixOffset(x, y)])
			return v, v, v
		}
	case *image.YCbCr:
		return func(x, y int) (float32, float32, float32) {
			c := m.YCbCrAt(x, y)
			r, g, b := color.YCbCrToRGB(c.Y, c.Cb, c.Cr)
			return float32(r), float32(g), float32(b)
		}
	}
	return func(x, y int) (float32, float32, float32) {
		r, g, b, _ := img.At(x, y).RGBA()
		return float32(r >> 8), float32(g >> 8), float32(b >> 8)
	}
}

// squareInput builds a network input the way face-api.js does from an image
// tensor: the region src of img is placed at (ox, oy) in a side×side square
// of zeros, the square is resized to size×size with tf.image.resizeBilinear
// (alignCorners=false, halfPixelCenters=false: source = destination ×
// side/size, no half-pixel shift), then mean is subtracted and the result
// divided by 255. Matching this exactly matters: a generic bilinear scaler
// moves boxes by pixels and can flip an expression. The padded square is
// never materialised, so a large photo costs only the samples taken.
func squareInput(img image.Image, src image.Rectangle, side, ox, oy, size int, mean [3]float32) tensor {
	at := rgbReader(img)
	w, h := src.Dx(), src.Dy()
	pixel := func(sx, sy int) (float64, float64, float64) {
		px, py := sx-ox, sy-oy
		if px < 0 || py < 0 || px >= w || py >= h {
			return 0, 0, 0
		}
		r, g, b := at(src.Min.X+px, src.Min.Y+py)
		return float64(r), float64(g), float64(b)
	}
	t := newTensor(size, size, 3)
	ratio := float64(side) / float64(size)
	for y := range size {
		fy := ratio * float64(y)
		y0 := int(fy)
		y1 := min(y0+1, side-1)
		dy := fy - float64(y0)
		for x := range size {
			fx := ratio * float64(x)
			x0 := int(fx)
			x1 := min(x0+1, side-1)
			dx := fx - float64(x0)
			r00, g00, b00 := pixel(x0, y0)
			r01, g01, b01 := pixel(x1, y0)
			r10, g10, b10 := pixel(x0, y1)
			r11, g11, b11 := pixel(x1, y1)
			o := t.data[(y*size+x)*3 : (y*size+x)*3+3]
			o[0] = (lerp2(r00, r01, r10, r11, dx, dy) - mean[0]) / 255
			o[1] = (lerp2(g00, g01, g10, g11, dx, dy) - mean[1]) / 255
			o[2] = (lerp2(b00, b01, b10, b11, dx, dy) - mean[2]) / 255
		}
	}
	return t
}

// lerp2 interpolates as tfjs's CPU kernel does, in double precision, and
// rounds to float32 where tfjs stores the resized tensor.
func lerp2(tl, tr, bl, br, dx, dy float64) float32 {
	top := tl + (tr-tl)*dx
	bottom := bl + (br-bl)*dx
	return float32(top + (bottom-top)*dy)
}
