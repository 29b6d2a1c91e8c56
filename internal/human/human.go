// Package human says numbers, sizes, durations and file errors the way
// pipette writes them for people, the same in the command line, the TUI and
// the server's error messages.
package human

import (
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"time"
)

// Bytes is n in the largest binary unit that keeps it readable: "1 byte",
// "512 bytes", "1.5 KiB", "10 MiB" (a whole number of units has no
// decimal, so limits read as they were set), "2.3 GiB".
func Bytes(n int64) string {
	units := []struct {
		size int64
		name string
	}{{1 << 30, "GiB"}, {1 << 20, "MiB"}, {1 << 10, "KiB"}}
	for _, u := range units {
		if n < u.size {
			continue
		}
		if n%u.size == 0 {
			return strconv.FormatInt(n/u.size, 10) + " " + u.name
		}
		return fmt.Sprintf("%.1f %s", float64(n)/float64(u.size), u.name)
	}
	return Plural(int(n), "byte")
}

// Duration is d as the TUI's status lines and the command line's footers
// show it: "42 µs", "12 ms", "1.23 s".
func Duration(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%d µs", d.Microseconds())
	case d < time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

// Plural is n and the noun, with an s unless n is 1: "1 step", "3 steps".
func Plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// FileError is what went wrong in a file operation without the operation
// and path that *fs.PathError repeats, for sentences that name the file
// themselves ("cannot write out.png: permission denied").
func FileError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
