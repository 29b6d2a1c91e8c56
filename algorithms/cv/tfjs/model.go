// Package tfjs runs TensorFlow.js graph models — the model.json and weight
// files tfjs-converter writes — in Go, on the CPU, without TensorFlow.
//
// Load reads the graph and dequantises its weights; Compile fixes the input
// shapes, folds what is constant, fuses convolutions with their bias,
// padding and activation, turns transposes into views, and plans every
// intermediate tensor into buffers reused from call to call; Program.Run
// then executes the plan. The heavy loops are package gemm's 4×16 assembly
// kernel. Running another TensorFlow.js graph model takes its files and its
// own pre- and post-processing, not a new port, as long as it sticks to the
// ops this package implements (Ops lists them); an unknown op is an error
// at Compile, naming it.
//
// Everything read from the files is checked: malformed JSON, a graph that
// refers to missing nodes or has a cycle, shapes that do not fit, weights
// that do not match the manifest or a tensor larger than the limits all give
// an error, never a panic (FuzzLoad holds that).
package tfjs

import (
	"encoding/base64"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Limits on what a model file may ask for, checked before anything that
// size is allocated.
const (
	maxNodes = 1 << 16
	// maxElements bounds one tensor (weights or activations): 256 Mi
	// values, 1 GiB of float32.
	maxElements = 1 << 28
	// maxProgramFloats bounds all the buffers one run of a program uses
	// (512 MiB; NanoDet-g needs 16 MiB).
	maxProgramFloats = 1 << 27
	// maxFoldFloats bounds what constant folding computes at compile time.
	maxFoldFloats  = 1 << 20
	maxRank        = 8
	maxWeightBytes = 1 << 30
)

// modelFile is model.json as tfjs-converter writes it.
type modelFile struct {
	Format        string `json:"format"`
	ModelTopology struct {
		Node []nodeDef `json:"node"`
	} `json:"modelTopology"`
	WeightsManifest []manifestGroup `json:"weightsManifest"`
}

type nodeDef struct {
	Name  string          `json:"name"`
	Op    string          `json:"op"`
	Input []string        `json:"input"`
	Attr  map[string]attr `json:"attr"`
}

// attr is one node attribute, a TensorFlow AttrValue in JSON form: integers
// come as strings ("i": "2"), strings base64-encoded ("s": "VkFMSUQ=").
type attr struct {
	S    *string  `json:"s"`
	I    *jsonInt `json:"i"`
	F    *float64 `json:"f"`
	B    *bool    `json:"b"`
	Type *string  `json:"type"`
	List *struct {
		I []jsonInt `json:"i"`
		S []string  `json:"s"`
	} `json:"list"`
}

// jsonInt is an integer written as a JSON number or a string, within int.
type jsonInt int

func (n *jsonInt) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("integer attribute %s: %w", b, err)
	}
	if v > math.MaxInt32 || v < math.MinInt32 {
		return fmt.Errorf("integer attribute %d is out of range", v)
	}
	*n = jsonInt(v)
	return nil
}

// attrs reads a node's attributes, with the op and node named in errors.
type attrs struct {
	node string
	m    map[string]attr
}

func (a attrs) str(name, def string) (string, error) {
	v, ok := a.m[name]
	if !ok || v.S == nil {
		return def, nil
	}
	b, err := base64.StdEncoding.DecodeString(*v.S)
	if err != nil {
		return "", fmt.Errorf("node %s: attribute %s is not base64: %w", a.node, name, err)
	}
	return string(b), nil
}

func (a attrs) float(name string, def float64) float64 {
	if v, ok := a.m[name]; ok && v.F != nil {
		return *v.F
	}
	return def
}

func (a attrs) boolean(name string) bool {
	v, ok := a.m[name]
	return ok && v.B != nil && *v.B
}

func (a attrs) ints(name string) []int {
	v, ok := a.m[name]
	if !ok || v.List == nil {
		return nil
	}
	out := make([]int, len(v.List.I))
	for i, x := range v.List.I {
		out[i] = int(x)
	}
	return out
}

func (a attrs) strs(name string) ([]string, error) {
	v, ok := a.m[name]
	if !ok || v.List == nil {
		return nil, nil
	}
	out := make([]string, len(v.List.S))
	for i, s := range v.List.S {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return nil, fmt.Errorf("node %s: attribute %s is not base64: %w", a.node, name, err)
		}
		out[i] = string(b)
	}
	return out, nil
}

// Tensor is a dense row-major tensor: float32 values in Float, or integers
// (TensorFlow.js keeps int64 and bool as int32 too) in Int.
type Tensor struct {
	Shape []int
	Float []float32
	Int   []int32
}

// IsInt says whether the tensor holds integers.
func (t *Tensor) IsInt() bool { return t.Int != nil }

// Len is the number of values the shape holds.
func (t *Tensor) Len() int {
	n, _ := elements(t.Shape)
	return n
}

// elements is the product of a shape's dimensions, or an error when a
// dimension is negative or the product exceeds maxElements.
func elements(shape []int) (int, error) {
	if len(shape) > maxRank {
		return 0, fmt.Errorf("rank %d is above the %d pipette supports", len(shape), maxRank)
	}
	n := 1
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("shape %v has a negative dimension", shape)
		}
		if d != 0 && n > maxElements/d {
			return 0, fmt.Errorf("shape %v holds more than %d values", shape, maxElements)
		}
		n *= d
	}
	return n, nil
}
