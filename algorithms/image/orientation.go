package image

import (
	"bytes"
	"image"

	"github.com/disintegration/imaging"
	"github.com/rwcarlsen/goexif/exif"
)

// exifOrientation is the EXIF orientation (1–8) of a JPEG or TIFF, or 1 when
// there is none or it cannot be read: an unreadable tag must not fail a
// resize.
func exifOrientation(data []byte, format string) (o int) {
	if format != "jpeg" && format != "tiff" {
		return 1
	}
	defer func() {
		if recover() != nil {
			o = 1
		}
	}()
	x, err := exif.Decode(bytes.NewReader(data))
	if x == nil || (err != nil && exif.IsCriticalError(err)) {
		return 1
	}
	t, err := x.Get(exif.Orientation)
	if err != nil {
		return 1
	}
	v, err := t.Int(0)
	if err != nil || v < 1 || v > 8 {
		return 1
	}
	return v
}

// upright applies an EXIF orientation, so that the pixels are the way a
// viewer shows the photo. Phones store portrait shots sideways with
// orientation 6; once re-encoded without EXIF, such a copy would show
// sideways everywhere.
func upright(img image.Image, orientation int) image.Image {
	switch orientation {
	case 2:
		return imaging.FlipH(img)
	case 3:
		return imaging.Rotate180(img)
	case 4:
		return imaging.FlipV(img)
	case 5:
		return imaging.Transpose(img)
	case 6:
		return imaging.Rotate270(img)
	case 7:
		return imaging.Transverse(img)
	case 8:
		return imaging.Rotate90(img)
	}
	return img
}
