package oip

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"pipette/catalog"
	"pipette/internal/replay"
)

// newDocsServer answers as the OIP documents' examples (testdata/README.md);
// an unknown model as Triton does, 400 with its sentence.
func newDocsServer(t *testing.T) *replay.Server {
	d := replay.New(t, "testdata", map[string]string{
		"GET /v2": "server_metadata.json", "POST /v2/repository/index": "index.json",
		"GET /v2/models/mymodel": "model_metadata.json", "GET /v2/models/mymodel/versions/2": "model_metadata.json",
		"POST /v2/models/mymodel/infer": "infer_response.json", "POST /v2/models/mymodel/versions/1/infer": "infer_response.json",
	})
	d.NotFound = func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"error":"Request for unknown model: '`+strings.TrimPrefix(r.URL.Path, "/v2/models/")+`' is not found"}`)
	}
	return d
}

func newSource(t *testing.T, url string) *Source {
	t.Helper()
	s, err := New("kserve", url, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestListAndDocs(t *testing.T) {
	t.Parallel()
	d := newDocsServer(t)
	s := newSource(t, d.URL)
	if v, err := s.Probe(context.Background()); err != nil || v != "triton 2.73.0" {
		t.Errorf("Probe = %q, %v", v, err)
	}
	entries, err := s.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		t.Fatalf("%d entries: %+v", len(entries), entries)
	}
	my, broken := entries[0], entries[1]
	if my.Ref.String() != "kserve/mymodel/2.0.0" || my.Model.Kind != catalog.ModelTensor || my.InputKind != catalog.KindJSON ||
		strings.Join(my.VersionNames(), ",") != "2.0.0,1.0.0" || my.Model.Family != "onnxruntime_onnx" {
		t.Errorf("mymodel: %+v", my)
	}
	if my.Tagline != "tensor, onnxruntime_onnx, input0 UINT32[2,2], input1 BOOL[3] -> output0 FP32[3,2]" {
		t.Errorf("tagline %q", my.Tagline)
	}
	if broken.Unavailable != "the server says it is unavailable: unable to load model: file not found" {
		t.Errorf("broken: %q", broken.Unavailable)
	}
	// The sample is generated from the tensor metadata.
	sample, _ := json.Marshal(my.Samples[0].Input.JSON)
	if string(sample) != `{"inputs":[{"data":[0,1,0,1],"datatype":"UINT32","name":"input0","shape":[2,2]},{"data":[true,false,true],"datatype":"BOOL","name":"input1","shape":[3]}]}` {
		t.Errorf("sample %s", sample)
	}
	e, err := s.Get(context.Background(), "mymodel")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"platform `onnxruntime_onnx`", "Versions: 1, 2.", "| input0 | UINT32 | [2,2] |", "## Outputs", "| output0 | FP32 | [3,2] |"} {
		if !strings.Contains(e.Docs, want) {
			t.Errorf("docs lack %q:\n%s", want, e.Docs)
		}
	}
	if _, err := s.Get(context.Background(), "nope"); catalog.ErrorType(err) != catalog.EntityNotFoundError {
		t.Errorf("Get(nope) = %v", err)
	}
}

func TestInfer(t *testing.T) {
	t.Parallel()
	d := newDocsServer(t)
	s := newSource(t, d.URL)
	e, err := s.Get(context.Background(), "mymodel")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile("testdata/infer_request.json")
	var docsReq any
	json.Unmarshal(raw, &docsReq)
	tests := []struct {
		name    string
		version string
		in      catalog.Value
		path    string
		sent    string
	}{
		{"the docs' request", "", catalog.JSON(docsReq), "/v2/models/mymodel/infer", string(compact(raw))},
		{"tensors by name, at version 1", "1.0.0", catalog.JSON(map[string]any{"input0": []any{[]any{1.0, 2.0}, []any{3.0, 4.0}}, "input1": []any{true, false, true}}),
			"/v2/models/mymodel/versions/1/infer",
			`{"inputs":[{"data":[[1,2],[3,4]],"datatype":"UINT32","name":"input0","shape":[2,2]},{"data":[true,false,true],"datatype":"BOOL","name":"input1","shape":[3]}]}`},
	}
	for _, tc := range tests {
		e := e
		e.Ref.Version = tc.version
		out, err := s.Stream(context.Background(), e, tc.in, nil)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		res, _ := json.Marshal(out.Value.JSON)
		if string(res) != `{"id":"42","outputs":[{"data":[1,1.1,2,2.1,3,3.1],"datatype":"FP32","name":"output0","shape":[3,2]}]}` {
			t.Errorf("%s: result %s", tc.name, res)
		}
		sent, _ := json.Marshal(d.Last(tc.path))
		if string(sent) != tc.sent {
			t.Errorf("%s: sent\n%s\nwant\n%s", tc.name, sent, tc.sent)
		}
	}
	for _, bad := range []struct {
		in   catalog.Value
		want string
	}{
		{catalog.JSON(map[string]any{"input0": []any{1.0}}), `no tensor "input1"`},
		{catalog.JSON(map[string]any{"input0": []any{1.0}, "input1": []any{true}, "extra": 1.0}), `no input tensor "extra"`},
		{catalog.JSON(map[string]any{"inputs": []any{}}), "from 1 to 256 tensors"},
		{catalog.Text("hello"), "a tensor model takes JSON"},
	} {
		if _, err := s.Stream(context.Background(), e, bad.in, nil); catalog.ErrorType(err) != catalog.InputError || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%s: %v, want an InputError containing %q", bad.in.Summary(60), err, bad.want)
		}
	}
}

func compact(raw []byte) []byte {
	var v any
	json.Unmarshal(raw, &v)
	b, _ := json.Marshal(v)
	return b
}

func TestSampleBounds(t *testing.T) {
	t.Parallel()
	if _, ok := Sample([]TensorMeta{{Name: "image", Datatype: "FP32", Shape: []int64{1, 3, 4096, 4096}}}); ok {
		t.Error("a 50M-element sample was generated")
	}
	if _, ok := Sample([]TensorMeta{{Name: "x", Datatype: "FP32", Shape: []int64{1 << 62, 1 << 62}}}); ok {
		t.Error("an overflowing shape was generated")
	}
	s, ok := Sample([]TensorMeta{{Name: "text", Datatype: "BYTES", Shape: []int64{-1}}})
	if b, _ := json.Marshal(s); !ok || string(b) != `{"inputs":[{"data":["pipette"],"datatype":"BYTES","name":"text","shape":[1]}]}` {
		t.Errorf("BYTES sample %s", b)
	}
}
