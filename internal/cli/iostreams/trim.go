package iostreams

import (
	"io"
	"strconv"
	"strings"
)

// TrimWriter drops the spaces at the end of each line that nothing shows:
// those under no background colour (fang pads its help to a rectangle, which
// a pipe or a copy from the terminal keeps as trailing spaces). Escape
// sequences are kept, so colours still end where they did. Flush writes a
// last line that has no newline.
type TrimWriter struct {
	w    io.Writer
	line []byte
}

// NewTrimWriter trims the lines written to w.
func NewTrimWriter(w io.Writer) *TrimWriter { return &TrimWriter{w: w} }

func (t *TrimWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		i := strings.IndexByte(string(p), '\n')
		if i < 0 {
			t.line = append(t.line, p...)
			break
		}
		t.line = append(t.line, p[:i]...)
		if _, err := t.w.Write(append(trimLine(t.line), '\n')); err != nil {
			return 0, err
		}
		t.line, p = t.line[:0], p[i+1:]
	}
	return n, nil
}

// Flush writes what is left of the last line.
func (t *TrimWriter) Flush() error {
	if len(t.line) == 0 {
		return nil
	}
	_, err := t.w.Write(trimLine(t.line))
	t.line = t.line[:0]
	return err
}

// Fd is the file descriptor of the writer underneath, when it has one, so
// that colour detection (colorprofile.Detect) still sees the terminal.
func (t *TrimWriter) Fd() uintptr {
	if f, ok := t.w.(interface{ Fd() uintptr }); ok {
		return f.Fd()
	}
	return ^uintptr(0)
}

// Read and Close make a TrimWriter over a terminal a term.File, as
// colorprofile.Detect asks; nothing is read or closed.
func (t *TrimWriter) Read([]byte) (int, error) { return 0, io.EOF }

// Close does nothing: the stream belongs to the process.
func (t *TrimWriter) Close() error { return nil }

var _ interface{ Fd() uintptr } = (*TrimWriter)(nil)

// trimLine returns line without its trailing invisible spaces.
func trimLine(line []byte) []byte {
	keep := visibleEnd(line)
	if keep == len(line) {
		return line
	}
	out := append([]byte(nil), line[:keep]...)
	for i := keep; i < len(line); {
		if n := escapeLen(line[i:]); n > 0 {
			out = append(out, line[i:i+n]...)
			i += n
			continue
		}
		i++ // a trailing space or tab: dropped
	}
	return out
}

// visibleEnd is the index just past the last byte of line that shows: a
// character other than a space or tab, or a space drawn on a background.
func visibleEnd(line []byte) int {
	end, background := 0, false
	for i := 0; i < len(line); {
		if n := escapeLen(line[i:]); n > 0 {
			if line[i+1] == '[' && line[i+n-1] == 'm' {
				background = sgrBackground(string(line[i+2:i+n-1]), background)
			}
			i += n
			continue
		}
		if c := line[i]; (c != ' ' && c != '\t') || background {
			end = i + 1
		}
		i++
	}
	return end
}

// escapeLen is the length of the escape sequence at the start of b (CSI,
// OSC or a two-byte escape), or 0 when b does not start with one.
func escapeLen(b []byte) int {
	if len(b) < 2 || b[0] != 0x1b {
		return 0
	}
	switch b[1] {
	case '[':
		for i := 2; i < len(b); i++ {
			if b[i] >= 0x40 && b[i] <= 0x7e {
				return i + 1
			}
		}
		return len(b)
	case ']':
		for i := 2; i < len(b); i++ {
			if b[i] == 0x07 {
				return i + 1
			}
			if b[i] == 0x1b && i+1 < len(b) && b[i+1] == '\\' {
				return i + 2
			}
		}
		return len(b)
	}
	return 2
}

// sgrBackground is whether a background (or reverse video, which shows
// spaces in the foreground colour) is on after the SGR parameters params.
func sgrBackground(params string, on bool) bool {
	ps := strings.FieldsFunc(params, func(r rune) bool { return r == ';' || r == ':' })
	if len(ps) == 0 {
		return false // ESC[m resets everything
	}
	for i := 0; i < len(ps); i++ {
		n, err := strconv.Atoi(ps[i])
		if err != nil {
			continue
		}
		switch {
		case n == 0, n == 49, n == 27:
			on = false
		case n == 7, n >= 40 && n <= 47, n >= 100 && n <= 107:
			on = true
		case n == 48:
			on = true
			i += extendedColorArgs(ps[i+1:])
		case n == 38 || n == 58:
			i += extendedColorArgs(ps[i+1:])
		}
	}
	return on
}

// extendedColorArgs is how many parameters follow 38, 48 or 58: "5;N" or
// "2;R;G;B".
func extendedColorArgs(rest []string) int {
	if len(rest) == 0 {
		return 0
	}
	switch rest[0] {
	case "5":
		return min(2, len(rest))
	case "2":
		return min(4, len(rest))
	}
	return 0
}
