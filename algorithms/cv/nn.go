package cv

// The few neural-network layers the face-api.js networks need, in plain Go:
// batch-1 NHWC float32 tensors, TensorFlow "same"/"valid" padding, 3×3
// convolutions, depthwise-separable convolutions and 2×2 max pooling.
//
// Every convolution ends in one small matrix product (patches × filters).
// On amd64 with AVX2 and FMA it runs in blocks of 4 pixels × 16 channels in
// assembly (matmul_amd64.s); elsewhere in Go, four pixels by two channels at
// a time so that the eight sums stay in registers, with the filters stored
// transposed ([cout][k·k·cin]) so both operands are read contiguously.
// Layers split their output rows over at most GOMAXPROCS goroutines and
// allocate only their output and one scratch buffer per goroutine, never
// inside the loops.
//
// The leaf kernels (matmul, matmulVector, maxInto, im2colRow,
// depthwiseRow) are marked go:norace: they only touch the slices they are
// handed, and instrumenting every load made -race runs of the networks
// several times slower. Which goroutine gets which rows is decided by
// parallelRows, whose partition TestParallelRowsPartition checks, and the
// code around the kernels stays instrumented.

import (
	"fmt"
	"math"
	"runtime"
	"sync"
)

// tensor is one image-shaped activation: h rows of w pixels of c channels.
type tensor struct {
	h, w, c int
	data    []float32
}

func newTensor(h, w, c int) tensor {
	return tensor{h: h, w: w, c: c, data: make([]float32, h*w*c)}
}

// activation is applied to a layer's output after the bias.
type activation uint8

const (
	linear activation = iota
	relu
	leaky // max(x, 0.1x), as face-api's TinyYolov2 "leaky"
)

func (a activation) apply(x float32) float32 {
	switch a {
	case relu:
		if x < 0 {
			return 0
		}
	case leaky:
		if x < 0 {
			return 0.1 * x
		}
	}
	return x
}

// outputSize is TensorFlow's padding rule for one dimension: the output
// length and how much padding goes before the input (the rest goes after).
func outputSize(in, k, stride int, same bool) (out, before int) {
	if !same {
		return (in-k)/stride + 1, 0
	}
	out = (in + stride - 1) / stride
	total := max((out-1)*stride+k-in, 0)
	return out, total / 2
}

// parallelRows calls fn on consecutive ranges of [0, n), spread over at most
// GOMAXPROCS goroutines (and no more than makes sense for tiny layers).
func parallelRows(n int, fn func(lo, hi int)) {
	workers := min(runtime.GOMAXPROCS(0), n, 8)
	if workers <= 1 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	for i := range workers {
		lo, hi := i*n/workers, (i+1)*n/workers
		wg.Go(func() { fn(lo, hi) })
	}
	wg.Wait()
}

// convLayer is a k×k convolution with bias.
type convLayer struct {
	k, stride  int
	same       bool
	cin, cout  int
	vector     bool      // use matmulVector
	filters    []float32 // [k*k*cin][cout] when vector, else [cout][k*k*cin]
	bias       []float32
	activation activation
}

// newConvLayer takes TensorFlow-ordered filters of shape [k,k,cin,cout]:
// the vector kernel reads them as they are, the portable one transposed.
func newConvLayer(filters, bias []float32, k, cin, cout, stride int, same bool, act activation) convLayer {
	l := convLayer{k: k, stride: stride, same: same, cin: cin, cout: cout, bias: bias, activation: act}
	if hasGemm4x16 && cout >= 16 {
		l.filters, l.vector = filters, true
		return l
	}
	kdim := k * k * cin
	l.filters = make([]float32, cout*kdim)
	for i := range kdim {
		for co := range cout {
			l.filters[co*kdim+i] = filters[i*cout+co]
		}
	}
	return l
}

// matmul runs the layer's filters over n patches of a (each k long).
func (l *convLayer) matmul(dst, a []float32, n, k int) {
	if l.vector {
		matmulVector(dst, a, l.filters, l.bias, n, k, l.cout, l.activation)
		return
	}
	matmul(dst, a, l.filters, l.bias, n, k, l.cout, l.activation)
}

// rowLayer is a layer that computes its output one row at a time, so that
// a following max pool can consume rows as they are made (forwardPooled).
type rowLayer interface {
	// outputShape is the output's size for an h×w×c input; it panics on a
	// channel count the weights do not fit (a programming error).
	outputShape(h, w, c int) (oh, ow, oc int)
	// scratchSize is how many floats row needs for its own use.
	scratchSize(ow int) int
	// row writes output row oy into dst (ow·oc floats).
	row(dst, scratch []float32, x tensor, oy int)
}

// forward runs a layer over its whole output.
func forward(l rowLayer, x tensor) tensor {
	oh, ow, oc := l.outputShape(x.h, x.w, x.c)
	y := newTensor(oh, ow, oc)
	parallelRows(oh, func(lo, hi int) {
		scratch := make([]float32, l.scratchSize(ow))
		for oy := lo; oy < hi; oy++ {
			l.row(y.data[oy*ow*oc:(oy+1)*ow*oc], scratch, x, oy)
		}
	})
	return y
}

// forwardPooled runs a layer followed by a 2×2, stride-2 max pool with
// "same" padding, pooling each pair of rows as soon as it is computed: the
// unpooled output (11 MB for the detector's first layer) is never stored.
func forwardPooled(l rowLayer, x tensor) tensor {
	oh, ow, oc := l.outputShape(x.h, x.w, x.c)
	ph, top := outputSize(oh, 2, 2, true)
	pw, left := outputSize(ow, 2, 2, true)
	y := newTensor(ph, pw, oc)
	parallelRows(ph, func(lo, hi int) {
		scratch := make([]float32, l.scratchSize(ow))
		rows := [2][]float32{make([]float32, ow*oc), make([]float32, ow*oc)}
		for py := lo; py < hi; py++ {
			n := 0
			for r := py*2 - top; r < py*2-top+2; r++ {
				if r >= 0 && r < oh {
					l.row(rows[n], scratch, x, r)
					n++
				}
			}
			// Rows first (one long loop), then pairs of columns.
			merged := rows[0]
			if n == 2 {
				maxInto(merged, rows[1])
			}
			out := y.data[py*pw*oc : (py+1)*pw*oc]
			for px := range pw {
				o := out[px*oc : (px+1)*oc]
				c := px*2 - left
				switch {
				case c >= 0 && c+1 < ow:
					copy(o, merged[c*oc:(c+1)*oc])
					maxInto(o, merged[(c+1)*oc:(c+2)*oc])
				case c >= 0:
					copy(o, merged[c*oc:(c+1)*oc])
				default:
					copy(o, merged[(c+1)*oc:(c+2)*oc])
				}
			}
		}
	})
	return y
}

// maxInto sets dst[i] = max(dst[i], src[i]).
//
//go:norace
func maxInto(dst, src []float32) {
	src = src[:len(dst)]
	for i, v := range src {
		dst[i] = max(dst[i], v)
	}
}

func (l *convLayer) outputShape(h, w, c int) (int, int, int) {
	if c != l.cin {
		panic(fmt.Sprintf("cv: conv expects %d channels, got %d", l.cin, c))
	}
	oh, _ := outputSize(h, l.k, l.stride, l.same)
	ow, _ := outputSize(w, l.k, l.stride, l.same)
	return oh, ow, l.cout
}

func (l *convLayer) scratchSize(ow int) int {
	if l.k == 1 && l.stride == 1 {
		return 0
	}
	return ow * l.k * l.k * l.cin
}

func (l *convLayer) row(dst, patches []float32, x tensor, oy int) {
	if l.k == 1 && l.stride == 1 {
		// A pointwise convolution reads the input row as it is.
		l.matmul(dst, x.data[oy*x.w*l.cin:(oy+1)*x.w*l.cin], x.w, l.cin)
		return
	}
	_, top := outputSize(x.h, l.k, l.stride, l.same)
	ow, left := outputSize(x.w, l.k, l.stride, l.same)
	l.im2colRow(patches, x, oy, ow, top, left)
	l.matmul(dst, patches, ow, l.k*l.k*l.cin)
}

// im2colRow lays out the receptive field of every pixel of output row oy
// (ky, kx, channel order, zeros where the window leaves the input).
//
//go:norace
func (l *convLayer) im2colRow(patches []float32, x tensor, oy, ow, top, left int) {
	kdim := l.k * l.k * l.cin
	span := l.k * l.cin // one row of the window
	for ox := range ow {
		p := patches[ox*kdim : (ox+1)*kdim]
		ix0 := ox*l.stride - left
		for ky := range l.k {
			iy := oy*l.stride + ky - top
			dst := p[ky*span : (ky+1)*span]
			if iy < 0 || iy >= x.h {
				clear(dst)
				continue
			}
			if ix0 >= 0 && ix0+l.k <= x.w {
				// The whole window row is inside: one contiguous run,
				// copied by hand because it is short (9 floats for RGB).
				src := x.data[(iy*x.w+ix0)*l.cin:][:len(dst)]
				for i, v := range src {
					dst[i] = v
				}
				continue
			}
			for kx := range l.k {
				d := dst[kx*l.cin : (kx+1)*l.cin]
				if ix := ix0 + kx; ix >= 0 && ix < x.w {
					copy(d, x.data[(iy*x.w+ix)*l.cin:])
				} else {
					clear(d)
				}
			}
		}
	}
}

// separableLayer is a 3×3 depthwise convolution ("same" padding) followed by
// a 1×1 pointwise convolution with bias, as tf.separableConv2d.
type separableLayer struct {
	stride    int
	cin       int
	depthwise []float32 // [3][3][cin], TensorFlow order
	pointwise convLayer
}

func newSeparableLayer(depthwise, pointwise, bias []float32, cin, cout, stride int, act activation) separableLayer {
	return separableLayer{
		stride:    stride,
		cin:       cin,
		depthwise: depthwise,
		pointwise: newConvLayer(pointwise, bias, 1, cin, cout, 1, false, act),
	}
}

func (l *separableLayer) outputShape(h, w, c int) (int, int, int) {
	if c != l.cin {
		panic(fmt.Sprintf("cv: separable conv expects %d channels, got %d", l.cin, c))
	}
	oh, _ := outputSize(h, 3, l.stride, true)
	ow, _ := outputSize(w, 3, l.stride, true)
	return oh, ow, l.pointwise.cout
}

func (l *separableLayer) scratchSize(ow int) int { return ow * l.cin }

// row runs the depthwise step for one row into scratch and the pointwise
// step from it at once: the intermediate is still in cache when read.
func (l *separableLayer) row(dst, scratch []float32, x tensor, oy int) {
	_, top := outputSize(x.h, 3, l.stride, true)
	ow, left := outputSize(x.w, 3, l.stride, true)
	l.depthwiseRow(scratch, x, oy, ow, top, left)
	l.pointwise.matmul(dst, scratch, ow, l.cin)
}

// depthwiseRow computes output row oy of the depthwise step into dst.
//
//go:norace
func (l *separableLayer) depthwiseRow(dst []float32, x tensor, oy, ow, top, left int) {
	c := l.cin
	clear(dst[:ow*c])
	for ky := range 3 {
		iy := oy*l.stride + ky - top
		if iy < 0 || iy >= x.h {
			continue
		}
		row := x.data[iy*x.w*c : (iy+1)*x.w*c]
		for kx := range 3 {
			w := l.depthwise[(ky*3+kx)*c : (ky*3+kx+1)*c]
			for ox := range ow {
				ix := ox*l.stride + kx - left
				if ix < 0 || ix >= x.w {
					continue
				}
				in := row[ix*c : ix*c+c]
				out := dst[ox*c : ox*c+c]
				in = in[:len(w)]
				out = out[:len(w)]
				for i, v := range w {
					out[i] += in[i] * v
				}
			}
		}
	}
}

// maxPool2 is a 2×2 max pool with "same" padding (padding never wins).
func maxPool2(x tensor, stride int) tensor {
	oh, top := outputSize(x.h, 2, stride, true)
	ow, left := outputSize(x.w, 2, stride, true)
	y := newTensor(oh, ow, x.c)
	c := x.c
	parallelRows(oh, func(lo, hi int) {
		for oy := lo; oy < hi; oy++ {
			for ox := range ow {
				out := y.data[(oy*ow+ox)*c : (oy*ow+ox+1)*c]
				first := true
				for ky := range 2 {
					iy := oy*stride + ky - top
					if iy < 0 || iy >= x.h {
						continue
					}
					for kx := range 2 {
						ix := ox*stride + kx - left
						if ix < 0 || ix >= x.w {
							continue
						}
						in := x.data[(iy*x.w+ix)*c : (iy*x.w+ix+1)*c]
						if first {
							copy(out, in)
							first = false
							continue
						}
						in = in[:len(out)]
						for i, v := range in {
							if v > out[i] {
								out[i] = v
							}
						}
					}
				}
			}
		}
	})
	return y
}

// matmul computes out[p][co] = act(bias[co] + Σ_i a[p][i]·w[co][i]) for n rows
// p of a (each k long) and cout filters w.
//
//go:norace
func matmul(out, a, w, bias []float32, n, k, cout int, act activation) {
	p := 0
	for ; p+4 <= n; p += 4 {
		a0 := a[p*k : p*k+k]
		a1 := a[(p+1)*k : (p+1)*k+k][:len(a0)]
		a2 := a[(p+2)*k : (p+2)*k+k][:len(a0)]
		a3 := a[(p+3)*k : (p+3)*k+k][:len(a0)]
		o0 := out[p*cout : p*cout+cout]
		o1 := out[(p+1)*cout : (p+1)*cout+cout][:len(o0)]
		o2 := out[(p+2)*cout : (p+2)*cout+cout][:len(o0)]
		o3 := out[(p+3)*cout : (p+3)*cout+cout][:len(o0)]
		co := 0
		for ; co+2 <= cout; co += 2 {
			w0 := w[co*k : co*k+k][:len(a0)]
			w1 := w[(co+1)*k : (co+1)*k+k][:len(a0)]
			var s00, s01, s10, s11, s20, s21, s30, s31 float32
			for i, x0 := range a0 {
				x1, x2, x3 := a1[i], a2[i], a3[i]
				v0, v1 := w0[i], w1[i]
				s00 += x0 * v0
				s01 += x0 * v1
				s10 += x1 * v0
				s11 += x1 * v1
				s20 += x2 * v0
				s21 += x2 * v1
				s30 += x3 * v0
				s31 += x3 * v1
			}
			b0, b1 := bias[co], bias[co+1]
			o0[co], o0[co+1] = act.apply(s00+b0), act.apply(s01+b1)
			o1[co], o1[co+1] = act.apply(s10+b0), act.apply(s11+b1)
			o2[co], o2[co+1] = act.apply(s20+b0), act.apply(s21+b1)
			o3[co], o3[co+1] = act.apply(s30+b0), act.apply(s31+b1)
		}
		for ; co < cout; co++ {
			w0 := w[co*k : co*k+k][:len(a0)]
			var s0, s1, s2, s3 float32
			for i, v := range w0 {
				s0 += a0[i] * v
				s1 += a1[i] * v
				s2 += a2[i] * v
				s3 += a3[i] * v
			}
			b := bias[co]
			o0[co], o1[co], o2[co], o3[co] = act.apply(s0+b), act.apply(s1+b), act.apply(s2+b), act.apply(s3+b)
		}
	}
	for ; p < n; p++ {
		a0 := a[p*k : p*k+k]
		o0 := out[p*cout : p*cout+cout]
		for co := range o0 {
			w0 := w[co*k : co*k+k][:len(a0)]
			var s float32
			for i, v := range a0 {
				s += v * w0[i]
			}
			o0[co] = act.apply(s + bias[co])
		}
	}
}

// addRelu returns relu(a + b + …) of same-shaped tensors, the merge step of
// FaceExpressionNet's dense blocks.
func addRelu(ts ...tensor) tensor {
	y := newTensor(ts[0].h, ts[0].w, ts[0].c)
	copy(y.data, ts[0].data)
	for _, t := range ts[1:] {
		d := t.data[:len(y.data)]
		for i, v := range d {
			y.data[i] += v
		}
	}
	for i, v := range y.data {
		if v < 0 {
			y.data[i] = 0
		}
	}
	return y
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// matmulVector is matmul with the filters in TensorFlow order ([k][cout]):
// blocks of 4 rows × 16 channels go to gemm4x16 (bias and activation
// included), the edges are computed here.
//
//go:norace
func matmulVector(out, a, w, bias []float32, n, k, cout int, act activation) {
	if n == 0 {
		return
	}
	// The assembly does not check bounds: make sure every block is inside.
	_, _, _, _ = a[n*k-1], w[k*cout-1], out[n*cout-1], bias[cout-1]
	rows, cols := n&^3, cout&^15
	// The last 1–3 rows go through the kernel too, copied into a block of
	// four padded with zeros (on the stack for every layer pipette has).
	tail := n - rows
	var stackA [4 * 512]float32
	var stackOut [4 * 16]float32
	var padded []float32
	if tail > 0 && 4*k <= len(stackA) {
		padded = stackA[:4*k]
		copy(padded, a[rows*k:n*k])
	}
	for cb := 0; cb < cols; cb += 16 {
		// Channel blocks outside, rows inside: the block's 16 columns of w
		// stay in L1 cache while every row passes over them.
		for p := 0; p < rows; p += 4 {
			gemm4x16(&a[p*k], k, &w[cb], cout, k, &out[p*cout+cb], cout, &bias[cb], int(act))
		}
		if padded != nil {
			gemm4x16(&padded[0], k, &w[cb], cout, k, &stackOut[0], 16, &bias[cb], int(act))
			for r := range tail {
				copy(out[(rows+r)*cout+cb:(rows+r)*cout+cb+16], stackOut[r*16:(r+1)*16])
			}
		}
	}
	// What the kernel did not cover: the channels past the last block of
	// 16, and the tail rows when they did not fit the stack buffer.
	for p := range n {
		first := cols
		if p >= rows && padded == nil {
			first = 0
		}
		ap := a[p*k : (p+1)*k]
		for co := first; co < cout; co++ {
			var s float32
			for i, v := range ap {
				s += v * w[i*cout+co]
			}
			out[p*cout+co] = act.apply(s + bias[co])
		}
	}
}
