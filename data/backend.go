package data

import (
	"context"
	"io"
	"time"
)

// entry is what a backend knows of one name: a file with its size and time,
// or a directory.
type entry struct {
	name     string
	dir      bool
	size     int64
	modified time.Time
}

// backend is where the bytes live: a folder on disk (folder.go) or a bucket of
// an object store (bucket.go). Keys are "owner/dir/file" with every segment
// already checked by ParseURI; backends add no rules of their own, they only
// report what is there. Errors are errNotExist, errIsDir, errNotDir,
// errExist, errTooLarge, or the backend's own failure.
type backend interface {
	// stat reports what is at key.
	stat(ctx context.Context, key string) (entry, error)
	// open reads the file at key.
	open(ctx context.Context, key string) (io.ReadCloser, entry, error)
	// write replaces the file at key with r, all or nothing: a reader that
	// fails or passes limit leaves the old file as it was. Missing parent
	// directories are created.
	write(ctx context.Context, key string, r io.Reader, limit int64) (int64, error)
	// create writes a small file only if key does not exist yet.
	create(ctx context.Context, key string, content []byte) error
	// remove deletes the file at key.
	remove(ctx context.Context, key string) error
	// mkdir creates the directory at key and its parents.
	mkdir(ctx context.Context, key string) error
	// list returns up to limit entries of directory dir in name order,
	// starting where token (from the previous page, nil at first) says, and
	// the token of the next page (nil at the end).
	list(ctx context.Context, dir string, token []byte, limit int) ([]entry, []byte, error)
	// removeTree deletes directory dir and everything in it, and says how
	// many files it deleted.
	removeTree(ctx context.Context, dir string) (int, error)
	// localPath is the file's path on this machine, for a file:// link, or
	// "" when the backend is not a local folder.
	localPath(key string) string
	close() error
}

// limitedReader reads r and fails with errTooLarge once more than limit bytes
// came through, so a write never stores a file over the limit.
type limitedReader struct {
	r     io.Reader
	left  int64
	total int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.left < 0 {
		return 0, errTooLarge
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	l.total += int64(n)
	if l.left < 0 {
		return n, errTooLarge
	}
	return n, err
}
