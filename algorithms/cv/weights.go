package cv

import (
	"embed"
	"fmt"
	"pipette/algorithms/cv/tfjs"
	"slices"
	"sync"
)

// The face-api.js weights (MIT, see weights/README.md), vendored so that the
// face algorithms work offline inside the binary.
//
//go:embed weights/*.bin weights/*.json
var weightFiles embed.FS

// weightMap is one network's tensors by name ("conv1/pointwise_filter"),
// dequantised to float32, with their shapes.
type weightMap struct {
	model  string
	values map[string][]float32
	shapes map[string][]int
}

// tensor returns the named tensor after checking its shape, so that a
// manifest that does not match the code fails loudly at load time instead of
// indexing out of range in the middle of a convolution.
func (m *weightMap) tensor(name string, shape ...int) ([]float32, error) {
	v, ok := m.values[name]
	if !ok {
		return nil, fmt.Errorf("%s: no tensor %q in the manifest", m.model, name)
	}
	if !slices.Equal(m.shapes[name], shape) {
		return nil, fmt.Errorf("%s: tensor %q has shape %v, want %v", m.model, name, m.shapes[name], shape)
	}
	return v, nil
}

// conv loads a k×k convolution's "filters" and "bias" under prefix.
func (m *weightMap) conv(prefix string, k, cin, cout, stride int, same bool, act activation) (convLayer, error) {
	f, err := m.tensor(prefix+"filters", k, k, cin, cout)
	if err != nil {
		return convLayer{}, err
	}
	b, err := m.tensor(prefix+"bias", cout)
	if err != nil {
		return convLayer{}, err
	}
	return newConvLayer(f, b, k, cin, cout, stride, same, act), nil
}

// separable loads a 3×3 depthwise-separable convolution's tensors under
// prefix.
func (m *weightMap) separable(prefix string, cin, cout, stride int, act activation) (separableLayer, error) {
	dw, err := m.tensor(prefix+"depthwise_filter", 3, 3, cin, 1)
	if err != nil {
		return separableLayer{}, err
	}
	pw, err := m.tensor(prefix+"pointwise_filter", 1, 1, cin, cout)
	if err != nil {
		return separableLayer{}, err
	}
	b, err := m.tensor(prefix+"bias", cout)
	if err != nil {
		return separableLayer{}, err
	}
	return newSeparableLayer(dw, pw, b, cin, cout, stride, act), nil
}

// loadWeights reads the embedded manifest and shards of model, dequantised
// by the TensorFlow.js graph reader's weight decoder.
func loadWeights(model string) (*weightMap, error) {
	raw, err := weightFiles.ReadFile("weights/" + model + "-weights_manifest.json")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", model, err)
	}
	tensors, err := tfjs.LoadWeights(raw, func(p string) ([]byte, error) { return weightFiles.ReadFile("weights/" + p) })
	if err != nil {
		return nil, fmt.Errorf("%s: %w", model, err)
	}
	m := &weightMap{model: model, values: map[string][]float32{}, shapes: map[string][]int{}}
	for name, t := range tensors {
		if t.IsInt() {
			return nil, fmt.Errorf("%s: %s holds integers, not the float weights of a layer", model, name)
		}
		m.values[name] = t.Float
		m.shapes[name] = t.Shape
	}
	return m, nil
}

// The two networks are built once per process: parsing and dequantising take
// a few milliseconds, and the built networks are read-only, so every call
// shares them.
var (
	detectorOnce sync.Once
	detector     *tinyFaceDetector
	detectorErr  error

	expressionOnce sync.Once
	expressionNet  *faceExpressionNet
	expressionErr  error
)

func faceDetector() (*tinyFaceDetector, error) {
	detectorOnce.Do(func() {
		w, err := loadWeights("tiny_face_detector_model")
		if err == nil {
			detector, err = newTinyFaceDetector(w)
		}
		detectorErr = err
	})
	return detector, detectorErr
}

func expressionClassifier() (*faceExpressionNet, error) {
	expressionOnce.Do(func() {
		w, err := loadWeights("face_expression_model")
		if err == nil {
			expressionNet, err = newFaceExpressionNet(w)
		}
		expressionErr = err
	})
	return expressionNet, expressionErr
}
