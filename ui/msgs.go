package ui

import (
	"pipette/ui/components/boxes"
	"pipette/ui/keys"
	"time"

	"pipette/catalog"
	"pipette/client"
	"pipette/ui/history"
)

// Messages carry the results of I/O done in commands back to Update, which is
// the only place model state changes.

// catalogLoadedMsg is the catalog listing, or why it could not be fetched.
type catalogLoadedMsg struct {
	ix   *catalog.Index
	err  error
	took time.Duration
	// refresh replaces the listing on screen, keeping the filter and the
	// selection; statuses are the sources' as the listing was made.
	refresh  bool
	statuses []catalog.SourceStatus
}

// filterDoneMsg is the result of one filter run. seq identifies the query it
// answers; results for anything but the newest query are dropped.
type filterDoneMsg struct {
	seq     int
	query   string
	tag     string
	from    string // the source facet
	ordered bool   // every match is in order (sorted by size)
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
	path string
	data []byte
	err  error
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

// graphicsFlushMsg sends the images queued while a resize settled.
type graphicsFlushMsg struct{ gen int }
