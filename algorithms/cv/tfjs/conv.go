package tfjs

import (
	"fmt"

	"pipette/algorithms/cv/gemm"
)

// fusion is what fuse folded into a Conv2D or MaxPool: the bias added
// after it, the activation applied to it and padding that came before it
// (zeros for a convolution, -inf for max pooling).
type fusion struct {
	bias []float32 // a constant of shape [cout]
	act  activation
	pads [4]int // top, bottom, left, right
}

// convStep is a 2-D convolution (NHWC input, HWIO filter) with bias and
// activation, as im2col + package gemm's 4×16 kernel. The filter is
// repacked at compile time into panels of 16 output channels, each
// [k][16] and contiguous, padded with zero channels past cout.
type convStep struct {
	x, y                   *value
	h, w, cin              int
	oh, ow, cout           int
	kh, kw, sh, sw, dh, dw int
	top, left              int
	k                      int // kh·kw·cin, one patch
	panels, bias           []float32
	act                    activation
	gemmAct                int
	postAct                bool // the kernel cannot apply act: apply it after
	direct                 bool // 1×1, stride 1, no padding: input pixels are the patches
	chunk                  int  // patches per im2col fill, a multiple of 4
}

func (c *convStep) values() ([]*value, []*value) { return []*value{c.x}, []*value{c.y} }

// scratchFloats budgets one im2col fill to about 256 KB, to stay in cache.
const scratchFloats = 1 << 16

func planConv(p *planner, n *node) ([]*value, error) {
	x, err := p.floatInput(n, 0)
	if err != nil {
		return nil, err
	}
	if x, err = p.materialize(x); err != nil {
		return nil, err
	}
	filter, err := p.constInput(n, 1)
	if err != nil {
		return nil, err
	}
	if filter.IsInt() || len(filter.Shape) != 4 || len(x.shape) != 4 {
		return nil, fmt.Errorf("node %s (%s): wants a rank-4 NHWC input and a rank-4 float filter, got %v and %v", n.name, n.op, x.shape, filter.Shape)
	}
	c := &convStep{x: x, h: x.shape[1], w: x.shape[2], cin: x.shape[3],
		kh: filter.Shape[0], kw: filter.Shape[1], cout: filter.Shape[3]}
	if filter.Shape[2] != c.cin || c.cin == 0 || c.cout == 0 || c.kh == 0 || c.kw == 0 {
		return nil, fmt.Errorf("node %s (%s): filter %v does not fit input %v", n.name, n.op, filter.Shape, x.shape)
	}
	if err := c.geometry(n); err != nil {
		return nil, err
	}
	bias, act, err := convExtras(p, n)
	if err != nil {
		return nil, err
	}
	if bias != nil && len(bias) != c.cout {
		return nil, fmt.Errorf("node %s (%s): %d biases for %d channels", n.name, n.op, len(bias), c.cout)
	}
	c.act = act
	c.gemmAct, c.postAct = 0, true
	if code, ok := act.gemmAct(); ok {
		c.gemmAct, c.postAct = code, false
	}
	c.k = c.kh * c.kw * c.cin
	c.pack(filter.Float, bias)
	c.direct = c.kh == 1 && c.kw == 1 && c.sh == 1 && c.sw == 1 && c.top == 0 && c.left == 0 && c.oh == c.h && c.ow == c.w
	c.chunk = min(max(4, scratchFloats/c.k&^3), 1024)
	p.needScratch(c.chunk*c.k + 4*c.k + 64)
	if c.y, err = p.newValue([]int{x.shape[0], c.oh, c.ow, c.cout}); err != nil {
		return nil, err
	}
	p.add(c)
	return []*value{c.y}, nil
}

// geometry reads strides, dilations and padding and works out the output
// size the way TensorFlow does.
func (c *convStep) geometry(n *node) error {
	format, err := n.attrs.str("data_format", "NHWC")
	if err != nil {
		return err
	}
	if format != "NHWC" {
		return fmt.Errorf("node %s (%s): data format %s is not supported (NHWC only)", n.name, n.op, format)
	}
	strides, dilations := n.attrs.ints("strides"), n.attrs.ints("dilations")
	c.sh, c.sw, c.dh, c.dw = 1, 1, 1, 1
	if len(strides) == 4 {
		c.sh, c.sw = strides[1], strides[2]
	}
	if len(dilations) == 4 {
		c.dh, c.dw = dilations[1], dilations[2]
	}
	if c.sh < 1 || c.sw < 1 || c.dh < 1 || c.dw < 1 || c.sh > 1024 || c.sw > 1024 || c.dh > 1024 || c.dw > 1024 {
		return fmt.Errorf("node %s (%s): strides %v and dilations %v", n.name, n.op, strides, dilations)
	}
	padding, err := n.attrs.str("padding", "VALID")
	if err != nil {
		return err
	}
	var fused [4]int
	if n.fused != nil {
		fused = n.fused.pads
	}
	effH, effW := (c.kh-1)*c.dh+1, (c.kw-1)*c.dw+1
	var top, bottom, left, right int
	switch padding {
	case "VALID":
	case "SAME":
		oh, ow := (c.h+c.sh-1)/c.sh, (c.w+c.sw-1)/c.sw
		ph := max(0, (oh-1)*c.sh+effH-c.h)
		pw := max(0, (ow-1)*c.sw+effW-c.w)
		top, bottom, left, right = ph/2, ph-ph/2, pw/2, pw-pw/2
	case "EXPLICIT":
		e := n.attrs.ints("explicit_paddings")
		if len(e) != 8 {
			return fmt.Errorf("node %s (%s): explicit paddings %v", n.name, n.op, e)
		}
		top, bottom, left, right = e[2], e[3], e[4], e[5]
	default:
		return fmt.Errorf("node %s (%s): padding %q is not supported", n.name, n.op, padding)
	}
	top, bottom, left, right = top+fused[0], bottom+fused[1], left+fused[2], right+fused[3]
	if top < 0 || bottom < 0 || left < 0 || right < 0 || max(top, bottom, left, right) > 1<<20 {
		return fmt.Errorf("node %s (%s): paddings %d %d %d %d", n.name, n.op, top, bottom, left, right)
	}
	c.top, c.left = top, left
	c.oh = (c.h+top+bottom-effH)/c.sh + 1
	c.ow = (c.w+left+right-effW)/c.sw + 1
	if c.h+top+bottom < effH || c.w+left+right < effW {
		return fmt.Errorf("node %s (%s): a %dx%d filter does not fit a %dx%d input", n.name, n.op, c.kh, c.kw, c.h, c.w)
	}
	return nil
}

// convExtras finds the bias and activation of a convolution: fused by
// fuse into a Conv2D, or given by a _FusedConv2D node.
func convExtras(p *planner, n *node) ([]float32, activation, error) {
	if n.op == "Conv2D" {
		if n.fused == nil {
			return nil, activation{}, nil
		}
		return n.fused.bias, n.fused.act, nil
	}
	fusedOps, err := n.attrs.strs("fused_ops")
	if err != nil {
		return nil, activation{}, err
	}
	var bias []float32
	var act activation
	for i, op := range fusedOps {
		switch {
		case i == 0 && op == "BiasAdd":
			t, err := p.constInput(n, 2)
			if err != nil {
				return nil, act, err
			}
			if t.IsInt() {
				return nil, act, fmt.Errorf("node %s (%s): integer bias", n.name, n.op)
			}
			bias = t.Float
		case i == 1 && op == "Relu":
			act = activation{kind: actRelu}
		case i == 1 && op == "Relu6":
			act = activation{kind: actRelu6}
		case i == 1 && op == "LeakyRelu":
			act = activation{kind: actLeaky, alpha: float32(n.attrs.float("leakyrelu_alpha", 0.2))}
		default:
			return nil, act, fmt.Errorf("node %s (%s): fused op %v is not supported", n.name, n.op, fusedOps)
		}
	}
	return bias, act, nil
}

// pack lays the [k][cout] filter out as zero-padded panels of 16 channels.
//
//go:norace
func (c *convStep) pack(filter, bias []float32) {
	blocks := (c.cout + 15) / 16
	c.panels = make([]float32, blocks*c.k*16)
	c.bias = make([]float32, blocks*16)
	copy(c.bias, bias)
	for cb := range blocks {
		panel := c.panels[cb*c.k*16 : (cb+1)*c.k*16]
		for i := range c.k {
			for j := range min(16, c.cout-cb*16) {
				panel[i*16+j] = filter[i*c.cout+cb*16+j]
			}
		}
	}
}

func (c *convStep) run(e *exec) {
	x, y := e.data(c.x), e.data(c.y)
	total := c.x.shape[0] * c.oh * c.ow
	e.parallel(total, 4, func(worker, lo, hi int) {
		c.patches(e.scratch[worker], x, y, lo, hi)
	})
}

// patches computes output pixels [lo, hi) (flat over batch, rows, columns).
func (c *convStep) patches(scratch, x, y []float32, lo, hi int) {
	fill := scratch[:c.chunk*c.k]
	tail := scratch[c.chunk*c.k : c.chunk*c.k+4*c.k]
	tmp := scratch[c.chunk*c.k+4*c.k : c.chunk*c.k+4*c.k+64]
	for p := lo; p < hi; p += c.chunk {
		n := min(c.chunk, hi-p)
		a := fill
		if c.direct {
			a = x[p*c.k:]
		} else {
			c.im2col(fill, x, p, n)
		}
		c.multiply(a, tail, tmp, y, p, n)
		if c.postAct {
			c.act.apply(y[p*c.cout : (p+n)*c.cout])
		}
	}
}

// multiply runs the kernel over n patches of a (rows k apart) into output
// pixels p…p+n-1: panels outside so each stays in cache while the rows pass.
func (c *convStep) multiply(a, tail, tmp, y []float32, p, n int) {
	for cb := 0; cb*16 < c.cout; cb++ {
		panel := c.panels[cb*c.k*16 : (cb+1)*c.k*16]
		bias := c.bias[cb*16 : cb*16+16]
		cols := min(16, c.cout-cb*16)
		for g := 0; g < n; g += 4 {
			rows := min(4, n-g)
			src := a[g*c.k:]
			if c.direct && rows < 4 {
				// The input has no rows past its end: pad a copy.
				clear(tail)
				copy(tail, src[:rows*c.k])
				src = tail
			}
			if rows == 4 && cols == 16 {
				block(src, c.k, panel, c.k, y[(p+g)*c.cout+cb*16:], c.cout, bias, c.gemmAct)
				continue
			}
			block(src, c.k, panel, c.k, tmp, 16, bias, c.gemmAct)
			for r := range rows {
				copy(y[(p+g+r)*c.cout+cb*16:][:cols], tmp[r*16:r*16+cols])
			}
		}
	}
}

// block is one 4×16 kernel call; the slices are checked here because the
// assembly does not check anything.
func block(a []float32, lda int, panel []float32, k int, out []float32, ldo int, bias []float32, act int) {
	_, _, _, _ = a[3*lda+k-1], panel[16*k-1], out[3*ldo+15], bias[15]
	if gemm.HasVector {
		gemm.Block4x16(&a[0], lda, &panel[0], 16, k, &out[0], ldo, &bias[0], act)
		return
	}
	gemm.Portable4x16(a, lda, panel, 16, k, out, ldo, bias, act)
}

// im2col lays out the receptive fields of output pixels p…p+n-1, one row of
// k values each (ky, kx, channel order, zeros outside the input), and zero
// rows up to the next multiple of 4.
//
//go:norace
func (c *convStep) im2col(dst, x []float32, p, n int) {
	span := c.kw * c.cin
	for i := range n {
		q := p + i
		b, r := q/(c.oh*c.ow), q%(c.oh*c.ow)
		oy, ox := r/c.ow, r%c.ow
		row := dst[i*c.k : (i+1)*c.k]
		ix0 := ox*c.sw - c.left
		for ky := range c.kh {
			out := row[ky*span : (ky+1)*span]
			iy := oy*c.sh - c.top + ky*c.dh
			if iy < 0 || iy >= c.h {
				clear(out)
				continue
			}
			line := x[(b*c.h+iy)*c.w*c.cin : (b*c.h+iy+1)*c.w*c.cin]
			if c.dw == 1 && ix0 >= 0 && ix0+c.kw <= c.w {
				copy(out, line[ix0*c.cin:])
				continue
			}
			for kx := range c.kw {
				d := out[kx*c.cin : (kx+1)*c.cin]
				if ix := ix0 + kx*c.dw; ix >= 0 && ix < c.w {
					copy(d, line[ix*c.cin:])
				} else {
					clear(d)
				}
			}
		}
	}
	clear(dst[n*c.k : (n+3)&^3*c.k])
}
