package ui

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"pipette/ui/history"
)

// A session that finds more than history.Limit records keeps the newest in
// memory and trims the file to the newest it holds.
func TestHistoryAppendsAndCompactsAtStart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "history.jsonl")
	store := history.Store{Path: path}
	for i := range history.Limit + 5 {
		r := history.Record{Time: testTime.Add(time.Duration(i) * time.Second), Ref: "test/Shout/1.0.0", Input: fmt.Sprint(i), Output: "X"}
		if err := store.Append(r); err != nil {
			t.Fatal(err)
		}
	}
	recs, err := store.Load()
	if err != nil || len(recs) != history.Limit+5 || recs[0].Input != fmt.Sprint(history.Limit+4) {
		t.Fatalf("loaded %d records (newest %+v), err %v", len(recs), recs[0], err)
	}
	m := newTestModel(t, 100, 30, "dark")
	m.opt.HistoryPath = path
	m.history = nil
	run(t, m, func() tea.Msg { return historyLoadedMsg{records: recs} })
	if len(m.history) != history.Limit || m.history[0].Input != fmt.Sprint(history.Limit+4) {
		t.Fatalf("in memory: %d records, newest %+v", len(m.history), m.history[0])
	}
	data, err := os.ReadFile(path)
	if err != nil || bytes.Count(data, []byte("\n")) != history.Limit {
		t.Fatalf("file after compaction: %d lines, err %v", bytes.Count(data, []byte("\n")), err)
	}
	recs, _ = store.Load()
	if recs[len(recs)-1].Input != "5" || recs[0].Input != fmt.Sprint(history.Limit+4) {
		t.Fatalf("kept %q..%q, want 5..%d", recs[len(recs)-1].Input, recs[0].Input, history.Limit+4)
	}
}
