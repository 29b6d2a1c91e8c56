package ui

import (
	cataloglist "pipette/ui/components/catalog"
	"pipette/ui/keys"
	"time"

	"pipette/catalog"
	"pipette/ui/history"
)

// Messages carry the results of I/O done in commands back to Update, which is
// the only place model state changes.

// catalogLoadedMsg is the catalog listing, or why it could not be fetched.
type catalogLoadedMsg struct {
	listing cataloglist.Listing
	err     error
	took    time.Duration
	// refresh replaces the listing on screen, keeping the filter and the
	// selection; statuses are the sources' as the listing was made.
	refresh  bool
	statuses []catalog.SourceStatus
	// known: listed before looking for local servers (ListKnown).
	known bool
}

// tickMsg drives the spinner and the elapsed-time counter while something
// runs; gen stops stale tick chains.
type tickMsg struct {
	gen int
	at  time.Time
}

// historySavedMsg reports an appended history record.
type historySavedMsg struct{ err error }

// historyLoadedMsg is the run history read from the state directory.
type historyLoadedMsg struct {
	records []history.Record
	err     error
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
