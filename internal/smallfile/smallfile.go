// Package smallfile reads the small files a user names — chain files, the
// config file — so that no path can hang or exhaust pipette: only a regular
// file is read (a symbolic link is followed to one), through a limit; a
// named pipe, a device or a socket is refused with one sentence without
// being read, and a pipe is never opened for reading, so one with no writer
// cannot block start-up.
package smallfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"pipette/internal/bounded"
	"pipette/internal/human"
)

// Why a file was refused; a Refusal unwraps to one of these.
var (
	ErrNotRegular = errors.New("not a regular file")
	ErrTooLarge   = errors.New("too large")
)

// Read returns the contents of the file at path, at most limit bytes;
// what names the kind of file in sentences ("a chain file"). Its error is
// an *fs.PathError when the file cannot be opened (it does not exist, no
// permission), or a Refusal naming the file.
func Read(path string, limit int64, what string) ([]byte, error) {
	// Stat first, so that a pipe or a device is refused before it is
	// opened; the open file is checked again, in case the path changed.
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if err := checkMode(path, fi, limit, what); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDONLY|openFlags, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err = f.Stat(); err != nil {
		return nil, err
	}
	if err := checkMode(path, fi, limit, what); err != nil {
		return nil, err
	}
	b, err := bounded.ReadAll(f, limit)
	var tl *bounded.TooLargeError
	switch {
	case errors.As(err, &tl):
		return nil, Refuse(ErrTooLarge, "%s is over the %s %s may be", path, human.Bytes(limit), what)
	case err != nil:
		return nil, &fs.PathError{Op: "read", Path: path, Err: err}
	}
	return b, nil
}

// checkMode refuses anything but a regular file, and a regular file over
// limit.
func checkMode(path string, fi fs.FileInfo, limit int64, what string) error {
	mode := fi.Mode()
	var kind string
	switch {
	case mode.IsRegular():
		if fi.Size() > limit {
			return Refuse(ErrTooLarge, "%s is over the %s %s may be (%d bytes)", path, human.Bytes(limit), what, fi.Size())
		}
		return nil
	case mode.IsDir():
		return Refuse(ErrNotRegular, "%s is a folder, not %s: name a file in it", path, what)
	case mode&fs.ModeNamedPipe != 0:
		kind = "a named pipe"
	case mode&fs.ModeSocket != 0:
		kind = "a socket"
	case mode&fs.ModeDevice != 0:
		kind = "a device"
	default:
		kind = "a special file"
	}
	return Refuse(ErrNotRegular, "%s is %s, not a regular file: %s must be one", path, kind, what)
}

// Refusal is a file not read, said in one sentence; it unwraps to why.
type Refusal struct {
	Msg string
	Why error
}

func (r *Refusal) Error() string { return r.Msg }
func (r *Refusal) Unwrap() error { return r.Why }

// Refuse makes a Refusal.
func Refuse(why error, format string, args ...any) error {
	return &Refusal{Msg: fmt.Sprintf(format, args...), Why: why}
}
