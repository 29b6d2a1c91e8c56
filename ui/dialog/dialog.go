// Package dialog is what floats above the panes: the command palette, the
// tag picker, the run history, the export menu, one-line prompts, yes/no
// questions and the full help. A dialog never changes the program itself:
// each key it takes gives back an Action, a typed value that says what the
// user chose, and the root model acts on it.
package dialog

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"pipette/ui/history"
	"pipette/ui/keys"
)

// Dialog is one box above the panes.
type Dialog interface {
	// Update takes a key, a paste or a cursor blink. The action is nil
	// while the dialog stays open with nothing chosen.
	Update(msg tea.Msg) (Action, tea.Cmd)
	// Click is a left click at x, y inside the box (0, 0 is its corner).
	Click(x, y int) Action
	// Scroll moves the list or the text by d rows (the mouse wheel).
	Scroll(d int)
	// SetSize gives the terminal's size; the dialog sizes its box from it.
	SetSize(w, h int)
	// Size is the box's size, border included, as View draws it.
	Size() (w, h int)
	View() string
	// Modal dialogs are answered with a key: a click outside them does
	// not close them.
	Modal() bool
	help.KeyMap
}

// Action is what the user chose in a dialog.
type Action interface{ dialogAction() }

// Close closes the dialog with nothing chosen.
type Close struct{}

// RunCommand runs a command of the palette, as its key would in scope.
type RunCommand struct {
	Scope keys.Scope
	ID    keys.Action
}

// JumpToModel selects a model in the catalog.
type JumpToModel struct{ Path string }

// PickTag filters the catalog by a tag ("" is every model).
type PickTag struct{ Tag string }

// Replay puts a run from the history back in the Try tab.
type Replay struct{ Record history.Record }

// Export exports the chain in a format, to a file or the clipboard.
type Export struct {
	Format ExportFormat
	ToFile bool
}

// Submit is the text a prompt was answered with.
type Submit struct {
	Purpose Purpose
	Value   string
}

// Answer is the choice a question was answered with.
type Answer struct {
	Question Question
	Choice   Choice
}

func (Close) dialogAction()       {}
func (RunCommand) dialogAction()  {}
func (JumpToModel) dialogAction() {}
func (PickTag) dialogAction()     {}
func (Replay) dialogAction()      {}
func (Export) dialogAction()      {}
func (Submit) dialogAction()      {}
func (Answer) dialogAction()      {}

// ExportFormat is a format the chain exports to.
type ExportFormat string

const (
	ExportYAML  ExportFormat = "YAML"
	ExportGo    ExportFormat = "Go"
	ExportShell ExportFormat = "shell"
)

// Purpose says what a prompt asks for.
type Purpose int

const (
	LoadInputFile Purpose = iota // the Try tab's input
	SaveOutput                   // the Try tab's output
	RenameStep
	RenameChain
	SaveChain
	OpenChain
	ExportChain // to a file; the format is the prompt's Export
	ChainInputFile
	SaveStepResult // the builder's selected step's result
)

// Question says what a confirm box asks.
type Question int

const (
	RestoreDraft Question = iota
	RemoveStep
	// ReplaceFile: the builder's write (the chain, an export, a result)
	// would replace a file it has not written or create a folder.
	ReplaceFile
	// ReplaceOutput: the same for the Try tab's saved output.
	ReplaceOutput
)

// Choice is an answer to a Question.
type Choice int

const (
	ChoiceYes Choice = iota
	ChoiceNo
	ChoiceRestore
	ChoiceDiscard
	ChoiceSaveAs // write somewhere else instead
)

// closeKey and the list keys are shared by the dialogs' footers.
var (
	closeKey  = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close"))
	chooseKey = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "choose"))
	moveKey   = key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "move"))
)

// OpenMsg asks the root model to open a dialog: a component that needs an
// answer (a path, a yes or no) sends it and gets the Action back through
// the root.
type OpenMsg struct{ Dialog Dialog }

// Open is the command that opens d.
func Open(d Dialog) tea.Cmd { return func() tea.Msg { return OpenMsg{Dialog: d} } }
