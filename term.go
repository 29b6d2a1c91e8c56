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

	"pipette/themes"
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

// jsonStyles colours JSON on a terminal as the TUI does, in its dark or
// light theme.
func jsonStyles(dark bool) *themes.Styles {
	if dark {
		return themes.New(themes.Dark())
	}
	return themes.New(themes.Light())
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
