// Package atomicfile writes a file so that a crash or a power loss leaves
// the old file or the new one, never a half-written or empty one.
package atomicfile

import (
	"bytes"
	"io"
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
	_, err := WriteFrom(path, bytes.NewReader(data), perm)
	return err
}

// WriteFrom is Write for data read from r (a download), which it copies
// without holding it in memory; it returns how many bytes it wrote. When r
// fails, the old file is left as it was.
func WriteFrom(path string, r io.Reader, perm os.FileMode) (int64, error) {
	if target, err := filepath.EvalSymlinks(path); err == nil {
		path = target
		if fi, err := os.Stat(target); err == nil && !fi.Mode().IsRegular() && !fi.IsDir() {
			return writeInPlace(target, r)
		}
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, perm|(perm&0o444)>>2); err != nil {
		return 0, err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return 0, err
	}
	tmp := f.Name()
	fail := func(err error) (int64, error) {
		f.Close()
		os.Remove(tmp)
		return 0, err
	}
	n, err := io.Copy(f, r)
	if err != nil {
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
		return 0, err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return 0, err
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync() // best effort: not every file system syncs directories
		d.Close()
	}
	return n, nil
}

// writeInPlace writes r to an existing file that is not a regular one.
func writeInPlace(path string, r io.Reader) (int64, error) {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(f, r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return n, err
}
