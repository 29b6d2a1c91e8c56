package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"pipette/client"
)

// TestRemappedKeysShowAndWork: a key remapped in the config is what the
// footer says and what works, in the panes and in the edit modes (issue 9:
// after remapping chain.chain_run the footer still said "r run").
func TestRemappedKeysShowAndWork(t *testing.T) {
	reg := testRegistry()
	m := newChainModelWith(t, client.NewLocal(reg, reg), 200, 30, Options{Keys: map[string][]string{
		"chain.chain_run": {"f5"}, "try.run": {"ctrl+g"}, "chain_add": {"+"},
	}})
	selectRef(t, m, "test/Shout")
	if s := plainScreen(m); !strings.Contains(s, "+ add to chain") || strings.Contains(s, "a add to chain") {
		t.Errorf("the footer does not show the remapped add key:\n%s", lastLines(s, 3))
	}
	press(t, m, "a") // no binding takes it: it starts the filter
	if m.builder.Chain() != nil || !m.cat.Filtering() {
		t.Fatal("a still adds after the remap")
	}
	press(t, m, "esc")
	selectRef(t, m, "test/Shout")
	press(t, m, "+", "c")
	if s := plainScreen(m); !strings.Contains(s, "f5 run") || strings.Contains(s, "r/ctrl+r run") {
		t.Errorf("the builder's footer does not show f5:\n%s", lastLines(s, 3))
	}
	press(t, m, "r")
	if m.builder.Trace() != nil {
		t.Error("r still runs the chain")
	}
	send(t, m, tea.KeyPressMsg{Code: tea.KeyF5})
	if m.builder.Trace() == nil {
		t.Fatalf("f5 did not run the chain: %v", m.builder.RunErr())
	}
	// In the Try tab's editor, the remapped run key runs; the footer says so.
	press(t, m, "esc", "2", "i")
	if s := plainScreen(m); !strings.Contains(s, "ctrl+g run") {
		t.Errorf("the editor's footer does not show ctrl+g:\n%s", lastLines(s, 3))
	}
	press(t, m, "ctrl+g")
	if resp, _ := m.try.Result(); m.try.Editing() || resp == nil {
		t.Errorf("ctrl+g did not run from the editor: editing %v", m.try.Editing())
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// The filter's timing is for developers: on the status line with --debug only.
func TestFilterFigureOnlyWithDebug(t *testing.T) {
	for _, debug := range []bool{false, true} {
		m := newTestModel(t, 100, 30, "dark")
		m.com.Debug = debug
		press(t, m, "/", "type:sh", "enter")
		if got := strings.Contains(lastLines(plainScreen(m), 1), "filter "); got != debug {
			t.Errorf("debug %v: filter figure shown %v:\n%s", debug, got, lastLines(plainScreen(m), 1))
		}
	}
}
