// Package chainfile is the one way pipette reads chain files from disk —
// for run, validate, export, `serve --chains DIR` and the TUI — so that no
// file can hang or exhaust it: only regular files are read (a symbolic link
// is followed to one), through a limit of MaxSize bytes; a named pipe, a
// device or a socket is refused with one sentence without being read
// (smallfile); in a folder, a link that leaves the folder is refused unless
// allowed. Parsing, with file:line:col for every problem, is pipebuilder's.
package chainfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"pipette/internal/smallfile"
)

// MaxSize is the largest chain file read: chains are small, and anything
// bigger is not a chain file.
const MaxSize = 4 << 20

// Errors a read can wrap, for callers that add what to do about them.
var (
	ErrNotRegular = smallfile.ErrNotRegular
	ErrTooLarge   = smallfile.ErrTooLarge
	ErrOutside    = errors.New("a link out of the folder")
)

// Read returns the contents of the chain file at path (smallfile.Read). Its
// error is an *fs.PathError when the file cannot be opened (it does not
// exist, no permission), or one sentence naming the file.
func Read(path string) ([]byte, error) {
	return smallfile.Read(path, MaxSize, "a chain file")
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
		return smallfile.Refuse(ErrOutside, "%s is a link to %s, outside the folder: copy the file into the folder, or allow links out of it", path, target)
	}
	return nil
}
