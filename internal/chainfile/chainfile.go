// Package chainfile is the one way pipette reads chain files from disk —
// for run, validate, export, `serve --chains DIR` and the TUI — so that no
// file can hang or exhaust it: only regular files are read (a symbolic link
// is followed to one), through a limit of MaxSize bytes; a named pipe, a
// device or a socket is refused with one sentence without being read (and
// a pipe is never opened for reading, so one with no writer cannot block
// start-up); in a folder, a link that leaves the folder is refused unless
// allowed. Parsing, with file:line:col for every problem, is pipebuilder's.
package chainfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"pipette/internal/human"
)

// MaxSize is the largest chain file read: chains are small, and anything
// bigger is not a chain file.
const MaxSize = 4 << 20

// Errors a read can wrap, for callers that add what to do about them.
var (
	ErrNotRegular = errors.New("not a regular file")
	ErrTooLarge   = errors.New("too large for a chain file")
	ErrOutside    = errors.New("a link out of the folder")
)

// Read returns the contents of the chain file at path. Its error is an
// *fs.PathError when the file cannot be opened (it does not exist, no
// permission), or one sentence naming the file.
func Read(path string) ([]byte, error) {
	// Stat first, so that a pipe or a device is refused before it is
	// opened; the open file is checked again, in case the path changed.
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if err := checkMode(path, fi); err != nil {
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
	if err := checkMode(path, fi); err != nil {
		return nil, err
	}
	b, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: path, Err: err}
	}
	if len(b) > MaxSize {
		return nil, tooLarge(path, fi.Size())
	}
	return b, nil
}

// checkMode refuses anything but a regular file, and a regular file over
// MaxSize.
func checkMode(path string, fi fs.FileInfo) error {
	mode := fi.Mode()
	var what string
	switch {
	case mode.IsRegular():
		if fi.Size() > MaxSize {
			return tooLarge(path, fi.Size())
		}
		return nil
	case mode.IsDir():
		return refuse(ErrNotRegular, "%s is a folder, not a chain file: name a .yaml file in it", path)
	case mode&fs.ModeNamedPipe != 0:
		what = "a named pipe"
	case mode&fs.ModeSocket != 0:
		what = "a socket"
	case mode&fs.ModeDevice != 0:
		what = "a device"
	default:
		what = "a special file"
	}
	return refuse(ErrNotRegular, "%s is %s, not a regular file: a chain file must be one", path, what)
}

func tooLarge(path string, size int64) error {
	if size > MaxSize {
		return refuse(ErrTooLarge, "%s is over the %s a chain file may be (%d bytes)", path, human.Bytes(MaxSize), size)
	}
	return refuse(ErrTooLarge, "%s is over the %s a chain file may be", path, human.Bytes(MaxSize))
}

// refusal is a file not read, said in one sentence; it unwraps to why
// (ErrNotRegular, ErrTooLarge, ErrOutside).
type refusal struct {
	msg string
	why error
}

func (r *refusal) Error() string { return r.msg }
func (r *refusal) Unwrap() error { return r.why }

func refuse(why error, format string, args ...any) error {
	return &refusal{msg: fmt.Sprintf(format, args...), why: why}
}

// File is one chain file of a folder: its contents, or why it was not read.
type File struct {
	Path string
	Data []byte
	Err  error
}

// DirOptions say how ReadDir treats symbolic links.
type DirOptions struct {
	// LinksOut allows a link in the folder to a file outside it.
	LinksOut bool
}

// ReadDir reads every *.yaml and *.yml file of dir (folders among them are
// skipped), in name order, each through Read; a link to a file outside dir
// is refused with ErrOutside unless opt allows it. The error is only for a
// folder that cannot be read; a file that cannot is a File with Err set.
func ReadDir(dir string, opt DirOptions) ([]File, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	root, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return nil, err
	}
	var files []File
	for _, e := range entries {
		ext := strings.ToLower(filepath.Ext(e.Name()))
		if e.IsDir() || (ext != ".yaml" && ext != ".yml") {
			continue
		}
		path := filepath.Join(dir, e.Name())
		f := File{Path: path}
		if e.Type()&fs.ModeSymlink != 0 && !opt.LinksOut {
			f.Err = checkInside(path, root)
		}
		if f.Err == nil {
			f.Data, f.Err = Read(path)
		}
		files = append(files, f)
	}
	return files, nil
}

// checkInside refuses a link at path whose target is not under root.
func checkInside(path, root string) error {
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return err // a dangling link: not there, as Read would say
	}
	if rel, err := filepath.Rel(root, target); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return refuse(ErrOutside, "%s is a link to %s, outside the folder: copy the file into the folder, or allow links out of it", path, target)
	}
	return nil
}
