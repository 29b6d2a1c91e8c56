package cv

import (
	"context"
	"embed"
	"fmt"
	"image"
	"math"
	"slices"
	"sync"

	"pipette/algorithms/cv/tfjs"
)

// NanoDet-g-416 as a TensorFlow.js graph model (weights/nanodet/README.md):
// Apache-2.0 network, MIT conversion, run by package tfjs.
//
//go:embed weights/nanodet/nanodet.json weights/nanodet/nanodet.bin
var nanodetFiles embed.FS

// The network's fixed geometry and NanoDet's own constants (its
// nanodet-g.yml and GFL head): BGR input normalised with ImageNet's mean
// and deviation, the photo fitted into the square keeping its aspect ratio,
// 11 distance bins per box side, boxes overlapping by more than 0.6 merged
// within a class.
const (
	nanodetSize   = 416
	nanodetBins   = 11
	nanodetIoU    = 0.6
	nanodetInput  = "input_1"
	nanodetLabels = 80
)

var (
	nanodetMean = [3]float32{103.53, 116.28, 123.675} // B, G, R
	nanodetStd  = [3]float32{57.375, 57.12, 58.395}
)

// nanodetLevel is one output scale: a grid of cells stride pixels apart,
// with the outputs holding its class scores and box-distance logits.
type nanodetLevel struct {
	stride         int
	scores, bounds string
}

var nanodetLevels = []nanodetLevel{
	{8, "Identity:0", "Identity_3:0"},
	{16, "Identity_1:0", "Identity_4:0"},
	{32, "Identity_2:0", "Identity_5:0"},
}

// cocoLabels are the 80 COCO classes in NanoDet's order (class_id is the
// index).
var cocoLabels = [nanodetLabels]string{
	"person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat",
	"traffic light", "fire hydrant", "stop sign", "parking meter", "bench", "bird", "cat", "dog",
	"horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe", "backpack", "umbrella",
	"handbag", "tie", "suitcase", "frisbee", "skis", "snowboard", "sports ball", "kite",
	"baseball bat", "baseball glove", "skateboard", "surfboard", "tennis racket", "bottle",
	"wine glass", "cup", "fork", "knife", "spoon", "bowl", "banana", "apple", "sandwich", "orange",
	"broccoli", "carrot", "hot dog", "pizza", "donut", "cake", "chair", "couch", "potted plant",
	"bed", "dining table", "toilet", "tv", "laptop", "mouse", "remote", "keyboard", "cell phone",
	"microwave", "oven", "toaster", "sink", "refrigerator", "book", "clock", "vase", "scissors",
	"teddy bear", "hair drier", "toothbrush",
}

// The compiled network is built once per process (loading and packing the
// weights take a few hundred milliseconds) and shared by every call: a
// tfjs.Program runs concurrently.
var (
	nanodetOnce sync.Once
	nanodetProg *tfjs.Program
	nanodetErr  error
)

func nanodetProgram() (*tfjs.Program, error) {
	nanodetOnce.Do(func() {
		nanodetProg, nanodetErr = loadNanodet()
	})
	return nanodetProg, nanodetErr
}

func loadNanodet() (*tfjs.Program, error) {
	modelJSON, err := nanodetFiles.ReadFile("weights/nanodet/nanodet.json")
	if err != nil {
		return nil, err
	}
	g, err := tfjs.Load(modelJSON, func(p string) ([]byte, error) {
		return nanodetFiles.ReadFile("weights/nanodet/" + p)
	})
	if err != nil {
		return nil, fmt.Errorf("nanodet: %w", err)
	}
	var outputs []string
	for _, l := range nanodetLevels {
		outputs = append(outputs, l.scores, l.bounds)
	}
	prog, err := g.Compile([]tfjs.Input{{Name: nanodetInput, Shape: []int{1, 3, nanodetSize, nanodetSize}}}, outputs)
	if err != nil {
		return nil, fmt.Errorf("nanodet: %w", err)
	}
	return prog, nil
}

// letterbox is how a photo sits in the network's square: scaled by
// size/side and centred (NanoDet's keep_ratio), with black around it.
type letterbox struct {
	side, ox, oy int // the square's side and the photo's offset in it, photo pixels
}

func newLetterbox(b image.Rectangle) letterbox {
	side := max(b.Dx(), b.Dy())
	return letterbox{side: side, ox: (side - b.Dx()) / 2, oy: (side - b.Dy()) / 2}
}

// toImage maps a coordinate of the network's input to the photo.
func (l letterbox) toImage(v float64, offset int) float64 {
	return v*float64(l.side)/nanodetSize - float64(offset)
}

// nanodetInputTensor is the network's input, NCHW, as the reference
// computes it with TensorFlow.js: the photo padded to its centred square,
// tf.image.resizeBilinear to 416×416 (no corner alignment, no half-pixel
// centres), channels reversed to BGR, minus the mean, over the deviation.
//
//go:norace
func nanodetInputTensor(img image.Image, l letterbox) []float32 {
	const size = nanodetSize
	at := rgbReader(img)
	b := img.Bounds()
	// Where each output row and column samples the square: the two source
	// lines and the weight of the second, computed once.
	type tap struct {
		lo, hi int
		frac   float64
	}
	taps := make([]tap, size)
	ratio := float64(l.side) / size
	for i := range taps {
		f := ratio * float64(i)
		lo := int(f)
		taps[i] = tap{lo: lo, hi: min(lo+1, l.side-1), frac: f - float64(lo)}
	}
	pixel := func(sx, sy int) [3]float64 {
		px, py := sx-l.ox, sy-l.oy
		if px < 0 || py < 0 || px >= b.Dx() || py >= b.Dy() {
			return [3]float64{}
		}
		r, g, bl := at(b.Min.X+px, b.Min.Y+py)
		return [3]float64{float64(r), float64(g), float64(bl)}
	}
	out := make([]float32, 3*size*size)
	for y, ty := range taps {
		for x, tx := range taps {
			tl, tr := pixel(tx.lo, ty.lo), pixel(tx.hi, ty.lo)
			bl, br := pixel(tx.lo, ty.hi), pixel(tx.hi, ty.hi)
			for c := range 3 {
				v := lerp2(tl[c], tr[c], bl[c], br[c], tx.frac, ty.frac)
				// Channel c of RGB is channel 2-c of BGR.
				bgr := 2 - c
				out[(bgr*size+y)*size+x] = (v - nanodetMean[bgr]) / nanodetStd[bgr]
			}
		}
	}
	return out
}

// detection is one object in the network's input coordinates.
type detection struct {
	box   faceBox // x0, y0, x1, y1 and score; faceBox's NMS and rounding fit
	class int
}

// detectObjects runs NanoDet on img and returns the objects scoring above
// minScore whose class keep allows, best first, at most limit of them, in
// image pixels.
func detectObjects(ctx context.Context, img image.Image, minScore float64, keep func(int) bool, limit int) ([]detection, error) {
	prog, err := nanodetProgram()
	if err != nil {
		return nil, err
	}
	l := newLetterbox(img.Bounds())
	outs, err := prog.Run(ctx, nanodetInputTensor(img, l))
	if err != nil {
		return nil, err
	}
	var found []detection
	for i, level := range nanodetLevels {
		found = append(found, decodeLevel(level.stride, outs[2*i].Float, outs[2*i+1].Float, minScore, keep)...)
	}
	found = suppressPerClass(found)
	if len(found) > limit {
		found = found[:limit]
	}
	for i := range found {
		b := &found[i].box
		b.x0, b.x1 = l.toImage(b.x0, l.ox), l.toImage(b.x1, l.ox)
		b.y0, b.y1 = l.toImage(b.y0, l.oy), l.toImage(b.y1, l.oy)
	}
	return found, nil
}

// decodeLevel reads one scale's outputs as NanoDet's GFL head does: a cell
// proposes every class it scores above minScore, with a box whose four
// sides lie at the expected distance (softmax over 11 bins × the stride)
// from the cell's centre, clamped to the input square.
func decodeLevel(stride int, scores, bounds []float32, minScore float64, keep func(int) bool) []detection {
	cols := nanodetSize / stride
	var found []detection
	for cell := range len(scores) / nanodetLabels {
		var dist [4]float64
		decoded := false
		for class, s := range scores[cell*nanodetLabels : (cell+1)*nanodetLabels] {
			if float64(s) <= minScore || !keep(class) {
				continue
			}
			if !decoded {
				dist = boxDistances(bounds[cell*4*nanodetBins:(cell+1)*4*nanodetBins], stride)
				decoded = true
			}
			cx := (float64(cell%cols) + 0.5) * float64(stride)
			cy := (float64(cell/cols) + 0.5) * float64(stride)
			clamp := func(v float64) float64 { return min(max(v, 0), nanodetSize) }
			found = append(found, detection{class: class, box: faceBox{
				x0: clamp(cx - dist[0]), y0: clamp(cy - dist[1]),
				x1: clamp(cx + dist[2]), y1: clamp(cy + dist[3]),
				score: float64(s),
			}})
		}
	}
	return found
}

// boxDistances turns 4×11 logits into the distances from a cell's centre
// to the box's left, top, right and bottom sides, in input pixels.
func boxDistances(logits []float32, stride int) [4]float64 {
	var d [4]float64
	for side := range 4 {
		bins := logits[side*nanodetBins : (side+1)*nanodetBins]
		peak := float64(slices.Max(bins))
		var sum, expected float64
		for i, v := range bins {
			e := math.Exp(float64(v) - peak)
			sum += e
			expected += float64(i) * e
		}
		d[side] = expected / sum * float64(stride)
	}
	return d
}

// suppressPerClass keeps, within each class, the best of every group of
// boxes overlapping by more than nanodetIoU, and returns all kept boxes
// best first.
func suppressPerClass(found []detection) []detection {
	byClass := map[int][]faceBox{}
	for _, d := range found {
		byClass[d.class] = append(byClass[d.class], d.box)
	}
	var kept []detection
	for class, boxes := range byClass {
		for _, b := range nonMaxSuppression(boxes, nanodetIoU) {
			kept = append(kept, detection{box: b, class: class})
		}
	}
	slices.SortStableFunc(kept, func(a, b detection) int {
		switch {
		case a.box.score > b.box.score:
			return -1
		case a.box.score < b.box.score:
			return 1
		}
		return a.class - b.class
	})
	return kept
}
