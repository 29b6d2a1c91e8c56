package tfjs

import (
	"fmt"
	"math"
)

// maxPoolStep is MaxPool on NHWC data; window cells outside the input
// (SAME padding) are skipped, as in TensorFlow.
type maxPoolStep struct {
	x, y                   *value
	h, w, c, oh, ow        int
	kh, kw, sh, sw, top, l int
}

func (s *maxPoolStep) values() ([]*value, []*value) { return []*value{s.x}, []*value{s.y} }

func planMaxPool(p *planner, n *node) ([]*value, error) {
	x, err := p.floatInput(n, 0)
	if err != nil {
		return nil, err
	}
	if x, err = p.materialize(x); err != nil {
		return nil, err
	}
	format, err := n.attrs.str("data_format", "NHWC")
	if err != nil {
		return nil, err
	}
	ksize, strides := n.attrs.ints("ksize"), n.attrs.ints("strides")
	if len(x.shape) != 4 || format != "NHWC" || len(ksize) != 4 || len(strides) != 4 {
		return nil, fmt.Errorf("node %s (MaxPool): wants NHWC rank-4 input, ksize and strides, got %v %s %v %v", n.name, x.shape, format, ksize, strides)
	}
	s := &maxPoolStep{x: x, h: x.shape[1], w: x.shape[2], c: x.shape[3], kh: ksize[1], kw: ksize[2], sh: strides[1], sw: strides[2]}
	if min(s.kh, s.kw, s.sh, s.sw) < 1 || max(s.kh, s.kw, s.sh, s.sw) > 1<<16 {
		return nil, fmt.Errorf("node %s (MaxPool): window %v strides %v", n.name, ksize, strides)
	}
	padding, err := n.attrs.str("padding", "VALID")
	if err != nil {
		return nil, err
	}
	var pads [4]int // from a -inf PadV2 that fuse folded in
	if n.fused != nil {
		pads = n.fused.pads
	}
	switch padding {
	case "VALID":
		h, w := s.h+pads[0]+pads[1], s.w+pads[2]+pads[3]
		if h < s.kh || w < s.kw {
			return nil, fmt.Errorf("node %s (MaxPool): a %dx%d window does not fit %v", n.name, s.kh, s.kw, x.shape)
		}
		s.oh, s.ow = (h-s.kh)/s.sh+1, (w-s.kw)/s.sw+1
		s.top, s.l = pads[0], pads[2]
	case "SAME":
		s.oh, s.ow = (s.h+s.sh-1)/s.sh, (s.w+s.sw-1)/s.sw
		s.top = max(0, (s.oh-1)*s.sh+s.kh-s.h) / 2
		s.l = max(0, (s.ow-1)*s.sw+s.kw-s.w) / 2
	default:
		return nil, fmt.Errorf("node %s (MaxPool): padding %q is not supported", n.name, padding)
	}
	if s.y, err = p.newValue([]int{x.shape[0], s.oh, s.ow, s.c}); err != nil {
		return nil, err
	}
	p.add(s)
	return []*value{s.y}, nil
}

func (s *maxPoolStep) run(e *exec) {
	x, y := e.data(s.x), e.data(s.y)
	rows := s.x.shape[0] * s.oh
	e.parallel(rows, 1, func(_, lo, hi int) {
		for r := lo; r < hi; r++ {
			s.row(x, y, r/s.oh, r%s.oh)
		}
	})
}

//go:norace
func (s *maxPoolStep) row(x, y []float32, b, oy int) {
	c := s.c
	// Only the window cells inside the input: a huge window over a small
	// input costs what the input holds, not what the window spans.
	y0 := oy*s.sh - s.top
	ky0, ky1 := max(0, -y0), min(s.kh, s.h-y0)
	for ox := range s.ow {
		out := y[((b*s.oh+oy)*s.ow+ox)*c:][:c]
		for i := range out {
			out[i] = float32(math.Inf(-1))
		}
		x0 := ox*s.sw - s.l
		kx0, kx1 := max(0, -x0), min(s.kw, s.w-x0)
		for ky := ky0; ky < ky1; ky++ {
			for kx := kx0; kx < kx1; kx++ {
				in := x[((b*s.h+y0+ky)*s.w+x0+kx)*c:][:c]
				for i, v := range in {
					if v > out[i] {
						out[i] = v
					}
				}
			}
		}
	}
}

// resizeStep is ResizeBilinear on NHWC data, computed as tfjs's CPU
// kernel computes it (source coordinates and weights in double precision,
// rounded to float32 once per value).
type resizeStep struct {
	x, y                 *value
	h, w, c, oh, ow      int
	alignCorners, center bool
}

func (s *resizeStep) values() ([]*value, []*value) { return []*value{s.x}, []*value{s.y} }

func planResizeBilinear(p *planner, n *node) ([]*value, error) {
	x, err := p.floatInput(n, 0)
	if err != nil {
		return nil, err
	}
	if x, err = p.materialize(x); err != nil {
		return nil, err
	}
	size, err := p.constInts(n, 1)
	if err != nil {
		return nil, err
	}
	if len(x.shape) != 4 || len(size) != 2 || size[0] < 1 || size[1] < 1 || x.shape[1] < 1 || x.shape[2] < 1 {
		return nil, fmt.Errorf("node %s (ResizeBilinear): input %v to size %v", n.name, x.shape, size)
	}
	s := &resizeStep{x: x, h: x.shape[1], w: x.shape[2], c: x.shape[3], oh: size[0], ow: size[1],
		alignCorners: n.attrs.boolean("align_corners"), center: n.attrs.boolean("half_pixel_centers")}
	if s.y, err = p.newValue([]int{x.shape[0], s.oh, s.ow, s.c}); err != nil {
		return nil, err
	}
	p.add(s)
	return []*value{s.y}, nil
}

// source maps an output coordinate to its two source indices and weight.
func (s *resizeStep) source(i, in, out int) (lo, hi int, frac float64) {
	ratio := float64(in) / float64(out)
	if s.alignCorners && out > 1 {
		ratio = float64(in-1) / float64(out-1)
	}
	f := ratio * float64(i)
	if s.center {
		f = ratio*(float64(i)+0.5) - 0.5
	}
	lo = max(0, int(math.Floor(f)))
	hi = min(in-1, int(math.Ceil(f)))
	return lo, hi, f - float64(lo)
}

func (s *resizeStep) run(e *exec) {
	x, y := e.data(s.x), e.data(s.y)
	rows := s.x.shape[0] * s.oh
	e.parallel(rows, 1, func(_, lo, hi int) {
		for r := lo; r < hi; r++ {
			s.row(x, y, r/s.oh, r%s.oh)
		}
	})
}

//go:norace
func (s *resizeStep) row(x, y []float32, b, oy int) {
	c := s.c
	top, bottom, dy := s.source(oy, s.h, s.oh)
	topRow := x[(b*s.h+top)*s.w*c:][:s.w*c]
	botRow := x[(b*s.h+bottom)*s.w*c:][:s.w*c]
	for ox := range s.ow {
		left, right, dx := s.source(ox, s.w, s.ow)
		out := y[((b*s.oh+oy)*s.ow+ox)*c:][:c]
		tl, tr := topRow[left*c:][:c], topRow[right*c:][:c]
		bl, br := botRow[left*c:][:c], botRow[right*c:][:c]
		for i := range out {
			t := float64(tl[i]) + (float64(tr[i])-float64(tl[i]))*dx
			b := float64(bl[i]) + (float64(br[i])-float64(bl[i]))*dx
			out[i] = float32(t + (b-t)*dy)
		}
	}
}
