package tfjs

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// graphBuilder writes small TensorFlow.js graph models for the tests, as
// tfjs-converter would: a model.json and one weights file.
type graphBuilder struct {
	nodes   []map[string]any
	weights []map[string]any
	data    []byte
}

// node adds a node; attrs take Go values (string → base64 "s", int →
// "i", float64 → "f", bool → "b", []int → list of "i").
func (b *graphBuilder) node(name, op string, inputs []string, attrs map[string]any) string {
	a := map[string]any{}
	for k, v := range attrs {
		switch v := v.(type) {
		case string:
			a[k] = map[string]any{"s": base64.StdEncoding.EncodeToString([]byte(v))}
		case int:
			a[k] = map[string]any{"i": fmt.Sprint(v)}
		case float64:
			a[k] = map[string]any{"f": v}
		case bool:
			a[k] = map[string]any{"b": v}
		case []int:
			list := make([]string, len(v))
			for i, x := range v {
				list[i] = fmt.Sprint(x)
			}
			a[k] = map[string]any{"list": map[string]any{"i": list}}
		case []string:
			list := make([]string, len(v))
			for i, x := range v {
				list[i] = base64.StdEncoding.EncodeToString([]byte(x))
			}
			a[k] = map[string]any{"list": map[string]any{"s": list}}
		}
	}
	b.nodes = append(b.nodes, map[string]any{"name": name, "op": op, "input": inputs, "attr": a})
	return name
}

func (b *graphBuilder) input(name string) string { return b.node(name, "Placeholder", nil, nil) }

// floats adds a float32 constant.
func (b *graphBuilder) floats(name string, shape []int, v []float32) string {
	for _, x := range v {
		b.data = binary.LittleEndian.AppendUint32(b.data, math.Float32bits(x))
	}
	b.weights = append(b.weights, map[string]any{"name": name, "shape": shape, "dtype": "float32"})
	return b.node(name, "Const", nil, nil)
}

// ints adds an int32 constant.
func (b *graphBuilder) ints(name string, shape []int, v ...int) string {
	for _, x := range v {
		b.data = binary.LittleEndian.AppendUint32(b.data, uint32(int32(x)))
	}
	b.weights = append(b.weights, map[string]any{"name": name, "shape": shape, "dtype": "int32"})
	return b.node(name, "Const", nil, nil)
}

func (b *graphBuilder) files() (modelJSON []byte, open func(string) ([]byte, error)) {
	m := map[string]any{
		"format":          "graph-model",
		"modelTopology":   map[string]any{"node": b.nodes},
		"weightsManifest": []any{map[string]any{"paths": []string{"w.bin"}, "weights": b.weights}},
	}
	j, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	data := b.data
	return j, func(p string) ([]byte, error) {
		if p != "w.bin" {
			return nil, fmt.Errorf("no file %s", p)
		}
		return data, nil
	}
}

// compile loads and compiles the graph for one input named x.
func (b *graphBuilder) compile(t *testing.T, shape []int, outputs ...string) *Program {
	t.Helper()
	j, open := b.files()
	g, err := Load(j, open)
	if err != nil {
		t.Fatal(err)
	}
	p, err := g.Compile([]Input{{Name: "x", Shape: shape}}, outputs)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// stepKinds names the program's steps by type, for checking fusion.
func stepKinds(p *Program) []string {
	var kinds []string
	for _, s := range p.steps {
		kinds = append(kinds, fmt.Sprintf("%T", s))
	}
	return kinds
}

// run loads, compiles and runs the graph on one input.
func (b *graphBuilder) run(t *testing.T, shape []int, in []float32, outputs ...string) []*Tensor {
	t.Helper()
	out, err := b.compile(t, shape, outputs...).Run(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func randomFloats(rng *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = rng.Float32()*2 - 1
	}
	return v
}

func size(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// closeTo fails when got and want differ by more than tol anywhere.
func closeTo(t *testing.T, what string, got *Tensor, wantShape []int, want []float64, tol float64) {
	t.Helper()
	if fmt.Sprint(got.Shape) != fmt.Sprint(wantShape) {
		t.Fatalf("%s: shape %v, want %v", what, got.Shape, wantShape)
	}
	for i, w := range want {
		if d := math.Abs(float64(got.Float[i]) - w); d > tol || math.IsNaN(float64(got.Float[i])) != math.IsNaN(w) {
			t.Fatalf("%s: [%d] = %v, want %v", what, i, got.Float[i], w)
		}
	}
}

// at reads a row-major tensor of the given shape.
func at(v []float32, shape []int, idx ...int) float64 {
	off := 0
	for i, x := range idx {
		off = off*shape[i] + x
	}
	return float64(v[off])
}
