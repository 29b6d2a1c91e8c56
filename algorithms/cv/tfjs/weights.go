package tfjs

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
)

// manifestGroup is one entry of weightsManifest: tensors stored back to
// back in the concatenation of the listed files.
type manifestGroup struct {
	Paths   []string     `json:"paths"`
	Weights []weightSpec `json:"weights"`
}

type weightSpec struct {
	Name         string `json:"name"`
	Shape        []int  `json:"shape"`
	Dtype        string `json:"dtype"`
	Quantization *struct {
		Dtype string  `json:"dtype"`
		Scale float64 `json:"scale"`
		Min   float64 `json:"min"`
	} `json:"quantization"`
}

// LoadWeights reads a weights manifest on its own (a JSON list of groups,
// as face-api.js ships its networks beside its code rather than in a
// model.json) and decodes every tensor, by name, reading the shard files
// with open.
func LoadWeights(manifestJSON []byte, open func(path string) ([]byte, error)) (map[string]*Tensor, error) {
	var groups []manifestGroup
	if err := json.Unmarshal(manifestJSON, &groups); err != nil {
		return nil, fmt.Errorf("weights manifest: %w", err)
	}
	return readWeights(groups, open)
}

// readWeights decodes every tensor of the manifest, reading the shard files
// with open.
func readWeights(groups []manifestGroup, open func(path string) ([]byte, error)) (map[string]*Tensor, error) {
	out := map[string]*Tensor{}
	total := 0
	for _, g := range groups {
		var data []byte
		for _, p := range g.Paths {
			b, err := open(p)
			if err != nil {
				return nil, fmt.Errorf("weights file %q: %w", p, err)
			}
			if total += len(b); total > maxWeightBytes {
				return nil, fmt.Errorf("the weights files hold more than %d bytes", maxWeightBytes)
			}
			data = append(data, b...)
		}
		off := 0
		for _, w := range g.Weights {
			t, n, err := decodeWeight(w, data[off:])
			if err != nil {
				return nil, fmt.Errorf("weight %q: %w", w.Name, err)
			}
			out[w.Name] = t
			off += n
		}
		if off != len(data) {
			return nil, fmt.Errorf("the weights manifest describes %d bytes but %v hold %d", off, g.Paths, len(data))
		}
	}
	return out, nil
}

// decodeWeight reads one tensor from the front of data and says how many
// bytes it took. Stored types: float32, int32 and bool as they are; float32
// quantised to uint8/uint16 (value = min + scale·q) or to float16.
func decodeWeight(w weightSpec, data []byte) (*Tensor, int, error) {
	n, err := elements(w.Shape)
	if err != nil {
		return nil, 0, err
	}
	t := &Tensor{Shape: append([]int{}, w.Shape...)}
	stored, width := w.Dtype, 4
	if w.Dtype == "bool" {
		width = 1
	}
	q := w.Quantization
	if q != nil {
		stored = q.Dtype
		switch q.Dtype {
		case "uint8":
			width = 1
		case "uint16", "float16":
			width = 2
		default:
			return nil, 0, fmt.Errorf("quantisation to %q is not supported", q.Dtype)
		}
	}
	if n > len(data)/width {
		return nil, 0, fmt.Errorf("%v %s runs past the end of the weights", w.Shape, stored)
	}
	raw := data[:n*width]
	switch {
	case w.Dtype == "float32" && q == nil:
		t.Float = make([]float32, n)
		for i := range t.Float {
			t.Float[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
		}
	case (w.Dtype == "int32" && q == nil) || w.Dtype == "bool":
		t.Int = make([]int32, n)
		for i := range t.Int {
			if width == 1 {
				t.Int[i] = int32(raw[i])
			} else {
				t.Int[i] = int32(binary.LittleEndian.Uint32(raw[4*i:]))
			}
		}
	case w.Dtype == "float32" && q.Dtype == "float16":
		t.Float = make([]float32, n)
		decodeHalves(t.Float, raw)
	case w.Dtype == "float32" || w.Dtype == "int32":
		vals := make([]float64, n)
		for i := range vals {
			v := uint32(raw[i])
			if width == 2 {
				v = uint32(binary.LittleEndian.Uint16(raw[2*i:]))
			}
			vals[i] = q.Min + q.Scale*float64(v)
		}
		if w.Dtype == "int32" {
			t.Int = make([]int32, n)
			for i, v := range vals {
				t.Int[i] = int32(max(min(math.Round(v), math.MaxInt32), math.MinInt32))
			}
		} else {
			t.Float = make([]float32, n)
			for i, v := range vals {
				t.Float[i] = float32(v)
			}
		}
	default:
		return nil, 0, fmt.Errorf("dtype %q is not supported", w.Dtype)
	}
	return t, n * width, nil
}

// decodeHalves converts little-endian float16 values; it is the bulk of
// loading a float16 model, so -race leaves it alone.
//
//go:norace
func decodeHalves(dst []float32, raw []byte) {
	raw = raw[:2*len(dst)]
	for i := range dst {
		dst[i] = halfToFloat(binary.LittleEndian.Uint16(raw[2*i:]))
	}
}

// halfToFloat converts an IEEE 754 half-precision value exactly.
func halfToFloat(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	frac := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f: // infinity or NaN
		return math.Float32frombits(sign | 0x7f800000 | frac<<13)
	case exp != 0: // normal
		return math.Float32frombits(sign | (exp+112)<<23 | frac<<13)
	case frac == 0:
		return math.Float32frombits(sign)
	}
	// Subnormal: frac × 2^-24, exact in float32.
	v := float32(frac) * (1.0 / (1 << 24))
	if sign != 0 {
		v = -v
	}
	return v
}
