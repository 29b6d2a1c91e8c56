package tfjs

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
)

// exec is the state of one run: the buffers of the computed values and a
// scratch area per worker. Programs keep execs between runs, so a run
// allocates only its outputs.
type exec struct {
	bufs    [][]float32
	scratch [][]float32
}

func newExec(slots, workers, scratch int) *exec {
	e := &exec{bufs: make([][]float32, slots), scratch: make([][]float32, workers)}
	for w := range e.scratch {
		e.scratch[w] = make([]float32, scratch)
	}
	return e
}

// data is a value's values in memory order.
func (e *exec) data(v *value) []float32 {
	if v.konst != nil {
		return v.konst.Float
	}
	return e.bufs[v.slot][:v.size()]
}

// tensor copies a value out in logical order.
func (e *exec) tensor(v *value) *Tensor {
	if v.konst != nil {
		return v.konst
	}
	t := &Tensor{Shape: slices.Clone(v.shape), Float: make([]float32, v.size())}
	if v.perm == nil {
		copy(t.Float, e.data(v))
	} else {
		transposeInto(t.Float, e.data(v), v.physShape(), v.perm)
	}
	return t
}

// parallel calls fn on consecutive ranges of [0, n) with the ranges' start
// (but the first) a multiple of align, over at most len(e.scratch) goroutines;
// fn learns which worker it is, to use that worker's scratch.
func (e *exec) parallel(n, align int, fn func(worker, lo, hi int)) {
	workers := min(len(e.scratch), (n+align-1)/align)
	if workers <= 1 {
		fn(0, 0, n)
		return
	}
	var wg sync.WaitGroup
	for w := range workers {
		lo := (w * n / workers) / align * align
		hi := ((w + 1) * n / workers) / align * align
		if w == workers-1 {
			hi = n
		}
		wg.Go(func() { fn(w, lo, hi) })
	}
	wg.Wait()
}

// Program is a compiled graph for fixed input shapes. It is safe for
// concurrent use: each run takes an exec from a pool.
type Program struct {
	inputs  []*value
	outputs []*value
	steps   []step
	sizes   []int // floats of each buffer
	workers int
	scratch int
	pool    sync.Pool
}

// Run executes the program on inputs (in the order given to Compile, each
// of the shape given there, in row-major order) and returns the outputs in
// the order asked for. It stops between steps when ctx is done.
func (p *Program) Run(ctx context.Context, inputs ...[]float32) ([]*Tensor, error) {
	if len(inputs) != len(p.inputs) {
		return nil, fmt.Errorf("the program takes %d inputs, got %d", len(p.inputs), len(inputs))
	}
	for i, in := range inputs {
		if len(in) != p.inputs[i].size() {
			return nil, fmt.Errorf("input %d has %d values, want %d for shape %v", i, len(in), p.inputs[i].size(), p.inputs[i].shape)
		}
	}
	e, _ := p.pool.Get().(*exec)
	if e == nil {
		e = newExec(len(p.sizes), p.workers, p.scratch)
		for i, n := range p.sizes {
			e.bufs[i] = make([]float32, n)
		}
	}
	defer p.pool.Put(e)
	for i, in := range inputs {
		copy(e.data(p.inputs[i]), in)
	}
	for _, s := range p.steps {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		s.run(e)
	}
	out := make([]*Tensor, len(p.outputs))
	for i, v := range p.outputs {
		out[i] = e.tensor(v)
	}
	return out, nil
}

// Input names a placeholder and the shape a program feeds it.
type Input struct {
	Name  string
	Shape []int
}

// Compile plans the graph for the given placeholder shapes, for computing
// the named outputs ("name" or "name:k").
func (g *Graph) Compile(inputs []Input, outputs []string) (*Program, error) {
	if len(outputs) == 0 {
		return nil, errors.New("compile: no outputs asked for")
	}
	outRefs := make([]ref, len(outputs))
	for i, name := range outputs {
		r, err := g.resolve(name)
		if err != nil {
			return nil, fmt.Errorf("output: %w", err)
		}
		outRefs[i] = r
	}
	nodes, copies, err := g.reachable(outRefs)
	if err != nil {
		return nil, err
	}
	for i := range outRefs {
		outRefs[i].node = copies[outRefs[i].node]
	}
	fuse(g, nodes, outRefs)
	p := &planner{values: map[ref]*value{}, workers: runtime.GOMAXPROCS(0)}
	prog := &Program{workers: p.workers, inputs: make([]*value, len(inputs))}
	inputIndex := map[string]int{}
	for i, in := range inputs {
		inputIndex[in.Name] = i
	}
	for _, n := range nodes {
		switch n.op {
		case "Const":
			p.values[ref{node: n}] = constValue(g.consts[n.name])
			continue
		case "Placeholder":
			i, ok := inputIndex[n.name]
			if !ok {
				return nil, fmt.Errorf("compile: no shape given for input %q", n.name)
			}
			v, err := p.newValue(slices.Clone(inputs[i].Shape))
			if err != nil {
				return nil, fmt.Errorf("input %q: %w", n.name, err)
			}
			p.values[ref{node: n}] = v
			prog.inputs[i] = v
			continue
		}
		if err := p.planNode(n); err != nil {
			return nil, err
		}
	}
	for i, v := range prog.inputs {
		if v == nil {
			return nil, fmt.Errorf("compile: the outputs do not depend on input %q", inputs[i].Name)
		}
	}
	for _, r := range outRefs {
		v, ok := p.values[r]
		if !ok {
			return nil, fmt.Errorf("output %d of %s does not exist", r.out, r.node.name)
		}
		if v.isConst() {
			return nil, fmt.Errorf("output %s is a constant", r.node.name)
		}
		prog.outputs = append(prog.outputs, v)
	}
	prog.steps, prog.scratch = p.steps, p.scratch
	prog.sizes = assignBuffers(p, prog.inputs, prog.outputs)
	return prog, nil
}
