//go:build unix

package draft

import (
	"errors"
	"os"
	"syscall"
)

// tryLock opens the lock file at path (creating it when create) and takes
// an exclusive flock on it without waiting. ok is false when another open
// file holds the lock — in this process or another — or when the file was
// removed or replaced while being locked. The kernel drops the lock when
// its holder exits, however it exits: a killed pipette's draft is free.
func tryLock(path string, create bool) (f *os.File, ok bool, err error) {
	flags := os.O_RDWR
	if create {
		flags |= os.O_CREATE
	}
	f, err = os.OpenFile(path, flags, 0o600)
	if err != nil {
		return nil, false, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, false, nil
		}
		return nil, false, &os.PathError{Op: "lock", Path: path, Err: err}
	}
	// Whoever removed the file (a draft discarded, a builder leaving) held
	// the lock then; a lock on a file no longer at path locks nothing.
	held, err1 := f.Stat()
	now, err2 := os.Stat(path)
	if err1 != nil || err2 != nil || !os.SameFile(held, now) {
		unlock(f)
		return nil, false, nil
	}
	return f, true, nil
}

// unlock releases the lock and closes its file.
func unlock(f *os.File) {
	_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	f.Close()
}
