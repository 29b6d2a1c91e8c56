package imagein

import (
	"context"
	"fmt"
	"image"
	"image/color"

	"pipette/algorithms"
	"pipette/catalog"
	"pipette/internal/human"
)

// PixelFormat is how an image's pixels sit in memory once decoded or
// allocated: what its size in bytes follows from.
type PixelFormat struct {
	Name string // "16-bit RGBA", for sentences
	Bits int64  // per pixel, averaged over the planes (YCbCr 4:2:0 is 12)
}

// The formats the decoders and the image libraries produce.
var (
	Gray8      = PixelFormat{"8-bit grey", 8}
	Gray16     = PixelFormat{"16-bit grey", 16}
	Paletted   = PixelFormat{"paletted", 8}
	RGBA8      = PixelFormat{"8-bit RGBA", 32} // image.RGBA and image.NRGBA: what imaging and gg draw into
	RGBA16     = PixelFormat{"16-bit RGBA", 64}
	CMYK       = PixelFormat{"CMYK", 32}
	YCbCr444   = PixelFormat{"YCbCr", 24}
	YCbCr420   = PixelFormat{"YCbCr 4:2:0", 12}
	NYCbCrA420 = PixelFormat{"YCbCr 4:2:0 with alpha", 20}
)

// FormatOf is the in-memory format of images of colour model m. A YCbCr
// model says nothing of its subsampling, so it counts as 4:4:4, the largest.
func FormatOf(m color.Model) PixelFormat {
	switch m {
	case color.GrayModel, color.AlphaModel:
		return Gray8
	case color.Gray16Model, color.Alpha16Model:
		return Gray16
	case color.RGBA64Model, color.NRGBA64Model:
		return RGBA16
	case color.YCbCrModel:
		return YCbCr444
	case color.NYCbCrAModel:
		return PixelFormat{"YCbCr with alpha", 32}
	case color.CMYKModel:
		return CMYK
	}
	if _, ok := m.(color.Palette); ok {
		return Paletted
	}
	return RGBA8
}

// FormatOfImage is the in-memory format of img, from its type.
func FormatOfImage(img image.Image) PixelFormat {
	switch m := img.(type) {
	case *image.YCbCr:
		switch m.SubsampleRatio {
		case image.YCbCrSubsampleRatio420:
			return YCbCr420
		case image.YCbCrSubsampleRatio422, image.YCbCrSubsampleRatio440:
			return PixelFormat{"YCbCr 4:2:2", 16}
		case image.YCbCrSubsampleRatio411, image.YCbCrSubsampleRatio410:
			return PixelFormat{"YCbCr 4:1:1", 12}
		}
		return YCbCr444
	case *image.Paletted:
		return Paletted
	}
	return FormatOf(img.ColorModel())
}

// ImageBytes is the memory a w×h image in format f takes, saturating at
// math.MaxInt64 rather than overflowing; 0 when a side is not positive.
func ImageBytes(w, h int, f PixelFormat) int64 {
	return algorithms.SatMul(algorithms.SatMul(int64(w), int64(h)), f.Bits) / 8
}

// MaxImageBytes is the largest image a call may hold, decoded or made: the
// pixel limit's worth of 8-bit RGBA (160 MB at the default 40 megapixels),
// so that a 16-bit image may have half as many pixels, and a YCbCr JPEG
// (1.5–3 bytes a pixel) is limited by its pixels alone.
func MaxImageBytes() int64 {
	return ImageBytes(CurrentPolicy().MaxPixels, 1, RGBA8)
}

// CheckImage is the size check for every image a call is about to decode or
// allocate, from user numbers or a file's header: what ("the image",
// "operation 2 (resize)'s result") is w×h pixels in format f. It returns the
// bytes that image takes, or refuses with one sentence: an InputError for a
// side that is not positive, a TooLargeError when the pixels are over the
// pixel limit, the bytes over MaxImageBytes or over the call's memory
// budget. All arithmetic saturates, so 2^31, 2^32 and 2^63 are refused as
// what they are.
func CheckImage(ctx context.Context, what string, w, h int, f PixelFormat) (int64, error) {
	if w <= 0 || h <= 0 {
		return 0, catalog.InputErrorf("%s has no pixels (%d×%d)", what, w, h)
	}
	p := CurrentPolicy()
	pixels := algorithms.SatMul(int64(w), int64(h))
	if pixels > int64(p.MaxPixels) {
		return 0, catalog.Errorf(catalog.TooLargeError, "%s is %d×%d (%s megapixels), over the limit of %.1f megapixels: scale it down first",
			what, w, h, megapixels(w, h), float64(p.MaxPixels)/1e6)
	}
	n := ImageBytes(w, h, f)
	if limit := MaxImageBytes(); n > limit {
		return 0, catalog.Errorf(catalog.TooLargeError, "%s is %d×%d in %s, %s in memory, over the limit of %s (%.1f megapixels of 8-bit RGBA): scale it down or save it with 8 bits per channel",
			what, w, h, f.Name, human.Bytes(n), human.Bytes(limit), float64(p.MaxPixels)/1e6)
	}
	if err := algorithms.CheckMemory(ctx, fmt.Sprintf("%s (%d×%d, %s)", what, w, h, f.Name), n, "scale it down first"); err != nil {
		return 0, err
	}
	return n, nil
}

func megapixels(w, h int) string {
	return fmt.Sprintf("%.1f", float64(w)*float64(h)/1e6)
}
