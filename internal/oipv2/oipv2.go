// Package oipv2 holds the JSON objects of the Open Inference Protocol v2
// (KServe's V2 inference protocol, docs/predict-api/v2/required_api.md and
// rest_predict_v2.yaml of github.com/kserve/kserve; the repository index of
// Triton's model repository extension): what pipette's /v2 face writes and
// its oip source reads.
package oipv2

// ServerMetadata is GET /v2.
type ServerMetadata struct {
	Name       string   `json:"name"`
	Version    string   `json:"version"`
	Extensions []string `json:"extensions"`
}

// ModelMetadata is GET /v2/models/{m}[/versions/{v}].
type ModelMetadata struct {
	Name     string   `json:"name"`
	Versions []string `json:"versions,omitempty"`
	Platform string   `json:"platform"`
	Inputs   []Tensor `json:"inputs,omitempty"`
	Outputs  []Tensor `json:"outputs,omitempty"`
}

// Tensor is the metadata of one input or output: -1 in the shape is a
// dimension of any size.
type Tensor struct {
	Name     string  `json:"name"`
	Datatype string  `json:"datatype"`
	Shape    []int64 `json:"shape"`
}

// IndexEntry is one row of the repository index.
type IndexEntry struct {
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
	State   string `json:"state,omitempty"`
	Reason  string `json:"reason,omitempty"`
}

// IndexRequest is the body of POST /v2/repository/index.
type IndexRequest struct {
	Ready bool `json:"ready,omitempty"`
}

// InferenceRequest is the body of POST …/infer.
type InferenceRequest struct {
	ID         string          `json:"id,omitempty"`
	Parameters map[string]any  `json:"parameters,omitempty"`
	Inputs     []RequestInput  `json:"inputs"`
	Outputs    []RequestOutput `json:"outputs,omitempty"`
}

// RequestInput is one input tensor with its data (nested or flat, row-major).
type RequestInput struct {
	Name       string         `json:"name"`
	Shape      []int64        `json:"shape"`
	Datatype   string         `json:"datatype"`
	Parameters map[string]any `json:"parameters,omitempty"`
	Data       []any          `json:"data"`
}

// RequestOutput names an output the caller wants.
type RequestOutput struct {
	Name       string         `json:"name"`
	Parameters map[string]any `json:"parameters,omitempty"`
}

// InferenceResponse is the answer of …/infer.
type InferenceResponse struct {
	ModelName    string           `json:"model_name"`
	ModelVersion string           `json:"model_version,omitempty"`
	ID           string           `json:"id,omitempty"`
	Parameters   map[string]any   `json:"parameters,omitempty"`
	Outputs      []ResponseOutput `json:"outputs"`
}

// ResponseOutput is one output tensor with its data.
type ResponseOutput struct {
	Name       string         `json:"name"`
	Shape      []int64        `json:"shape"`
	Datatype   string         `json:"datatype"`
	Parameters map[string]any `json:"parameters,omitempty"`
	Data       []any          `json:"data"`
}

// Error is every error answer of the protocol.
type Error struct {
	Error string `json:"error"`
}
