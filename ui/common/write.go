package common

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"pipette/internal/filestamp"
	"pipette/internal/human"
)

// Write is a file write that looks first at what it would replace, so that
// the UI asks before it replaces a file it has not written (or one changed
// on disk since it was read) or creates a folder.
type Write struct {
	Path  string
	What  string          // "the chain", "the output": for the question and errors
	Stamp filestamp.Stamp // the file as last read or written here; zero for none
	// Do writes, in a command, and returns the message that reports it.
	Do func(path string) tea.Msg
}

// Checked is what writing w.Path would replace: Ask says to ask first.
type Checked struct {
	W       *Write
	Verdict filestamp.Verdict
	Missing string // the outermost folder that does not exist, for NoFolder
	Err     error
}

// Ask reports whether the write waits for the user's yes.
func (c Checked) Ask() bool {
	return c.Err == nil && (c.Verdict == filestamp.Changed || c.Verdict == filestamp.Other || c.Verdict == filestamp.NoFolder)
}

// Check looks at w.Path in a command.
func (w *Write) Check() tea.Cmd {
	return func() tea.Msg {
		v, err := w.Stamp.Check(w.Path)
		c := Checked{W: w, Verdict: v, Err: err}
		if v == filestamp.NoFolder {
			c.Missing = filestamp.MissingFolder(w.Path)
		}
		return c
	}
}

// Run is the write itself, once allowed.
func (w *Write) Run() tea.Cmd {
	return func() tea.Msg { return w.Do(w.Path) }
}

// Proceed is what to do with a checked write that needs no question: write,
// or say why it cannot be written.
func (c Checked) Proceed() tea.Cmd {
	switch {
	case c.Err != nil:
		return Error(fmt.Sprintf("cannot write %s to %s: %v", c.W.What, c.W.Path, human.FileError(c.Err)))
	case c.Verdict == filestamp.NotAFile:
		return Error(fmt.Sprintf("cannot write %s to %s: it is a folder or a special file; give a file name", c.W.What, c.W.Path))
	}
	return c.W.Run()
}
