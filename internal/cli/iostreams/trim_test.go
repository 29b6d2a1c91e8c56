package iostreams

import (
	"strings"
	"testing"
)

func TestTrimWriter(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, in, want string }{
		{"plain", "usage  \n  \nend   ", "usage\n\nend"},
		{"tabs", "a\t \t\n", "a\n"},
		{"inner spaces kept", "a  b  \n", "a  b\n"},
		{"escapes kept, spaces after them dropped", "\x1b[1mUSAGE\x1b[m   \n", "\x1b[1mUSAGE\x1b[m\n"},
		{"spaces inside a reset dropped", "\x1b[1mUSAGE   \x1b[m\n", "\x1b[1mUSAGE\x1b[m\n"},
		{"a background fill is kept", "\x1b[48;5;236m  code  \x1b[m  \n", "\x1b[48;5;236m  code  \x1b[m\n"},
		{"truecolor background", "\x1b[38;2;1;2;3;48;2;4;5;6mx  \x1b[0m \n", "\x1b[38;2;1;2;3;48;2;4;5;6mx  \x1b[0m\n"},
		{"a foreground 48 is not a background", "\x1b[38;5;48mx  \x1b[m\n", "\x1b[38;5;48mx\x1b[m\n"},
		{"background ended", "\x1b[41mx\x1b[49m   \n", "\x1b[41mx\x1b[49m\n"},
		{"reverse video shows spaces", "\x1b[7m  \x1b[27m \n", "\x1b[7m  \x1b[27m\n"},
		{"OSC link", "\x1b]8;;http://x\x07a\x1b]8;;\x07  \n", "\x1b]8;;http://x\x07a\x1b]8;;\x07\n"},
		{"blank lines", "\n\n", "\n\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var b strings.Builder
			w := NewTrimWriter(&b)
			// Written in pieces, as fang writes: a line may span writes.
			for i := 0; i < len(tc.in); i += 3 {
				piece := tc.in[i:min(i+3, len(tc.in))]
				if n, err := w.Write([]byte(piece)); err != nil || n != len(piece) {
					t.Fatalf("Write(%q) = %d, %v", piece, n, err)
				}
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			if b.String() != tc.want {
				t.Errorf("got %q, want %q", b.String(), tc.want)
			}
		})
	}
}
