package tfjs

import "fmt"

// transposeStep copies a transposed view into logical order.
type transposeStep struct{ in, out *value }

func (s *transposeStep) values() ([]*value, []*value) { return []*value{s.in}, []*value{s.out} }

func (s *transposeStep) run(e *exec) {
	transposeInto(e.data(s.out), e.data(s.in), s.in.physShape(), s.in.perm)
}

// transposeInto writes src, laid out in memory as physShape, into dst in
// the order of the logical axes: logical axis a is physical axis j where
// perm[j] = a, so dst's axis a has size physShape[j].
//
//go:norace
func transposeInto(dst, src []float32, physShape []int, perm []int) {
	rank := len(physShape)
	if rank == 0 {
		copy(dst, src)
		return
	}
	physStride := make([]int, rank)
	stride := 1
	for j := rank - 1; j >= 0; j-- {
		physStride[j] = stride
		stride *= physShape[j]
	}
	// srcStride[a] is how far one step along logical axis a moves in src.
	shape := make([]int, rank)
	srcStride := make([]int, rank)
	for j, a := range perm {
		shape[a] = physShape[j]
		srcStride[a] = physStride[j]
	}
	idx := make([]int, rank)
	inner, innerStride := shape[rank-1], srcStride[rank-1]
	off := 0
	for o := 0; o < len(dst); o += inner {
		row := dst[o : o+inner]
		s := off
		for i := range row {
			row[i] = src[s]
			s += innerStride
		}
		// Advance the odometer over every axis but the last.
		for a := rank - 2; a >= 0; a-- {
			idx[a]++
			off += srcStride[a]
			if idx[a] < shape[a] {
				break
			}
			off -= srcStride[a] * shape[a]
			idx[a] = 0
		}
	}
}

// blocks splits a memory shape at axis into outer×(dim·inner): concat and
// split move runs of dim·inner values.
func blocks(shape []int, axis int) (outer, inner int) {
	outer, inner = 1, 1
	for _, d := range shape[:axis] {
		outer *= d
	}
	for _, d := range shape[axis+1:] {
		inner *= d
	}
	return outer, inner
}

// concatStep joins its inputs along a memory axis.
type concatStep struct {
	ins  []*value
	out  *value
	axis int
}

func (s *concatStep) values() ([]*value, []*value) { return s.ins, []*value{s.out} }

func (s *concatStep) run(e *exec) {
	dst := e.data(s.out)
	outer, inner := blocks(s.out.physShape(), s.axis)
	off := 0
	for o := range outer {
		for _, in := range s.ins {
			n := in.physShape()[s.axis] * inner
			copy(dst[off:off+n], e.data(in)[o*n:(o+1)*n])
			off += n
		}
	}
}

// splitStep cuts its input along a memory axis.
type splitStep struct {
	in   *value
	outs []*value
	axis int
}

func (s *splitStep) values() ([]*value, []*value) { return []*value{s.in}, s.outs }

func (s *splitStep) run(e *exec) {
	src := e.data(s.in)
	outer, inner := blocks(s.in.physShape(), s.axis)
	off := 0
	for o := range outer {
		for _, out := range s.outs {
			n := out.physShape()[s.axis] * inner
			copy(e.data(out)[o*n:(o+1)*n], src[off:off+n])
			off += n
		}
	}
}

// padStep surrounds its input with a constant, pads given per memory axis
// (before, after).
type padStep struct {
	in, out *value
	pads    []int
	fill    float32
}

func (s *padStep) values() ([]*value, []*value) { return []*value{s.in}, []*value{s.out} }

//go:norace
func (s *padStep) run(e *exec) {
	src, dst := e.data(s.in), e.data(s.out)
	for i := range dst {
		dst[i] = s.fill
	}
	in, out := s.in.physShape(), s.out.physShape()
	rank := len(in)
	if rank == 0 || len(src) == 0 {
		copy(dst, src)
		return
	}
	outStride := make([]int, rank)
	stride := 1
	for j := rank - 1; j >= 0; j-- {
		outStride[j] = stride
		stride *= out[j]
	}
	// Copy each innermost row of the input to where it lands.
	base := 0
	for j := range rank {
		base += s.pads[2*j] * outStride[j]
	}
	idx := make([]int, rank)
	row := in[rank-1]
	for o := 0; o < len(src); o += row {
		at := base
		for j := 0; j < rank-1; j++ {
			at += idx[j] * outStride[j]
		}
		copy(dst[at:at+row], src[o:o+row])
		for j := rank - 2; j >= 0; j-- {
			if idx[j]++; idx[j] < in[j] {
				break
			}
			idx[j] = 0
		}
	}
}

// planSparseToDense folds tf.sparseToDense over constants (TensorFlow.js
// graphs converted from ONNX compute reshape targets with it).
func planSparseToDense(p *planner, n *node) ([]*value, error) {
	var in [4]*Tensor
	for i := range in {
		t, err := p.constInput(n, i)
		if err != nil {
			return nil, err
		}
		in[i] = t
	}
	indices, shapeT, vals, def := in[0], in[1], in[2], in[3]
	if !indices.IsInt() || !shapeT.IsInt() || vals.IsInt() != def.IsInt() || def.Len() != 1 {
		return nil, fmt.Errorf("node %s (SparseToDense): mismatched input types", n.name)
	}
	shape := make([]int, len(shapeT.Int))
	for i, d := range shapeT.Int {
		shape[i] = int(d)
	}
	size, err := elements(shape)
	if err != nil {
		return nil, fmt.Errorf("node %s (SparseToDense): %w", n.name, err)
	}
	rank := len(shape)
	count := 1
	if len(indices.Shape) > 0 {
		count = indices.Shape[0]
	}
	if rank == 0 || indices.Len() != count*rank || (vals.Len() != 1 && vals.Len() != count) {
		return nil, fmt.Errorf("node %s (SparseToDense): %d indices of rank %d for %d values", n.name, count, rank, vals.Len())
	}
	out := &Tensor{Shape: shape}
	if def.IsInt() {
		out.Int = make([]int32, size)
	} else {
		out.Float = make([]float32, size)
	}
	for i := range size {
		if def.IsInt() {
			out.Int[i] = def.Int[0]
		} else {
			out.Float[i] = def.Float[0]
		}
	}
	for k := range count {
		at := 0
		for d := range rank {
			c := int(indices.Int[k*rank+d])
			if c < 0 || c >= shape[d] {
				return nil, fmt.Errorf("node %s (SparseToDense): index %d out of range %v", n.name, c, shape)
			}
			at = at*shape[d] + c
		}
		v := min(k, vals.Len()-1)
		if def.IsInt() {
			out.Int[at] = vals.Int[v]
		} else {
			out.Float[at] = vals.Float[v]
		}
	}
	return []*value{constValue(out)}, nil
}
