package history

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

func rec(i int) Record {
	return Record{Time: t0.Add(time.Duration(i) * time.Second), Ref: "test/Shout/1.0.0", Input: fmt.Sprint(i), Output: "X"}
}

func appendN(t *testing.T, s Store, from, to int) {
	t.Helper()
	for i := from; i < to; i++ {
		if err := s.Append(rec(i)); err != nil {
			t.Fatal(err)
		}
	}
}

func inputs(recs []Record) string {
	var out []string
	for _, r := range recs {
		out = append(out, r.Input)
	}
	return strings.Join(out, ",")
}

func TestAppendLoadNewestFirst(t *testing.T) {
	t.Parallel()
	s := Store{Path: filepath.Join(t.TempDir(), "state", "history.jsonl")}
	if recs, err := s.Load(); err != nil || recs != nil {
		t.Fatalf("missing file: %v %v", recs, err)
	}
	appendN(t, s, 0, 3)
	recs, err := s.Load()
	if err != nil || inputs(recs) != "2,1,0" {
		t.Fatalf("loaded %q, %v", inputs(recs), err)
	}
	if st, _ := os.Stat(filepath.Dir(s.Path)); st.Mode().Perm() != 0o700 {
		t.Errorf("state dir is %v", st.Mode().Perm())
	}
}

// A line longer than any reader buffer (5 MiB, written by an older pipette)
// neither stops the read nor makes the trim drop the records after it.
func TestOverlongLineIsSkippedNotAStop(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		bad  string
	}{
		{"5 MiB record", `{"time":"2026-11-24T12:00:00Z","ref":"x/Y/1.0.0","input":"` + strings.Repeat("a", 5<<20) + `"}`},
		{"exactly over the limit", strings.Repeat("b", maxLine+1)},
		{"not JSON", "garbage"},
		{"empty", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := Store{Path: filepath.Join(t.TempDir(), "history.jsonl")}
			appendN(t, s, 0, 3)
			f, err := os.OpenFile(s.Path, os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			f.WriteString(tc.bad + "\n")
			f.Close()
			appendN(t, s, 3, 6)
			recs, err := s.Load()
			if err != nil || inputs(recs) != "5,4,3,2,1,0" {
				t.Fatalf("loaded %q, %v", inputs(recs), err)
			}
			if err := s.Trim(4); err != nil {
				t.Fatal(err)
			}
			recs, _ = s.Load()
			if inputs(recs) != "5,4,3,2" {
				t.Errorf("after trim %q, want the newest four", inputs(recs))
			}
		})
	}
}

func TestTruncatedLastLineIsSkipped(t *testing.T) {
	t.Parallel()
	s := Store{Path: filepath.Join(t.TempDir(), "history.jsonl")}
	appendN(t, s, 0, 2)
	f, _ := os.OpenFile(s.Path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"time":"2026-11-24T12:00:00Z","ref":"x/Y/1.`)
	f.Close()
	recs, err := s.Load()
	if err != nil || inputs(recs) != "1,0" {
		t.Fatalf("loaded %q, %v", inputs(recs), err)
	}
	appendN(t, s, 2, 3) // the next run starts a line of its own
	recs, _ = s.Load()
	if inputs(recs) != "2,1,0" {
		t.Errorf("after the next append: %q", inputs(recs))
	}
}

func TestAppendBoundsTheLine(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("\x00é", 3<<20) // escaped, this would be ~24 MiB
	bin := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{1}, MaxInput+10))
	for _, tc := range []struct {
		name string
		r    Record
		want func(Record) bool
	}{
		{"text input", Record{Ref: "a/B", Input: big, Output: big},
			func(r Record) bool {
				return len(r.Input) <= MaxInput && len(r.Output) <= MaxOutput && strings.HasPrefix(big, r.Input)
			}},
		{"binary input over the limit", Record{Ref: "a/B", Input: bin, Binary: true},
			func(r Record) bool { return r.Input == "" && r.Binary }},
		{"small binary kept", Record{Ref: "a/B", Input: "AAEC", Binary: true},
			func(r Record) bool { return r.Input == "AAEC" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := Store{Path: filepath.Join(t.TempDir(), "history.jsonl")}
			if err := s.Append(tc.r); err != nil {
				t.Fatal(err)
			}
			data, _ := os.ReadFile(s.Path)
			if len(data) > maxLine {
				t.Fatalf("line of %d bytes", len(data))
			}
			var r Record
			if err := json.Unmarshal(data, &r); err != nil || !tc.want(r) {
				t.Errorf("stored input %d bytes output %d bytes, %v", len(r.Input), len(r.Output), err)
			}
		})
	}
}

// Another pipette appending while this one trims loses nothing.
func TestTrimKeepsConcurrentAppends(t *testing.T) {
	t.Parallel()
	s := Store{Path: filepath.Join(t.TempDir(), "history.jsonl")}
	appendN(t, s, 0, 50)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := 50; i < 150; i++ {
			if err := s.Append(rec(i)); err != nil {
				t.Error(err)
			}
		}
	}()
	go func() {
		defer wg.Done()
		for range 20 {
			if err := s.Trim(1000); err != nil {
				t.Error(err)
			}
		}
	}()
	wg.Wait()
	recs, _ := s.Load()
	if len(recs) != 150 || recs[0].Input != "149" {
		t.Errorf("%d records after concurrent trims, newest %q", len(recs), recs[0].Input)
	}
}
