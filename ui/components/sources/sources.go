// Package sources is the remote sources as the TUI shows them: their
// status (up, down and why, checking), watched off the UI goroutine so it
// changes on screen as servers stop and come back, a one-line summary for
// the catalog's header and the lines of the sources dialog.
//
// The watch never holds up a frame: each check runs in a command with its
// own deadline, one at a time, every PollEvery; a source that hangs only
// delays its own next status.
package sources

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"pipette/catalog"
	"pipette/internal/human"
	"pipette/ui/common"
)

// Timing of the watch.
const (
	// PollEvery is how often the statuses are read (and the sources that
	// need it asked again).
	PollEvery = 2 * time.Second
	// ProbeAge is how old an up source's status may grow before it is
	// probed: a stopped server shows as down within about this.
	ProbeAge = 5 * time.Second
	// checkTimeout is how long a round waits for the checks: a source
	// that takes longer shows its status on a later round.
	checkTimeout = time.Second
)

// Watch follows the statuses of a catalog's sources.
type Watch struct {
	com *common.Common
	src catalog.Source
	// Every and MaxAge are PollEvery and ProbeAge (tests shorten them).
	Every, MaxAge time.Duration

	statuses []catalog.SourceStatus
	// listed are the statuses the catalog's listing on screen was made
	// with: when a check differs from them, the listing is out of date.
	listed   []catalog.SourceStatus
	checking bool // a check is under way
	gen      int  // the timer chain that is current
}

// dueMsg is the timer: time for the next check.
type dueMsg struct {
	w   *Watch
	gen int
}

// checkedMsg is a round of checks' answer.
type checkedMsg struct {
	w        *Watch
	statuses []catalog.SourceStatus
}

// New watches src's sources, when it has any to report (a catalog.
// StatusReporter); otherwise the watch stays empty and asks nothing.
func New(com *common.Common, src catalog.Source) *Watch {
	return &Watch{com: com, src: src, Every: PollEvery, MaxAge: ProbeAge}
}

// reports says the catalog can say how its sources are doing.
func (w *Watch) reports() bool {
	_, ok := w.src.(catalog.StatusReporter)
	return ok
}

// Init reads the statuses at once (in a command: the first frame never
// waits for it) and starts the timer.
func (w *Watch) Init() tea.Cmd {
	if w.src == nil || !w.reports() {
		return nil
	}
	return w.check()
}

// check asks the statuses in a command.
func (w *Watch) check() tea.Cmd {
	if w.checking {
		return nil
	}
	w.checking = true
	src, maxAge := w.src, w.MaxAge
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), checkTimeout)
		defer cancel()
		var st []catalog.SourceStatus
		switch s := src.(type) {
		case catalog.SourceChecker:
			st = s.CheckSources(ctx, maxAge)
		case catalog.StatusReporter:
			st = s.Statuses()
		}
		return checkedMsg{w: w, statuses: st}
	}
}

// Read is the statuses src reports now, for a listing to be stamped with
// (Listed); nil when it reports none.
func Read(src catalog.Source) []catalog.SourceStatus {
	if r, ok := src.(catalog.StatusReporter); ok {
		return r.Statuses()
	}
	return nil
}

// Listed records the statuses the catalog was just listed with (read right
// after the listing, in the same command).
func (w *Watch) Listed(st []catalog.SourceStatus) {
	w.listed = st
	if len(st) > 0 {
		w.statuses = st
	}
}

// Update takes the watch's own messages. changed says the statuses differ
// from those the catalog was listed with, in a way the listing shows (a
// source went down or came back, its model count or version changed, a
// source appeared): the caller lists the catalog again.
func (w *Watch) Update(msg tea.Msg) (changed bool, cmd tea.Cmd) {
	switch msg := msg.(type) {
	case checkedMsg:
		if msg.w != w {
			return false, nil
		}
		w.checking = false
		changed = differ(w.listed, msg.statuses)
		w.statuses = msg.statuses
		w.gen++
		gen := w.gen
		return changed, w.com.Clock.After(w.Every, func(time.Time) tea.Msg { return dueMsg{w: w, gen: gen} })
	case dueMsg:
		if msg.w != w || msg.gen != w.gen {
			return false, nil
		}
		return false, w.check()
	}
	return false, nil
}

// Handles says msg is one of the watch's own messages.
func Handles(msg tea.Msg) bool {
	switch msg.(type) {
	case dueMsg, checkedMsg:
		return true
	}
	return false
}

// differ says two rounds of statuses list differently.
func differ(a, b []catalog.SourceStatus) bool {
	return !slices.EqualFunc(a, b, func(x, y catalog.SourceStatus) bool {
		return x.Name == y.Name && x.State == y.State && x.Reason == y.Reason && x.Models == y.Models && x.Version == y.Version
	})
}

// Statuses are the last statuses read, in the catalog's order.
func (w *Watch) Statuses() []catalog.SourceStatus { return w.statuses }

// Status is the named source's last status.
func (w *Watch) Status(name string) (catalog.SourceStatus, bool) {
	for _, s := range w.statuses {
		if s.Name == name {
			return s, true
		}
	}
	return catalog.SourceStatus{}, false
}

// Down counts the sources that are down.
func (w *Watch) Down() int {
	n := 0
	for _, s := range w.statuses {
		if s.State == catalog.SourceDown {
			n++
		}
	}
	return n
}

// Mark is a source's state as one glyph in its colour: ✓ up, ✗ down, the
// spinner while checking; in words with --plain.
func Mark(com *common.Common, s catalog.SourceStatus) string {
	st := com.Styles
	if st.Palette.Plain {
		// Without colour a glyph reads as punctuation ("lab + farm x"):
		// say it.
		return "(" + string(s.State) + ")"
	}
	switch s.State {
	case catalog.SourceUp:
		return st.Success.Render("✓")
	case catalog.SourceDown:
		return st.Error.Render("✗")
	}
	return st.Muted.Render(com.Spinner())
}

// Summary is the sources on one line for the catalog's header, each as
// its name and mark ("ollama ✓ llamacpp ✗"), cut to w cells; "" when
// there are none.
func (w *Watch) Summary(width int) string {
	if w == nil || len(w.statuses) == 0 || width <= 0 {
		return ""
	}
	st := w.com.Styles
	var parts []string
	for _, s := range w.statuses {
		parts = append(parts, st.Muted.Render(s.Name)+" "+Mark(w.com, s))
	}
	return strings.Join(parts, " ")
}

// Line is one source as the sources dialog lists it: its state in words,
// the models it listed and when it was last asked; Detail says where it is
// and, when down, why.
func Line(com *common.Common, s catalog.SourceStatus, now time.Time) (title, detail, right string) {
	state := string(s.State)
	if s.State == catalog.SourceUp && s.Version != "" {
		state += " · " + s.Version
	}
	title = fmt.Sprintf("%s  %s", s.Name, state)
	switch {
	case s.State == catalog.SourceDown:
		detail = s.Reason
	case s.State == catalog.SourceChecking:
		detail = "not answered yet · " + s.URL
	default:
		detail = fmt.Sprintf("%s · %s", s.Kind, s.URL)
	}
	if s.Discovered {
		detail += " · found on its usual port"
	}
	right = human.Plural(s.Models, "model")
	if !s.Checked.IsZero() {
		right += " · " + Ago(now.Sub(s.Checked))
	}
	return title, detail, right
}

// Ago is how long ago something happened, to the second: "just now",
// "12 s ago", "3 min ago".
func Ago(d time.Duration) string {
	switch {
	case d < time.Second:
		return "just now"
	case d < time.Minute:
		return fmt.Sprintf("%d s ago", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d/time.Minute))
	}
	return fmt.Sprintf("%d h ago", int(d/time.Hour))
}

// Transition is what changed between two rounds of statuses, as one
// sentence for the status line: a source that went down (and why) or came
// back; "" when none did. down says the sentence is a warning.
func Transition(before, after []catalog.SourceStatus) (msg string, down bool) {
	was := map[string]catalog.SourceState{}
	for _, s := range before {
		was[s.Name] = s.State
	}
	var gone, back []string
	for _, s := range after {
		switch {
		case s.State == catalog.SourceDown && was[s.Name] != catalog.SourceDown:
			gone = append(gone, s.Name+" is down: "+s.Reason)
		case s.State == catalog.SourceUp && was[s.Name] == catalog.SourceDown:
			back = append(back, fmt.Sprintf("%s is back (%s)", s.Name, human.Plural(s.Models, "model")))
		}
	}
	if len(gone) > 0 {
		return strings.Join(append(gone, back...), "; "), true
	}
	return strings.Join(back, "; "), false
}

// Checking says a source has not answered yet (its mark spins).
func (w *Watch) Checking() bool {
	if w == nil {
		return false
	}
	for _, s := range w.statuses {
		if s.State == catalog.SourceChecking {
			return true
		}
	}
	return false
}
