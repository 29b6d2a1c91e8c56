package chain

import (
	"context"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"pipette/catalog"
	"pipette/internal/filestamp"
	"pipette/pipebuilder"
	"pipette/ui/chain/draft"
	"pipette/ui/dialog"
)

// Messages carry what commands did back to Update, the only place the
// builder changes.

// startMsg is what the builder starts with: the chain file named on the
// command line (if any), its own draft and the drafts left to offer.
type startMsg struct {
	path    string             // the file named on the command line
	file    *pipebuilder.Chain // nil when there is none or it cannot be read
	fileErr error              // its problems (the chain may still be set)
	data    []byte             // the file as read: the layout a save keeps
	stamp   filestamp.Stamp    // the file as read: a save asks if it changed
	own     *draft.Draft
	ownErr  error
	found   draft.Found
}

// openedMsg is a chain file read with ctrl+o.
type openedMsg struct {
	path  string
	chain *pipebuilder.Chain // nil when the file cannot be read as a chain
	err   error              // problems; with a chain, what to fix
	data  []byte
	stamp filestamp.Stamp
}

// savedMsg reports a chain written with ctrl+s, an export or a result
// written to a file.
type savedMsg struct {
	path   string
	what   string
	err    error
	asFile bool // the chain's own file (ctrl+s): the builder remembers it
	// The chain's own file as written: the layout and stamp for the next
	// save; layoutLost says its comments could not be kept.
	data       []byte
	stamp      filestamp.Stamp
	layoutLost bool
}

// draftSavedMsg reports an autosave.
type draftSavedMsg struct{ err error }

// discardedMsg reports a draft set aside for good.
type discardedMsg struct {
	path string
	err  error
}

// validatedMsg is the chain checked against the catalog; gen says which
// edit it answers.
type validatedMsg struct {
	gen     int
	errs    pipebuilder.Errors
	err     error           // the catalog could not be asked
	entries []catalog.Entry // each step's resolved entry (zero when unknown)
}

// inputMsg is the input a run starts from (the first step's sample when the
// user chose none).
type inputMsg struct {
	seq   int
	input catalog.Value
	label string
	next  <-chan tea.Msg
}

// stepMsg is a run's progress: a step started, an element of an `each`
// step finished, or a step ended.
type stepMsg struct {
	seq  int
	step pipebuilder.StepTrace
	next <-chan tea.Msg
}

// doneMsg is a finished run.
type doneMsg struct {
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

// exportMsg is a chain exported as YAML, Go or shell.
type exportMsg struct {
	format dialog.ExportFormat
	path   string // "" for the clipboard
	data   []byte
	err    error
}

// inputLoadedMsg is a file read as the chain's input.
type inputLoadedMsg struct {
	path string
	data []byte
	err  error
}

// export renders c in format; Go and shell exports validate it first.
func export(c *pipebuilder.Chain, src catalog.Source, server string, format dialog.ExportFormat) ([]byte, error) {
	if format == dialog.ExportYAML {
		data, err := c.Marshal()
		if err != nil {
			return nil, fmt.Errorf("cannot export the chain as YAML: %s", firstLine(err))
		}
		return data, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := c.Validate(ctx, src); err != nil {
		return nil, fmt.Errorf("fix the chain before exporting it as %s: %s", format, firstLine(err))
	}
	var data []byte
	var err error
	if format == dialog.ExportGo {
		data, err = pipebuilder.ExportGo(c, pipebuilder.GoExportOptions{Server: server})
	} else {
		data, err = pipebuilder.ExportShell(c)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot export the chain as %s: %s", format, firstLine(err))
	}
	return data, nil
}
