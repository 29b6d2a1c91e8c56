package tfjs

import (
	"fmt"
	"slices"
	"sort"
)

// ops maps each supported TensorFlow op to its planner.
var ops map[string]opFunc

func init() {
	ops = map[string]opFunc{
		"Identity":       planIdentity,
		"Snapshot":       planIdentity,
		"StopGradient":   planIdentity,
		"Transpose":      planTranspose,
		"Reshape":        planReshape,
		"ConcatV2":       planConcat,
		"SplitV":         planSplitV,
		"Pad":            planPad,
		"PadV2":          planPad,
		"SparseToDense":  planSparseToDense,
		"Conv2D":         planConv,
		"_FusedConv2D":   planConv,
		"MaxPool":        planMaxPool,
		"ResizeBilinear": planResizeBilinear,
	}
	for name := range unaryOps {
		ops[name] = planUnary
	}
	for name := range binaryOps {
		ops[name] = planBinary
	}
}

// Ops lists the TensorFlow ops the interpreter runs (Const and Placeholder
// besides).
func Ops() []string {
	names := make([]string, 0, len(ops))
	for name := range ops {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// floatInput returns a node's i-th input, which must hold floats.
func (p *planner) floatInput(n *node, i int) (*value, error) {
	v, err := p.input(n, i)
	if err != nil {
		return nil, err
	}
	if v.isConst() && v.konst.IsInt() {
		return nil, fmt.Errorf("node %s (%s): input %d holds integers; pipette runs this op on floats only", n.name, n.op, i)
	}
	return v, nil
}

func planIdentity(p *planner, n *node) ([]*value, error) {
	v, err := p.input(n, 0)
	if err != nil {
		return nil, err
	}
	return []*value{v}, nil
}

// axis resolves a possibly negative axis against a rank.
func axis(n *node, a, rank int) (int, error) {
	if a < 0 {
		a += rank
	}
	if a < 0 || a >= rank {
		return 0, fmt.Errorf("node %s (%s): axis %d is out of range for rank %d", n.name, n.op, a, rank)
	}
	return a, nil
}

func planTranspose(p *planner, n *node) ([]*value, error) {
	x, err := p.input(n, 0)
	if err != nil {
		return nil, err
	}
	perm, err := p.constInts(n, 1)
	if err != nil {
		return nil, err
	}
	rank := len(x.shape)
	if len(perm) != rank {
		return nil, fmt.Errorf("node %s (Transpose): permutation %v for rank %d", n.name, perm, rank)
	}
	inverse := make([]int, rank)
	seen := make([]bool, rank)
	for k, a := range perm {
		if a < 0 || a >= rank || seen[a] {
			return nil, fmt.Errorf("node %s (Transpose): %v is not a permutation", n.name, perm)
		}
		seen[a] = true
		inverse[a] = k
	}
	shape := make([]int, rank)
	for k, a := range perm {
		shape[k] = x.shape[a]
	}
	if x.isConst() {
		if x.konst.IsInt() {
			return nil, fmt.Errorf("node %s (Transpose): pipette transposes float tensors only", n.name)
		}
		t := &Tensor{Shape: shape, Float: make([]float32, x.size())}
		transposeInto(t.Float, x.konst.Float, x.shape, perm)
		return []*value{constValue(t)}, nil
	}
	// Output logical axis k is input logical axis perm[k]; physical axis j
	// of the input holds its logical axis px[j], that is output axis
	// inverse[px[j]].
	phys := make([]int, rank)
	identity := true
	for j := range rank {
		a := j
		if x.perm != nil {
			a = x.perm[j]
		}
		phys[j] = inverse[a]
		identity = identity && phys[j] == j
	}
	if identity {
		phys = nil
	}
	return []*value{view(x, shape, phys)}, nil
}

func planReshape(p *planner, n *node) ([]*value, error) {
	x, err := p.input(n, 0)
	if err != nil {
		return nil, err
	}
	want, err := p.constInts(n, 1)
	if err != nil {
		return nil, err
	}
	shape, err := reshapeTarget(n, x.size(), want)
	if err != nil {
		return nil, err
	}
	if x.isConst() {
		t := *x.konst
		t.Shape = shape
		return []*value{constValue(&t)}, nil
	}
	if x, err = p.materialize(x); err != nil {
		return nil, err
	}
	return []*value{view(x, shape, nil)}, nil
}

// reshapeTarget fills in a -1 dimension and checks the size.
func reshapeTarget(n *node, size int, want []int) ([]int, error) {
	shape := slices.Clone(want)
	known, unknown := 1, -1
	for i, d := range shape {
		switch {
		case d == -1 && unknown < 0:
			unknown = i
		case d < 0:
			return nil, fmt.Errorf("node %s (Reshape): target shape %v", n.name, want)
		default:
			if _, err := elements(shape[:i+1]); err != nil && d != 0 {
				return nil, fmt.Errorf("node %s (Reshape): %w", n.name, err)
			}
			known *= d
		}
	}
	if unknown >= 0 {
		if known == 0 || size%known != 0 {
			return nil, fmt.Errorf("node %s (Reshape): %d values do not fit shape %v", n.name, size, want)
		}
		shape[unknown] = size / known
	}
	if got, err := elements(shape); err != nil || got != size {
		return nil, fmt.Errorf("node %s (Reshape): %d values do not fit shape %v", n.name, size, want)
	}
	return shape, nil
}

// sharedPerm is the layout every computed value of vs has, when they all
// have the same one and the constants among them are not transposed.
func sharedPerm(vs []*value) (perm []int, ok bool) {
	first := true
	for _, v := range vs {
		if v.isConst() {
			if v.perm != nil {
				return nil, false
			}
			continue
		}
		if first {
			perm, first = v.perm, false
		} else if !slices.Equal(perm, v.perm) {
			return nil, false
		}
	}
	for _, v := range vs {
		if v.isConst() && perm != nil {
			return nil, false
		}
	}
	return perm, true
}

// physAxis is the memory axis that holds logical axis a under perm.
func physAxis(perm []int, a int) int {
	if perm == nil {
		return a
	}
	return slices.Index(perm, a)
}

func planConcat(p *planner, n *node) ([]*value, error) {
	if len(n.inputs) < 2 {
		return nil, fmt.Errorf("node %s (ConcatV2): needs at least one tensor and the axis", n.name)
	}
	last := len(n.inputs) - 1
	ax, err := p.constInts(n, last)
	if err != nil || len(ax) != 1 {
		return nil, fmt.Errorf("node %s (ConcatV2): the axis must be one constant integer", n.name)
	}
	ins := make([]*value, last)
	for i := range ins {
		if ins[i], err = p.floatInput(n, i); err != nil {
			return nil, err
		}
	}
	a, err := axis(n, ax[0], len(ins[0].shape))
	if err != nil {
		return nil, err
	}
	shape := slices.Clone(ins[0].shape)
	shape[a] = 0
	for _, v := range ins {
		if len(v.shape) != len(shape) {
			return nil, fmt.Errorf("node %s (ConcatV2): ranks differ", n.name)
		}
		for d := range shape {
			if d != a && v.shape[d] != shape[d] {
				return nil, fmt.Errorf("node %s (ConcatV2): shapes %v and %v differ off axis %d", n.name, ins[0].shape, v.shape, a)
			}
		}
		shape[a] += v.shape[a]
	}
	perm, ok := sharedPerm(ins)
	if !ok {
		for i := range ins {
			if ins[i], err = p.materialize(ins[i]); err != nil {
				return nil, err
			}
		}
	}
	out, err := p.newValue(shape)
	if err != nil {
		return nil, err
	}
	out.perm = perm
	p.add(&concatStep{ins: ins, out: out, axis: physAxis(perm, a)})
	return []*value{out}, nil
}

func planSplitV(p *planner, n *node) ([]*value, error) {
	x, err := p.floatInput(n, 0)
	if err != nil {
		return nil, err
	}
	sizes, err := p.constInts(n, 1)
	if err != nil {
		return nil, err
	}
	ax, err := p.constInts(n, 2)
	if err != nil || len(ax) != 1 {
		return nil, fmt.Errorf("node %s (SplitV): the axis must be one constant integer", n.name)
	}
	a, err := axis(n, ax[0], len(x.shape))
	if err != nil {
		return nil, err
	}
	if len(sizes) == 0 || len(sizes) > 1024 {
		return nil, fmt.Errorf("node %s (SplitV): %d parts", n.name, len(sizes))
	}
	total, unknown := 0, -1
	for i, s := range sizes {
		switch {
		case s == -1 && unknown < 0:
			unknown = i
		case s < 0 || s > x.shape[a]:
			return nil, fmt.Errorf("node %s (SplitV): sizes %v do not split %d", n.name, sizes, x.shape[a])
		default:
			total += s
		}
	}
	if unknown >= 0 && total <= x.shape[a] {
		sizes = slices.Clone(sizes)
		sizes[unknown] = x.shape[a] - total
		total = x.shape[a]
	}
	if total != x.shape[a] {
		return nil, fmt.Errorf("node %s (SplitV): sizes %v do not add up to %d", n.name, sizes, x.shape[a])
	}
	if x.isConst() {
		return nil, fmt.Errorf("node %s (SplitV): splitting a constant is not supported", n.name)
	}
	outs := make([]*value, len(sizes))
	for i, s := range sizes {
		shape := slices.Clone(x.shape)
		shape[a] = s
		if outs[i], err = p.newValue(shape); err != nil {
			return nil, err
		}
		outs[i].perm = x.perm
	}
	p.add(&splitStep{in: x, outs: outs, axis: physAxis(x.perm, a)})
	return outs, nil
}

func planPad(p *planner, n *node) ([]*value, error) {
	x, err := p.floatInput(n, 0)
	if err != nil {
		return nil, err
	}
	pads, err := p.constInts(n, 1)
	if err != nil {
		return nil, err
	}
	rank := len(x.shape)
	if len(pads) != 2*rank {
		return nil, fmt.Errorf("node %s (%s): %d paddings for rank %d", n.name, n.op, len(pads), rank)
	}
	fill := float32(0)
	if n.op == "PadV2" {
		c, err := p.constInput(n, 2)
		if err != nil {
			return nil, err
		}
		if c.IsInt() || len(c.Float) != 1 {
			return nil, fmt.Errorf("node %s (PadV2): the constant value must be one float", n.name)
		}
		fill = c.Float[0]
	}
	if x.isConst() {
		return nil, fmt.Errorf("node %s (%s): padding a constant is not supported", n.name, n.op)
	}
	shape := slices.Clone(x.shape)
	for a := range shape {
		before, after := pads[2*a], pads[2*a+1]
		if before < 0 || after < 0 || before > maxElements || after > maxElements {
			return nil, fmt.Errorf("node %s (%s): paddings %v", n.name, n.op, pads)
		}
		shape[a] += before + after
	}
	out, err := p.newValue(shape)
	if err != nil {
		return nil, err
	}
	out.perm = x.perm
	phys := make([]int, 2*rank)
	for j := range rank {
		a := j
		if x.perm != nil {
			a = x.perm[j]
		}
		phys[2*j], phys[2*j+1] = pads[2*a], pads[2*a+1]
	}
	p.add(&padStep{in: x, out: out, pads: phys, fill: fill})
	return []*value{out}, nil
}
