// Package atomicfile writes a file so that a crash or a power loss leaves
// the old file or the new one, never a half-written or empty one.
package atomicfile

import (
	"os"
	"path/filepath"
)

// Write writes data to path through a temp file in the same directory and
// a rename, with the data and the directory entry flushed to disk. A
// directory it creates gets x where perm has r: a private file (a draft,
// the history) gets a private directory.
//
// A symbolic link is written through: its target is replaced and the link
// stays (a config kept in a dotfiles repository). A path that is not a
// regular file — /dev/stdout, /dev/null, a named pipe — is written to
// directly, since renaming over it would replace the device or the pipe
// with a file.
func Write(path string, data []byte, perm os.FileMode) error {
	if target, err := filepath.EvalSymlinks(path); err == nil {
		path = target
		if fi, err := os.Stat(target); err == nil && !fi.Mode().IsRegular() && !fi.IsDir() {
			return writeInPlace(target, data)
		}
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, perm|(perm&0o444)>>2); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	fail := func(err error) error {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if _, err := f.Write(data); err != nil {
		return fail(err)
	}
	if err := f.Chmod(perm); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync() // best effort: not every file system syncs directories
		d.Close()
	}
	return nil
}

// writeInPlace writes data to an existing file that is not a regular one.
func writeInPlace(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
