package tfjs

import (
	"fmt"
	"math"
	"slices"
)

// activation is what a convolution (or a standalone op) applies to each
// value: the ones package gemm's kernel can apply itself are cheapest.
type activation struct {
	kind  int
	alpha float32 // LeakyRelu's slope
}

const (
	actNone = iota
	actRelu
	actRelu6
	actLeaky
	actSigmoid
)

// gemmAct is the kernel's own code for a, if it has one.
func (a activation) gemmAct() (int, bool) {
	switch {
	case a.kind == actNone:
		return 0, true
	case a.kind == actRelu:
		return 1, true
	case a.kind == actLeaky && a.alpha == 0.1:
		return 2, true
	}
	return 0, false
}

// apply applies a in place, as tfjs's CPU kernels compute it (Sigmoid in
// double precision).
//
//go:norace
func (a activation) apply(x []float32) {
	switch a.kind {
	case actRelu:
		for i, v := range x {
			x[i] = max(v, 0)
		}
	case actRelu6:
		for i, v := range x {
			x[i] = min(max(v, 0), 6)
		}
	case actLeaky:
		for i, v := range x {
			if v < 0 {
				x[i] = float32(float64(a.alpha) * float64(v))
			}
		}
	case actSigmoid:
		for i, v := range x {
			x[i] = float32(1 / (1 + math.Exp(-float64(v))))
		}
	}
}

// unaryOps maps each elementwise op to how its node's attributes make an
// activation.
var unaryOps = map[string]func(n *node) activation{
	"Relu":    func(*node) activation { return activation{kind: actRelu} },
	"Relu6":   func(*node) activation { return activation{kind: actRelu6} },
	"Sigmoid": func(*node) activation { return activation{kind: actSigmoid} },
	"LeakyRelu": func(n *node) activation {
		return activation{kind: actLeaky, alpha: float32(n.attrs.float("alpha", 0.2))}
	},
}

func planUnary(p *planner, n *node) ([]*value, error) {
	x, err := p.floatInput(n, 0)
	if err != nil {
		return nil, err
	}
	out, err := p.newValue(slices.Clone(x.shape))
	if err != nil {
		return nil, err
	}
	out.perm = x.perm
	p.add(&unaryStep{in: x, out: out, act: unaryOps[n.op](n)})
	return []*value{out}, nil
}

type unaryStep struct {
	in, out *value
	act     activation
}

func (s *unaryStep) values() ([]*value, []*value) { return []*value{s.in}, []*value{s.out} }

func (s *unaryStep) run(e *exec) {
	dst := e.data(s.out)
	copy(dst, e.data(s.in))
	s.act.apply(dst)
}

// binaryOps are the elementwise ops on two tensors, with NumPy broadcasting.
var binaryOps = map[string]struct {
	f func(a, b float32) float32
	i func(a, b int32) int32 // nil: floats only
}{
	"Add":     {func(a, b float32) float32 { return a + b }, func(a, b int32) int32 { return a + b }},
	"AddV2":   {func(a, b float32) float32 { return a + b }, func(a, b int32) int32 { return a + b }},
	"BiasAdd": {func(a, b float32) float32 { return a + b }, nil},
	"Sub":     {func(a, b float32) float32 { return a - b }, func(a, b int32) int32 { return a - b }},
	"Mul":     {func(a, b float32) float32 { return a * b }, func(a, b int32) int32 { return a * b }},
	"RealDiv": {func(a, b float32) float32 { return a / b }, nil},
	"Maximum": {func(a, b float32) float32 { return max(a, b) }, func(a, b int32) int32 { return max(a, b) }},
	"Minimum": {func(a, b float32) float32 { return min(a, b) }, func(a, b int32) int32 { return min(a, b) }},
}

// broadcastShape is the NumPy broadcast of two shapes.
func broadcastShape(a, b []int) ([]int, bool) {
	rank := max(len(a), len(b))
	out := make([]int, rank)
	for i := range rank {
		da, db := 1, 1
		if j := len(a) - rank + i; j >= 0 {
			da = a[j]
		}
		if j := len(b) - rank + i; j >= 0 {
			db = b[j]
		}
		switch {
		case da == db || db == 1:
			out[i] = da
		case da == 1:
			out[i] = db
		default:
			return nil, false
		}
	}
	return out, true
}

func planBinary(p *planner, n *node) ([]*value, error) {
	a, err := p.input(n, 0)
	if err != nil {
		return nil, err
	}
	b, err := p.input(n, 1)
	if err != nil {
		return nil, err
	}
	fn := binaryOps[n.op]
	shape, ok := broadcastShape(a.shape, b.shape)
	if !ok {
		return nil, fmt.Errorf("node %s (%s): shapes %v and %v do not broadcast", n.name, n.op, a.shape, b.shape)
	}
	if _, err := elements(shape); err != nil {
		return nil, fmt.Errorf("node %s (%s): %w", n.name, n.op, err)
	}
	if a.isConst() && b.isConst() && (a.konst.IsInt() || b.konst.IsInt()) {
		if !a.konst.IsInt() || !b.konst.IsInt() || fn.i == nil {
			return nil, fmt.Errorf("node %s (%s): integer operands are not supported here", n.name, n.op)
		}
		t := &Tensor{Shape: shape, Int: make([]int32, shapeSize(shape))}
		broadcastInto(t.Int, a.konst.Int, a.shape, b.konst.Int, b.shape, shape, fn.i)
		return []*value{constValue(t)}, nil
	}
	if (a.isConst() && a.konst.IsInt()) || (b.isConst() && b.konst.IsInt()) {
		return nil, fmt.Errorf("node %s (%s): mixes integers and floats", n.name, n.op)
	}
	var perm []int
	if !slices.Equal(a.shape, b.shape) || (a.isConst() || b.isConst()) && (a.perm != nil || b.perm != nil) || !slices.Equal(a.perm, b.perm) {
		if a, err = p.materialize(a); err != nil {
			return nil, err
		}
		if b, err = p.materialize(b); err != nil {
			return nil, err
		}
	} else {
		perm = a.perm // same shape, same layout: work in memory order
	}
	out, err := p.newValue(shape)
	if err != nil {
		return nil, err
	}
	out.perm = perm
	p.add(&binaryStep{a: a, b: b, out: out, f: fn.f})
	return []*value{out}, nil
}

func shapeSize(shape []int) int {
	n, _ := elements(shape)
	return n
}

type binaryStep struct {
	a, b, out *value
	f         func(a, b float32) float32
}

func (s *binaryStep) values() ([]*value, []*value) { return []*value{s.a, s.b}, []*value{s.out} }

func (s *binaryStep) run(e *exec) {
	broadcastInto(e.data(s.out), e.data(s.a), s.a.shape, e.data(s.b), s.b.shape, s.out.shape, s.f)
}

// broadcastInto sets dst = f(a, b) with NumPy broadcasting, in row-major
// order (operands of equal shapes may share any layout).
//
//go:norace
func broadcastInto[T float32 | int32](dst, a []T, ashape []int, b []T, bshape []int, shape []int, f func(x, y T) T) {
	if slices.Equal(ashape, bshape) {
		b = b[:len(a)]
		dst = dst[:len(a)]
		for i, x := range a {
			dst[i] = f(x, b[i])
		}
		return
	}
	rank := len(shape)
	sa, sb := broadcastStrides(ashape, rank, shape), broadcastStrides(bshape, rank, shape)
	idx := make([]int, rank)
	oa, ob := 0, 0
	for i := range dst {
		dst[i] = f(a[oa], b[ob])
		for d := rank - 1; d >= 0; d-- {
			idx[d]++
			oa += sa[d]
			ob += sb[d]
			if idx[d] < shape[d] {
				break
			}
			oa -= sa[d] * shape[d]
			ob -= sb[d] * shape[d]
			idx[d] = 0
		}
	}
}

// broadcastStrides are an operand's strides over the output's axes, zero
// along the axes it is broadcast on.
func broadcastStrides(shape []int, rank int, out []int) []int {
	s := make([]int, rank)
	stride := 1
	for d := rank - 1; d >= 0; d-- {
		j := len(shape) - rank + d
		if j < 0 {
			continue
		}
		if shape[j] != 1 || out[d] == 1 {
			s[d] = stride
		}
		stride *= shape[j]
	}
	return s
}
