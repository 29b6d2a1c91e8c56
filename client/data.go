package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"
	"time"

	"pipette/catalog"
	"pipette/data"
)

// The Data API helpers, with the semantics of Algorithmia's own clients:
// client.File("data://.my/robots/T-800.txt").Put(ctx, "…") and .Get(ctx);
// client.Dir("data://.my/robots").List(ctx) pages through the directory.
// An in-process client works on its store (WithStore) as the anonymous
// owner; a remote one on the server's, as the owner of its API key.

// File is a file of the Data API.
type File struct {
	c   *Client
	uri string
}

// Dir is a directory of the Data API.
type Dir struct {
	c   *Client
	uri string
}

// File returns a handle on the file at uri ("data://.my/dir/file" or
// "data://OWNER/dir/file"). Nothing is checked until it is used.
func (c *Client) File(uri string) *File { return &File{c: c, uri: normalURI(uri)} }

// Dir returns a handle on the directory at uri ("data://.my/dir").
func (c *Client) Dir(uri string) *Dir { return &Dir{c: c, uri: normalURI(uri)} }

func normalURI(uri string) string {
	if !strings.HasPrefix(uri, data.Scheme) {
		uri = data.Scheme + strings.TrimPrefix(uri, "/")
	}
	if len(uri) > len(data.Scheme) {
		uri = strings.TrimSuffix(uri, "/")
	}
	return uri
}

// URI is the file's data reference.
func (f *File) URI() string { return f.uri }

// Name is the file's name, its last path segment.
func (f *File) Name() string { return f.uri[strings.LastIndexByte(f.uri, '/')+1:] }

// Put stores content as the file: []byte and string as they are, an
// io.Reader streamed. Directories on the way are created.
func (f *File) Put(ctx context.Context, content any) error {
	var r io.Reader
	switch v := content.(type) {
	case []byte:
		r = bytes.NewReader(v)
	case string:
		r = strings.NewReader(v)
	case io.Reader:
		r = v
	default:
		return fmt.Errorf("put %s: content is a %T; give []byte, a string or an io.Reader (PutJSON for other values)", f.uri, content)
	}
	dt, err := f.c.data()
	if err != nil {
		return err
	}
	return dt.dataPut(ctx, f.uri, r)
}

// PutJSON stores v encoded as JSON.
func (f *File) PutJSON(ctx context.Context, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("put %s: %w", f.uri, err)
	}
	return f.Put(ctx, b)
}

// Reader opens the file for reading; the caller closes it.
func (f *File) Reader(ctx context.Context) (io.ReadCloser, error) {
	dt, err := f.c.data()
	if err != nil {
		return nil, err
	}
	return dt.dataGet(ctx, f.uri)
}

// Get reads the whole file.
func (f *File) Get(ctx context.Context) ([]byte, error) {
	r, err := f.Reader(ctx)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", f.uri, err)
	}
	return b, nil
}

// Exists reports whether the file is there. A directory at the path is not
// a file: where Algorithmia's clients answered true for any 200, this one
// looks at X-Data-Type.
func (f *File) Exists(ctx context.Context) (bool, error) {
	return exists(ctx, f.c, f.uri, false)
}

// Delete deletes the file.
func (f *File) Delete(ctx context.Context) error {
	dt, err := f.c.data()
	if err != nil {
		return err
	}
	_, err = dt.dataRemove(ctx, f.uri, false)
	return err
}

// URI is the directory's data reference.
func (d *Dir) URI() string { return d.uri }

// File is the file name inside the directory.
func (d *Dir) File(name string) *File { return d.c.File(d.uri + "/" + name) }

// Dir is the directory name inside the directory.
func (d *Dir) Dir(name string) *Dir { return d.c.Dir(d.uri + "/" + name) }

// Create creates the directory (its parent must exist); acl, when not nil,
// sets who may read it (top-level directories only).
func (d *Dir) Create(ctx context.Context, acl *data.ACL) error {
	i := strings.LastIndexByte(d.uri, '/')
	if i < len(data.Scheme) {
		return catalog.InputErrorf("%s is the top of a space, which always exists: create directories inside it", d.uri)
	}
	dt, err := d.c.data()
	if err != nil {
		return err
	}
	return dt.dataMkdir(ctx, d.uri[:i], d.uri[i+1:], acl)
}

// Delete deletes the directory: when empty, or with force everything in it.
// It returns how many files were deleted.
func (d *Dir) Delete(ctx context.Context, force bool) (int, error) {
	dt, err := d.c.data()
	if err != nil {
		return 0, err
	}
	return dt.dataRemove(ctx, d.uri, force)
}

// Exists reports whether the directory is there.
func (d *Dir) Exists(ctx context.Context) (bool, error) {
	return exists(ctx, d.c, d.uri, true)
}

// DirEntry is one entry of a directory listing.
type DirEntry struct {
	URI          string
	Name         string
	Dir          bool
	Size         int64     // files only
	LastModified time.Time // files only
}

// dirPage is one page of a listing as the API sends it.
type dirPage struct {
	Folders []struct {
		Name string `json:"name"`
	} `json:"folders"`
	Files  []dirFile `json:"files"`
	Marker string    `json:"marker"`
}

type dirFile struct {
	Filename     string    `json:"filename"`
	LastModified time.Time `json:"last_modified"`
	Size         int64     `json:"size"`
}

// List iterates over the directory's entries, folders then files page by
// page, fetching the next page (by its marker) when one runs out. An error
// ends the iteration.
func (d *Dir) List(ctx context.Context) iter.Seq2[DirEntry, error] {
	return func(yield func(DirEntry, error) bool) {
		dt, err := d.c.data()
		if err != nil {
			yield(DirEntry{}, err)
			return
		}
		marker := ""
		for {
			page, err := dt.dataList(ctx, d.uri, marker)
			if err != nil {
				yield(DirEntry{}, err)
				return
			}
			for _, f := range page.Folders {
				if !yield(DirEntry{URI: d.uri + "/" + f.Name, Name: f.Name, Dir: true}, nil) {
					return
				}
			}
			for _, f := range page.Files {
				if !yield(DirEntry{URI: d.uri + "/" + f.Filename, Name: f.Filename, Size: f.Size, LastModified: f.LastModified}, nil) {
					return
				}
			}
			if page.Marker == "" || page.Marker == marker {
				return
			}
			marker = page.Marker
		}
	}
}

func exists(ctx context.Context, c *Client, uri string, dir bool) (bool, error) {
	dt, err := c.data()
	if err != nil {
		return false, err
	}
	isDir, err := dt.dataStat(ctx, uri)
	var e *catalog.Error
	if errors.As(err, &e) && e.Status == 404 {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return isDir == dir, nil
}

// dataTransport is the Data API over HTTP or on an in-process store.
type dataTransport interface {
	dataPut(ctx context.Context, uri string, r io.Reader) error
	dataGet(ctx context.Context, uri string) (io.ReadCloser, error)
	dataStat(ctx context.Context, uri string) (isDir bool, err error)
	dataRemove(ctx context.Context, uri string, force bool) (int, error)
	dataList(ctx context.Context, uri, marker string) (dirPage, error)
	dataMkdir(ctx context.Context, parent, name string, acl *data.ACL) error
}

func (c *Client) data() (dataTransport, error) {
	switch t := c.t.(type) {
	case *remote:
		return t, nil
	case *local:
		if t.store == nil {
			return nil, catalog.Errorf(catalog.UnsupportedError, "this client has no data store: give the in-process client one with client.WithStore")
		}
		st, err := t.store()
		if err != nil {
			return nil, catalog.Errorf(catalog.UnsupportedError, "open the data store: %v", err)
		}
		return localData{st}, nil
	}
	return nil, errors.New("this client has no Data API")
}
