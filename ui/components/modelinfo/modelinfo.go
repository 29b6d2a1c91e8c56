// Package modelinfo is what a user chooses a remote model by, written as
// compactly as a list row or a header allows: kind, parameter count,
// quantization, context length, size on disk, capabilities and pricing,
// each only when the source said it.
package modelinfo

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"pipette/catalog"
)

// Column widths of a list row, so that rows line up: "3.2B", "IQ2_XXS",
// "128K", "2.0 GB".
const (
	paramsW = 5
	quantW  = 7
	ctxW    = 5
	sizeW   = 7
)

// Row is a model's facts as aligned columns for a list row: parameters,
// size, quantization, context (what fits, in that order of importance),
// then capabilities and price when they fit in w cells. A column the source did not fill is blank, so the others stay
// in line.
func Row(m *catalog.Model, w int) string {
	if m == nil || w <= 0 {
		return ""
	}
	// Whole columns or none: a column cut in the middle reads as another
	// number.
	out := ""
	for _, col := range []string{pad(m.ParamsString(), paramsW), pad(m.SizeString(), sizeW), pad(m.Quantization, quantW), pad(ctx(m), ctxW)} {
		if ansi.StringWidth(strings.TrimRight(out+col, " ")) > w {
			break
		}
		out += col + " "
	}
	if extra := strings.Join(nonEmpty(Capabilities(m), Price(m.Pricing)), " · "); extra != "" && ansi.StringWidth(out+extra) <= w {
		out += extra
	}
	return strings.TrimRight(out, " ")
}

// ctx is the context length with its unit: "128K".
func ctx(m *catalog.Model) string { return m.ContextString() }

func pad(s string, w int) string {
	if n := ansi.StringWidth(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Capabilities are what the model can do beyond its kind, as the source
// names them ("tools vision"); the kind's own word is left out.
func Capabilities(m *catalog.Model) string {
	var out []string
	for _, c := range m.Capabilities {
		c = strings.ToLower(strings.TrimSpace(c))
		if c == "" || c == string(m.Kind) || c == "completion" || slices.Contains(out, c) {
			continue
		}
		out = append(out, c)
	}
	return strings.Join(out, " ")
}

// Price is what a call costs, compactly: "free", "$0.15/$0.60 per M" (per
// million input and output tokens), "" when unknown.
func Price(p *catalog.Pricing) string {
	switch {
	case p == nil:
		return ""
	case *p == catalog.Pricing{}:
		return "free"
	case p.Prompt > 0 || p.Completion > 0:
		return fmt.Sprintf("$%s/$%s per M", dollars(p.Prompt*1e6), dollars(p.Completion*1e6))
	case p.Request > 0:
		return "$" + dollars(p.Request) + " a call"
	}
	return "$" + dollars(p.Image) + " an image"
}

// dollars is an amount with as many decimals as it needs, up to four
// significant digits: 0.15, 10, 0.0375.
func dollars(f float64) string {
	s := fmt.Sprintf("%.4g", f)
	if strings.ContainsAny(s, "e") {
		s = fmt.Sprintf("%.6f", f)
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// Meta is the model's facts for the detail pane's header, each a short
// phrase: "chat", "3.2B params", "Q4_K_M", "128K ctx", "2.0 GB",
// "tools vision", "free", "loaded".
func Meta(m *catalog.Model) []string {
	if m == nil {
		return nil
	}
	var out []string
	add := func(s string, suffix string) {
		if s != "" {
			out = append(out, s+suffix)
		}
	}
	add(string(m.Kind), "")
	add(m.ParamsString(), " params")
	add(m.Quantization, "")
	add(m.ContextString(), " ctx")
	add(m.SizeString(), "")
	add(Capabilities(m), "")
	add(Price(m.Pricing), "")
	if m.Loaded {
		out = append(out, "loaded")
	}
	if n := len(m.Inputs); n > 0 {
		out = append(out, fmt.Sprintf("%d→%d tensors", n, len(m.Outputs)))
	}
	return out
}

// Kind is the entry's model kind, "" for a built-in or a chain.
func Kind(e catalog.Entry) catalog.ModelKind {
	if e.Model == nil {
		return ""
	}
	return e.Model.Kind
}

// Streams says the entry's answer comes as text while it is generated:
// chat and completion models.
func Streams(e catalog.Entry) bool {
	k := Kind(e)
	return k == catalog.ModelChat || k == catalog.ModelCompletion
}

// BySize orders entries smallest first (what fits this machine comes
// first); entries without a size go last, in the order they had.
func BySize(a, b catalog.Entry) int {
	sa, sb := size(a), size(b)
	switch {
	case sa == sb:
		return 0
	case sa == 0:
		return 1
	case sb == 0:
		return -1
	case sa < sb:
		return -1
	}
	return 1
}

func size(e catalog.Entry) int64 {
	if e.Model == nil {
		return 0
	}
	return e.Model.Size
}

// Embedding is an embedding model's answer as a person reads it: how many
// dimensions and the first few numbers of each vector ("768 dimensions",
// "[0.0123, -0.0456, … 765 more]"); ok is false for any other value.
func Embedding(v catalog.Value, w int) (string, bool) {
	obj, isObj := v.JSON.(map[string]any)
	if v.Kind != catalog.KindJSON || !isObj {
		return "", false
	}
	dims, _ := obj["dimensions"].(float64)
	var vecs []any
	switch {
	case obj["embedding"] != nil:
		vecs = []any{obj["embedding"]}
	case obj["embeddings"] != nil:
		vecs, _ = obj["embeddings"].([]any)
	}
	if dims <= 0 || len(vecs) == 0 {
		return "", false
	}
	head := fmt.Sprintf("%d dimensions", int(dims))
	if len(vecs) > 1 {
		head = fmt.Sprintf("%d vectors × %d dimensions", len(vecs), int(dims))
	}
	lines := []string{head}
	for i, x := range vecs {
		if i == 8 {
			lines = append(lines, fmt.Sprintf("… %d more vectors", len(vecs)-i))
			break
		}
		nums, _ := x.([]any)
		lines = append(lines, ansi.Truncate(vectorPreview(nums, w), w, "…"))
	}
	return strings.Join(lines, "\n"), true
}

// vectorPreview is as many of a vector's first numbers as fit in w cells,
// then how many more there are.
func vectorPreview(nums []any, w int) string {
	var b strings.Builder
	b.WriteString("[")
	for i, n := range nums {
		f, _ := n.(float64)
		item := fmt.Sprintf("%.4f", f)
		tail := fmt.Sprintf(", … %d more]", len(nums)-i)
		if i > 0 && b.Len()+len(item)+2+len(tail) > w {
			b.WriteString(tail)
			return b.String()
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(item)
	}
	b.WriteString("]")
	return b.String()
}
