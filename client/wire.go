package client

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"mime"
	"strings"

	"pipette/catalog"
)

// This file is the wire contract of ../shared/API.md, shared by the server
// (which writes it) and the HTTP client (which reads it).

// Content types of requests.
const (
	ContentTypeText   = "text/plain"
	ContentTypeJSON   = "application/json"
	ContentTypeBinary = "application/octet-stream"
)

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
	switch strings.ToLower(mt) {
	case "text/plain", "application/text":
		return catalog.Text(string(body)), nil
	case "application/json":
		v, err := catalog.DecodeJSON(body)
		if err != nil {
			return catalog.Value{}, catalog.Errorf(catalog.ParsingError, "the request body is not valid JSON: %v", err)
		}
		return catalog.JSON(v), nil
	case "application/octet-stream":
		return catalog.Bytes(body), nil
	}
	return catalog.Value{}, &UnsupportedMediaType{ContentType: contentType}
}

// Metadata is the "metadata" object of a call's answer.
type Metadata struct {
	ContentType string  `json:"content_type,omitempty"`
	Duration    float64 `json:"duration"`
	Stdout      *string `json:"stdout,omitempty"` // present only when asked for
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
	SelfLink     string          `json:"self_link"`
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
