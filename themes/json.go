package themes

import (
	"strings"

	"charm.land/lipgloss/v2"
)

// ColorJSON colours indented JSON token by token: keys, strings, numbers and
// literals, punctuation. It relies on the input being valid, pretty-printed
// JSON (json.MarshalIndent output), so a string followed by ':' is a key.
func (st *Styles) ColorJSON(s string) string {
	key, str, num, punct := wrapperOf(st.JSONKey), wrapperOf(st.JSONString), wrapperOf(st.JSONNumber), wrapperOf(st.JSONPunct)
	var b strings.Builder
	b.Grow(len(s) * 2)
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
			if j < len(s) && s[j] == ':' {
				key.write(&b, s[i:j])
			} else {
				str.write(&b, s[i:j])
			}
			i = j
		case c == '-' || (c >= '0' && c <= '9') || c == 't' || c == 'f' || c == 'n':
			j := i
			for j < len(s) && !strings.ContainsRune(",]}\n :", rune(s[j])) {
				j++
			}
			num.write(&b, s[i:j])
			i = j
		case strings.IndexByte("{}[],:", c) >= 0:
			punct.write(&b, s[i:i+1])
			i++
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String()
}

// wrapper is what a style puts around a one-line token without tabs
// (JSON tokens are), found once per render: a large JSON result has
// hundreds of thousands of tokens, and Style.Render on each cost 87 ms for
// 200 KB. A style that does not simply wrap its text (underline styles
// each character) is still rendered per token.
type wrapper struct {
	before, after string
	style         lipgloss.Style
	wraps         bool
}

func wrapperOf(style lipgloss.Style) wrapper {
	const probe = "ab c"
	out := style.Render(probe)
	i := strings.Index(out, probe)
	if i < 0 {
		return wrapper{style: style}
	}
	before, after := out[:i], out[i+len(probe):]
	return wrapper{before: before, after: after, style: style, wraps: style.Render("x") == before+"x"+after}
}

func (w wrapper) write(b *strings.Builder, tok string) {
	if !w.wraps {
		b.WriteString(w.style.Render(tok))
		return
	}
	b.WriteString(w.before)
	b.WriteString(tok)
	b.WriteString(w.after)
}
