package ui

import (
	"strings"
	"testing"
	"time"
)

// openTestCompare marks two chat models of the fake server and opens the
// compare view on them with input typed in.
func openTestCompare(t *testing.T, f *fakeServer, w, h int, theme string) *Model {
	t.Helper()
	m := newTestModelWith(t, newFakeCatalog(t, f), w, h, theme)
	selectRef(t, m, "lab/tiny-chat:1b")
	press(t, m, "m")
	selectRef(t, m, "lab/big-chat:8b")
	press(t, m, "m", "C")
	if m.focus != focusCompare {
		t.Fatalf("C did not open the compare view (status %q)", m.status.Text())
	}
	press(t, m, "i", "ctrl+a", "ctrl+k", "type:why is the sky blue?", "esc")
	return m
}

// Compare streams one input into every marked model's column at once,
// each with its timing.
func TestCompareStreams(t *testing.T) {
	t.Parallel()
	f := newFakeServer("lab")
	m := openTestCompare(t, f, 120, 40, "dark")
	press(t, m, "r")
	s := plainScreen(m)
	if strings.Count(s, "The sky is blue because air scatters blue") != 2 || strings.Count(s, "✓ TTFT") != 2 {
		t.Fatalf("both columns should hold the answer and its timing:\n%s", s)
	}
	if started, _ := f.counts(); started != 2 {
		t.Errorf("%d calls, want 2", started)
	}
	for _, in := range f.inputs {
		if in.Text != "why is the sky blue?" {
			t.Errorf("sent %+v", in)
		}
	}
	assertFits(t, m)
}

// esc cancels every model: each call's request is closed (the server sees
// its context end) and the columns say so.
func TestCompareCancelsAll(t *testing.T) {
	t.Parallel()
	f := newFakeServer("lab")
	f.every = time.Second
	m := openTestCompare(t, f, 120, 40, "dark")
	_, pending := m.Update(keyMsg("r")) // the reads wait: the streams are slow
	if !m.compare.Running() {
		t.Fatal("not running")
	}
	for started, _ := f.counts(); started < 2; started, _ = f.counts() {
		time.Sleep(5 * time.Millisecond) // both calls reached the server
	}
	press(t, m, "esc")
	deadline := time.Now().Add(3 * time.Second)
	for _, c := f.counts(); c < 2 && time.Now().Before(deadline); _, c = f.counts() {
		time.Sleep(10 * time.Millisecond)
	}
	if _, c := f.counts(); c != 2 {
		t.Fatalf("%d of 2 upstream calls were cancelled", c)
	}
	run(t, m, pending) // the reads end; their news is stale
	if s := plainScreen(m); strings.Count(s, "✗ Cancelled") != 2 || m.compare.Running() {
		t.Errorf("the columns do not say they were cancelled:\n%s", s)
	}
	press(t, m, "esc")
	if m.focus != focusCatalog {
		t.Errorf("esc after the cancel should leave the view")
	}
}

// At 80 columns the models come a page at a time; the view fits.
func TestComparePagesWhenNarrow(t *testing.T) {
	t.Parallel()
	m := newTestModelWith(t, newFakeCatalog(t, newFakeServer("lab")), 80, 24, "dark")
	for _, ref := range []string{"lab/tiny-chat:1b", "lab/big-chat:8b", "lab/embed-text"} {
		selectRef(t, m, ref)
		press(t, m, "m")
	}
	press(t, m, "C", "r")
	assertFits(t, m)
	s := plainScreen(m)
	if !strings.Contains(s, "page 1/2") || !strings.Contains(s, "│ lab/tiny-chat:1b") || strings.Contains(s, "│ lab/embed-text") {
		t.Fatalf("page 1:\n%s", s)
	}
	press(t, m, "l", "l")
	s = plainScreen(m)
	if !strings.Contains(s, "page 2/2") || !strings.Contains(s, "8 dimensions") {
		t.Errorf("page 2 should show the embedding's dimensions:\n%s", s)
	}
	assertFits(t, m)
}

// The compare commands are in the palette and the help; run from the
// palette they act in the compare view, or say what to mark first.
func TestCompareFromThePalette(t *testing.T) {
	t.Parallel()
	m := newTestModelWith(t, newFakeCatalog(t, newFakeServer("lab")), 120, 40, "dark")
	press(t, m, "ctrl+p", "type:run every model", "enter")
	if m.focus == focusCompare || !strings.Contains(m.status.Text(), "mark two to four models") {
		t.Errorf("with nothing marked: focus %d, status %q", m.focus, m.status.Text())
	}
	m2 := openTestCompare(t, newFakeServer("lab"), 120, 40, "dark")
	press(t, m2, "esc")
	press(t, m2, "ctrl+p", "type:run every model", "enter")
	if m2.focus != focusCompare || m2.compare.Running() || !strings.Contains(plainScreen(m2), "✓ TTFT") {
		t.Errorf("the palette's run: focus %d\n%s", m2.focus, plainScreen(m2))
	}
	press(t, m2, "?")
	if s := plainScreen(m2); !strings.Contains(s, "compare") {
		t.Errorf("the help has no compare keys:\n%s", s)
	}
}
