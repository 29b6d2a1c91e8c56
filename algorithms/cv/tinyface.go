package cv

import (
	"context"
	"fmt"
	"image"
	"math"
	"slices"
)

// tinyFaceDetector is face-api.js's TinyFaceDetector: Tiny YOLOv2 with
// depthwise-separable convolutions, one class (face) and five anchors.
type tinyFaceDetector struct {
	conv0 convLayer         // 3×3, 3→16, "valid"
	convs [5]separableLayer // 16→32→64→128→256→512, each after a max pool
	head  convLayer         // 1×1, 512→5 anchors × (x, y, w, h, score)
}

// The detector's constants, from face-api.js (TinyFaceDetector config).
var (
	detectorMean = [3]float32{117.001, 114.697, 97.404}
	// anchors are box sizes in grid cells (width, height).
	detectorAnchors = [5][2]float64{
		{1.603231, 2.094468}, {6.041143, 7.080126}, {2.882459, 3.518061},
		{4.266906, 5.178857}, {9.041765, 10.66308},
	}
)

const (
	detectorIoU   = 0.4 // non-maximum suppression threshold
	anchorEncoded = 5   // x, y, w, h, score per anchor
)

func newTinyFaceDetector(w *weightMap) (*tinyFaceDetector, error) {
	d := &tinyFaceDetector{}
	var err error
	if d.conv0, err = w.conv("conv0/", 3, 3, 16, 1, false, leaky); err != nil {
		return nil, err
	}
	channels := []int{16, 32, 64, 128, 256, 512}
	for i := range d.convs {
		name := fmt.Sprintf("conv%d/", i+1)
		cin, cout := channels[i], channels[i+1]
		if d.convs[i], err = w.separable(name, cin, cout, 1, leaky); err != nil {
			return nil, err
		}
	}
	if d.head, err = w.conv("conv8/", 1, 512, len(detectorAnchors)*anchorEncoded, 1, false, linear); err != nil {
		return nil, err
	}
	return d, nil
}

// faceBox is a detection in image pixels relative to the image's top-left
// corner, not yet rounded or clipped (the expression crop uses the exact
// values, as face-api.js does).
type faceBox struct {
	x0, y0, x1, y1 float64
	score          float64
}

func (b faceBox) area() float64 { return max(b.x1-b.x0, 0) * max(b.y1-b.y0, 0) }

// detect finds faces in img with the network at inputSize×inputSize (a
// multiple of 32), keeping those scoring above minScore, best first.
func (d *tinyFaceDetector) detect(ctx context.Context, img image.Image, inputSize int, minScore float64) ([]faceBox, error) {
	bounds := img.Bounds()
	w, h := bounds.Dx(), bounds.Dy()
	side := max(w, h)
	// The image sits in the top-left corner of a black square.
	x := squareInput(img, bounds, side, 0, 0, inputSize, detectorMean)
	// conv0, pool, conv1, pool … conv4, pool, conv5, pool (stride 1), head;
	// each stride-2 pool is fused into the convolution before it.
	x = forwardPooled(&d.conv0, x)
	for i := range d.convs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if i < len(d.convs)-1 {
			x = forwardPooled(&d.convs[i], x)
		} else {
			x = forward(&d.convs[i], x)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	x = maxPool2(x, 1)
	out := forward(&d.head, x)

	// YOLO decoding, relative to the resized image inside the square: its
	// size is rounded as face-api.js rounds it, so boxes land where tfjs puts them.
	scale := float64(inputSize) / float64(side)
	// A sliver of an image (1×1000) would round to zero: keep one pixel.
	fx := float64(inputSize) / max(math.Round(float64(w)*scale), 1)
	fy := float64(inputSize) / max(math.Round(float64(h)*scale), 1)
	cells := out.h
	var found []faceBox
	for row := range cells {
		for col := range cells {
			cell := out.data[(row*cells+col)*out.c:]
			for a, anchor := range detectorAnchors {
				v := cell[a*anchorEncoded : (a+1)*anchorEncoded]
				score := sigmoid(float64(v[4]))
				if score <= minScore {
					continue
				}
				cx := (float64(col) + sigmoid(float64(v[0]))) / float64(cells) * fx
				cy := (float64(row) + sigmoid(float64(v[1]))) / float64(cells) * fy
				bw := math.Exp(float64(v[2])) * anchor[0] / float64(cells) * fx
				bh := math.Exp(float64(v[3])) * anchor[1] / float64(cells) * fy
				found = append(found, faceBox{
					x0:    (cx - bw/2) * float64(w),
					y0:    (cy - bh/2) * float64(h),
					x1:    (cx + bw/2) * float64(w),
					y1:    (cy + bh/2) * float64(h),
					score: score,
				})
			}
		}
	}
	return nonMaxSuppression(found, detectorIoU), nil
}

// nonMaxSuppression keeps the best-scoring box of every group of boxes that
// overlap by more than iou (intersection over union), best first.
func nonMaxSuppression(boxes []faceBox, iou float64) []faceBox {
	slices.SortStableFunc(boxes, func(a, b faceBox) int {
		switch {
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		}
		return 0
	})
	var kept []faceBox
	for _, b := range boxes {
		overlaps := false
		for _, k := range kept {
			if intersectionOverUnion(b, k) > iou {
				overlaps = true
				break
			}
		}
		if !overlaps {
			kept = append(kept, b)
		}
	}
	return kept
}

func intersectionOverUnion(a, b faceBox) float64 {
	iw := min(a.x1, b.x1) - max(a.x0, b.x0)
	ih := min(a.y1, b.y1) - max(a.y0, b.y0)
	if iw <= 0 || ih <= 0 {
		return 0
	}
	inter := iw * ih
	return inter / (a.area() + b.area() - inter)
}
