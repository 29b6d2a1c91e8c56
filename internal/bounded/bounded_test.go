package bounded

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func TestReadAll(t *testing.T) {
	t.Parallel()
	broken := errors.New("broken")
	tests := []struct {
		name    string
		r       io.Reader
		limit   int64
		want    string
		tooMuch bool
		err     error
	}{
		{"under", strings.NewReader("abc"), 4, "abc", false, nil},
		{"at the limit", strings.NewReader("abcd"), 4, "abcd", false, nil},
		{"one over", strings.NewReader("abcde"), 4, "abcd", true, nil},
		{"far over", strings.NewReader(strings.Repeat("x", 1<<20)), 10, strings.Repeat("x", 10), true, nil},
		{"empty", strings.NewReader(""), 0, "", false, nil},
		{"zero limit", strings.NewReader("a"), 0, "", true, nil},
		{"read error", iotest.ErrReader(broken), 4, "", false, broken},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b, err := ReadAll(tc.r, tc.limit)
			var tl *TooLargeError
			switch {
			case tc.tooMuch:
				if !errors.As(err, &tl) || tl.Limit != tc.limit {
					t.Fatalf("ReadAll = %v, want a *TooLargeError of %d", err, tc.limit)
				}
			case tc.err != nil:
				if !errors.Is(err, tc.err) {
					t.Fatalf("ReadAll = %v, want %v", err, tc.err)
				}
			case err != nil:
				t.Fatalf("ReadAll = %v", err)
			}
			if tc.err == nil && string(b) != tc.want {
				t.Errorf("ReadAll read %q, want %q", b, tc.want)
			}
		})
	}
	if got := (&TooLargeError{Limit: 1 << 20}).Error(); got != "more than 1 MiB" {
		t.Errorf("Error() = %q", got)
	}
}
