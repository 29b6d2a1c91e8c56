package imagein

import (
	"encoding/binary"
	"image"
	"image/color"

	"pipette/algorithms"
)

// decodeFootprint is what decoding data (of the given format, whose header
// reads cfg) will hold at its peak: the decoded image's format and bytes,
// and the decoder's own buffers on top of them. It reads only headers, so it
// costs nothing on a huge image; the figures follow the decoders of the Go
// standard library and golang.org/x/image.
func decodeFootprint(data []byte, format string, cfg image.Config) (PixelFormat, int64, int64) {
	w, h := cfg.Width, cfg.Height
	f := FormatOf(cfg.ColorModel)
	img := ImageBytes(w, h, f)
	switch format {
	case "png":
		// The decoder keeps the current and the previous row (the filters
		// read both): on a 40000000×1 strip, twice the image again. An
		// interlaced PNG also decodes its seven passes into images of their
		// own, then copies them into the final one.
		rows := algorithms.SatMul(ImageBytes(w, 1, f), 2)
		if len(data) > 28 && data[28] == 1 {
			return f, img, algorithms.SatAdd(img, rows)
		}
		return f, img, rows
	case "jpeg":
		if l, ok := readJPEGLayout(data); ok {
			return l.footprint(w, h)
		}
		return f, img, img // unreadable layout: assume the worst the decoder does, twice the image
	case "gif":
		return Paletted, ImageBytes(w, h, Paletted), 0
	case "tiff":
		// The decoder reads a whole strip or tile of raw samples before
		// converting it; one strip may hold the whole image.
		return f, img, img
	case "webp":
		switch cfg.ColorModel {
		case color.YCbCrModel: // lossy WebP is always 4:2:0
			f = YCbCr420
		case color.NYCbCrAModel:
			f = NYCbCrA420
		default: // lossless: ARGB words, then the NRGBA image
			return f, img, img
		}
		return f, ImageBytes(w, h, f), 0
	}
	return f, img, 0
}

// jpegLayout is what a JPEG's frame header says about decoding it.
type jpegLayout struct {
	progressive bool
	sampling    [][2]int // per component: horizontal, vertical factor
}

// footprint mirrors image/jpeg: each component is decoded into a plane of
// whole 8×8 blocks of its own sampling; a progressive JPEG also keeps every
// block's 64 int32 coefficients until the end (4 bytes a sample); a
// four-component (CMYK) JPEG is converted from its planes into a CMYK image.
func (l jpegLayout) footprint(w, h int) (PixelFormat, int64, int64) {
	hmax, vmax := 1, 1
	for _, s := range l.sampling {
		hmax, vmax = max(hmax, s[0]), max(vmax, s[1])
	}
	mxx := int64((w + 8*hmax - 1) / (8 * hmax))
	myy := int64((h + 8*vmax - 1) / (8 * vmax))
	var planes int64
	for _, s := range l.sampling {
		blocks := algorithms.SatMul(algorithms.SatMul(mxx, myy), int64(s[0]*s[1]))
		planes = algorithms.SatAdd(planes, algorithms.SatMul(blocks, 64))
	}
	var scratch int64
	if l.progressive {
		scratch = algorithms.SatMul(planes, 4)
	}
	switch len(l.sampling) {
	case 1:
		return Gray8, planes, scratch
	case 4:
		return CMYK, ImageBytes(w, h, CMYK), algorithms.SatAdd(scratch, planes)
	}
	f := YCbCr444
	pixels := algorithms.SatMul(int64(w), int64(h))
	if pixels > 0 && planes < algorithms.SatMul(pixels, 2) {
		f = YCbCr420
	} else if pixels > 0 && planes < algorithms.SatMul(pixels, 3) {
		f = PixelFormat{"YCbCr 4:2:2", 16}
	}
	return f, planes, scratch
}

// readJPEGLayout walks a JPEG's marker segments to its frame header (SOFn).
func readJPEGLayout(data []byte) (jpegLayout, bool) {
	if len(data) < 4 || data[0] != 0xff || data[1] != 0xd8 {
		return jpegLayout{}, false
	}
	for i := 2; i+4 <= len(data); {
		if data[i] != 0xff {
			return jpegLayout{}, false
		}
		marker := data[i+1]
		switch {
		case marker == 0xff: // fill byte
			i++
			continue
		case marker == 0x01 || marker >= 0xd0 && marker <= 0xd8:
			i += 2
			continue
		}
		n := int(binary.BigEndian.Uint16(data[i+2:]))
		seg := data[i+4 : min(len(data), i+2+n)]
		switch marker {
		case 0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf:
			if len(seg) < 6 {
				return jpegLayout{}, false
			}
			nc := int(seg[5])
			if nc < 1 || nc > 4 || len(seg) < 6+3*nc {
				return jpegLayout{}, false
			}
			l := jpegLayout{progressive: marker == 0xc2 || marker == 0xc6 || marker == 0xca || marker == 0xce}
			for c := range nc {
				hv := seg[6+3*c+1]
				l.sampling = append(l.sampling, [2]int{max(1, int(hv>>4)), max(1, int(hv&0x0f))})
			}
			return l, true
		case 0xd9, 0xda: // end of image, start of scan: no frame header before the data
			return jpegLayout{}, false
		}
		i += 2 + n
	}
	return jpegLayout{}, false
}
