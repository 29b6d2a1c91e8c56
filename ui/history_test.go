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

func TestDraftSaverSkipsAnUnchangedSnapshot(t *testing.T) {
	path := filepath.Join(t.TempDir(), "draft.yaml")
	d := &draftSaver{path: path}
	if err := d.save(1, []byte("a\n")); err != nil {
		t.Fatal(err)
	}
	// A file written meanwhile shows whether the same snapshot is written again.
	if err := os.WriteFile(path, []byte("other\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := d.save(2, []byte("a\n")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "other\n" {
		t.Fatalf("an unchanged snapshot was written again: %q", b)
	}
	d.moved()
	if err := d.save(3, []byte("a\n")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "a\n" {
		t.Fatalf("after moved, the snapshot was not written: %q", b)
	}
	if err := d.save(4, []byte("b\n")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "b\n" {
		t.Fatalf("a changed snapshot was not written: %q", b)
	}
}
