// Package params is the usual parameters of a chat or completion call —
// system prompt, temperature, max tokens, stop sequences — as a user types
// them, checked, and folded into the call's input the way pipette's chat
// models take it ({system, messages, options} or {prompt, options}).
package params

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"pipette/catalog"
)

// Limits of what a user may set; the sources take the same ranges.
const (
	MaxTemperature = 2
	MaxTokens      = 1 << 20
	MaxStops       = 16
)

// Params are a call's parameters; zero values are left to the model.
type Params struct {
	System      string
	Temperature float64
	HasTemp     bool // Temperature was set (0 is a temperature)
	MaxTokens   int
	Stop        []string
}

// IsZero says nothing is set.
func (p Params) IsZero() bool {
	return p.System == "" && !p.HasTemp && p.MaxTokens == 0 && len(p.Stop) == 0
}

// Fields are the form's four texts, in order: system, temperature, max
// tokens, stop.
type Fields [4]string

// Names are the fields' labels.
var Names = Fields{"system prompt", "temperature", "max tokens", "stop"}

// Hints are what an empty field stands for.
var Hints = Fields{"(the model's own)", "0–2, e.g. 0.7 (the model's default)", "1–1048576 (the model's default)", `comma-separated, \n for a new line`}

// Fields are p as the form shows them.
func (p Params) Fields() Fields {
	var f Fields
	f[0] = p.System
	if p.HasTemp {
		f[1] = strconv.FormatFloat(p.Temperature, 'g', -1, 64)
	}
	if p.MaxTokens > 0 {
		f[2] = strconv.Itoa(p.MaxTokens)
	}
	var stops []string
	for _, s := range p.Stop {
		stops = append(stops, strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "\n", `\n`))
	}
	f[3] = strings.Join(stops, ", ")
	return f
}

// Parse reads the form's fields; a mistake is one sentence saying which
// field is wrong and what it takes.
func Parse(f Fields) (Params, error) {
	p := Params{System: strings.TrimSpace(f[0])}
	if t := strings.TrimSpace(f[1]); t != "" {
		v, err := strconv.ParseFloat(t, 64)
		if err != nil || math.IsNaN(v) || v < 0 || v > MaxTemperature {
			return Params{}, fmt.Errorf("temperature %q is not a number from 0 to %d: write it like 0.7", t, MaxTemperature)
		}
		p.Temperature, p.HasTemp = v, true
	}
	if t := strings.TrimSpace(f[2]); t != "" {
		v, err := strconv.ParseInt(t, 10, 64)
		if err != nil || v < 1 || v > MaxTokens {
			return Params{}, fmt.Errorf("max tokens %q is not a whole number from 1 to %d", t, MaxTokens)
		}
		p.MaxTokens = int(v)
	}
	if t := strings.TrimSpace(f[3]); t != "" {
		for _, s := range strings.Split(t, ",") {
			s = unescape(strings.TrimSpace(s))
			if s != "" {
				p.Stop = append(p.Stop, s)
			}
		}
		if len(p.Stop) > MaxStops {
			return Params{}, fmt.Errorf("%d stop sequences: at most %d", len(p.Stop), MaxStops)
		}
	}
	return p, nil
}

// unescape reads \n, \t and \\ in a stop sequence.
func unescape(s string) string {
	return strings.NewReplacer(`\\`, `\`, `\n`, "\n", `\t`, "\t").Replace(s)
}

// Summary is p on one line for the Try tab: "temp 0.7 · max 256 · stop 1 ·
// system: You answer…"; "" when nothing is set.
func (p Params) Summary() string {
	var parts []string
	if p.HasTemp {
		parts = append(parts, "temp "+strconv.FormatFloat(p.Temperature, 'g', -1, 64))
	}
	if p.MaxTokens > 0 {
		parts = append(parts, fmt.Sprintf("max %d", p.MaxTokens))
	}
	if n := len(p.Stop); n > 0 {
		parts = append(parts, fmt.Sprintf("stop %d", n))
	}
	if p.System != "" {
		parts = append(parts, "system: "+strings.Join(strings.Fields(p.System), " "))
	}
	return strings.Join(parts, " · ")
}

// options are p's options object, nil when none is set.
func (p Params) options() map[string]any {
	o := map[string]any{}
	if p.HasTemp {
		o["temperature"] = p.Temperature
	}
	if p.MaxTokens > 0 {
		o["max_tokens"] = float64(p.MaxTokens)
	}
	if len(p.Stop) > 0 {
		stops := make([]any, len(p.Stop))
		for i, s := range p.Stop {
			stops[i] = s
		}
		o["stop"] = stops
	}
	if len(o) == 0 {
		return nil
	}
	return o
}

// Input is what a model of kind is sent for text with p: text as it is
// when nothing is set (or the model is not a chat or completion model);
// else the JSON object the model takes, with text as the user's message
// (chat) or the prompt (completion). Text that is itself a JSON object
// (messages typed by hand) keeps its fields; p fills only those missing.
func Input(kind catalog.ModelKind, text string, p Params) catalog.Value {
	if kind != catalog.ModelChat && kind != catalog.ModelCompletion {
		return catalog.Text(text)
	}
	var obj map[string]any
	if err := json.Unmarshal([]byte(text), &obj); err != nil || obj == nil {
		if p.IsZero() {
			return catalog.Text(text)
		}
		obj = map[string]any{}
		if kind == catalog.ModelChat {
			obj["messages"] = []any{map[string]any{"role": "user", "content": text}}
		} else {
			obj["prompt"] = text
		}
	}
	if _, ok := obj["system"]; !ok && p.System != "" {
		obj["system"] = p.System
	}
	if o := p.options(); o != nil {
		have, _ := obj["options"].(map[string]any)
		if have == nil {
			have = map[string]any{}
		}
		for k, v := range o {
			if _, set := have[k]; !set {
				have[k] = v
			}
		}
		obj["options"] = have
	}
	return catalog.JSON(obj)
}
