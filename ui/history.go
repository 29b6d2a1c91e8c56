package ui

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Record is one run from the Try tab, as kept in history.jsonl.
type Record struct {
	Time     time.Time     `json:"time"`
	Ref      string        `json:"ref"`
	Input    string        `json:"input"`
	Binary   bool          `json:"binary,omitempty"` // Input is base64 of a binary input
	Output   string        `json:"output"`           // a one-line summary
	Type     string        `json:"content_type,omitempty"`
	Error    string        `json:"error_type,omitempty"`
	Duration time.Duration `json:"duration_ns"`
}

// historyLimit bounds the history: a run is appended to the file, and a
// file found holding more at start is rewritten with the newest.
const historyLimit = 500

// maxHistoryInput keeps one huge input from bloating the file.
const maxHistoryInput = 64 << 10

// loadHistory reads the history file, newest first. Lines that do not parse
// (a truncated last line after a crash) are skipped.
func loadHistory(path string) ([]Record, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read history %s: %w", path, err)
	}
	var out []Record
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	for sc.Scan() {
		var r Record
		if json.Unmarshal(sc.Bytes(), &r) == nil && r.Ref != "" {
			out = append(out, r)
		}
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

// appendHistory adds one run to the file: one write of one line, instead of
// rewriting up to historyLimit records (inputs of up to 64 KiB each) on
// every run.
func appendHistory(path string, r Record) error {
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("save history %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("save history %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("save history %s: %w", path, err)
	}
	_, err = f.Write(append(b, '\n'))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("save history %s: %w", path, err)
	}
	return nil
}

// saveHistory writes records (newest first) back oldest first, atomically.
func saveHistory(path string, records []Record) error {
	if len(records) > historyLimit {
		records = records[:historyLimit]
	}
	var buf bytes.Buffer
	for i := len(records) - 1; i >= 0; i-- {
		b, err := json.Marshal(records[i])
		if err != nil {
			return err
		}
		buf.Write(b)
		buf.WriteByte('\n')
	}
	if err := writeFileAtomic(path, buf.Bytes(), 0o600); err != nil {
		return fmt.Errorf("save history %s: %w", path, err)
	}
	return nil
}
