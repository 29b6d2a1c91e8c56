package ui

import (
	"encoding/json"
	"strings"
	"testing"

	"charm.land/lipgloss/v2"

	"pipette/themes"
)

// colorJSONByRender is colorJSON with Style.Render on every token, as it was
// written first: the reference the faster one must match byte for byte.
func colorJSONByRender(st *themes.Styles, s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"':
			j := i + 1
			for j < len(s) && s[j] != '"' {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			j = min(j+1, len(s))
			style := st.JSONString
			if j < len(s) && s[j] == ':' {
				style = st.JSONKey
			}
			b.WriteString(style.Render(s[i:j]))
			i = j
		case c == '-' || (c >= '0' && c <= '9') || c == 't' || c == 'f' || c == 'n':
			j := i
			for j < len(s) && !strings.ContainsRune(",]}\n :", rune(s[j])) {
				j++
			}
			b.WriteString(st.JSONNumber.Render(s[i:j]))
			i = j
		case strings.IndexByte("{}[],:", c) >= 0:
			b.WriteString(st.JSONPunct.Render(string(c)))
			i++
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String()
}

func TestColorJSONMatchesRenderPerToken(t *testing.T) {
	v := map[string]any{
		"text":    "two  words\twith a tab, \"quotes\", a \\ and\nnewline",
		"unicode": "日本語 · emoji 🎉 · combining é",
		"empty":   "",
		"nums":    []any{0, -1.5, 1e21, 3.25},
		"lits":    []any{true, false, nil},
		"nested":  map[string]any{"a": []any{}, "b": map[string]any{}, "c": []any{map[string]any{"x y": "z"}}},
		"html":    "<b>&</b>",
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	for _, pal := range []themes.Palette{themes.Dark(), themes.Light(), themes.ANSI(true), themes.ANSI(false), themes.Plain()} {
		st := themes.New(pal)
		if got, want := st.ColorJSON(string(b)), colorJSONByRender(st, string(b)); got != want {
			t.Errorf("%s: colorJSON differs from Render per token\n got %q\nwant %q", pal.Name, got, want)
		}
	}
	// A style that does not simply wrap its text is rendered per token.
	st := themes.New(themes.Dark())
	st.JSONKey = st.JSONKey.Bold(true).Underline(true)
	if got, want := st.ColorJSON(string(b)), colorJSONByRender(st, string(b)); got != want {
		t.Errorf("bold underlined keys differ\n got %q\nwant %q", got, want)
	}
	st.JSONString = lipgloss.NewStyle().Width(40)
	if got, want := st.ColorJSON(string(b)), colorJSONByRender(st, string(b)); got != want {
		t.Errorf("padded strings differ\n got %q\nwant %q", got, want)
	}
}
