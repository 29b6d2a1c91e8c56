package catalog

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"pipette/catalog"
	"pipette/themes"
	"pipette/ui/internal/testcommon"
	"pipette/ui/keys"
)

// testEntries are the UI tests' catalog: five models, two owners.
func testEntries() []catalog.Entry {
	entry := func(ref, tagline string, in, out catalog.Kind, tags ...string) catalog.Entry {
		return catalog.Entry{Ref: catalog.MustParseRef(ref), Tagline: tagline, InputKind: in, OutputKind: out, Tags: tags, License: "MIT"}
	}
	return []catalog.Entry{
		entry("util/Fail/1.0.0", "Always fails with an AlgorithmError", catalog.KindText, catalog.KindText, "demo"),
		entry("test/Shout/1.0.0", "Upper-case a text, loudly", catalog.KindText, catalog.KindText, "text", "demo"),
		entry("test/WordCount/1.0.0", "Count the words of a text", catalog.KindJSON, catalog.KindJSON, "text", "stats"),
		entry("test/Pixels/1.0.0", "Draw a tiny gradient image", catalog.KindJSON, catalog.KindBinary, "image", "demo"),
		entry("test/Slow/1.0.0", "Wait until cancelled", catalog.KindText, catalog.KindText, "demo"),
	}
}

// newTestList is a list of the test catalog, w×h, loaded and filtered.
func newTestList(t testing.TB, w, h int) *List {
	t.Helper()
	l := New(testcommon.New(themes.Dark()), "testcat")
	l.SetSize(w, h)
	drive(t, l, l.SetIndex(NewIndex(testEntries())))
	return l
}

// drive runs cmd and what it leads to synchronously, the way the program
// would: a filter result is applied as the root applies it.
func drive(t testing.TB, l *List, cmd tea.Cmd) {
	t.Helper()
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			drive(t, l, c)
		}
	case FilteredMsg:
		again, _ := l.Apply(msg)
		drive(t, l, again)
	}
}

func keyPress(s string) tea.KeyPressMsg {
	switch s {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	}
	return tea.KeyPressMsg{Code: []rune(s)[0], Text: s}
}

// typeText types s into the filter, each key's run landing before the next.
func typeText(t testing.TB, l *List, s string) {
	t.Helper()
	for _, r := range s {
		drive(t, l, l.Update(keyPress(string(r))))
	}
}

func selectedPath(l *List) string {
	e, _ := l.Selected()
	return e.Ref.Path()
}

func TestLoadsSortedByReference(t *testing.T) {
	t.Parallel()
	l := newTestList(t, 50, 20)
	if l.Loading() || l.Index() == nil || len(l.Matches()) != 5 {
		t.Fatalf("not loaded: %d rows", len(l.Matches()))
	}
	if got := selectedPath(l); got != "test/Pixels" {
		t.Errorf("first row = %s, want test/Pixels (sorted by name)", got)
	}
}

func TestFilterHighlightsAndSelectsBestMatch(t *testing.T) {
	t.Parallel()
	l := newTestList(t, 50, 20)
	drive(t, l, l.Perform(keys.Filter))
	typeText(t, l, "wcount")
	if !l.Filtering() {
		t.Fatal("/ did not focus the filter")
	}
	if got := selectedPath(l); got != "test/WordCount" {
		t.Fatalf("best match for wc = %s", got)
	}
	if got := l.Matches()[0].InRef; len(got) != 6 {
		t.Errorf("highlight positions = %v, want six", got)
	}
	// The matched characters are drawn in the match style.
	if !strings.Contains(l.View(), l.com.Styles.Match.Inherit(l.com.Styles.Selected).Render("W")) {
		t.Error("matched character W not highlighted")
	}
	drive(t, l, l.Update(keyPress("enter")))
	if l.Filtering() || l.Query() != "wcount" {
		t.Error("enter should keep the filter and leave the input")
	}
	drive(t, l, l.Perform(keys.Clear)) // esc, the filter no longer focused
	if l.Query() != "" || len(l.Matches()) != 5 {
		t.Errorf("esc should clear the filter: %q, %d rows", l.Query(), len(l.Matches()))
	}
}

func TestFilterRunsOneAtATime(t *testing.T) {
	t.Parallel()
	l := newTestList(t, 50, 20)
	l.SetSyncFilterMax(0) // a large catalog's runs, in commands
	drive(t, l, l.StartFilter())
	first := l.Update(keyPress("s"))
	second := l.Update(keyPress("h"))
	if first == nil || !l.Pending() || !l.Queued() {
		t.Fatal("the first key should start a run and the second mark it dirty")
	}
	drive(t, l, second) // no search of its own
	drive(t, l, first)  // lands, then the dirty query runs, narrowed
	if l.Pending() || l.Applied() != "sh" {
		t.Fatalf("after both: pending %v applied %q", l.Pending(), l.Applied())
	}
	if got := selectedPath(l); got != "test/Shout" {
		t.Errorf("selected %s", got)
	}
}

func TestStaleFilterResultIsDropped(t *testing.T) {
	t.Parallel()
	l := newTestList(t, 50, 20)
	l.SetSyncFilterMax(0) // a large catalog's runs, in commands
	old := l.SetQuery("sh")
	l.SetQuery("")
	// Reloading (R) makes the run in flight meaningless.
	l.SetLoading()
	drive(t, l, l.SetIndex(NewIndex(testEntries())))
	drive(t, l, old)
	if l.Applied() == "sh" {
		t.Error("a result from before the reload was installed")
	}
}

func TestNarrowingMatchesFullSearch(t *testing.T) {
	t.Parallel()
	l := newTestList(t, 50, 20)
	drive(t, l, l.StartFilter())
	typeText(t, l, "tex")
	narrowed := l.Matches()
	full := l.Index().Search("tex")
	if len(narrowed) != len(full) {
		t.Fatalf("narrowed %d, full %d", len(narrowed), len(full))
	}
	for i := range full {
		if narrowed[i].Index != full[i].Index {
			t.Errorf("row %d: narrowed %d, full %d", i, narrowed[i].Index, full[i].Index)
		}
	}
}

// A catalog of SyncFilterMax models or fewer is filtered in the key's own
// Update: no run to wait for, the answer in the key's frame; a larger one
// in a command.
func TestSmallCatalogFiltersAtOnce(t *testing.T) {
	t.Parallel()
	for _, syncMax := range []int{SyncFilterMax, 0} {
		l := newTestList(t, 50, 20)
		l.SetSyncFilterMax(syncMax)
		drive(t, l, l.StartFilter())
		typeText(t, l, "w")
		cmd := l.Update(keyPress("c"))
		if got := selectedPath(l); (syncMax > 0) != (got == "test/WordCount" && cmd == nil && !l.Pending()) {
			t.Errorf("sync max %d: after wc, %s selected, run pending %v, command %v", syncMax, got, l.Pending(), cmd != nil)
		}
		drive(t, l, cmd)
		if got := selectedPath(l); got != "test/WordCount" || l.Applied() != "wc" {
			t.Errorf("sync max %d: %s selected for %q", syncMax, got, l.Applied())
		}
	}
}
