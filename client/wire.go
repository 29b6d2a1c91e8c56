package client

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"mime"
	"strings"
	"time"

	"pipette/catalog"
)

// This file is the wire contract of docs/API.md, shared by the server
// (which writes it) and the HTTP client (which reads it).

// Content types of requests.
const (
	ContentTypeText   = "text/plain"
	ContentTypeJSON   = "application/json"
	ContentTypeBinary = "application/octet-stream"
	// ContentTypeEventStream is a streamed answer (pipette): server-sent
	// events, one chunk of the result at a time.
	ContentTypeEventStream = "text/event-stream"
)

// ContentTypeOf is the Content-Type a request body of kind k is sent with;
// text/plain for a kind no value has (an entry's "any").
func ContentTypeOf(k catalog.Kind) string {
	switch k {
	case catalog.KindJSON, catalog.KindVoid:
		return ContentTypeJSON
	case catalog.KindBinary:
		return ContentTypeBinary
	}
	return ContentTypeText
}

// EncodeInput is how a value is sent as a request body: bytes as
// octet-stream, strings as text/plain, anything else as JSON.
func EncodeInput(v catalog.Value) (contentType string, body []byte, err error) {
	switch v.Kind {
	case catalog.KindText:
		return ContentTypeText + "; charset=utf-8", []byte(v.Text), nil
	case catalog.KindBinary:
		return ContentTypeBinary, v.Bytes, nil
	case catalog.KindJSON, catalog.KindVoid, "":
		b, err := catalog.MarshalJSON(v.JSON)
		if err != nil {
			return "", nil, fmt.Errorf("input is not valid JSON: %w", err)
		}
		return ContentTypeJSON, b, nil
	}
	return "", nil, fmt.Errorf("cannot send a value of kind %q", v.Kind)
}

// UnsupportedMediaType is returned by DecodeInput for a Content-Type the API
// does not accept.
type UnsupportedMediaType struct{ ContentType string }

func (e *UnsupportedMediaType) Error() string {
	ct := e.ContentType
	if ct == "" {
		ct = "none"
	}
	return fmt.Sprintf("unsupported Content-Type %q: send text/plain, application/json or application/octet-stream", ct)
}

// DecodeInput turns a request body into a value by its Content-Type:
// text/plain or application/text → text; application/json → JSON (null
// allowed); application/octet-stream → bytes. Parameters such as
// "; charset=UTF-8" are allowed.
func DecodeInput(contentType string, body []byte) (catalog.Value, error) {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return catalog.Value{}, &UnsupportedMediaType{ContentType: contentType}
	}
	return DecodeMediaType(mt, contentType, body)
}

// DecodeMediaType is DecodeInput for a Content-Type whose media type
// (mediaType, without parameters, in any case) its caller has already
// parsed out of contentType.
func DecodeMediaType(mediaType, contentType string, body []byte) (catalog.Value, error) {
	switch strings.ToLower(mediaType) {
	case "text/plain", "application/text":
		return catalog.Text(string(body)), nil
	case "application/json":
		v, err := catalog.DecodeJSONValue(body)
		if err != nil {
			return catalog.Value{}, catalog.Errorf(catalog.ParsingError, "the request body is not valid JSON: %v", err)
		}
		return v, nil
	case "application/octet-stream":
		return catalog.Bytes(body), nil
	}
	return catalog.Value{}, &UnsupportedMediaType{ContentType: contentType}
}

// Metadata is the "metadata" object of a call's answer.
type Metadata struct {
	ContentType string          `json:"content_type,omitempty"`
	Duration    float64         `json:"duration"`
	Stdout      *string         `json:"stdout,omitempty"`     // present only when asked for
	Generation  *GenerationJSON `json:"generation,omitempty"` // (pipette) how a chat or completion model produced its text
}

// GenerationJSON is metadata.generation: durations in seconds, like
// duration; fields the model's server did not report are left out.
type GenerationJSON struct {
	FirstToken      float64 `json:"first_token,omitempty"`
	Total           float64 `json:"total,omitempty"`
	PromptTokens    int64   `json:"prompt_tokens,omitempty"`
	Tokens          int64   `json:"tokens,omitempty"`
	TokensPerSecond float64 `json:"tokens_per_second,omitempty"`
	FinishReason    string  `json:"finish_reason,omitempty"`
}

// GenerationToJSON is g as metadata.generation (nil for nil).
func GenerationToJSON(g *catalog.Generation) *GenerationJSON {
	if g == nil {
		return nil
	}
	return &GenerationJSON{
		FirstToken: g.FirstToken.Seconds(), Total: g.Total.Seconds(), PromptTokens: g.PromptTokens, Tokens: g.Tokens,
		TokensPerSecond: math.Round(g.TokensPerSecond*100) / 100, FinishReason: g.FinishReason,
	}
}

// Generation is metadata.generation read back (nil for nil).
func (g *GenerationJSON) Generation() *catalog.Generation {
	if g == nil {
		return nil
	}
	return &catalog.Generation{
		FirstToken: seconds(g.FirstToken), Total: seconds(g.Total), PromptTokens: g.PromptTokens, Tokens: g.Tokens,
		TokensPerSecond: g.TokensPerSecond, FinishReason: g.FinishReason,
	}
}

func seconds(f float64) time.Duration {
	if f <= 0 || f > 1e6 || math.IsNaN(f) {
		return 0
	}
	return time.Duration(f * float64(time.Second))
}

// A streamed call (POST /v1/algo/…?stream=true, (pipette)) answers
// text/event-stream: one EventChunk per piece of text as the model produces
// it ({"text": "…"}), then one EventResult with the call's usual answer
// (CallResponse, success or the algorithm's error). An algorithm that does
// not stream sends only the EventResult.
const (
	EventChunk  = "chunk"
	EventResult = "result"
)

// StreamChunk is the data of an EventChunk.
type StreamChunk struct {
	Text string `json:"text"`
}

// ErrorBody is the "error" object of an answer.
type ErrorBody struct {
	Message    string `json:"message"`
	ErrorType  string `json:"error_type,omitempty"`
	Code       int    `json:"code,omitempty"`
	Stacktrace string `json:"stacktrace,omitempty"`
	StackTrace string `json:"stack_trace,omitempty"`
}

// CallResponse is the body of POST /v1/algo/…, success or error.
type CallResponse struct {
	Result   json.RawMessage `json:"result,omitempty"`
	Error    *ErrorBody      `json:"error,omitempty"`
	Metadata *Metadata       `json:"metadata,omitempty"`
}

// AsyncResponse answers output=void.
type AsyncResponse struct {
	Async     string `json:"async"`
	RequestID string `json:"request_id"`
}

// AlgorithmJSON is an algorithm object of the catalog endpoints: the original
// platform's fields plus pipette's.
type AlgorithmJSON struct {
	Name         string          `json:"name"`
	Owner        string          `json:"owner"`
	ResourceType string          `json:"resource_type"`
	Details      DetailsJSON     `json:"details"`
	Settings     SettingsJSON    `json:"settings"`
	VersionInfo  VersionInfoJSON `json:"version_info"`
	Tags         []string        `json:"tags"`
	InputKind    string          `json:"input_kind"`
	OutputKind   string          `json:"output_kind"`
	InputSchema  json.RawMessage `json:"input_schema,omitempty"`
	OutputSchema json.RawMessage `json:"output_schema,omitempty"`
	Samples      []SampleJSON    `json:"samples"`
	Versions     []string        `json:"versions,omitempty"`    // (pipette) newest first
	Unavailable  string          `json:"unavailable,omitempty"` // (pipette) why it cannot run here
	Source       string          `json:"source,omitempty"`      // (pipette)
	Model        *ModelJSON      `json:"model,omitempty"`       // (pipette) a remote source's model: kind, size, context…
	SelfLink     string          `json:"self_link"`
}

// ModelJSON is the "model" object of a remote model's algorithm object:
// what its source said about it. Fields the source did not give are left
// out.
type ModelJSON struct {
	ID            string       `json:"id"`
	Kind          string       `json:"kind"`
	Family        string       `json:"family,omitempty"`
	Parameters    int64        `json:"parameters,omitempty"`
	Quantization  string       `json:"quantization,omitempty"`
	ContextLength int64        `json:"context_length,omitempty"`
	Size          int64        `json:"size,omitempty"`
	Capabilities  []string     `json:"capabilities,omitempty"`
	Modalities    []string     `json:"modalities,omitempty"`
	Pricing       *PricingJSON `json:"pricing,omitempty"`
	Revision      string       `json:"revision,omitempty"`
	Modified      *time.Time   `json:"modified,omitempty"`
	Loaded        bool         `json:"loaded,omitempty"`
	Downloads     int64        `json:"downloads,omitempty"`
	Likes         int64        `json:"likes,omitempty"`
	Inputs        []TensorJSON `json:"inputs,omitempty"`
	Outputs       []TensorJSON `json:"outputs,omitempty"`
	Versions      []string     `json:"versions,omitempty"`
}

// PricingJSON is a model's price in US dollars: per token for prompt and
// completion, per request, per image.
type PricingJSON struct {
	Prompt     float64 `json:"prompt"`
	Completion float64 `json:"completion"`
	Request    float64 `json:"request,omitempty"`
	Image      float64 `json:"image,omitempty"`
}

// TensorJSON is one tensor of a tensor model, as OIP's metadata writes it.
type TensorJSON struct {
	Name     string  `json:"name"`
	Datatype string  `json:"datatype"`
	Shape    []int64 `json:"shape"`
}

// ModelToJSON is m as the API writes it (nil for nil).
func ModelToJSON(m *catalog.Model) *ModelJSON {
	if m == nil {
		return nil
	}
	j := &ModelJSON{
		ID: m.ID, Kind: string(m.Kind), Family: m.Family, Parameters: m.Parameters, Quantization: m.Quantization,
		ContextLength: m.ContextLength, Size: m.Size, Capabilities: m.Capabilities, Modalities: m.Modalities,
		Revision: m.Revision, Loaded: m.Loaded, Downloads: m.Downloads, Likes: m.Likes, Versions: m.Versions,
		Inputs: tensorsToJSON(m.Inputs), Outputs: tensorsToJSON(m.Outputs),
	}
	if !m.Modified.IsZero() {
		t := m.Modified.UTC()
		j.Modified = &t
	}
	if p := m.Pricing; p != nil {
		j.Pricing = &PricingJSON{Prompt: p.Prompt, Completion: p.Completion, Request: p.Request, Image: p.Image}
	}
	return j
}

// Model is the object read back (nil for nil).
func (j *ModelJSON) Model() *catalog.Model {
	if j == nil {
		return nil
	}
	m := &catalog.Model{
		ID: j.ID, Kind: catalog.ModelKind(j.Kind), Family: j.Family, Parameters: j.Parameters, Quantization: j.Quantization,
		ContextLength: j.ContextLength, Size: j.Size, Capabilities: j.Capabilities, Modalities: j.Modalities,
		Revision: j.Revision, Loaded: j.Loaded, Downloads: j.Downloads, Likes: j.Likes, Versions: j.Versions,
		Inputs: tensorsFromJSON(j.Inputs), Outputs: tensorsFromJSON(j.Outputs),
	}
	if j.Modified != nil {
		m.Modified = *j.Modified
	}
	if p := j.Pricing; p != nil {
		m.Pricing = &catalog.Pricing{Prompt: p.Prompt, Completion: p.Completion, Request: p.Request, Image: p.Image}
	}
	return m
}

func tensorsToJSON(ts []catalog.Tensor) []TensorJSON {
	var out []TensorJSON
	for _, t := range ts {
		out = append(out, TensorJSON{Name: t.Name, Datatype: t.Datatype, Shape: t.Shape})
	}
	return out
}

func tensorsFromJSON(ts []TensorJSON) []catalog.Tensor {
	var out []catalog.Tensor
	for _, t := range ts {
		out = append(out, catalog.Tensor{Name: t.Name, Datatype: t.Datatype, Shape: t.Shape})
	}
	return out
}

type DetailsJSON struct {
	Label   string `json:"label"`
	Tagline string `json:"tagline"`
	Summary string `json:"summary"`
}

type SettingsJSON struct {
	AlgorithmCallability string `json:"algorithm_callability"`
	License              string `json:"license"`
	PipelineEnabled      bool   `json:"pipeline_enabled"`
}

type VersionInfoJSON struct {
	SemanticVersion string `json:"semantic_version"`
	ReleaseNotes    string `json:"release_notes"`
	SampleInput     string `json:"sample_input"`
	SampleOutput    string `json:"sample_output"`
}

// SampleJSON is one sample: input is the value as it appears in a result
// (text a string, binary base64, JSON itself).
type SampleJSON struct {
	Name        string          `json:"name"`
	ContentType string          `json:"content_type"`
	Input       json.RawMessage `json:"input"`
}

// VersionJSON is one row of GET …/versions.
type VersionJSON struct {
	SemanticVersion string `json:"semantic_version"`
	ReleaseNotes    string `json:"release_notes"`
	SelfLink        string `json:"self_link,omitempty"`
}

// Page is a page of a list endpoint.
type Page[T any] struct {
	Marker   *string `json:"marker"`
	NextLink *string `json:"next_link"`
	Results  []T     `json:"results"`
}

// EntryToJSON renders an entry as an algorithm object.
func EntryToJSON(e catalog.Entry, selfLink string) (AlgorithmJSON, error) {
	a := AlgorithmJSON{
		Name: e.Ref.Name, Owner: e.Ref.Owner, ResourceType: "algorithm",
		Details:  DetailsJSON{Label: e.Label, Tagline: e.Tagline, Summary: e.Docs},
		Settings: SettingsJSON{AlgorithmCallability: "public", License: e.License, PipelineEnabled: e.Source == "chains"},
		VersionInfo: VersionInfoJSON{
			SemanticVersion: e.Ref.Version,
			SampleOutput:    e.SampleOutput,
		},
		Tags:         nonNil(e.Tags),
		InputKind:    string(e.InputKind),
		OutputKind:   string(e.OutputKind),
		InputSchema:  e.InputSchema,
		OutputSchema: e.OutputSchema,
		Samples:      []SampleJSON{},
		Versions:     e.VersionNames(),
		Unavailable:  e.Unavailable,
		Source:       e.Source,
		Model:        ModelToJSON(e.Model),
		SelfLink:     selfLink,
	}
	for _, v := range e.Versions {
		if v.Version == e.Ref.Version {
			a.VersionInfo.ReleaseNotes = v.ReleaseNotes
		}
	}
	for i, s := range e.Samples {
		raw, err := s.Input.WireResult()
		if err != nil {
			return AlgorithmJSON{}, fmt.Errorf("%s sample %q: %w", e.Ref, s.Name, err)
		}
		a.Samples = append(a.Samples, SampleJSON{Name: s.Name, ContentType: string(s.Input.Kind), Input: raw})
		if i == 0 {
			a.VersionInfo.SampleInput = sampleString(s.Input, raw)
		}
	}
	return a, nil
}

// sampleString is the original platform's sample_input: a string.
func sampleString(v catalog.Value, raw json.RawMessage) string {
	switch v.Kind {
	case catalog.KindText:
		return v.Text
	case catalog.KindBinary:
		return base64.StdEncoding.EncodeToString(v.Bytes)
	}
	return string(raw)
}

// Entry turns an algorithm object back into a catalog entry.
func (a AlgorithmJSON) Entry() (catalog.Entry, error) {
	e := catalog.Entry{
		Ref:          catalog.Ref{Owner: a.Owner, Name: a.Name, Version: a.VersionInfo.SemanticVersion},
		Label:        a.Details.Label,
		Tagline:      a.Details.Tagline,
		Docs:         a.Details.Summary,
		Tags:         a.Tags,
		InputKind:    catalog.Kind(a.InputKind),
		OutputKind:   catalog.Kind(a.OutputKind),
		InputSchema:  a.InputSchema,
		OutputSchema: a.OutputSchema,
		SampleOutput: a.VersionInfo.SampleOutput,
		License:      a.Settings.License,
		Source:       a.Source,
		Unavailable:  a.Unavailable,
		Model:        a.Model.Model(),
	}
	for _, v := range a.Versions {
		vi := catalog.VersionInfo{Version: v}
		if v == a.VersionInfo.SemanticVersion {
			vi.ReleaseNotes = a.VersionInfo.ReleaseNotes
		}
		e.Versions = append(e.Versions, vi)
	}
	if len(e.Versions) == 0 && e.Ref.Version != "" {
		e.Versions = []catalog.VersionInfo{{Version: e.Ref.Version, ReleaseNotes: a.VersionInfo.ReleaseNotes}}
	}
	for _, s := range a.Samples {
		v, err := catalog.DecodeWireResult(s.ContentType, s.Input)
		if err != nil {
			return catalog.Entry{}, fmt.Errorf("%s/%s sample %q: %w", a.Owner, a.Name, s.Name, err)
		}
		e.Samples = append(e.Samples, catalog.Sample{Name: s.Name, Input: v})
	}
	return e, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// SourceJSON is one row of GET /v1/sources (pipette): a remote source of the
// server's catalog and how it is doing.
type SourceJSON struct {
	Name       string     `json:"name"`
	Kind       string     `json:"kind"`
	URL        string     `json:"url"`
	State      string     `json:"state"`
	Reason     string     `json:"reason,omitempty"`
	Checked    *time.Time `json:"checked,omitempty"`
	Models     int        `json:"models"`
	Version    string     `json:"version,omitempty"`
	Discovered bool       `json:"discovered,omitempty"`
}

// SourceToJSON is st as /v1/sources writes it.
func SourceToJSON(st catalog.SourceStatus) SourceJSON {
	j := SourceJSON{Name: st.Name, Kind: st.Kind, URL: st.URL, State: string(st.State), Reason: st.Reason,
		Models: st.Models, Version: st.Version, Discovered: st.Discovered}
	if !st.Checked.IsZero() {
		t := st.Checked.UTC().Truncate(time.Second)
		j.Checked = &t
	}
	return j
}

// Status is the row read back.
func (j SourceJSON) Status() catalog.SourceStatus {
	st := catalog.SourceStatus{Name: j.Name, Kind: j.Kind, URL: j.URL, State: catalog.SourceState(j.State), Reason: j.Reason,
		Models: j.Models, Version: j.Version, Discovered: j.Discovered}
	if j.Checked != nil {
		st.Checked = *j.Checked
	}
	return st
}
