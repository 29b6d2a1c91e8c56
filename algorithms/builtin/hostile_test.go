package builtin

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"testing"
	"time"

	"pipette/algorithms/algotest"
	"pipette/catalog"
)

// TestEveryNumericOptionHostile sends every numeric option of every built-in
// algorithm, as its input schema lists them, each of the hostile numbers
// (-1, 0, 2^31, 2^32, 2^63, 1e308…) on top of one of its own sample
// requests, and checks for one sentence of InputError or TooLargeError, or
// a result, within bounded memory. Algorithms added later are covered by
// their schema. Not parallel: Hostile measures the process's allocations.
func TestEveryNumericOptionHostile(t *testing.T) {
	reg := New()
	entries, err := reg.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	tried := 0
	for _, e := range entries {
		base, ok := objectSample(e)
		fields := numericOptions(t, e.InputSchema)
		if !ok || len(fields) == 0 {
			continue
		}
		a, err := reg.Lookup(e.Ref)
		if err != nil {
			t.Fatal(err)
		}
		for _, field := range fields {
			// nan and the infinities only reach an algorithm in-process (a
			// jq mapping's nan, infinite), as here.
			for _, n := range append(algotest.HostileNumbers, math.NaN(), math.Inf(1), math.Inf(-1)) {
				in := maps.Clone(base)
				in[field] = n
				t.Run(fmt.Sprintf("%s/%s=%g", e.Ref.Path(), field, n), func(t *testing.T) {
					ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
					defer cancel()
					algotest.Hostile(t, a, ctx, catalog.JSON(in), 256<<20, catalog.InputError, catalog.TooLargeError)
				})
				tried++
			}
		}
	}
	if tried < 100 {
		t.Errorf("only %d hostile requests were built from the schemas: the walk found too few numeric options", tried)
	}
}

// objectSample is the first sample of e whose input is a JSON object.
func objectSample(e catalog.Entry) (map[string]any, bool) {
	for _, s := range e.Samples {
		if m, ok := s.Input.JSON.(map[string]any); ok && s.Input.Kind == catalog.KindJSON {
			return m, true
		}
	}
	return nil, false
}

// numericOptions lists the top-level properties of type integer or number
// of an input schema, in its object form or in any object among its oneOf
// or anyOf alternatives.
func numericOptions(t *testing.T, raw json.RawMessage) []string {
	t.Helper()
	var schema map[string]any
	if err := json.Unmarshal(raw, &schema); err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(s map[string]any)
	walk = func(s map[string]any) {
		props, _ := s["properties"].(map[string]any)
		for name, p := range props {
			if typ, _ := p.(map[string]any)["type"].(string); (typ == "integer" || typ == "number") && !slices.Contains(out, name) {
				out = append(out, name)
			}
		}
		for _, key := range []string{"oneOf", "anyOf"} {
			alts, _ := s[key].([]any)
			for _, alt := range alts {
				if m, ok := alt.(map[string]any); ok {
					walk(m)
				}
			}
		}
	}
	walk(schema)
	slices.Sort(out)
	return out
}
