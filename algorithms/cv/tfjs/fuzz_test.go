package tfjs

import (
	"context"
	"encoding/json"
	"testing"
)

// FuzzLoad feeds any bytes as model.json and as the weights: Load and
// Compile may refuse them, but never panic, and what compiles runs.
//
//	go test -run=^$ -fuzz=FuzzLoad -fuzztime=60s ./algorithms/cv/tfjs
//
// (The fuzzer pauses while it minimises each new input it finds
// interesting: its count of runs stands still, the runs do not.)
func FuzzLoad(f *testing.F) {
	for _, b := range seedGraphs() {
		j, open := b.files()
		w, _ := open("w.bin")
		f.Add(j, w)
		f.Add(j[:len(j)/2], w)
		if len(w) > 4 {
			f.Add(j, w[:len(w)-4])
		}
	}
	f.Add([]byte(`{"modelTopology":{"node":[{"name":"x","op":"Placeholder"},{"name":"y","op":"Transpose","input":["x","x"]}]}}`), []byte{})
	f.Add([]byte(`{"modelTopology":{"node":[{"name":"c","op":"Const"}]},"weightsManifest":[{"paths":["a"],"weights":[{"name":"c","shape":[-1],"dtype":"float32"}]}]}`), []byte{1, 2, 3, 4})
	f.Fuzz(func(t *testing.T, modelJSON, weights []byte) {
		g, err := Load(modelJSON, func(string) ([]byte, error) { return weights, nil })
		if err != nil {
			return
		}
		last := g.nodes[len(g.nodes)-1].name
		var inputs []Input
		for _, name := range g.Inputs() {
			inputs = append(inputs, Input{Name: name, Shape: []int{1, 4, 4, 3}})
		}
		p, err := g.Compile(inputs, []string{last})
		if err != nil {
			return
		}
		total := 0
		for _, n := range p.sizes {
			total += n
		}
		if total > 1<<20 {
			return // runs, but too big to run thousands of times
		}
		feeds := make([][]float32, len(inputs))
		for i := range feeds {
			feeds[i] = make([]float32, 48)
		}
		if _, err := p.Run(context.Background(), feeds...); err != nil {
			t.Fatalf("a compiled program failed: %v", err)
		}
	})
}

// seedGraphs are small valid models using every op family.
func seedGraphs() []*graphBuilder {
	var seeds []*graphBuilder
	b := &graphBuilder{}
	x := b.input("x")
	p := b.node("pad", "Pad", []string{x, b.ints("pads", []int{4, 2}, 0, 0, 1, 1, 1, 1, 0, 0)}, nil)
	c := b.node("conv", "Conv2D", []string{p, b.floats("f", []int{3, 3, 3, 4}, make([]float32, 108))},
		map[string]any{"padding": "VALID", "strides": []int{1, 2, 2, 1}})
	a := b.node("add", "Add", []string{c, b.floats("b", []int{4}, []float32{1, 2, 3, 4})}, nil)
	l := b.node("leaky", "LeakyRelu", []string{a}, map[string]any{"alpha": 0.1})
	m := b.node("pool", "MaxPool", []string{l}, map[string]any{"ksize": []int{1, 2, 2, 1}, "strides": []int{1, 1, 1, 1}, "padding": "SAME"})
	r := b.node("resize", "ResizeBilinear", []string{m, b.ints("size", []int{2}, 4, 4)}, map[string]any{"half_pixel_centers": true})
	t := b.node("t", "Transpose", []string{r, b.ints("perm", []int{4}, 0, 3, 1, 2)}, nil)
	s := b.node("split", "SplitV", []string{t, b.ints("sizes", []int{2}, 1, 3), b.ints("axis", []int{}, 1)}, map[string]any{"num_split": 2})
	g := b.node("sig", "Sigmoid", []string{s + ":1"}, nil)
	cat := b.node("cat", "ConcatV2", []string{g, s, b.ints("axis2", []int{}, 1)}, nil)
	b.node("out", "Reshape", []string{cat, b.ints("shape", []int{2}, 1, -1)}, nil)
	seeds = append(seeds, b)

	b = &graphBuilder{}
	b.node("out", "_FusedConv2D", []string{b.input("x"), b.floats("f", []int{1, 1, 3, 2}, make([]float32, 6)), b.floats("b", []int{2}, []float32{0, 1})},
		map[string]any{"padding": "SAME", "fused_ops": []string{"BiasAdd", "Relu6"}})
	return append(seeds, b)
}

// The seeds themselves load, compile and run.
func TestSeedGraphsRun(t *testing.T) {
	t.Parallel()
	for i, b := range seedGraphs() {
		out := b.run(t, []int{1, 4, 4, 3}, make([]float32, 48), "out")
		if len(out) != 1 || out[0].Len() == 0 {
			t.Errorf("seed %d: %v", i, out)
		}
		j, _ := b.files()
		if !json.Valid(j) {
			t.Errorf("seed %d: invalid JSON", i)
		}
	}
}
