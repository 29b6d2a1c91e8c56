package modelinfo

import (
	"math"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"pipette/catalog"
)

func TestRowKeepsWholeColumns(t *testing.T) {
	t.Parallel()
	m := &catalog.Model{Kind: catalog.ModelChat, Parameters: 3_212_749_888, Quantization: "Q4_K_M", ContextLength: 131072, Size: 2_019_393_189,
		Capabilities: []string{"completion", "tools", "vision", "tools"}, Pricing: &catalog.Pricing{}}
	for _, tc := range []struct {
		w    int
		want string
	}{
		{80, "3.2B  2.0 GB  Q4_K_M  128K  tools vision · free"},
		{28, "3.2B  2.0 GB  Q4_K_M  128K"},
		{22, "3.2B  2.0 GB  Q4_K_M"},
		{10, "3.2B"},
		{3, ""},
		{0, ""},
		{-1, ""},
	} {
		got := Row(m, tc.w)
		if got != tc.want || ansi.StringWidth(got) > max(0, tc.w) {
			t.Errorf("width %d: %q, want %q", tc.w, got, tc.want)
		}
	}
	if got := Row(&catalog.Model{Kind: catalog.ModelEmbedding, ContextLength: 8192}, 40); got != "8K" && !strings.HasPrefix(strings.TrimSpace(got), "8K") {
		t.Errorf("columns the source left out stay blank: %q", got)
	}
}

func TestPrice(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		p    *catalog.Pricing
		want string
	}{
		{nil, ""},
		{&catalog.Pricing{}, "free"},
		{&catalog.Pricing{Prompt: 0.15e-6, Completion: 0.6e-6}, "$0.15/$0.6 per M"},
		{&catalog.Pricing{Prompt: 1.25e-6, Completion: 10e-6}, "$1.25/$10 per M"},
		{&catalog.Pricing{Prompt: 1e-12}, "$0.000001/$0 per M"},
		{&catalog.Pricing{Request: 0.002}, "$0.002 a call"},
		{&catalog.Pricing{Image: 0.01}, "$0.01 an image"},
		{&catalog.Pricing{Prompt: math.MaxFloat64}, "$+Inf/$0 per M"},
	} {
		if got := Price(tc.p); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.p, got, tc.want)
		}
	}
}

func TestEmbedding(t *testing.T) {
	t.Parallel()
	vec := []any{0.1, -0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0}
	for _, tc := range []struct {
		v    catalog.Value
		want string // "" for not an embedding
	}{
		{catalog.JSON(map[string]any{"dimensions": 10.0, "embedding": vec}), "10 dimensions\n[0.1000, -0.2000, 0.3000, … 7 more]"},
		{catalog.JSON(map[string]any{"dimensions": 10.0, "embeddings": []any{vec, vec}}), "2 vectors × 10 dimensions\n[0.1000, -0.2000, 0.3000, … 7 more]\n[0.1000, -0.2000, 0.3000, … 7 more]"},
		{catalog.JSON(map[string]any{"dimensions": -1.0, "embedding": vec}), ""},
		{catalog.JSON(map[string]any{"dimensions": 10.0}), ""},
		{catalog.JSON(map[string]any{"dimensions": 10.0, "embedding": "x"}), "10 dimensions\n[]"},
		{catalog.JSON([]any{1.0}), ""},
		{catalog.Text("hi"), ""},
	} {
		got, ok := Embedding(tc.v, 40)
		if ok != (tc.want != "") || got != tc.want {
			t.Errorf("%v: %q (%v), want %q", tc.v.JSON, got, ok, tc.want)
		}
	}
}
