// Package history is the Try tab's run history: one JSON record a line in
// history.jsonl under the state directory. It knows nothing of Bubble Tea;
// the UI calls it from commands.
//
// Every line it writes is bounded (inputs and outputs are cut before they
// are written), a line it cannot read — too long, cut short by a crash, not
// JSON — is skipped without stopping the read, and trimming the file keeps
// the newest records of the file as it is when trimmed, so a record is never
// lost to an older one or to another pipette appending at the same time.
package history

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
	"unicode/utf8"

	"pipette/internal/atomicfile"
)

// Record is one run from the Try tab.
type Record struct {
	Time   time.Time `json:"time"`
	Ref    string    `json:"ref"`
	Input  string    `json:"input"`
	Binary bool      `json:"binary,omitempty"` // Input is base64 of a binary input ("" when it was too large to keep)
	// Output is the start of the output (pretty JSON or text, at most
	// MaxOutput bytes) or, for a binary one, a description of it.
	Output   string        `json:"output"`
	Type     string        `json:"content_type,omitempty"`
	Error    string        `json:"error_type,omitempty"`
	Duration time.Duration `json:"duration_ns"`
}

const (
	// Limit is how many records the file keeps: runs are appended, and a
	// file found holding more at start is trimmed to the newest Limit.
	Limit = 500
	// MaxInput bounds a record's input (before base64 for a binary one);
	// a larger text input is cut, a larger binary one is not kept.
	MaxInput = 64 << 10
	// MaxOutput bounds the output kept for replay.
	MaxOutput = 8 << 10
	// maxLine is the longest line read back. Records written here are far
	// shorter (MaxInput of control characters escaped as \u0000 is six
	// times that); a longer line was written by something else and is
	// skipped, never allowed to stop the read.
	maxLine = 1 << 20
)

// Store is the history file at Path.
type Store struct{ Path string }

// Bound cuts a record's input and output to what a line may hold.
func Bound(r Record) Record {
	if r.Binary {
		if base64.StdEncoding.DecodedLen(len(r.Input)) > MaxInput+3 {
			r.Input = ""
		}
	} else {
		r.Input = cutUTF8(r.Input, MaxInput)
	}
	r.Output = cutUTF8(r.Output, MaxOutput)
	r.Ref = cutUTF8(r.Ref, 512)
	r.Type = cutUTF8(r.Type, 256)
	r.Error = cutUTF8(r.Error, 256)
	return r
}

// cutUTF8 is s cut to at most n bytes, at a rune boundary.
func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Load reads the history, newest first. A missing file is no history.
func (s Store) Load() ([]Record, error) {
	f, err := os.Open(s.Path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read history %s: %w", s.Path, err)
	}
	defer f.Close()
	var out []Record
	err = eachLine(f, func(line []byte) {
		var r Record
		if json.Unmarshal(line, &r) == nil && r.Ref != "" {
			out = append(out, r)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("read history %s: %w", s.Path, err)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

// eachLine calls fn with every line of r of at most maxLine bytes; longer
// lines are read through and skipped.
func eachLine(r io.Reader, fn func([]byte)) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var line []byte
	tooLong := false
	for {
		chunk, err := br.ReadSlice('\n')
		switch {
		case tooLong:
		case len(line)+len(chunk) > maxLine+1:
			tooLong, line = true, line[:0]
		default:
			line = append(line, chunk...)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if !tooLong && len(line) > 0 {
			fn(bytes.TrimRight(line, "\r\n"))
		}
		line, tooLong = line[:0], false
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// Append adds one run to the file: one write of one bounded line.
func (s Store) Append(r Record) error {
	b, err := json.Marshal(Bound(r))
	if err != nil {
		return fmt.Errorf("save history %s: %w", s.Path, err)
	}
	if err := os.MkdirAll(filepath.Dir(s.Path), 0o700); err != nil {
		return fmt.Errorf("save history %s: %w", s.Path, err)
	}
	unlock, err := s.lock()
	if err != nil {
		return err
	}
	defer unlock()
	f, err := os.OpenFile(s.Path, os.O_APPEND|os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return fmt.Errorf("save history %s: %w", s.Path, err)
	}
	line := append(b, '\n')
	if st, err := f.Stat(); err == nil && st.Size() > 0 {
		// A crash mid-append left a cut line: end it, so this record
		// starts a line of its own rather than joining it.
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, st.Size()-1); err == nil && last[0] != '\n' {
			line = append([]byte{'\n'}, line...)
		}
	}
	_, err = f.Write(line)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("save history %s: %w", s.Path, err)
	}
	return nil
}

// Trim keeps the newest limit records of the file as it is now (runs
// another pipette appended since it was loaded included), dropping lines
// that cannot be read. It holds the lock Append takes, so no append is
// lost to the rewrite.
func (s Store) Trim(limit int) error {
	unlock, err := s.lock()
	if err != nil {
		return err
	}
	defer unlock()
	f, err := os.Open(s.Path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("trim history %s: %w", s.Path, err)
	}
	var keep [][]byte // a ring of the newest readable lines
	next := 0
	err = eachLine(f, func(line []byte) {
		var r Record
		if json.Unmarshal(line, &r) != nil || r.Ref == "" {
			return
		}
		line = bytes.Clone(line)
		if len(keep) < limit {
			keep = append(keep, line)
			return
		}
		keep[next] = line
		next = (next + 1) % limit
	})
	f.Close()
	if err != nil {
		return fmt.Errorf("trim history %s: %w", s.Path, err)
	}
	var buf bytes.Buffer
	for i := range keep {
		buf.Write(keep[(next+i)%len(keep)])
		buf.WriteByte('\n')
	}
	if err := atomicfile.Write(s.Path, buf.Bytes(), 0o600); err != nil {
		return fmt.Errorf("trim history %s: %w", s.Path, err)
	}
	return nil
}

// lock takes the history's lock file, shared by every pipette on this
// state directory.
func (s Store) lock() (func(), error) {
	if err := os.MkdirAll(filepath.Dir(s.Path), 0o700); err != nil {
		return nil, fmt.Errorf("lock history %s: %w", s.Path, err)
	}
	f, err := os.OpenFile(s.Path+".lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock history %s: %w", s.Path, err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock history %s: %w", s.Path, err)
	}
	return func() { unlockFile(f); f.Close() }, nil
}
