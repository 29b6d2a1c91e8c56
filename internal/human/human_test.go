package human

import (
	"fmt"
	"io/fs"
	"os"
	"syscall"
	"testing"
	"time"
)

func TestBytes(t *testing.T) {
	t.Parallel()
	for n, want := range map[int64]string{
		0: "0 bytes", 1: "1 byte", 500: "500 bytes", 1023: "1023 bytes",
		1024: "1 KiB", 1536: "1.5 KiB", 2048: "2 KiB",
		1 << 20: "1 MiB", 10 << 20: "10 MiB", 3<<20 + 1<<19: "3.5 MiB",
		1 << 30: "1 GiB", 5<<30 + 1<<29: "5.5 GiB", 1 << 40: "1024 GiB",
		1<<63 - 1: "8589934592.0 GiB", -1: "-1 bytes",
	} {
		if got := Bytes(n); got != want {
			t.Errorf("Bytes(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestDuration(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{
		0: "0 µs", 42 * time.Microsecond: "42 µs", 999 * time.Microsecond: "999 µs",
		time.Millisecond: "1 ms", 12*time.Millisecond + 700*time.Microsecond: "12 ms",
		time.Second: "1.00 s", 1234 * time.Millisecond: "1.23 s", 90 * time.Second: "90.00 s",
	} {
		if got := Duration(d); got != want {
			t.Errorf("Duration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestPlural(t *testing.T) {
	t.Parallel()
	for n, want := range map[int]string{0: "0 steps", 1: "1 step", 2: "2 steps", -1: "-1 steps"} {
		if got := Plural(n, "step"); got != want {
			t.Errorf("Plural(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestFileError(t *testing.T) {
	t.Parallel()
	_, err := os.Open("/does/not/exist")
	if got := FileError(err); got != fs.ErrNotExist && got != syscall.ENOENT {
		t.Errorf("FileError(%v) = %v, want the bare reason", err, got)
	}
	wrapped := fmt.Errorf("load: %w", &fs.PathError{Op: "open", Path: "x", Err: syscall.EACCES})
	if got := FileError(wrapped); got != syscall.EACCES {
		t.Errorf("FileError of a wrapped PathError = %v", got)
	}
	plain := fmt.Errorf("not a path error")
	if got := FileError(plain); got != plain {
		t.Errorf("FileError(%v) = %v, want it unchanged", plain, got)
	}
}
