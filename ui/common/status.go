package common

import tea "charm.land/bubbletea/v2"

// StatusKind is the tone of a status message.
type StatusKind int

const (
	StatusInfo StatusKind = iota
	StatusWarn
	StatusError
)

// StatusMsg puts a sentence on the status line. Info and warnings expire;
// errors stay until replaced.
type StatusMsg struct {
	Text string
	Kind StatusKind
}

// Info, Warn and Error are the commands that report a status.
func Info(s string) tea.Cmd  { return status(s, StatusInfo) }
func Warn(s string) tea.Cmd  { return status(s, StatusWarn) }
func Error(s string) tea.Cmd { return status(s, StatusError) }

func status(s string, k StatusKind) tea.Cmd {
	return func() tea.Msg { return StatusMsg{Text: s, Kind: k} }
}
