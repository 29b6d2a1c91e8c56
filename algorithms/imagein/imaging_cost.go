package imagein

import (
	"math"
	"runtime"

	"pipette/algorithms"
)

// What the operations of github.com/disintegration/imaging hold besides
// their source, mirrored from its code so that a call can refuse an
// operation before it runs. Every result is NRGBA (4 bytes a pixel); the
// work is split over GOMAXPROCS goroutines, each with buffers of one row or
// column; and a resize keeps weight tables whose size follows the source
// over the destination, so scaling a 40-million-pixel-wide strip down to a
// few pixels needs gigabytes of them although both images are small.

// NRGBABytes is the size of an imaging result of w×h.
func NRGBABytes(w, h int) int64 { return ImageBytes(w, h, RGBA8) }

// perWorker is bytes of scratch that each of imaging's goroutines holds.
func perWorker(bytes int64) int64 {
	return algorithms.SatMul(bytes, int64(runtime.GOMAXPROCS(0)))
}

// resizeWeights is imaging's precomputeWeights(dst, src, filter): per
// destination pixel, the source pixels under the filter's support scaled
// by the shrink factor, 16 bytes each, reserved twice over.
func resizeWeights(dst, src int, support float64) int64 {
	scale := math.Max(1, float64(src)/float64(dst))
	ru := algorithms.SatInt(math.Ceil(scale * support))
	perDst := algorithms.SatMul(algorithms.SatAdd(int64(ru), 2), 32)
	return algorithms.SatAdd(algorithms.SatMul(int64(dst), perDst), algorithms.SatMul(int64(dst), 24))
}

// ResizeBytes is what imaging.Resize holds besides its source when it
// scales a srcW×srcH image to dstW×dstH (both positive, as they are after
// the aspect-ratio arithmetic) with a filter of the given support (0 for
// nearest neighbour): the result, the intermediate between its horizontal
// and vertical passes, the weight tables and the row buffers.
func ResizeBytes(srcW, srcH, dstW, dstH int, support float64) int64 {
	out := NRGBABytes(dstW, dstH)
	switch {
	case support <= 0:
		// Nearest neighbour reads the source directly, or converts it to
		// NRGBA first when enlarging.
		return algorithms.SatAdd(out, NRGBABytes(srcW, srcH))
	case srcW == dstW && srcH == dstH:
		return out // a clone
	}
	var total int64
	if srcW != dstW {
		total = algorithms.SatAdd(total, resizeWeights(dstW, srcW, support), perWorker(algorithms.SatMul(int64(srcW), 4)))
		if srcH != dstH {
			total = algorithms.SatAdd(total, NRGBABytes(dstW, srcH)) // the horizontal pass's result
		}
	}
	if srcH != dstH {
		total = algorithms.SatAdd(total, resizeWeights(dstH, srcH, support), perWorker(algorithms.SatMul(int64(srcH), 4)))
	}
	return algorithms.SatAdd(total, out)
}

// FitSize is the size imaging.Fit scales a w×h image to for a box of
// maxW×maxH (the same size when it already fits).
func FitSize(w, h, maxW, maxH int) (int, int) {
	if w <= maxW && h <= maxH {
		return w, h
	}
	src := float64(w) / float64(h)
	if src > float64(maxW)/float64(maxH) {
		return maxW, algorithms.SatInt(float64(maxW) / src)
	}
	return algorithms.SatInt(float64(maxH) * src), maxH
}

// FitBytes is what imaging.Fit holds besides its source.
func FitBytes(w, h, maxW, maxH int, support float64) int64 {
	fw, fh := FitSize(w, h, maxW, maxH)
	if fw == w && fh == h {
		return NRGBABytes(w, h)
	}
	return ResizeBytes(w, h, max(fw, 1), max(fh, 1), support)
}

// BlurBytes is what imaging.Blur holds besides its source: the results of
// its horizontal and vertical passes and their row and column buffers
// (bytes and float64s: 36 bytes a pixel of the row).
func BlurBytes(w, h int) int64 {
	return algorithms.SatAdd(algorithms.SatMul(NRGBABytes(w, h), 2),
		perWorker(algorithms.SatMul(int64(max(w, h)), 36)))
}

// SharpenBytes is what imaging.Sharpen holds: a blurred copy and the result.
func SharpenBytes(w, h int) int64 {
	return algorithms.SatAdd(BlurBytes(w, h), NRGBABytes(w, h))
}
