// Package statusline is the bottom line of the screen: the newest sentence
// any part of the TUI reported (common.StatusMsg) in its tone, information
// and warnings for a few seconds, errors until replaced; when there is none,
// what is under way or where the catalog comes from. Figures for pipette's
// developers go at its right end.
package statusline

import (
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"pipette/ui/common"
)

// TTL is how long information and warnings stay.
const TTL = 4 * time.Second

// expiredMsg clears the line if id is still the sentence shown.
type expiredMsg struct{ id int }

// Line is the status line.
type Line struct {
	com  *common.Common
	text string
	kind common.StatusKind
	id   int
}

// New makes an empty status line.
func New(com *common.Common) *Line { return &Line{com: com} }

// Set shows text in the tone of kind; the command clears it after TTL
// (errors stay).
func (l *Line) Set(text string, kind common.StatusKind) tea.Cmd {
	l.id++
	l.text, l.kind = text, kind
	if kind == common.StatusError {
		return nil
	}
	id := l.id
	return l.com.Clock.After(TTL, func(time.Time) tea.Msg { return expiredMsg{id: id} })
}

// Clear empties the line.
func (l *Line) Clear() { l.text = "" }

// Text is the sentence shown ("" when none).
func (l *Line) Text() string { return l.text }

// Kind is its tone.
func (l *Line) Kind() common.StatusKind { return l.kind }

// Update takes the line's own messages (its expiry).
func (l *Line) Update(msg tea.Msg) tea.Cmd {
	if e, ok := msg.(expiredMsg); ok && e.id == l.id {
		l.text = ""
	}
	return nil
}

// View is the line, w cells wide: the sentence (or idle when there is
// none) on the left, right at the right end.
func (l *Line) View(w int, idle, right string) string {
	st := l.com.Styles
	left := idle
	if l.text != "" {
		style := map[common.StatusKind]lipgloss.Style{common.StatusInfo: st.StatusInfo, common.StatusWarn: st.StatusWarn, common.StatusError: st.StatusError}[l.kind]
		left = style.Render(l.text)
	}
	return " " + common.FitRow(left, right, w-2)
}
