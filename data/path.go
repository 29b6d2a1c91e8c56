package data

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Scheme is how a data reference starts: data://.my/photos/cat.png.
const Scheme = "data://"

// MyOwner is the owner a caller writes for its own space.
const MyOwner = ".my"

// AnonymousOwner owns everything on a store used without API keys: the
// in-process verbs and a loopback server started without keys.
const AnonymousOwner = "anonymous"

// Limits on a path, chosen so that every backend can hold it: object stores
// take keys up to 1024 bytes (S3, GCS), and file systems take names up to 255
// bytes.
const (
	MaxPathBytes = 1024
	MaxNameBytes = 255
)

var ownerName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$`)

// Path is a place in the store: an owner's space and a clean path inside it.
type Path struct {
	Owner string // MyOwner or an owner's name, as written
	Rel   string // "" for the owner's top level, else "dir/file.png"
}

// ParseURI reads a data reference: "data://.my/dir/file", ".my/dir/file" or
// "owner/dir". One trailing slash is allowed (a directory written as one);
// everything that could leave the owner's space or that some backend cannot
// hold is refused with a sentence that says which rule it broke.
func ParseURI(s string) (Path, error) {
	rest := strings.TrimPrefix(s, Scheme)
	if rest == "" {
		return Path{}, badPath("%q names no owner: write data://.my/… for your own files or data://OWNER/…", s)
	}
	if strings.HasPrefix(rest, "/") {
		return Path{}, badPath("%q is an absolute path: data references start with an owner, as in data://.my/photos/cat.png", s)
	}
	rest = strings.TrimSuffix(rest, "/")
	owner, rel, _ := strings.Cut(rest, "/")
	if owner != MyOwner && !ownerName.MatchString(owner) {
		return Path{}, badPath("%q is not an owner: write .my for your own files, or a name of letters, digits, _ and -", owner)
	}
	if err := checkRel(rel); err != nil {
		return Path{}, fmt.Errorf("%q: %w", s, err)
	}
	return Path{Owner: owner, Rel: rel}, nil
}

// checkRel applies the per-name rules to every segment of rel.
func checkRel(rel string) error {
	if len(rel) > MaxPathBytes-64 { // leaves room for the owner's name in the key
		return badPath("the path is %d bytes long, over the limit of %d", len(rel), MaxPathBytes-64)
	}
	if rel == "" {
		return nil
	}
	for seg := range strings.SplitSeq(rel, "/") {
		if err := checkName(seg); err != nil {
			return err
		}
	}
	return nil
}

// checkName applies the rules for one file or directory name.
func checkName(name string) error {
	switch {
	case name == "":
		return badPath("the path has an empty segment (two slashes in a row)")
	case name == "." || name == "..":
		return badPath("the path has a %q segment: name files and directories directly, without . or ..", name)
	case len(name) > MaxNameBytes:
		return badPath("a name is %d bytes long, over the limit of %d", len(name), MaxNameBytes)
	case !utf8.ValidString(name):
		return badPath("a name is not valid UTF-8")
	case strings.ContainsRune(name, '/'):
		return badPath("the name %q contains a slash: name one directory at a time", name)
	case strings.ContainsRune(name, '\\'):
		return badPath("a name contains a backslash: separate directories with /")
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return badPath("a name contains the control character %U (NUL, newline, …): use printable characters", r)
		}
	}
	return nil
}

// String is the reference as written: data://owner/rel.
func (p Path) String() string {
	if p.Rel == "" {
		return Scheme + p.Owner
	}
	return Scheme + p.Owner + "/" + p.Rel
}

// Name is the last segment: the file's or directory's name ("" at the top).
func (p Path) Name() string {
	if i := strings.LastIndexByte(p.Rel, '/'); i >= 0 {
		return p.Rel[i+1:]
	}
	return p.Rel
}

// Parent is the directory holding p; the top level is its own parent.
func (p Path) Parent() Path {
	i := strings.LastIndexByte(p.Rel, '/')
	if i < 0 {
		return Path{Owner: p.Owner}
	}
	return Path{Owner: p.Owner, Rel: p.Rel[:i]}
}

// Child is the entry name inside directory p.
func (p Path) Child(name string) Path {
	if p.Rel == "" {
		return Path{Owner: p.Owner, Rel: name}
	}
	return Path{Owner: p.Owner, Rel: p.Rel + "/" + name}
}

// top is the top-level directory p lies in ("" for the owner's top level):
// read permissions are set there.
func (p Path) top() string {
	top, _, _ := strings.Cut(p.Rel, "/")
	return top
}

// resolve returns the real owner of p for caller.
func (p Path) resolve(caller string) string {
	if p.Owner == MyOwner {
		return caller
	}
	return p.Owner
}
