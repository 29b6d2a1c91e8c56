// Package common is what every part of the TUI shares: the program context
// (styles, keys, image previews, clock, terminal size) and the Component
// interface every pane and widget implements.
//
// There is one Common per program and every component holds a pointer to
// it, so switching the theme or remapping a key is one assignment that the
// next frame shows everywhere. Components cache what they render keyed by
// what they read from it (the Styles pointer, the graphics epoch, their
// size), never by copies of it.
package common

import (
	"time"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"pipette/internal/human"
	"pipette/themes"
	"pipette/ui/components/graphics"
	"pipette/ui/keys"
)

// Common is the program context.
type Common struct {
	Styles   *themes.Styles
	Keys     *keys.KeyMap
	Graphics *graphics.Graphics
	Clock    Clock
	// Width and Height are the terminal's size.
	Width, Height int
	// Debug shows figures meant for pipette's developers (filter times).
	Debug bool
	// Frame counts the spinner's ticks while something is busy.
	Frame int
}

// Spinner is the busy indicator's current frame.
func (c *Common) Spinner() string {
	f := c.Styles.SpinnerFrames
	return f[c.Frame%len(f)]
}

// Clock is the time the UI sees: tests and benchmarks freeze it and drive
// timed messages themselves.
type Clock struct {
	Now func() time.Time
	// Tick schedules a timed message (spinner frames, status expiry,
	// debounces); nil means tea.Tick.
	Tick func(time.Duration, func(time.Time) tea.Msg) tea.Cmd
	// Fixed, when set, is shown for every measured duration (a run's, a
	// step's): tests pin what the screen says.
	Fixed time.Duration
}

// Duration is a measured duration as the screen shows it.
func (c *Common) Duration(d time.Duration) string {
	if c.Clock.Fixed > 0 {
		d = c.Clock.Fixed
	}
	return human.Duration(d)
}

// After schedules fn's message after d.
func (c Clock) After(d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
	if c.Tick == nil {
		return tea.Tick(d, fn)
	}
	return c.Tick(d, fn)
}

// Time is the current time.
func (c Clock) Time() time.Time {
	if c.Now == nil {
		return time.Now()
	}
	return c.Now()
}

// Component is a pane or widget: a Bubble Tea model that draws itself in
// the size it is given and lists its own key bindings for the footer, the
// help and the command palette. Update takes every message meant for the
// component (keys only when it has the focus); View is pure — whatever it
// needs rendered (images included) was prepared by Update.
type Component interface {
	Init() tea.Cmd
	Update(msg tea.Msg) tea.Cmd
	View() string
	SetSize(width, height int)
	help.KeyMap
}
