package oip

import (
	"context"
	"fmt"
	"strings"

	"pipette/catalog"
)

// Limits of a generated sample and of what an input may ask for.
const (
	maxSampleElements = 1 << 16
	maxTensors        = 256
)

// Sample is an inference request for a model with these inputs: each
// tensor at its shape (a dimension of any size, -1, taken as 1) filled with
// a value of its datatype. false when the tensors are unknown or too large
// to show.
func Sample(inputs []TensorMeta) (map[string]any, bool) {
	if len(inputs) == 0 {
		return nil, false
	}
	var list []any
	for _, t := range inputs {
		n := int64(1)
		shape := make([]any, len(t.Shape))
		for i, d := range t.Shape {
			if d < 1 {
				d = 1
			}
			if d > maxSampleElements || n*d > maxSampleElements {
				return nil, false
			}
			n *= d
			shape[i] = float64(d)
		}
		data := make([]any, n)
		for i := range data {
			data[i] = sampleValue(t.Datatype, i)
		}
		list = append(list, map[string]any{"name": t.Name, "shape": shape, "datatype": t.Datatype, "data": data})
	}
	return map[string]any{"inputs": list}, true
}

func sampleValue(datatype string, i int) any {
	switch d := strings.ToUpper(datatype); {
	case d == "BOOL":
		return i%2 == 0
	case d == "BYTES":
		return "pipette"
	case strings.HasPrefix(d, "FP"), strings.HasPrefix(d, "BF"):
		return 0.5
	}
	return float64(i % 2)
}

// request turns a call's input into an inference request for the model e
// describes. The input is the request itself ({"inputs": […]}), or an
// object of tensor names and their data ({"input0": [[1, 2], [3, 4]]}: the
// shape is the data's, the datatype the metadata's), or, for a model of one
// input, that input's data alone.
func request(e catalog.Entry, in catalog.Value) (map[string]any, error) {
	if in.Kind != catalog.KindJSON {
		if e.Model != nil && len(e.Model.Inputs) == 1 && e.Model.Inputs[0].Datatype == "BYTES" {
			return oneInput(e.Model.Inputs[0], []any{textOf(in)}), nil
		}
		return nil, catalog.InputErrorf("a tensor model takes JSON: an inference request {\"inputs\": […]}, or tensor names and their data")
	}
	var inputs []catalog.Tensor
	if e.Model != nil {
		inputs = e.Model.Inputs
	}
	switch v := in.JSON.(type) {
	case map[string]any:
		if list, ok := v["inputs"].([]any); ok {
			if len(list) == 0 || len(list) > maxTensors {
				return nil, catalog.InputErrorf("inputs must list from 1 to %d tensors", maxTensors)
			}
			return v, nil
		}
		return byName(v, inputs)
	case []any:
		if len(inputs) == 1 {
			return oneInput(inputs[0], v), nil
		}
	}
	return nil, catalog.InputErrorf("send an inference request {\"inputs\": [{\"name\", \"shape\", \"datatype\", \"data\"}]}, or an object of tensor names and their data")
}

func textOf(in catalog.Value) string {
	if in.Kind == catalog.KindBinary {
		return string(in.Bytes)
	}
	return in.Text
}

func oneInput(t catalog.Tensor, data []any) map[string]any {
	return map[string]any{"inputs": []any{tensorOf(t.Name, t.Datatype, data)}}
}

// byName builds the inputs from tensor names and data, each typed by the
// model's metadata.
func byName(v map[string]any, inputs []catalog.Tensor) (map[string]any, error) {
	if len(v) == 0 || len(v) > maxTensors {
		return nil, catalog.InputErrorf("name from 1 to %d input tensors", maxTensors)
	}
	var list []any
	for _, t := range inputs {
		data, ok := v[t.Name]
		if !ok {
			return nil, catalog.InputErrorf("the input has no tensor %q (the model takes %s)", t.Name, names(inputs))
		}
		arr, ok := data.([]any)
		if !ok {
			arr = []any{data}
		}
		list = append(list, tensorOf(t.Name, t.Datatype, arr))
	}
	for k := range v {
		if !hasTensor(inputs, k) {
			return nil, catalog.InputErrorf("the model has no input tensor %q (it takes %s)", k, names(inputs))
		}
	}
	return map[string]any{"inputs": list}, nil
}

func hasTensor(ts []catalog.Tensor, name string) bool {
	for _, t := range ts {
		if t.Name == name {
			return true
		}
	}
	return false
}

func names(ts []catalog.Tensor) string {
	var s []string
	for _, t := range ts {
		s = append(s, t.Name)
	}
	if len(s) == 0 {
		return "no tensors the server described"
	}
	return strings.Join(s, ", ")
}

// tensorOf is one input tensor with the shape of its (nested) data.
func tensorOf(name, datatype string, data []any) map[string]any {
	return map[string]any{"name": name, "datatype": datatype, "shape": shapeOf(data), "data": data}
}

// shapeOf reads the shape of nested arrays: [[1,2],[3,4]] is [2, 2].
func shapeOf(data []any) []any {
	shape := []any{float64(len(data))}
	for len(data) > 0 {
		inner, ok := data[0].([]any)
		if !ok {
			break
		}
		shape = append(shape, float64(len(inner)))
		data = inner
	}
	return shape
}

// Stream calls /infer with the request built from the input and returns the
// server's inference response as JSON.
func (s *Source) Stream(ctx context.Context, e catalog.Entry, in catalog.Value, _ func(catalog.Chunk) error) (catalog.Output, error) {
	req, err := request(e, in)
	if err != nil {
		return catalog.Output{}, err
	}
	var out map[string]any
	path := modelPath(e.Ref.ModelID(), oipVersion(e.Ref.Version)) + "/infer"
	if err := s.c.PostJSON(ctx, path, req, &out); err != nil {
		return catalog.Output{}, err
	}
	if _, ok := out["outputs"]; !ok {
		return catalog.Output{}, catalog.Errorf(catalog.AlgorithmError, "%s answered the inference without outputs", s.c.Who())
	}
	return catalog.Output{Value: catalog.JSON(out)}, nil
}

// modelDocs is a tensor model's docs: its platform and versions, its
// tensors as a table, and how to call it.
func modelDocs(md *ModelMetadata) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\nA model of an Open Inference Protocol v2 server", md.Name)
	if md.Platform != "" {
		fmt.Fprintf(&b, " (platform `%s`)", md.Platform)
	}
	b.WriteString(".\n\n")
	if len(md.Versions) > 0 {
		fmt.Fprintf(&b, "Versions: %s.\n\n", strings.Join(md.Versions, ", "))
	}
	table := func(title string, ts []TensorMeta) {
		if len(ts) == 0 {
			return
		}
		fmt.Fprintf(&b, "## %s\n\n| name | datatype | shape |\n|---|---|---|\n", title)
		for _, t := range ts {
			fmt.Fprintf(&b, "| %s | %s | %s |\n", t.Name, t.Datatype, shapeString(t.Shape))
		}
		b.WriteString("\n")
	}
	table("Inputs", md.Inputs)
	table("Outputs", md.Outputs)
	b.WriteString("## Calling it\n\nSend an inference request, `{\"inputs\": [{\"name\": …, \"shape\": […], \"datatype\": …, \"data\": […]}]}`, " +
		"or an object of input tensor names and their data (`{\"input0\": [[1, 2], [3, 4]]}`; the shape is the data's, " +
		"the datatype the model's). A dimension of -1 takes any size. The result is the server's inference response " +
		"(`model_name`, `outputs`).\n")
	return b.String()
}
