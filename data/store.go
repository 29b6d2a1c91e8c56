// Package data is pipette's Data API store: files and directories addressed
// as data://owner/path, as Algorithmia's were, kept in a folder on disk or in
// an object store. Every operation names the caller's owner: data://.my/… is
// the caller's own space, another owner's space is readable only where that
// owner made a top-level directory public, and writable never. Paths are
// checked before any backend sees them, writes are all or nothing, and files
// have a size limit.
package data

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"gocloud.dev/blob"
	_ "gocloud.dev/blob/memblob" // mem://, for tests and throwaway servers

	"pipette/internal/bounded"
	"pipette/internal/human"
)

// DefaultMaxFileSize is the largest file a store accepts unless configured.
const DefaultMaxFileSize = 256 << 20

// maxFileSizeCap keeps the limit far from int64 overflow in the readers that
// enforce it.
const maxFileSizeCap = 1 << 50

// DefaultPageSize is how many entries one directory listing page holds.
const DefaultPageSize = 1000

// metaPrefix is where the store keeps its own objects (permissions, the link
// key, temporary files). Owner names cannot start with a dot, so no data
// reference reaches it.
const metaPrefix = ".pipette/"

// Options tune a store. Zero values mean the defaults.
type Options struct {
	MaxFileSize int64 // bytes; 0 = DefaultMaxFileSize
	PageSize    int   // directory entries per page; 0 = DefaultPageSize
}

// Store is a Data API store. It is safe for concurrent use.
type Store struct {
	b        backend
	where    string
	maxFile  int64
	pageSize int

	linkMu  sync.Mutex
	linkKey []byte
}

// Open opens the store at where: a URL with a scheme gocloud.dev/blob knows
// (mem:// always; s3://, gs:// and azblob:// in a binary built
// with -tags cloud, see data/cloud), or else a folder, created if missing.
func Open(ctx context.Context, where string, opt Options) (*Store, error) {
	if opt.MaxFileSize < 0 || opt.MaxFileSize > maxFileSizeCap {
		return nil, fmt.Errorf("the file size limit %d is not between 1 and %d bytes", opt.MaxFileSize, int64(maxFileSizeCap))
	}
	if opt.PageSize < 0 || opt.PageSize > 100_000 {
		return nil, fmt.Errorf("the listing page size %d is not between 1 and 100000", opt.PageSize)
	}
	var b backend
	if scheme, _, ok := strings.Cut(where, "://"); ok {
		if !blob.DefaultURLMux().ValidBucketScheme(scheme) {
			return nil, unknownScheme(where, scheme)
		}
		bk, err := blob.OpenBucket(ctx, where)
		if err != nil {
			return nil, fmt.Errorf("open the data store %s: %w", where, err)
		}
		b = &bucket{b: bk}
	} else {
		f, err := openFolder(where)
		if err != nil {
			return nil, err
		}
		b = f
	}
	s := &Store{b: b, where: where, maxFile: opt.MaxFileSize, pageSize: opt.PageSize}
	if s.maxFile == 0 {
		s.maxFile = DefaultMaxFileSize
	}
	if s.pageSize == 0 {
		s.pageSize = DefaultPageSize
	}
	return s, nil
}

// cloudSchemes are the object stores data/cloud links in under -tags cloud.
var cloudSchemes = map[string]bool{"s3": true, "gs": true, "azblob": true}

func unknownScheme(where, scheme string) error {
	if cloudSchemes[scheme] {
		return fmt.Errorf("%s needs the %s:// driver, which this pipette was built without; build it with `go build -tags cloud`, or use a folder", where, scheme)
	}
	return fmt.Errorf("%s: %s:// is not a store pipette knows; give a folder, or an s3://, gs://, azblob:// or mem:// URL", where, scheme)
}

// Where is the folder or URL the store was opened at.
func (s *Store) Where() string { return s.where }

// MaxFileSize is the largest file the store accepts, in bytes.
func (s *Store) MaxFileSize() int64 { return s.maxFile }

// Close releases the backend.
func (s *Store) Close() error { return s.b.close() }

// Info describes a file or a directory.
type Info struct {
	Path     Path
	Dir      bool
	Size     int64     // files only
	Modified time.Time // files only
}

// Listing is one page of a directory.
type Listing struct {
	Folders []string
	Files   []Info
	Marker  string // "" on the last page; else pass it to List for the next
}

func key(owner, rel string) string {
	if rel == "" {
		return owner
	}
	return owner + "/" + rel
}

// canRead checks that caller may read p: its own space, or a top-level
// directory its owner made public. Anything else is refused in the same
// words whether or not it exists, so nobody learns what another owner keeps.
func (s *Store) canRead(ctx context.Context, caller string, p Path) (string, error) {
	owner := p.resolve(caller)
	if owner == caller {
		return owner, nil
	}
	if p.Rel != "" {
		acl, err := s.readACL(ctx, owner, p.top())
		if err != nil {
			return "", err
		}
		if acl.Public() {
			return owner, nil
		}
	}
	return "", forbidden("%s belongs to another owner and is not public", p)
}

// canWrite checks that p lies in caller's own space.
func canWrite(caller string, p Path) (string, error) {
	owner := p.resolve(caller)
	if owner != caller {
		return "", forbidden("%s belongs to another owner: only its owner writes there (your own space is data://.my)", p)
	}
	return owner, nil
}

// Stat describes what is at p.
func (s *Store) Stat(ctx context.Context, caller string, p Path) (Info, error) {
	owner, err := s.canRead(ctx, caller, p)
	if err != nil {
		return Info{}, err
	}
	if p.Rel == "" {
		return Info{Path: p, Dir: true}, nil // every owner's top level exists
	}
	e, err := s.b.stat(ctx, key(owner, p.Rel))
	if err != nil {
		return Info{}, s.pathError(p, "read", err)
	}
	return Info{Path: p, Dir: e.dir, Size: e.size, Modified: e.modified}, nil
}

// Open reads the file at p. The caller closes the reader.
func (s *Store) Open(ctx context.Context, caller string, p Path) (io.ReadCloser, Info, error) {
	owner, err := s.canRead(ctx, caller, p)
	if err != nil {
		return nil, Info{}, err
	}
	return s.openOwned(ctx, owner, p)
}

func (s *Store) openOwned(ctx context.Context, owner string, p Path) (io.ReadCloser, Info, error) {
	if p.Rel == "" {
		return nil, Info{}, conflict("%s is a directory, not a file", p)
	}
	r, e, err := s.b.open(ctx, key(owner, p.Rel))
	if err != nil {
		return nil, Info{}, s.pathError(p, "read", err)
	}
	return r, Info{Path: p, Size: e.size, Modified: e.modified}, nil
}

// ReadAll reads the whole file at p, refusing one larger than max bytes.
func (s *Store) ReadAll(ctx context.Context, caller string, p Path, max int64) ([]byte, error) {
	r, info, err := s.Open(ctx, caller, p)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	if info.Size > max {
		return nil, tooLarge("%s is %s, over the limit of %s here", p, human.Bytes(info.Size), human.Bytes(max))
	}
	b, err := bounded.ReadAll(r, max)
	var tl *bounded.TooLargeError
	switch {
	case errors.As(err, &tl):
		return nil, tooLarge("%s is over the limit of %s here", p, human.Bytes(max))
	case err != nil:
		return nil, storeFailed("read "+p.String(), err)
	}
	return b, nil
}

// Put stores r as the file at p, replacing any file there, all or nothing.
// Missing directories on the way are created.
func (s *Store) Put(ctx context.Context, caller string, p Path, r io.Reader) (Info, error) {
	owner, err := canWrite(caller, p)
	if err != nil {
		return Info{}, err
	}
	if p.Rel == "" {
		return Info{}, conflict("%s is the top of a space: name a file inside it, such as %s", p, p.Child("file.txt"))
	}
	n, err := s.b.write(ctx, key(owner, p.Rel), r, s.maxFile)
	if err != nil {
		return Info{}, s.pathError(p, "write", err)
	}
	return Info{Path: p, Size: n, Modified: time.Now()}, nil
}

// Delete deletes the file at p.
func (s *Store) Delete(ctx context.Context, caller string, p Path) error {
	owner, err := canWrite(caller, p)
	if err != nil {
		return err
	}
	if p.Rel == "" {
		return conflict("%s is the top of a space, not a file", p)
	}
	if err := s.b.remove(ctx, key(owner, p.Rel)); err != nil {
		return s.pathError(p, "delete", err)
	}
	return nil
}

// List returns one page of directory p; marker is "" for the first page.
func (s *Store) List(ctx context.Context, caller string, p Path, marker string) (Listing, error) {
	owner, err := s.canRead(ctx, caller, p)
	if err != nil {
		return Listing{}, err
	}
	var token []byte
	if marker != "" {
		if token, err = base64.RawURLEncoding.DecodeString(marker); err != nil || len(token) == 0 {
			return Listing{}, badPath("marker %q is not one this server handed out: list from the start without it", marker)
		}
	}
	if p.Rel != "" && token == nil {
		// An object store lists a missing directory as an empty one: look
		// first, so both backends answer "does not exist" and "is a file".
		e, err := s.b.stat(ctx, key(owner, p.Rel))
		if err != nil {
			return Listing{}, s.pathError(p, "list", err)
		}
		if !e.dir {
			return Listing{}, conflict("%s is a file, not a directory", p)
		}
	}
	ents, next, err := s.b.list(ctx, key(owner, p.Rel), token, s.pageSize)
	if err != nil {
		if p.Rel == "" && errors.Is(err, errNotExist) {
			return Listing{}, nil // an owner who has stored nothing yet
		}
		return Listing{}, s.pathError(p, "list", err)
	}
	var out Listing
	for _, e := range ents {
		if e.dir {
			out.Folders = append(out.Folders, e.name)
		} else {
			out.Files = append(out.Files, Info{Path: p.Child(e.name), Size: e.size, Modified: e.modified})
		}
	}
	if next != nil {
		out.Marker = base64.RawURLEncoding.EncodeToString(next)
	}
	return out, nil
}

// MakeDir creates directory name inside parent, as Algorithmia's POST to the
// parent did. acl, when given, sets who may read it; only top-level
// directories carry permissions.
func (s *Store) MakeDir(ctx context.Context, caller string, parent Path, name string, acl *ACL) error {
	owner, err := canWrite(caller, parent)
	if err != nil {
		return err
	}
	if err := checkName(name); err != nil {
		return err
	}
	p := parent.Child(name)
	if err := checkRel(p.Rel); err != nil {
		return err
	}
	if acl != nil {
		if parent.Rel != "" {
			return badPath("permissions are set on top-level directories (data://.my/NAME) and apply to everything in them; create %s without an acl", p)
		}
		if err := acl.check(); err != nil {
			return err
		}
	}
	if parent.Rel != "" {
		info, err := s.Stat(ctx, caller, parent)
		if err != nil {
			return err
		}
		if !info.Dir {
			return conflict("%s is a file, so it cannot hold directories", parent)
		}
	}
	if _, err := s.b.stat(ctx, key(owner, p.Rel)); err == nil {
		return conflict("%s already exists", p)
	}
	if err := s.b.mkdir(ctx, key(owner, p.Rel)); err != nil {
		return s.pathError(p, "create", err)
	}
	if acl != nil {
		return s.writeACL(ctx, owner, name, *acl)
	}
	return nil
}

// RemoveDir deletes directory p; with force also everything in it, else only
// when it is empty. It returns how many files were deleted.
func (s *Store) RemoveDir(ctx context.Context, caller string, p Path, force bool) (int, error) {
	owner, err := canWrite(caller, p)
	if err != nil {
		return 0, err
	}
	if p.Rel == "" {
		return 0, conflict("%s is the top of a space and cannot be deleted: delete the directories in it", p)
	}
	k := key(owner, p.Rel)
	e, err := s.b.stat(ctx, k)
	if err != nil {
		return 0, s.pathError(p, "delete", err)
	}
	if !e.dir {
		return 0, conflict("%s is a file, not a directory", p)
	}
	if !force {
		// Two: an object store's first page may hold the directory's own
		// marker, which list drops, and one more entry.
		ents, _, err := s.b.list(ctx, k, nil, 2)
		if err != nil {
			return 0, s.pathError(p, "delete", err)
		}
		if len(ents) > 0 {
			return 0, conflict("%s is not empty: delete it with force=true to delete everything in it", p)
		}
	}
	n, err := s.b.removeTree(ctx, k)
	if err != nil {
		return n, s.pathError(p, "delete", err)
	}
	if !strings.Contains(p.Rel, "/") {
		_ = s.b.remove(ctx, aclKey(owner, p.Rel))
	}
	return n, nil
}

// pathError turns a backend error into a sentence about p.
func (s *Store) pathError(p Path, what string, err error) error {
	switch {
	case errors.Is(err, errNotExist):
		return notFound("%s does not exist", p)
	case errors.Is(err, errIsDir):
		return conflict("%s is a directory, not a file", p)
	case errors.Is(err, errNotDir):
		return conflict("cannot %s %s: part of its path is a file, not a directory", what, p)
	case errors.Is(err, errTooLarge):
		return tooLarge("%s is larger than this store's limit of %s per file", p, human.Bytes(s.maxFile))
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	}
	return storeFailed(what+" "+p.String(), err)
}
