package llm

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"pipette/catalog"
)

func TestParseChat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   catalog.Value
		want string // the request as JSON
	}{
		{catalog.Text("hi"), `{"Messages":[{"role":"user","content":"hi"}],"Prompt":"","Options":{}}`},
		{catalog.JSON("hi"), `{"Messages":[{"role":"user","content":"hi"}],"Prompt":"","Options":{}}`},
		{catalog.JSON(map[string]any{"prompt": "hi", "system": "be brief"}), `{"Messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hi"}],"Prompt":"","Options":{}}`},
		{catalog.JSON(map[string]any{"messages": []any{map[string]any{"role": "user", "content": "a"}, map[string]any{"role": "assistant", "content": "b"}}, "options": map[string]any{"temperature": 0.0, "max_tokens": 1.0, "stop": []any{"x", "y"}, "seed": 0.0, "top_p": 1.0}}),
			`{"Messages":[{"role":"user","content":"a"},{"role":"assistant","content":"b"}],"Prompt":"","Options":{"temperature":0,"top_p":1,"max_tokens":1,"stop":["x","y"],"seed":0}}`},
	}
	for _, tc := range tests {
		r, err := ParseChat(tc.in)
		got, _ := json.Marshal(r)
		if err != nil || string(got) != tc.want {
			t.Errorf("ParseChat(%s) = %s, %v; want %s", tc.in.Summary(80), got, err, tc.want)
		}
	}
}

// TestParsePrompt: a prompt object is read for a prompt endpoint with its
// system, suffix and raw; any other input is left to ParseChat, and the
// other parsers refuse suffix and raw with a sentence.
func TestParsePrompt(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   catalog.Value
		ok   bool
		want string // the request as JSON, when ok
	}{
		{catalog.JSON(map[string]any{"prompt": "def gcd(a, b):", "suffix": "    return a", "system": "code", "raw": true, "options": map[string]any{"temperature": 0.0}}), true,
			`{"Messages":null,"Prompt":"def gcd(a, b):","Options":{"temperature":0},"System":"code","Suffix":"    return a","Raw":true}`},
		{catalog.JSON(map[string]any{"prompt": "hi"}), true, `{"Messages":null,"Prompt":"hi","Options":{}}`},
		{catalog.Text("hi"), false, ""},
		{catalog.JSON("hi"), false, ""},
		{catalog.JSON(map[string]any{"messages": []any{}}), false, ""},
		{catalog.JSON(map[string]any{"messages": []any{}, "prompt": "x"}), false, ""},
		{catalog.JSON(map[string]any{"prompt": 3.0}), false, ""},
		{catalog.Bytes([]byte{1}), false, ""},
	}
	for _, tc := range tests {
		r, ok, err := ParsePrompt(tc.in)
		got, _ := json.Marshal(r)
		if ok != tc.ok || err != nil || (ok && string(got) != tc.want) {
			t.Errorf("ParsePrompt(%s) = %s, %v, %v; want %s, %v", tc.in.Summary(80), got, ok, err, tc.want, tc.ok)
		}
	}
	if _, ok, err := ParsePrompt(catalog.JSON(map[string]any{"prompt": "x", "options": map[string]any{"max_tokens": -1.0}})); !ok || err == nil || !strings.Contains(err.Error(), "max_tokens") {
		t.Errorf("a prompt with a bad option: %v, %v", ok, err)
	}
	for _, in := range []map[string]any{{"prompt": "x", "suffix": "y"}, {"prompt": "x", "raw": false}, {"messages": []any{map[string]any{"role": "user", "content": "a"}}, "raw": true}} {
		_, err := ParseChat(catalog.JSON(in))
		if err == nil || !strings.Contains(err.Error(), "suffix and raw go with a prompt to an Ollama model") {
			t.Errorf("ParseChat(%v) = %v", in, err)
		}
		if in["prompt"] == nil {
			continue
		}
		if _, err := ParseCompletion(catalog.JSON(in)); err == nil || !strings.Contains(err.Error(), "suffix and raw") {
			t.Errorf("ParseCompletion(%v) = %v", in, err)
		}
	}
}

// Every number a caller sends is checked against its range: -1, 2^31,
// 2^32, 2^63 and fractions where a whole number is due each get a sentence.
func TestOptionsOutOfRange(t *testing.T) {
	t.Parallel()
	tests := []struct {
		opt  string
		v    any
		want string
	}{
		{"max_tokens", -1.0, `"options.max_tokens" is -1; give a whole number from 1 to 1048576`},
		{"max_tokens", 0.0, "is 0;"},
		{"max_tokens", float64(1 << 31), "is 2147483648;"},
		{"max_tokens", float64(1 << 32), "is 4294967296;"},
		{"max_tokens", math.Pow(2, 63), "is 9.223372036854776e+18;"},
		{"max_tokens", 1.5, "is 1.5;"},
		{"max_tokens", "10", `is "10";`},
		{"temperature", -1.0, `"options.temperature" is -1; give a number from 0 to 2`},
		{"temperature", 2.5, "from 0 to 2"},
		{"top_p", 1.01, "from 0 to 1"},
		{"seed", -1.0, "from 0 to 9007199254740992"},
		{"seed", math.Pow(2, 63), "is 9.223372036854776e+18;"},
		{"stop", 3.0, "options.stop must be a string or a list of non-empty strings"},
		{"stop", []any{""}, "non-empty strings"},
		{"stop", make([]any, 17), "at most 16"},
		{"frequency_penalty", 1.0, `unknown option "frequency_penalty": use temperature, top_p, max_tokens, stop or seed`},
	}
	for _, tc := range tests {
		_, err := ParseChat(catalog.JSON(map[string]any{"prompt": "x", "options": map[string]any{tc.opt: tc.v}}))
		if catalog.ErrorType(err) != catalog.InputError || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s=%v: %v, want an InputError containing %q", tc.opt, tc.v, err, tc.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   catalog.Value
		want string
	}{
		{catalog.Bytes([]byte{1}), "not binary data"},
		{catalog.JSON([]any{1.0}), "the input is JSON array"},
		{catalog.JSON(map[string]any{"messages": []any{}}), "messages is empty"},
		{catalog.JSON(map[string]any{"messages": []any{map[string]any{"role": "tool", "content": "x"}}}), `messages[0] has role "tool"`},
		{catalog.JSON(map[string]any{"messages": []any{}, "prompt": "x"}), "either messages or prompt"},
		{catalog.JSON(map[string]any{"text": "x"}), `unknown field "text"`},
		{catalog.JSON(map[string]any{"system": "x"}), "a chat input is text, or JSON with messages"},
	}
	for _, tc := range tests {
		if _, err := ParseChat(tc.in); catalog.ErrorType(err) != catalog.InputError || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseChat(%s) = %v, want %q", tc.in.Summary(60), err, tc.want)
		}
	}
	if _, err := ParseCompletion(catalog.JSON(map[string]any{"messages": []any{}})); err == nil {
		t.Error("a completion took messages")
	}
}

func TestEmbed(t *testing.T) {
	t.Parallel()
	in, err := ParseEmbed(catalog.JSON([]any{"a", "b"}))
	if err != nil || !in.Many || len(in.Texts) != 2 {
		t.Fatalf("ParseEmbed = %+v %v", in, err)
	}
	if one, err := ParseEmbed(catalog.Text("a")); err != nil || one.Many || one.Wire() != "a" {
		t.Errorf("ParseEmbed(text) = %+v %v, wire %v", one, err, one.Wire())
	}
	for _, bad := range []catalog.Value{catalog.JSON([]any{}), catalog.JSON([]any{1.0}), catalog.JSON(make([]any, 2049)), catalog.Bytes(nil)} {
		if _, err := ParseEmbed(bad); catalog.ErrorType(err) != catalog.InputError {
			t.Errorf("ParseEmbed(%s) = %v", bad.Summary(40), err)
		}
	}
	v, err := EmbeddingResult([][]float64{{1, 2}, {3, 4}}, true)
	if b, _ := json.Marshal(v.JSON); err != nil || string(b) != `{"dimensions":2,"embeddings":[[1,2],[3,4]]}` {
		t.Errorf("EmbeddingResult = %s, %v", b, err)
	}
	if _, err := EmbeddingResult([][]float64{{1}, {1, 2}}, true); err == nil {
		t.Error("vectors of two sizes were accepted")
	}
}

func TestMeter(t *testing.T) {
	t.Parallel()
	var got []string
	m := NewMeter(func(c catalog.Chunk) error { got = append(got, c.Text); return nil })
	time.Sleep(2 * time.Millisecond)
	for _, s := range []string{"a", "", "b", "c"} {
		if err := m.Add(s); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Millisecond)
	}
	m.Finish("stop")
	g := m.Generation()
	if m.Text() != "abc" || strings.Join(got, "") != "abc" || g.Tokens != 3 || g.FirstToken < 2*time.Millisecond ||
		g.Total <= g.FirstToken || g.TokensPerSecond <= 0 || g.FinishReason != "stop" {
		t.Errorf("text %q, pieces %q, generation %+v", m.Text(), got, g)
	}
}
