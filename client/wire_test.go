package client

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"pipette/catalog"
)

func TestEncodeInput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		v        catalog.Value
		ct, body string
	}{
		{catalog.Text("Hello <Neo> & co"), "text/plain; charset=utf-8", "Hello <Neo> & co"},
		{catalog.Text(""), "text/plain; charset=utf-8", ""},
		{catalog.Bytes([]byte{0, 1, 0xff}), "application/octet-stream", "\x00\x01\xff"},
		{catalog.JSON(map[string]any{"b": []int{1, 2}, "a": "x<y"}), "application/json", `{"a":"x<y","b":[1,2]}`},
		{catalog.JSON(nil), "application/json", "null"},
		{catalog.JSON("str"), "application/json", `"str"`},
		{catalog.Void(), "application/json", "null"},
		{catalog.Value{}, "application/json", "null"},
	}
	for _, tc := range tests {
		ct, body, err := EncodeInput(tc.v)
		if err != nil || ct != tc.ct || string(body) != tc.body {
			t.Errorf("EncodeInput(%v) = %q %q %v; want %q %q", tc.v.Summary(40), ct, body, err, tc.ct, tc.body)
		}
	}
	if _, _, err := EncodeInput(catalog.JSON(func() {})); err == nil || !strings.Contains(err.Error(), "not valid JSON") {
		t.Errorf("unencodable JSON: %v", err)
	}
	if _, _, err := EncodeInput(catalog.Value{Kind: "weird"}); err == nil || !strings.Contains(err.Error(), `"weird"`) {
		t.Errorf("unknown kind: %v", err)
	}
}

func TestDecodeInput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		ct, body string
		want     catalog.Value
	}{
		{"text/plain", "héllo", catalog.Text("héllo")},
		{"text/plain; charset=UTF-8", "x", catalog.Text("x")},
		{"TEXT/PLAIN;charset=utf-8", "x", catalog.Text("x")},
		{"application/text", "", catalog.Text("")},
		{"application/text; charset=iso-8859-1", "y", catalog.Text("y")},
		{"application/json", `{"a":[1,2.5,null]}`, catalog.JSON(map[string]any{"a": []any{1.0, 2.5, nil}})},
		{"application/json; charset=utf-8", ` null `, catalog.JSON(nil)},
		{"application/json", `"s"`, catalog.JSON("s")},
		{"application/octet-stream", "\x00\xff", catalog.Bytes([]byte{0, 0xff})},
		{"application/octet-stream; x=y", "", catalog.Bytes([]byte{})},
	}
	for _, tc := range tests {
		got, err := DecodeInput(tc.ct, []byte(tc.body))
		if err != nil || !equalValues(got, tc.want) {
			t.Errorf("DecodeInput(%q, %q) = %#v, %v; want %#v", tc.ct, tc.body, got, err, tc.want)
		}
	}
}

func TestDecodeInputErrors(t *testing.T) {
	t.Parallel()
	for _, ct := range []string{"", "text/html", "image/png", "application/x-www-form-urlencoded", ";;;", "text/plain; charset"} {
		_, err := DecodeInput(ct, []byte("x"))
		var ume *UnsupportedMediaType
		if !errors.As(err, &ume) {
			t.Errorf("DecodeInput(%q): %v, want UnsupportedMediaType", ct, err)
			continue
		}
		want := "send text/plain, application/json or application/octet-stream"
		if !strings.Contains(err.Error(), want) {
			t.Errorf("DecodeInput(%q): %q lacks %q", ct, err, want)
		}
	}
	if _, err := DecodeInput("", nil); err == nil || !strings.Contains(err.Error(), `"none"`) {
		t.Errorf("no Content-Type: %v", err)
	}
	for _, body := range []string{"", "{", "[1,]", "1 2", "nul", "{}x", `"\x"`, "[1]]", "{}}"} {
		_, err := DecodeInput("application/json", []byte(body))
		var ce *catalog.Error
		if !errors.As(err, &ce) || ce.Type != catalog.ParsingError || !strings.HasPrefix(ce.Message, "the request body is not valid JSON") {
			t.Errorf("DecodeInput(json, %q) = %v, want a ParsingError", body, err)
		}
	}
}

// Whatever a client sends, the server decodes to the value the client had,
// normalised as JSON travels.
func TestEncodeDecodeRoundTrip(t *testing.T) {
	t.Parallel()
	type point struct {
		X, Y int
		Tag  string `json:"tag,omitempty"`
	}
	values := []catalog.Value{
		catalog.Text("plain"), catalog.Text(""), catalog.Text("ünïcode ✓ \x00 nul"),
		catalog.Bytes(nil), catalog.Bytes([]byte("\x89PNG\r\n\x1a\n")),
		catalog.JSON(nil), catalog.JSON(true), catalog.JSON(3.25), catalog.JSON(math.Copysign(0, -1)),
		catalog.JSON([]any{"a", 1, nil, map[string]any{"k": []any{}}}),
		catalog.JSON(point{X: 1, Y: -2, Tag: "<&>"}),
		catalog.JSON(map[string]int{"z": 1, "a": 2}),
	}
	for _, v := range values {
		ct, body, err := EncodeInput(v)
		if err != nil {
			t.Fatalf("EncodeInput(%s): %v", v.Summary(30), err)
		}
		got, err := DecodeInput(ct, body)
		if err != nil {
			t.Fatalf("DecodeInput(%q, %q): %v", ct, body, err)
		}
		want, err := v.Normalize()
		if err != nil {
			t.Fatal(err)
		}
		if !equalValues(got, want) {
			t.Errorf("%s came back as %#v, want %#v", v.Summary(30), got, want)
		}
	}
}

func equalValues(a, b catalog.Value) bool {
	if a.Kind != b.Kind {
		return false
	}
	switch a.Kind {
	case catalog.KindText:
		return a.Text == b.Text
	case catalog.KindBinary:
		return bytes.Equal(a.Bytes, b.Bytes)
	case catalog.KindJSON:
		return reflect.DeepEqual(a.JSON, b.JSON)
	}
	return true
}

// ValueOf is how Pipe types its input, as Algorithmia's clients did.
func TestValueOf(t *testing.T) {
	t.Parallel()
	v := catalog.Text("already")
	tests := []struct {
		in   any
		want catalog.Value
	}{
		{"text", catalog.Text("text")},
		{"", catalog.Text("")},
		{[]byte("bin"), catalog.Bytes([]byte("bin"))},
		{[]byte{}, catalog.Bytes([]byte{})},
		{v, v},
		{&v, v},
		{catalog.Void(), catalog.Void()},
		{json.RawMessage(`{"a":1}`), catalog.JSON(map[string]any{"a": 1.0})},
		{json.RawMessage(`not json`), catalog.Bytes([]byte("not json"))},
		{nil, catalog.JSON(nil)},
		{42, catalog.JSON(42)},
		{map[string]any{"k": "v"}, catalog.JSON(map[string]any{"k": "v"})},
		{[]string{"a"}, catalog.JSON([]string{"a"})},
		{true, catalog.JSON(true)},
	}
	for _, tc := range tests {
		if got := catalog.ValueOf(tc.in); !equalValues(got, tc.want) {
			t.Errorf("ValueOf(%#v) = %#v, want %#v", tc.in, got, tc.want)
		}
	}
	// The piping rule end to end: a result's Go value piped on is sent as
	// the same kind it came back as.
	for _, res := range []catalog.Value{catalog.Text("t"), catalog.Bytes([]byte{1}), catalog.JSON([]any{1.0})} {
		if got := catalog.ValueOf(res.Go()); got.Kind != res.Kind {
			t.Errorf("piping a %s result sends %s", res.Kind, got.Kind)
		}
	}
}

// EntryToJSON and Entry() are inverses for what the API carries.
func TestEntryJSONRoundTrip(t *testing.T) {
	t.Parallel()
	e := catalog.Entry{
		Ref:      catalog.MustParseRef("nlp/X/1.2.0"),
		Versions: []catalog.VersionInfo{{Version: "1.2.0", ReleaseNotes: "faster"}, {Version: "1.0.0"}},
		Label:    "X", Tagline: "does x", Docs: "# X\n\nDocs.", Tags: []string{"nlp"},
		InputKind: catalog.KindText, OutputKind: catalog.KindJSON,
		InputSchema: json.RawMessage(`{"type":"string"}`),
		Samples: []catalog.Sample{
			{Name: "text", Input: catalog.Text("hi")},
			{Name: "json", Input: catalog.JSON(map[string]any{"a": 1.0})},
			{Name: "bin", Input: catalog.Bytes([]byte{0, 1})},
		},
		SampleOutput: `{"ok":true}`, License: "mit", Source: "builtin", Unavailable: "needs a GPU",
	}
	a, err := EntryToJSON(e, "http://h/v1/algorithms/nlp/X")
	if err != nil {
		t.Fatal(err)
	}
	if a.VersionInfo.ReleaseNotes != "faster" || a.VersionInfo.SampleInput != "hi" || a.SelfLink != "http://h/v1/algorithms/nlp/X" {
		t.Errorf("object %+v", a)
	}
	raw, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	var back AlgorithmJSON
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	got, err := back.Entry()
	if err != nil {
		t.Fatal(err)
	}
	if got.Ref != e.Ref || got.Label != e.Label || got.Docs != e.Docs || got.Unavailable != e.Unavailable ||
		!reflect.DeepEqual(got.VersionNames(), e.VersionNames()) || string(got.InputSchema) != string(e.InputSchema) ||
		len(got.Samples) != 3 {
		t.Fatalf("entry came back as %+v", got)
	}
	for i, s := range got.Samples {
		if !equalValues(s.Input, e.Samples[i].Input) || s.Name != e.Samples[i].Name {
			t.Errorf("sample %d: %+v", i, s)
		}
	}
	// An object with an undecodable sample is an error naming it.
	back.Samples[2].ContentType = "binary"
	back.Samples[2].Input = json.RawMessage(`"***"`)
	if _, err := back.Entry(); err == nil || !strings.Contains(err.Error(), `sample "bin"`) {
		t.Errorf("bad sample: %v", err)
	}
}

// A remote model's metadata goes through the algorithm object and back
// unchanged, and the object carries only the fields the source gave.
func TestModelRoundTrip(t *testing.T) {
	t.Parallel()
	m := &catalog.Model{
		ID: "hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M", Kind: catalog.ModelChat, Family: "llama", Parameters: 1_235_814_432,
		Quantization: "Q4_K_M", ContextLength: 131072, Size: 807_694_464, Capabilities: []string{"completion", "tools"},
		Modalities: []string{"text->text"}, Pricing: &catalog.Pricing{Prompt: 1.25e-6, Completion: 1e-5},
		Revision: "a80c4f17acd5", Modified: time.Date(2025, 5, 4, 17, 37, 44, 0, time.UTC), Loaded: true,
		Inputs: []catalog.Tensor{{Name: "input0", Datatype: "FP32", Shape: []int64{-1, 4}}},
	}
	e := catalog.Entry{Ref: catalog.ModelRef("ollama", m.ID), Model: m, InputKind: catalog.KindAny, OutputKind: catalog.KindText}
	a, err := EntryToJSON(e, "x")
	if err != nil {
		t.Fatal(err)
	}
	if a.Name != "hf.co~bartowski~Llama-3.2-1B-Instruct-GGUF:Q4_K_M" || a.Owner != "ollama" {
		t.Errorf("name %s/%s", a.Owner, a.Name)
	}
	raw, _ := json.Marshal(a.Model)
	want := `{"id":"hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M","kind":"chat","family":"llama","parameters":1235814432,"quantization":"Q4_K_M","context_length":131072,"size":807694464,"capabilities":["completion","tools"],"modalities":["text-\u003etext"],"pricing":{"prompt":0.00000125,"completion":0.00001},"revision":"a80c4f17acd5","modified":"2025-05-04T17:37:44Z","loaded":true,"inputs":[{"name":"input0","datatype":"FP32","shape":[-1,4]}]}`
	if string(raw) != want {
		t.Errorf("model object\n%s\nwant\n%s", raw, want)
	}
	back, err := a.Entry()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Model, m) {
		t.Errorf("read back %+v\nwant %+v", back.Model, m)
	}
	// A built-in has no model object.
	b, _ := EntryToJSON(catalog.Entry{Ref: catalog.MustParseRef("nlp/X/1.0.0")}, "x")
	if raw, _ := json.Marshal(b); strings.Contains(string(raw), `"model"`) {
		t.Errorf("built-in: %s", raw)
	}
}
