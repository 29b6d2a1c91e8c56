package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"strconv"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/term"
)

// isTerminal reports whether x (a reader or writer) is an interactive
// terminal. Output meant for people (colors, truncation, hints) only goes to
// terminals; anything piped gets plain, complete data. A variable so tests can
// exercise the terminal paths.
var isTerminal = func(x any) bool {
	f, ok := x.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(f.Fd())
}

// terminalWidth is the width of the terminal w writes to, or 0 when w is not
// a terminal. $COLUMNS wins when set, as in most UNIX tools.
var terminalWidth = func(w io.Writer) int {
	if !isTerminal(w) {
		return 0
	}
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	if f, ok := w.(interface{ Fd() uintptr }); ok {
		if width, _, err := term.GetSize(f.Fd()); err == nil && width > 0 {
			return width
		}
	}
	return 80
}

// colorWriter downsamples styled output to what w can show, honouring
// NO_COLOR, CLICOLOR and TERM; piped output loses its escapes entirely.
func colorWriter(w io.Writer) io.Writer {
	return colorprofile.NewWriter(w, os.Environ())
}

// hasDarkBackground asks the terminal for its background color. It is only
// called when stdout is a terminal; on any doubt it answers dark, the more
// common terminal.
var hasDarkBackground = func(in io.Reader, out io.Writer) bool {
	fi, ok1 := in.(term.File)
	fo, ok2 := out.(term.File)
	if !ok1 || !ok2 {
		return true
	}
	return lipgloss.HasDarkBackground(fi, fo)
}

// jsonPalette colors pretty-printed JSON on a terminal.
type jsonPalette struct {
	key, str, num, lit, punct lipgloss.Style
}

func newJSONPalette(dark bool) jsonPalette {
	ld := lipgloss.LightDark(dark)
	return jsonPalette{
		key:   lipgloss.NewStyle().Foreground(ld(lipgloss.Color("#0550AE"), lipgloss.Color("#79C0FF"))),
		str:   lipgloss.NewStyle().Foreground(ld(lipgloss.Color("#0A3069"), lipgloss.Color("#A5D6FF"))),
		num:   lipgloss.NewStyle().Foreground(ld(lipgloss.Color("#953800"), lipgloss.Color("#FFA657"))),
		lit:   lipgloss.NewStyle().Foreground(ld(lipgloss.Color("#8250DF"), lipgloss.Color("#D2A8FF"))),
		punct: lipgloss.NewStyle().Faint(true),
	}
}

// prettyJSON indents v with two spaces and keeps "<", ">" and "&" readable.
func prettyJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// colorJSON colors already indented, valid JSON token by token. Strings
// followed by a colon are keys.
func colorJSON(src []byte, p jsonPalette) string {
	var out bytes.Buffer
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '"':
			j := i + 1
			for j < len(src) && src[j] != '"' {
				if src[j] == '\\' {
					j++
				}
				j++
			}
			j = min(j+1, len(src))
			tok := string(src[i:j])
			k := j
			for k < len(src) && (src[k] == ' ' || src[k] == '\n' || src[k] == '\t' || src[k] == '\r') {
				k++
			}
			if k < len(src) && src[k] == ':' {
				out.WriteString(p.key.Render(tok))
			} else {
				out.WriteString(p.str.Render(tok))
			}
			i = j
		case c == '-' || (c >= '0' && c <= '9'):
			j := i
			for j < len(src) && bytes.IndexByte([]byte("+-.eE0123456789"), src[j]) >= 0 {
				j++
			}
			out.WriteString(p.num.Render(string(src[i:j])))
			i = j
		case c == 't' || c == 'f' || c == 'n':
			j := i
			for j < len(src) && src[j] >= 'a' && src[j] <= 'z' {
				j++
			}
			out.WriteString(p.lit.Render(string(src[i:j])))
			i = j
		case bytes.IndexByte([]byte("{}[],:"), c) >= 0:
			out.WriteString(p.punct.Render(string(c)))
			i++
		default:
			out.WriteByte(c)
			i++
		}
	}
	return out.String()
}
