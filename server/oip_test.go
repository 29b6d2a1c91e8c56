package server

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"pipette/algorithms/builtin"
)

// The checker can fail: an answer without outputs is refused.
func TestOIPSpecCatchesMistakes(t *testing.T) {
	t.Parallel()
	schemas, err := oipSpec()
	if err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{
		"inference_response":      `{"model_name":"x"}`,
		"metadata_model_response": `{"name":"x","platform":"p","inputs":[{"name":"i","datatype":"BYTES"}]}`,
		"inference_request":       `{"inputs":[{"name":"i","shape":[1],"datatype":"BYTES","data":[{"no":"objects"}]}]}`,
	} {
		v, _ := jsonschema.UnmarshalJSON(strings.NewReader(body))
		if schemas[name].Validate(v) == nil {
			t.Errorf("%s accepted %s", name, body)
		}
	}
}

// oipSpec is the published OIP v2 REST description (testdata/kserve, from
// github.com/kserve/kserve v0.16.0) compiled once: its component schemas
// as JSON Schemas.
var oipSpec = sync.OnceValues(func() (map[string]*jsonschema.Schema, error) {
	raw, err := os.ReadFile("testdata/kserve/rest_predict_v2.yaml")
	if err != nil {
		return nil, err
	}
	var spec struct {
		Components struct {
			Schemas map[string]any `yaml:"schemas"`
		} `yaml:"components"`
	}
	if err := yaml.Unmarshal(raw, &spec); err != nil {
		return nil, err
	}
	// OpenAPI's component references become JSON Schema's $defs.
	doc, err := json.Marshal(map[string]any{"$defs": spec.Components.Schemas})
	if err != nil {
		return nil, err
	}
	doc = bytes.ReplaceAll(doc, []byte(`"#/components/schemas/`), []byte(`"#/$defs/`))
	parsed, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("mem://oip.json", parsed); err != nil {
		return nil, err
	}
	out := map[string]*jsonschema.Schema{}
	for name := range spec.Components.Schemas {
		s, err := c.Compile("mem://oip.json#/$defs/" + name)
		if err != nil {
			return nil, err
		}
		out[name] = s
	}
	return out, nil
})

// checkOIP asserts that body is valid against the spec's schema name.
func checkOIP(t *testing.T, what, name string, body []byte) {
	t.Helper()
	schemas, err := oipSpec()
	if err != nil {
		t.Fatalf("the OIP spec does not compile: %v", err)
	}
	s, ok := schemas[name]
	if !ok {
		t.Fatalf("the spec has no schema %s", name)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		t.Errorf("%s: not JSON: %v: %s", what, err, body)
		return
	}
	if err := s.Validate(v); err != nil {
		t.Errorf("%s does not follow %s: %v\n%s", what, name, err, body)
	}
}

func oipDo(t *testing.T, method, url, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// Every answer of pipette's /v2 face follows the published spec, for
// built-ins that take text, JSON and binary, and for mistakes.
func TestOIPFaceFollowsTheSpec(t *testing.T) {
	t.Parallel()
	reg := builtin.New()
	ts := httptest.NewServer(New(Config{Source: reg, Runner: reg}))
	defer ts.Close()
	u := ts.URL

	if st, b := oipDo(t, "GET", u+"/v2/health/live", ""); st != 200 || len(b) != 0 {
		t.Errorf("live: %d %q", st, b)
	}
	if st, _ := oipDo(t, "GET", u+"/v2/health/ready", ""); st != 200 {
		t.Errorf("ready: %d", st)
	}
	st, b := oipDo(t, "GET", u+"/v2", "")
	checkOIP(t, "server metadata", "metadata_server_response", b)
	if st != 200 || !strings.Contains(string(b), `"name":"pipette"`) {
		t.Errorf("server metadata: %d %s", st, b)
	}
	for _, path := range []string{"/v2/models/nlp~SentimentAnalysis", "/v2/models/nlp~SentimentAnalysis/versions/1.0.0"} {
		st, b := oipDo(t, "GET", u+path, "")
		checkOIP(t, path, "metadata_model_response", b)
		if st != 200 || !strings.Contains(string(b), `"inputs":[{"name":"input","datatype":"BYTES","shape":[1]}]`) {
			t.Errorf("%s: %d %s", path, st, b)
		}
	}
	st, b = oipDo(t, "GET", u+"/v2/models/nlp~SentimentAnalysis/ready", "")
	if st != 200 {
		t.Errorf("model ready: %d %s", st, b)
	}

	infers := []struct {
		model, body, want string
	}{
		{"nlp~SentimentAnalysis", `{"id":"42","inputs":[{"name":"input","shape":[1],"datatype":"BYTES","data":["what a great day"]}]}`, `"content_type":"json"`},
		{"nlp~SentimentAnalysis/versions/1.0.0", `{"inputs":[{"name":"input","shape":[1],"datatype":"BYTES","parameters":{"content_type":"str"},"data":[["what a great day"]]}]}`, `\"compound\":`},
		{"util~QRCode", `{"inputs":[{"name":"input","shape":[1],"datatype":"BYTES","parameters":{"content_type":"str"},"data":["hello"]}]}`, `"content_type":"base64"`},
		{"stats~TimeSeries", `{"inputs":[{"name":"input","shape":[6],"datatype":"FP32","data":[1,2,3,4,5,6]}]}`, `"content_type":"json"`},
	}
	for _, tc := range infers {
		st, b := oipDo(t, "POST", u+"/v2/models/"+tc.model+"/infer", tc.body)
		checkOIP(t, "infer "+tc.model, "inference_response", b)
		if st != 200 || !strings.Contains(string(b), tc.want) {
			t.Errorf("infer %s: %d %s", tc.model, st, b)
		}
		checkOIP(t, "the request to "+tc.model, "inference_request", []byte(tc.body))
	}

	bad := []struct {
		method, path, body string
		status             int
		want               string
	}{
		{"GET", "/v2/models/nlp~Nope", "", 404, "not found"},
		{"GET", "/v2/models/SentimentAnalysis", "", 404, "write owner~name"},
		{"POST", "/v2/models/nlp~SentimentAnalysis/infer", `{"inputs":[]}`, 400, "has no inputs"},
		{"POST", "/v2/models/nlp~SentimentAnalysis/infer", `{"inputs":[{"name":"input","shape":[2],"datatype":"BYTES","data":["a","b"]}]}`, 400, "holds 2 elements"},
		{"POST", "/v2/models/nlp~SentimentAnalysis/infer", `{"inputs":[{"name":"input","shape":[1],"datatype":"BYTES","parameters":{"content_type":"json"},"data":["{no"]}]}`, 400, "is not JSON"},
		// A shape says what the data holds: one that does not, one whose
		// size overflows, a negative dimension are refused.
		{"POST", "/v2/models/nlp~SentimentAnalysis/infer", `{"inputs":[{"name":"input","shape":[4611686018427387904,4611686018427387904],"datatype":"BYTES","data":["hi"]}]}`, 400, "which holds more than 2^63 elements, but its data has 1"},
		{"POST", "/v2/models/nlp~SentimentAnalysis/infer", `{"inputs":[{"name":"input","shape":[4294967296],"datatype":"BYTES","data":["hi"]}]}`, 400, "which holds 4294967296 elements, but its data has 1"},
		{"POST", "/v2/models/nlp~SentimentAnalysis/infer", `{"inputs":[{"name":"input","shape":[3],"datatype":"BYTES","data":["hi"]}]}`, 400, "make the shape and the data agree"},
		{"POST", "/v2/models/nlp~SentimentAnalysis/infer", `{"inputs":[{"name":"input","shape":[-1],"datatype":"BYTES","data":["hi"]}]}`, 400, "each dimension is a whole number of at least 0"},
		{"POST", "/v2/models/nlp~SentimentAnalysis/infer", `{"inputs":[{"name":"input","shape":[1099511627776,0],"datatype":"BYTES","data":["hi"]}]}`, 400, "which holds 0 elements, but its data has 1"},
		{"POST", "/v2/models/nlp~SentimentAnalysis/infer", `{"inputs":[{"name":"input","shape":[9223372036854775808],"datatype":"BYTES","data":["hi"]}]}`, 400, "the inference request's inputs.shape is number 9223372036854776000, which is not a whole number from -2^63 to 2^63-1"},
		{"POST", "/v2/models/nlp~SentimentAnalysis/infer", `{"inputs":[{"name":"input","shape":[1.5],"datatype":"BYTES","data":["hi"]}]}`, 400, "inputs.shape is number 1.5"},
		{"POST", "/v2/models/nlp~SentimentAnalysis/infer", `{"inputs":[{"name":7,"shape":[1],"datatype":"BYTES","data":["hi"]}]}`, 400, "inputs.name is number, which is not a string"},
		{"POST", "/v2/models/stats~TimeSeries/infer", `{"inputs":[{"name":"input","shape":[2,4],"datatype":"FP32","data":[[1,2,3],[4,5,6]]}]}`, 400, "shape [2 4], which holds 8 elements, but its data has 6"},
		{"POST", "/v2/models/nlp~SentimentAnalysis/infer", `not json`, 400, "not valid JSON"},
		{"POST", "/v2/models/nlp~SentimentAnalysis/versions/9.9.9/infer", `{"inputs":[{"name":"input","shape":[1],"datatype":"BYTES","data":["x"]}]}`, 404, "no version matches 9.9.9"},
	}
	for _, tc := range bad {
		st, b := oipDo(t, tc.method, u+tc.path, tc.body)
		schema := "metadata_model_error_response"
		if strings.HasSuffix(tc.path, "/infer") {
			schema = "inference_error_response"
		}
		checkOIP(t, tc.path, schema, b)
		if st != tc.status || !strings.Contains(string(b), tc.want) {
			t.Errorf("%s %s %s: %d %s, want %d and %q", tc.method, tc.path, tc.body, st, b, tc.status, tc.want)
		}
	}

	// The repository index lists the whole catalog, ready or not.
	st, b = oipDo(t, "POST", u+"/v2/repository/index", `{"ready":true}`)
	var rows []map[string]string
	if err := json.Unmarshal(b, &rows); err != nil || st != 200 {
		t.Fatalf("index: %d %s", st, b)
	}
	found := false
	for _, r := range rows {
		found = found || (r["name"] == "nlp~SentimentAnalysis" && r["version"] == "1.0.0" && r["state"] == "READY")
		if r["state"] != "READY" {
			t.Errorf("ready:true listed %v", r)
		}
	}
	if !found {
		t.Errorf("index lacks nlp~SentimentAnalysis: %s", b)
	}
}
