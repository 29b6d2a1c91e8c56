package tfjs

import (
	"errors"
	"fmt"
	"slices"
)

// value is one tensor of a program as the planner sees it: its logical
// shape, how its data is laid out, and where the data lives.
type value struct {
	shape []int
	// perm is the physical order of the axes: physical axis j is logical
	// axis perm[j]. nil means row-major in logical order. A Transpose only
	// changes perm, so it costs nothing until an op needs the data in
	// logical order (see materialize).
	perm []int
	// konst is the data of a constant (always in logical order).
	konst *Tensor
	// slot is the run-time buffer of a computed value; views share it.
	slot int
}

func (v *value) isConst() bool { return v.konst != nil }

func (v *value) size() int {
	n, _ := elements(v.shape)
	return n
}

// physShape is the shape in memory order.
func (v *value) physShape() []int {
	if v.perm == nil {
		return v.shape
	}
	p := make([]int, len(v.shape))
	for j, a := range v.perm {
		p[j] = v.shape[a]
	}
	return p
}

// step is one operation of a compiled program.
type step interface {
	run(e *exec)
	// values lists what the step reads and writes, for buffer planning.
	values() (in, out []*value)
}

// planner builds a program from the reachable nodes.
type planner struct {
	steps    []step
	values   map[ref]*value
	nslots   int
	scratch  int // floats of scratch one worker needs, the most any step asks
	workers  int
	floats   int // floats planned so far, bounded by maxProgramFloats
	folding  bool
	foldExec *exec
}

// newValue makes a computed value with a fresh slot.
func (p *planner) newValue(shape []int) (*value, error) {
	n, err := elements(shape)
	if err != nil {
		return nil, err
	}
	limit := maxProgramFloats
	if p.folding {
		limit = maxFoldFloats
	}
	if p.floats += n; p.floats > limit {
		return nil, fmt.Errorf("the program needs more than %d values of memory", limit)
	}
	v := &value{shape: shape, slot: p.nslots}
	p.nslots++
	return v, nil
}

// view is a value sharing src's buffer with another shape or layout.
func view(src *value, shape, perm []int) *value {
	return &value{shape: shape, perm: perm, konst: src.konst, slot: src.slot}
}

// constValue wraps a constant tensor.
func constValue(t *Tensor) *value { return &value{shape: t.Shape, konst: t, slot: -1} }

func (p *planner) add(s step) { p.steps = append(p.steps, s) }

// needScratch records that a step needs n floats of scratch per worker.
func (p *planner) needScratch(n int) { p.scratch = max(p.scratch, n) }

// materialize returns v in logical row-major order, adding a copy step when
// it is a transposed view.
func (p *planner) materialize(v *value) (*value, error) {
	if v.perm == nil {
		return v, nil
	}
	if v.isConst() {
		return nil, errors.New("internal: a transposed constant")
	}
	out, err := p.newValue(v.shape)
	if err != nil {
		return nil, err
	}
	p.add(&transposeStep{in: v, out: out})
	return out, nil
}

// input returns the value of a node's i-th input.
func (p *planner) input(n *node, i int) (*value, error) {
	if i >= len(n.inputs) {
		return nil, fmt.Errorf("node %s (%s) has %d inputs, want at least %d", n.name, n.op, len(n.inputs), i+1)
	}
	v, ok := p.values[n.inputs[i]]
	if !ok {
		in := n.inputs[i]
		return nil, fmt.Errorf("node %s (%s) reads output %d of %s, which it does not have", n.name, n.op, in.out, in.node.name)
	}
	return v, nil
}

// constInput returns a node's i-th input, which must be a constant.
func (p *planner) constInput(n *node, i int) (*Tensor, error) {
	v, err := p.input(n, i)
	if err != nil {
		return nil, err
	}
	if !v.isConst() {
		return nil, fmt.Errorf("node %s (%s): input %d must be a constant for pipette to run it", n.name, n.op, i)
	}
	return v.konst, nil
}

// constInts returns a constant integer input as ints.
func (p *planner) constInts(n *node, i int) ([]int, error) {
	t, err := p.constInput(n, i)
	if err != nil {
		return nil, err
	}
	if !t.IsInt() {
		return nil, fmt.Errorf("node %s (%s): input %d must hold integers", n.name, n.op, i)
	}
	out := make([]int, len(t.Int))
	for i, v := range t.Int {
		out[i] = int(v)
	}
	return out, nil
}

// planNode plans one node: its outputs become values, its work steps.
// When every input is constant the node is run at once (constant folding)
// and its outputs become constants.
func (p *planner) planNode(n *node) error {
	op, ok := ops[n.op]
	if !ok {
		return fmt.Errorf("node %s: op %s is not supported by pipette's TensorFlow.js interpreter", n.name, n.op)
	}
	allConst := n.op != "Placeholder"
	for _, in := range n.inputs {
		v, ok := p.values[in]
		if !ok {
			return fmt.Errorf("node %s reads output %d of %s, which it does not have", n.name, in.out, in.node.name)
		}
		allConst = allConst && v.isConst()
	}
	if allConst && n.op != "Const" {
		return p.fold(n, op)
	}
	outs, err := op(p, n)
	if err != nil {
		return err
	}
	for i, v := range outs {
		p.values[ref{node: n, out: i}] = v
	}
	return nil
}

// fold runs a node whose inputs are all constants, once, at compile time.
func (p *planner) fold(n *node, op opFunc) error {
	sub := &planner{values: p.values, nslots: 0, workers: 1, folding: true}
	outs, err := op(sub, n)
	if err != nil {
		return err
	}
	e := newExec(sub.nslots, 1, sub.scratch)
	for _, s := range sub.steps {
		_, written := s.values()
		for _, v := range written {
			if v.slot >= 0 && e.bufs[v.slot] == nil {
				e.bufs[v.slot] = make([]float32, v.size())
			}
		}
		s.run(e)
	}
	for i, v := range outs {
		if !v.isConst() {
			t := e.tensor(v)
			v = constValue(t)
		}
		p.values[ref{node: n, out: i}] = v
	}
	return nil
}

// opFunc plans one op: it returns the node's output values, adding steps.
type opFunc func(p *planner, n *node) ([]*value, error)

// sameInts reports whether two int slices are equal.
func sameInts(a, b []int) bool { return slices.Equal(a, b) }
