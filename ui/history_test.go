package ui

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

func TestHistoryAppendsAndCompactsAtStart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "history.jsonl")
	for i := range historyLimit + 5 {
		r := Record{Time: testTime.Add(time.Duration(i) * time.Second), Ref: "test/Shout/1.0.0", Input: fmt.Sprint(i), Output: "X"}
		if err := appendHistory(path, r); err != nil {
			t.Fatal(err)
		}
	}
	recs, err := loadHistory(path)
	if err != nil || len(recs) != historyLimit+5 || recs[0].Input != fmt.Sprint(historyLimit+4) {
		t.Fatalf("loaded %d records (newest %+v), err %v", len(recs), recs[0], err)
	}

	// A session that finds more than the limit keeps and writes the newest.
	m := newTestModel(t, 100, 30, "dark")
	m.opt.HistoryPath = path
	m.history = nil
	run(t, m, func() tea.Msg { return historyLoadedMsg{records: recs} })
	if len(m.history) != historyLimit || m.history[0].Input != fmt.Sprint(historyLimit+4) {
		t.Fatalf("in memory: %d records, newest %+v", len(m.history), m.history[0])
	}
	data, err := os.ReadFile(path)
	if err != nil || bytes.Count(data, []byte("\n")) != historyLimit {
		t.Fatalf("file after compaction: %d lines, err %v", bytes.Count(data, []byte("\n")), err)
	}
	recs, _ = loadHistory(path)
	if recs[len(recs)-1].Input != "5" {
		t.Fatalf("oldest kept = %q, want 5", recs[len(recs)-1].Input)
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
