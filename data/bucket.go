package data

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"
)

// bucket keeps the store in an object store through gocloud.dev/blob: S3,
// Google Cloud Storage, Azure Blob Storage, or memory (tests), with one code
// path for all. Object stores have no directories: a directory is the prefix
// of the keys under it, made visible while empty by a marker object whose key
// ends in "/" (the convention the stores' own consoles use).
type bucket struct{ b *blob.Bucket }

func (k *bucket) stat(ctx context.Context, key string) (entry, error) {
	a, err := k.b.Attributes(ctx, key)
	if err == nil {
		return entry{name: path.Base(key), size: a.Size, modified: a.ModTime}, nil
	}
	if gcerrors.Code(err) != gcerrors.NotFound {
		return entry{}, err
	}
	isDir, err := k.isDir(ctx, key)
	if err != nil {
		return entry{}, err
	}
	if !isDir {
		return entry{}, errNotExist
	}
	return entry{name: path.Base(key), dir: true}, nil
}

// isDir reports whether key is a directory: its marker exists, or any key
// lies under it.
func (k *bucket) isDir(ctx context.Context, key string) (bool, error) {
	objs, _, err := k.b.ListPage(ctx, blob.FirstPageToken, 1, &blob.ListOptions{Prefix: key + "/"})
	if err != nil {
		return false, err
	}
	return len(objs) > 0, nil
}

func (k *bucket) open(ctx context.Context, key string) (io.ReadCloser, entry, error) {
	r, err := k.b.NewReader(ctx, key, nil)
	if err != nil {
		if gcerrors.Code(err) != gcerrors.NotFound {
			return nil, entry{}, err
		}
		if dir, derr := k.isDir(ctx, key); derr == nil && dir {
			return nil, entry{}, errIsDir
		}
		return nil, entry{}, errNotExist
	}
	return r, entry{name: path.Base(key), size: r.Size(), modified: r.ModTime()}, nil
}

// parentsAreDirs refuses a key one of whose parents is a file: on a disk the
// file would be in the way, and the store behaves the same on both.
func (k *bucket) parentsAreDirs(ctx context.Context, key string) error {
	for dir := path.Dir(key); strings.Contains(dir, "/"); dir = path.Dir(dir) {
		ok, err := k.b.Exists(ctx, dir)
		if err != nil {
			return err
		}
		if ok {
			return errNotDir
		}
	}
	return nil
}

func (k *bucket) write(ctx context.Context, key string, r io.Reader, limit int64) (int64, error) {
	if err := k.parentsAreDirs(ctx, key); err != nil {
		return 0, err
	}
	if dir, err := k.isDir(ctx, key); err != nil {
		return 0, err
	} else if dir {
		return 0, errIsDir
	}
	// Cancelling the writer's context before Close aborts the upload: the
	// old object stays, as the backend contract requires.
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w, err := k.b.NewWriter(wctx, key, nil)
	if err != nil {
		return 0, err
	}
	lr := &limitedReader{r: r, left: limit}
	_, err = io.Copy(w, lr)
	if err != nil {
		cancel()
		_ = w.Close()
		return 0, err
	}
	if err := w.Close(); err != nil {
		return 0, err
	}
	return lr.total, nil
}

func (k *bucket) create(ctx context.Context, key string, content []byte) error {
	err := k.b.WriteAll(ctx, key, content, &blob.WriterOptions{IfNotExist: true, ContentType: "application/octet-stream"})
	if gcerrors.Code(err) == gcerrors.FailedPrecondition {
		return errExist
	}
	return err
}

func (k *bucket) remove(ctx context.Context, key string) error {
	err := k.b.Delete(ctx, key)
	if gcerrors.Code(err) == gcerrors.NotFound {
		if dir, derr := k.isDir(ctx, key); derr == nil && dir {
			return errIsDir
		}
		return errNotExist
	}
	return err
}

func (k *bucket) mkdir(ctx context.Context, key string) error {
	if err := k.parentsAreDirs(ctx, key+"/x"); err != nil {
		return err
	}
	return k.b.WriteAll(ctx, key+"/", nil, &blob.WriterOptions{ContentType: "application/x-directory"})
}

func (k *bucket) list(ctx context.Context, dir string, token []byte, limit int) ([]entry, []byte, error) {
	prefix := dir + "/"
	if token == nil {
		token = blob.FirstPageToken
	}
	objs, next, err := k.b.ListPage(ctx, token, limit, &blob.ListOptions{Prefix: prefix, Delimiter: "/"})
	if err != nil {
		return nil, nil, fmt.Errorf("list %s: %w", dir, err)
	}
	out := make([]entry, 0, len(objs))
	for _, o := range objs {
		name := strings.TrimSuffix(strings.TrimPrefix(o.Key, prefix), "/")
		if name == "" {
			continue // the directory's own marker
		}
		out = append(out, entry{name: name, dir: o.IsDir, size: o.Size, modified: o.ModTime})
	}
	if len(next) == 0 {
		next = nil
	}
	return out, next, nil
}

func (k *bucket) removeTree(ctx context.Context, dir string) (int, error) {
	prefix := dir + "/"
	files := 0
	it := k.b.List(&blob.ListOptions{Prefix: prefix})
	for {
		o, err := it.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return files, err
		}
		if err := k.b.Delete(ctx, o.Key); err != nil && gcerrors.Code(err) != gcerrors.NotFound {
			return files, err
		}
		if !strings.HasSuffix(o.Key, "/") {
			files++
		}
	}
	return files, nil
}

func (k *bucket) localPath(string) string { return "" }

func (k *bucket) close() error { return k.b.Close() }
