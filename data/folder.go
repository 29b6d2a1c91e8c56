package data

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// tmpDir holds files being written until they are complete and renamed into
// place, so a reader never sees half a file and an interrupted write leaves
// nothing behind in the owner's space.
const tmpDir = metaPrefix + "tmp"

// staleTmp is how old a leftover temporary file must be before opening the
// store deletes it: old enough that no live writer can still own it.
const staleTmp = 24 * time.Hour

// folder keeps the store in a directory on disk, every key a real path under
// it. All access goes through an os.Root, so no key, symbolic link or race
// can reach a file outside the directory, whatever the checks above missed.
type folder struct {
	root *os.Root
	dir  string // absolute, for file:// links
}

func openFolder(dir string) (*folder, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("data folder %s: %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, fmt.Errorf("create the data folder: %w", err)
	}
	root, err := os.OpenRoot(abs)
	if err != nil {
		return nil, fmt.Errorf("open the data folder: %w", err)
	}
	if err := root.MkdirAll(tmpDir, 0o700); err != nil {
		root.Close()
		return nil, fmt.Errorf("create %s in the data folder: %w", tmpDir, err)
	}
	f := &folder{root: root, dir: abs}
	f.removeStaleTmp()
	return f, nil
}

// removeStaleTmp deletes what writers interrupted by a crash left behind.
func (f *folder) removeStaleTmp() {
	d, err := f.root.Open(tmpDir)
	if err != nil {
		return
	}
	defer d.Close()
	ents, _ := d.ReadDir(-1)
	for _, e := range ents {
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > staleTmp {
			_ = f.root.Remove(tmpDir + "/" + e.Name())
		}
	}
}

func (f *folder) stat(_ context.Context, key string) (entry, error) {
	info, err := f.root.Lstat(key)
	if err != nil {
		return entry{}, folderError(err)
	}
	return folderEntry(path.Base(key), info)
}

// folderEntry describes a regular file or a directory; anything else (a
// symbolic link, a device, a pipe someone put there) is treated as absent, so
// the store never follows or blocks on it.
func folderEntry(name string, info fs.FileInfo) (entry, error) {
	switch {
	case info.IsDir():
		return entry{name: name, dir: true}, nil
	case info.Mode().IsRegular():
		return entry{name: name, size: info.Size(), modified: info.ModTime()}, nil
	}
	return entry{}, errNotExist
}

func (f *folder) open(ctx context.Context, key string) (io.ReadCloser, entry, error) {
	e, err := f.stat(ctx, key)
	if err != nil {
		return nil, entry{}, err
	}
	if e.dir {
		return nil, e, errIsDir
	}
	// O_NONBLOCK: should the regular file checked above be swapped for a pipe
	// before this open, the open does not hang; the Stat below then refuses it.
	file, err := f.root.OpenFile(key, os.O_RDONLY|openNonBlock, 0)
	if err != nil {
		return nil, entry{}, folderError(err)
	}
	info, err := file.Stat()
	if err != nil || !info.Mode().IsRegular() {
		file.Close()
		return nil, entry{}, errNotExist
	}
	return file, entry{name: path.Base(key), size: info.Size(), modified: info.ModTime()}, nil
}

func (f *folder) write(ctx context.Context, key string, r io.Reader, limit int64) (int64, error) {
	if err := f.root.MkdirAll(path.Dir(key), 0o700); err != nil {
		return 0, folderError(err)
	}
	if e, err := f.stat(ctx, key); err == nil && e.dir {
		return 0, errIsDir
	}
	tmp, name, err := f.tempFile()
	if err != nil {
		return 0, err
	}
	lr := &limitedReader{r: r, left: limit}
	_, err = io.Copy(tmp, lr)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = ctx.Err() // a cancelled request stores nothing
	}
	if err == nil {
		err = f.root.Rename(name, key)
	}
	if err != nil {
		_ = f.root.Remove(name)
		if errors.Is(err, errTooLarge) {
			return 0, errTooLarge
		}
		return 0, folderError(err)
	}
	f.syncDir(path.Dir(key))
	return lr.total, nil
}

func (f *folder) tempFile() (*os.File, string, error) {
	var b [12]byte
	_, _ = rand.Read(b[:])
	name := tmpDir + "/" + hex.EncodeToString(b[:])
	file, err := f.root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, "", fmt.Errorf("create a temporary file: %w", err)
	}
	return file, name, nil
}

// syncDir makes a rename durable: without it a crash can forget the new name.
func (f *folder) syncDir(dir string) {
	if d, err := f.root.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

func (f *folder) create(_ context.Context, key string, content []byte) error {
	if err := f.root.MkdirAll(path.Dir(key), 0o700); err != nil {
		return folderError(err)
	}
	file, err := f.root.OpenFile(key, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return errExist
	}
	if err != nil {
		return folderError(err)
	}
	_, err = file.Write(content)
	if err == nil {
		err = file.Sync()
	}
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = f.root.Remove(key)
	}
	return err
}

func (f *folder) remove(ctx context.Context, key string) error {
	e, err := f.stat(ctx, key)
	if err != nil {
		return err
	}
	if e.dir {
		return errIsDir
	}
	return folderError(f.root.Remove(key))
}

func (f *folder) mkdir(_ context.Context, key string) error {
	return folderError(f.root.MkdirAll(key, 0o700))
}

// list reads the whole directory and pages through it by name: a directory
// has no stable order on disk, and the token is the last name returned.
func (f *folder) list(_ context.Context, dir string, token []byte, limit int) ([]entry, []byte, error) {
	d, err := f.root.Open(dir)
	if err != nil {
		return nil, nil, folderError(err)
	}
	defer d.Close()
	if info, err := d.Stat(); err != nil || !info.IsDir() {
		return nil, nil, errNotDir
	}
	ents, err := d.ReadDir(-1)
	if err != nil {
		return nil, nil, fmt.Errorf("read the directory: %w", err)
	}
	slices.SortFunc(ents, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	after := string(token)
	var out []entry
	for _, de := range ents {
		if de.Name() <= after && token != nil {
			continue
		}
		info, err := de.Info()
		if err != nil {
			continue // removed while listing
		}
		e, err := folderEntry(de.Name(), info)
		if err != nil {
			continue
		}
		if len(out) == limit {
			return out, []byte(out[len(out)-1].name), nil
		}
		out = append(out, e)
	}
	return out, nil, nil
}

func (f *folder) removeTree(ctx context.Context, dir string) (int, error) {
	e, err := f.stat(ctx, dir)
	if err != nil {
		return 0, err
	}
	if !e.dir {
		return 0, errNotDir
	}
	files := 0
	_ = fs.WalkDir(f.root.FS(), dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			files++
		}
		return nil
	})
	if err := f.root.RemoveAll(dir); err != nil {
		return 0, folderError(err)
	}
	return files, nil
}

func (f *folder) localPath(key string) string { return filepath.Join(f.dir, filepath.FromSlash(key)) }

func (f *folder) close() error { return f.root.Close() }

// folderError maps the file system's answers to the backend's errors.
func folderError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, fs.ErrNotExist):
		return errNotExist
	case errors.Is(err, syscall.ENOTDIR), errors.Is(err, fs.ErrExist):
		return errNotDir
	case errors.Is(err, syscall.EISDIR):
		return errIsDir
	}
	return err
}
