package ui

import (
	"pipette/ui/keys"
	"time"

	tea "charm.land/bubbletea/v2"

	"pipette/catalog"
	"pipette/client"
	"pipette/pipebuilder"
	"pipette/ui/components/boxes"
	"pipette/ui/history"
)

// Messages carry the results of I/O done in commands back to Update, which is
// the only place model state changes.

// catalogLoadedMsg is the catalog listing, or why it could not be fetched.
type catalogLoadedMsg struct {
	ix   *catalog.Index
	err  error
	took time.Duration
}

// filterDoneMsg is the result of one filter run. seq identifies the query it
// answers; results for anything but the newest query are dropped.
type filterDoneMsg struct {
	seq     int
	query   string
	tag     string
	matches []catalog.Match
	took    time.Duration
}

// runDoneMsg is the answer of one call from the Try tab.
type runDoneMsg struct {
	seq     int
	ref     catalog.Ref
	input   string // as history keeps it (base64 when binary)
	binary  bool
	resp    *client.Response
	err     error
	elapsed time.Duration
	boxes   *boxes.Preview // the input image with the result's boxes, if any
}

// tickMsg drives the spinner and the elapsed-time counter while something
// runs; gen stops stale tick chains.
type tickMsg struct {
	gen int
	at  time.Time
}

// statusExpiredMsg clears the status line if id is still the current message.
type statusExpiredMsg struct{ id int }

// fileLoadedMsg is a file read for the Try input.
type fileLoadedMsg struct {
	path  string
	data  []byte
	err   error
	chain bool // for the chain's input, not the Try tab's
}

// fileSavedMsg reports a saved output.
type fileSavedMsg struct {
	path string
	err  error
}

// editorReadyMsg is the input written to a temp file for $EDITOR.
type editorReadyMsg struct {
	path   string
	editor []string // the command and its arguments
}

// editorDoneMsg is the input edited in $EDITOR (read back from its temp file).
type editorDoneMsg struct {
	text string
	err  error
}

// historySavedMsg reports an appended history record.
type historySavedMsg struct{ err error }

// historyLoadedMsg is the run history read from the state directory.
type historyLoadedMsg struct {
	records []history.Record
	err     error
}

// docsRenderedMsg is a model's docs rendered at one width.
type docsRenderedMsg struct {
	key   string // ref + width + theme: what the render is for
	out   string
	err   error
	width int
}

// actionMsg asks Update to perform a named action; the command palette sends
// these so that a palette entry and a key press do exactly the same thing.
type actionMsg struct{ id keys.Action }

// entryLoadedMsg is one entry's full details (docs, samples) fetched when
// the listing left them out.
type entryLoadedMsg struct {
	path  string
	entry catalog.Entry
	err   error
}

// chainStartMsg is what the builder starts with: the chain file named on the
// command line (if any) and the autosaved draft (if any).
type chainStartMsg struct {
	path      string             // the file named on the command line
	file      *pipebuilder.Chain // nil when there is none or it cannot be read
	fileErr   error              // its problems (the chain may still be set)
	draft     *pipebuilder.Chain // the autosaved draft, nil when there is none
	draftErr  error              // the draft's problems
	draftTime time.Time          // when the draft was saved
}

// chainOpenedMsg is a chain file read with ctrl+o.
type chainOpenedMsg struct {
	path  string
	chain *pipebuilder.Chain // nil when the file cannot be read as a chain
	err   error              // problems; with a chain, what to fix
}

// chainSavedMsg reports a chain written with ctrl+s (or an export to a file).
type chainSavedMsg struct {
	path   string
	what   string // "chain", "YAML", "Go", "shell"
	err    error
	asFile bool // the chain's own file (ctrl+s): the builder remembers it
}

// draftSavedMsg reports an autosave.
type draftSavedMsg struct{ err error }

// draftDiscardedMsg reports the draft moved aside to draft.yaml.bak.
type draftDiscardedMsg struct {
	path string
	err  error
}

// chainValidatedMsg is the chain checked against the catalog; gen says which
// edit it answers.
type chainValidatedMsg struct {
	gen     int
	errs    pipebuilder.Errors
	err     error           // the catalog could not be asked
	entries []catalog.Entry // each step's resolved entry (zero when unknown)
}

// chainInputMsg is the input a run starts from (the first step's sample
// when the user chose none).
type chainInputMsg struct {
	seq   int
	input catalog.Value
	label string
	next  <-chan tea.Msg
}

// chainStepMsg is a run's progress: a step started, an element of an `each`
// step finished, or a step ended.
type chainStepMsg struct {
	seq  int
	step pipebuilder.StepTrace
	next <-chan tea.Msg
}

// chainDoneMsg is a finished run.
type chainDoneMsg struct {
	seq   int
	trace *pipebuilder.Trace
	err   error
}

// previewDueMsg fires after the debounce delay following an edit of a
// mapping; seq drops all but the newest.
type previewDueMsg struct{ seq int }

// previewMsg is what the mapping being edited builds over the last run.
type previewMsg struct {
	seq   int
	value catalog.Value
	err   error
}

// chainExportMsg is a chain exported as YAML, Go or shell.
type chainExportMsg struct {
	format string
	path   string // "" for the clipboard
	data   []byte
	err    error
}

// graphicsFlushMsg sends the images queued while a resize settled.
type graphicsFlushMsg struct{ gen int }
