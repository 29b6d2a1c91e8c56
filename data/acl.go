package data

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"pipette/internal/bounded"
)

// The read permissions Algorithmia's Data API knew. A directory is readable
// by its owner's own calls always; PublicRead opens it to every caller.
const (
	PublicRead       = "user://*"     // anyone may read
	MyAlgorithmsRead = "algo://.my/*" // the owner's algorithms (the default)
)

// ACL is who may read a top-level directory, as the API writes it:
// {"read": ["user://*"]}; an empty list is private.
type ACL struct {
	Read []string `json:"read"`
}

// DefaultACL is the permission of a directory created without one.
func DefaultACL() ACL { return ACL{Read: []string{MyAlgorithmsRead}} }

// Public reports whether anyone may read.
func (a ACL) Public() bool { return slices.Contains(a.Read, PublicRead) }

func (a ACL) check() error {
	for _, r := range a.Read {
		if r != PublicRead && r != MyAlgorithmsRead {
			return badPath("%q is not a read permission this server knows: use %q (anyone), %q (your algorithms, the default) or an empty list (private)",
				r, PublicRead, MyAlgorithmsRead)
		}
	}
	return nil
}

func aclKey(owner, top string) string { return metaPrefix + "acl/" + owner + "/" + top }

// maxACLBytes bounds what is read back from the store's own permission file.
const maxACLBytes = 4096

func (s *Store) readACL(ctx context.Context, owner, top string) (ACL, error) {
	r, _, err := s.b.open(ctx, aclKey(owner, top))
	if errors.Is(err, errNotExist) {
		return DefaultACL(), nil
	}
	if err != nil {
		return ACL{}, storeFailed("read the permissions of data://"+owner+"/"+top, err)
	}
	defer r.Close()
	raw, err := bounded.ReadAll(r, maxACLBytes)
	if err != nil {
		return ACL{}, storeFailed("read the permissions of data://"+owner+"/"+top, err)
	}
	var a ACL
	if err := json.Unmarshal(raw, &a); err != nil {
		return ACL{}, storeFailed("read the permissions of data://"+owner+"/"+top, err)
	}
	return a, nil
}

func (s *Store) writeACL(ctx context.Context, owner, top string, a ACL) error {
	if a.Read == nil {
		a.Read = []string{}
	}
	raw, _ := json.Marshal(a)
	if _, err := s.b.write(ctx, aclKey(owner, top), strings.NewReader(string(raw)), maxACLBytes); err != nil {
		return storeFailed("save the permissions of data://"+owner+"/"+top, err)
	}
	return nil
}

// Permissions returns who may read directory p (its top-level directory's
// permissions). Only the owner may ask.
func (s *Store) Permissions(ctx context.Context, caller string, p Path) (ACL, error) {
	owner, err := canWrite(caller, p)
	if err != nil {
		return ACL{}, forbidden("%s belongs to another owner: only its owner sees its permissions", p)
	}
	if p.Rel == "" {
		return ACL{Read: []string{MyAlgorithmsRead}}, nil
	}
	return s.readACL(ctx, owner, p.top())
}

// SetPermissions changes who may read the top-level directory p.
func (s *Store) SetPermissions(ctx context.Context, caller string, p Path, a ACL) error {
	owner, err := canWrite(caller, p)
	if err != nil {
		return err
	}
	if p.Rel == "" || strings.Contains(p.Rel, "/") {
		return badPath("permissions are set on top-level directories such as data://.my/photos, not on %s", p)
	}
	if err := a.check(); err != nil {
		return err
	}
	info, err := s.Stat(ctx, caller, p)
	if err != nil {
		return err
	}
	if !info.Dir {
		return conflict("%s is a file: permissions are set on top-level directories", p)
	}
	return s.writeACL(ctx, owner, p.Rel, a)
}
