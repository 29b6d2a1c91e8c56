package algotest

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"testing"
)

// GradientPNG is a w×h PNG, as base64, whose every pixel differs from its
// neighbours, so that filters and resamplers have work that shows.
func GradientPNG(t testing.TB, w, h int) string {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.SetNRGBA(x, y, color.NRGBA{R: uint8(x * 255 / w), G: uint8(y * 255 / h), B: uint8((x * y) % 256), A: 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(b.Bytes())
}

// Crafted PNGs for hostile-input tests: tiny files whose headers promise
// large or expensive images, built by hand since no encoder would write
// them cheaply.

// PNGHeader is a PNG of w×h in the given bit depth and colour type (2 RGB,
// 6 RGBA, 0 grey) that has a header and no pixel data: DecodeConfig reads
// it, decoding it fails — unless a size check refuses it first, which is
// what a test of that check wants to see.
func PNGHeader(w, h uint32, depth, colorType byte) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, depth, colorType, 0, 0, 0)
	writeChunk(&b, "IHDR", ihdr)
	return b.Bytes()
}

// StripPNG is a complete 8-bit grey PNG of w×h black pixels. The deflated
// rows of zeros compress about a thousandfold, so a 1×40000000 strip, within
// the pixel limit and a 40 KB file, stands for the images of extreme aspect
// ratio that make resizers build huge tables.
func StripPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	var idat bytes.Buffer
	zw := zlib.NewWriter(&idat)
	// Each row is filter byte 0 then w zero pixels: all zeros, written in
	// batches of rows rather than one call per row.
	batch := max(1, min(h, (1<<20)/(1+w)))
	rows := make([]byte, batch*(1+w))
	for left := h; left > 0; left -= batch {
		if _, err := zw.Write(rows[:min(left, batch)*(1+w)]); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	b.Write(PNGHeader(uint32(w), uint32(h), 8, 0))
	writeChunk(&b, "IDAT", idat.Bytes())
	writeChunk(&b, "IEND", nil)
	return b.Bytes()
}

func writeChunk(b *bytes.Buffer, typ string, data []byte) {
	_ = binary.Write(b, binary.BigEndian, uint32(len(data)))
	chunk := append([]byte(typ), data...)
	b.Write(chunk)
	_ = binary.Write(b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
}

// PNGHeaderWithPixel is a complete 1×1 8-bit RGB PNG: the smallest real
// image, for requests whose numbers, not their image, are the attack.
func PNGHeaderWithPixel() []byte {
	var idat bytes.Buffer
	zw := zlib.NewWriter(&idat)
	_, _ = zw.Write([]byte{0, 0xff, 0, 0})
	_ = zw.Close()
	var b bytes.Buffer
	b.Write(PNGHeader(1, 1, 8, 2))
	writeChunk(&b, "IDAT", idat.Bytes())
	writeChunk(&b, "IEND", nil)
	return b.Bytes()
}
