package stream

import (
	"strings"
	"testing"
	"time"
)

func TestTailCutsAtACharacter(t *testing.T) {
	t.Parallel()
	r := &Run{}
	r.text.WriteString(strings.Repeat("é", 10)) // 20 bytes
	for _, tc := range []struct {
		n          int
		want       string
		wantBefore int
	}{
		{100, strings.Repeat("é", 10), 0},
		{20, strings.Repeat("é", 10), 0},
		{5, "éé", 16},
		{1, "", 20},
		{0, "", 20},
	} {
		got, before := r.Tail(tc.n)
		if got != tc.want || before != tc.wantBefore {
			t.Errorf("Tail(%d) = %q, %d; want %q, %d", tc.n, got, before, tc.want, tc.wantBefore)
		}
	}
}

func TestTiming(t *testing.T) {
	t.Parallel()
	r := &Run{Pieces: 11, First: 100 * time.Millisecond, Elapsed: 1100 * time.Millisecond}
	if got := r.Timing(); got.PerSecond != 10 || got.Tokens != 11 {
		t.Errorf("seen by the TUI: %+v", got)
	}
	r = &Run{Pieces: 1, First: 100 * time.Millisecond, Elapsed: 100 * time.Millisecond}
	if got := r.Timing(); got.PerSecond != 0 {
		t.Errorf("one piece has no rate: %+v", got)
	}
}
