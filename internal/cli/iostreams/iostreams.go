// Package iostreams is what a verb reads and writes: stdin, stdout and stderr,
// and what it knows about them — which are terminals, how wide stdout's is,
// how many colours each shows, whether the background is dark. Output meant
// for people (colours, truncation, hints) only goes to terminals; anything
// piped gets plain, complete data.
//
// System describes the process's own streams; Test gives buffers whose
// terminal-ness, width and colours a test sets, so tests run in parallel
// without touching process state.
package iostreams

import (
	"bytes"
	"io"
	"os"
	"strconv"
	"sync"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/term"
)

// IOStreams are a command's standard streams and what is known about them.
// Its methods are safe for concurrent use.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	stdinTTY, stdoutTTY, stderrTTY bool

	// Asked of the terminal at most once, when first needed: a verb that
	// prints plain data never pays for them.
	width   func() int
	dark    func() bool
	outProf func() colorprofile.Profile
	errProf func() colorprofile.Profile
}

// System returns the process's streams: a terminal's width comes from
// $COLUMNS or the terminal itself, colours from the environment (NO_COLOR,
// CLICOLOR, TERM, …) and the background from asking the terminal.
func System() *IOStreams {
	s := &IOStreams{
		In:        os.Stdin,
		Out:       os.Stdout,
		ErrOut:    os.Stderr,
		stdinTTY:  isTerminal(os.Stdin),
		stdoutTTY: isTerminal(os.Stdout),
		stderrTTY: isTerminal(os.Stderr),
	}
	s.width = sync.OnceValue(func() int { return terminalWidth(os.Stdout) })
	s.dark = sync.OnceValue(func() bool {
		if !s.stdinTTY || !s.stdoutTTY {
			return true
		}
		return lipgloss.HasDarkBackground(os.Stdin, os.Stdout)
	})
	s.outProf = sync.OnceValue(func() colorprofile.Profile { return colorprofile.Detect(os.Stdout, os.Environ()) })
	s.errProf = sync.OnceValue(func() colorprofile.Profile { return colorprofile.Detect(os.Stderr, os.Environ()) })
	return s
}

// Test returns streams over buffers: stdin reads in, stdout and stderr write
// to out and errOut. Nothing is a terminal until SetTerminal says so.
func Test(in io.Reader) (s *IOStreams, out, errOut *bytes.Buffer) {
	out, errOut = &bytes.Buffer{}, &bytes.Buffer{}
	s = &IOStreams{In: in, Out: out, ErrOut: errOut}
	s.SetTerminal(false, 0, true, colorprofile.NoTTY)
	return s, out, errOut
}

// SetTerminal makes all three streams terminals (or not) of the given width,
// background and colour profile. Tests use it before running a command.
func (s *IOStreams) SetTerminal(tty bool, width int, dark bool, profile colorprofile.Profile) {
	s.stdinTTY, s.stdoutTTY, s.stderrTTY = tty, tty, tty
	if !tty {
		width = 0
	}
	s.width = func() int { return width }
	s.dark = func() bool { return dark }
	s.outProf = func() colorprofile.Profile { return profile }
	s.errProf = s.outProf
}

// SetStdinTTY says whether stdin is a terminal (stdin piped into a command
// run from a terminal, or the other way round).
func (s *IOStreams) SetStdinTTY(tty bool) { s.stdinTTY = tty }

// IsStdinTTY reports whether stdin is an interactive terminal.
func (s *IOStreams) IsStdinTTY() bool { return s.stdinTTY }

// IsStdoutTTY reports whether stdout is an interactive terminal.
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }

// IsStderrTTY reports whether stderr is an interactive terminal.
func (s *IOStreams) IsStderrTTY() bool { return s.stderrTTY }

// TerminalWidth is the width of stdout's terminal, or 0 when stdout is not a
// terminal.
func (s *IOStreams) TerminalWidth() int {
	if !s.stdoutTTY {
		return 0
	}
	return s.width()
}

// HasDarkBackground reports whether the terminal's background is dark. Only
// a terminal on both stdin and stdout is asked; on any doubt the answer is
// dark, the more common terminal.
func (s *IOStreams) HasDarkBackground() bool { return s.dark() }

// ColorOut writes styled output to stdout, downsampled to the colours it shows;
// piped output loses its escapes entirely.
func (s *IOStreams) ColorOut() io.Writer {
	return &colorprofile.Writer{Forward: s.Out, Profile: s.outProf()}
}

// ColorErrOut is ColorOut for stderr.
func (s *IOStreams) ColorErrOut() io.Writer {
	return &colorprofile.Writer{Forward: s.ErrOut, Profile: s.errProf()}
}

func isTerminal(f *os.File) bool { return term.IsTerminal(f.Fd()) }

// terminalWidth is the width of f's terminal: $COLUMNS wins when set, as in
// most UNIX tools; 80 when the terminal does not say.
func terminalWidth(f *os.File) int {
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	if width, _, err := term.GetSize(f.Fd()); err == nil && width > 0 {
		return width
	}
	return 80
}
