package data

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// backends opens a fresh store of every kind: a folder and an in-memory
// bucket (the same gocloud code path as s3://, gs:// and azblob://).
func backends(t *testing.T, opt Options) map[string]*Store {
	t.Helper()
	out := map[string]*Store{}
	for name, where := range map[string]string{"folder": t.TempDir(), "mem": "mem://"} {
		s, err := Open(context.Background(), where, opt)
		if err != nil {
			t.Fatalf("open %s: %v", where, err)
		}
		t.Cleanup(func() { s.Close() })
		out[name] = s
	}
	return out
}

func mustPath(t *testing.T, s string) Path {
	t.Helper()
	p, err := ParseURI(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func wantStatus(t *testing.T, what string, err error, status int, words string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: no error, want %d", what, status)
		return
	}
	if Status(err) != status || !strings.Contains(err.Error(), words) {
		t.Errorf("%s: %v (status %d), want %d saying %q", what, err, Status(err), status, words)
	}
}

const me, other = "key-aaaa", "key-bbbb"

func TestStoreFiles(t *testing.T) {
	t.Parallel()
	for name, s := range backends(t, Options{}) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			f := mustPath(t, "data://.my/robots/T-800.txt")
			info, err := s.Put(ctx, me, f, strings.NewReader("Cyberdyne Systems Series 800"))
			if err != nil || info.Size != 28 {
				t.Fatalf("Put: %v %+v", err, info)
			}
			got, err := s.ReadAll(ctx, me, f, 1<<20)
			if err != nil || string(got) != "Cyberdyne Systems Series 800" {
				t.Fatalf("ReadAll: %q %v", got, err)
			}
			// Replacing a file is all or nothing.
			if _, err := s.Put(ctx, me, f, strings.NewReader("v2")); err != nil {
				t.Fatal(err)
			}
			if got, _ := s.ReadAll(ctx, me, f, 1<<20); string(got) != "v2" {
				t.Errorf("after replace: %q", got)
			}
			st, err := s.Stat(ctx, me, f)
			if err != nil || st.Dir || st.Size != 2 || st.Modified.IsZero() {
				t.Errorf("Stat file: %+v %v", st, err)
			}
			st, err = s.Stat(ctx, me, f.Parent())
			if err != nil || !st.Dir {
				t.Errorf("Stat of the directory a Put created: %+v %v", st, err)
			}
			// The owner's name addresses the same file as .my.
			byName := mustPath(t, "data://"+me+"/robots/T-800.txt")
			if got, err := s.ReadAll(ctx, me, byName, 1<<20); err != nil || string(got) != "v2" {
				t.Errorf("by owner name: %q %v", got, err)
			}
			if err := s.Delete(ctx, me, f); err != nil {
				t.Fatal(err)
			}
			_, err = s.Stat(ctx, me, f)
			wantStatus(t, "Stat after Delete", err, http.StatusNotFound, "data://.my/robots/T-800.txt does not exist")
			wantStatus(t, "Delete twice", s.Delete(ctx, me, f), http.StatusNotFound, "does not exist")
			_, err = s.ReadAll(ctx, me, mustPath(t, "data://.my/nope.txt"), 10)
			wantStatus(t, "read missing", err, http.StatusNotFound, "data://.my/nope.txt does not exist")
		})
	}
}

func TestStoreConflicts(t *testing.T) {
	t.Parallel()
	for name, s := range backends(t, Options{}) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			if _, err := s.Put(ctx, me, mustPath(t, "data://.my/d/file"), strings.NewReader("x")); err != nil {
				t.Fatal(err)
			}
			_, err := s.Put(ctx, me, mustPath(t, "data://.my/d"), strings.NewReader("x"))
			wantStatus(t, "Put over a directory", err, http.StatusConflict, "is a directory")
			_, err = s.Put(ctx, me, mustPath(t, "data://.my/d/file/under"), strings.NewReader("x"))
			wantStatus(t, "Put under a file", err, http.StatusConflict, "part of its path is a file")
			_, err = s.Put(ctx, me, mustPath(t, "data://.my"), strings.NewReader("x"))
			wantStatus(t, "Put on the top", err, http.StatusConflict, "top of a space")
			_, err = s.ReadAll(ctx, me, mustPath(t, "data://.my/d"), 10)
			wantStatus(t, "read a directory", err, http.StatusConflict, "is a directory, not a file")
			wantStatus(t, "Delete a directory as a file", s.Delete(ctx, me, mustPath(t, "data://.my/d")), http.StatusConflict, "is a directory")
			_, err = s.List(ctx, me, mustPath(t, "data://.my/d/file"), "")
			wantStatus(t, "List a file", err, http.StatusConflict, "is a file, not a directory")
			_, err = s.List(ctx, me, mustPath(t, "data://.my/none"), "")
			wantStatus(t, "List a missing directory", err, http.StatusNotFound, "does not exist")
			_, err = s.List(ctx, me, mustPath(t, "data://.my"), "not base64!")
			wantStatus(t, "List with a forged marker", err, http.StatusBadRequest, "not one this server handed out")
		})
	}
}

func TestStoreDirectories(t *testing.T) {
	t.Parallel()
	for name, s := range backends(t, Options{PageSize: 2}) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			top := mustPath(t, "data://.my")
			if l, err := s.List(ctx, me, top, ""); err != nil || len(l.Files)+len(l.Folders) != 0 {
				t.Fatalf("an owner who stored nothing: %+v %v", l, err)
			}
			if err := s.MakeDir(ctx, me, top, "robots", nil); err != nil {
				t.Fatal(err)
			}
			wantStatus(t, "MakeDir twice", s.MakeDir(ctx, me, top, "robots", nil), http.StatusConflict, "already exists")
			wantStatus(t, "MakeDir ..", s.MakeDir(ctx, me, top, "..", nil), http.StatusBadRequest, `".." segment`)
			wantStatus(t, "MakeDir a/b", s.MakeDir(ctx, me, top, "a/b", nil), http.StatusBadRequest, "")
			wantStatus(t, "MakeDir in a missing parent", s.MakeDir(ctx, me, mustPath(t, "data://.my/none"), "x", nil), http.StatusNotFound, "does not exist")
			robots := mustPath(t, "data://.my/robots")
			if err := s.MakeDir(ctx, me, robots, "empty", nil); err != nil {
				t.Fatal(err)
			}
			for _, n := range []string{"a.txt", "b.txt", "c.txt"} {
				if _, err := s.Put(ctx, me, robots.Child(n), strings.NewReader(n)); err != nil {
					t.Fatal(err)
				}
			}
			// Page through with the marker: every entry once, folders apart.
			var folders, files []string
			marker, pages := "", 0
			for {
				l, err := s.List(ctx, me, robots, marker)
				if err != nil {
					t.Fatal(err)
				}
				pages++
				folders = append(folders, l.Folders...)
				for _, f := range l.Files {
					files = append(files, f.Path.Name())
					if f.Size != 5 || f.Modified.IsZero() {
						t.Errorf("file entry %+v", f)
					}
				}
				if marker = l.Marker; marker == "" {
					break
				}
			}
			if fmt.Sprint(folders, files) != "[empty] [a.txt b.txt c.txt]" || pages < 2 {
				t.Errorf("listing over %d pages: %v %v", pages, folders, files)
			}
			// Deleting: an empty directory without force, a full one only with it.
			if n, err := s.RemoveDir(ctx, me, robots.Child("empty"), false); err != nil || n != 0 {
				t.Errorf("RemoveDir empty: %d %v", n, err)
			}
			_, err := s.RemoveDir(ctx, me, robots, false)
			wantStatus(t, "RemoveDir not empty", err, http.StatusConflict, "not empty: delete it with force=true")
			_, err = s.RemoveDir(ctx, me, robots.Child("a.txt"), true)
			wantStatus(t, "RemoveDir of a file", err, http.StatusConflict, "is a file")
			_, err = s.RemoveDir(ctx, me, top, true)
			wantStatus(t, "RemoveDir of the top", err, http.StatusConflict, "cannot be deleted")
			if n, err := s.RemoveDir(ctx, me, robots, true); err != nil || n != 3 {
				t.Errorf("RemoveDir force: %d %v", n, err)
			}
			_, err = s.Stat(ctx, me, robots)
			wantStatus(t, "Stat after RemoveDir", err, http.StatusNotFound, "does not exist")
		})
	}
}

// One key's .my is not another's; another owner's space is readable only
// where its owner made a top-level directory public, and never writable.
func TestStoreOwnership(t *testing.T) {
	t.Parallel()
	for name, s := range backends(t, Options{}) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			top := mustPath(t, "data://.my")
			if err := s.MakeDir(ctx, me, top, "private", nil); err != nil {
				t.Fatal(err)
			}
			if err := s.MakeDir(ctx, me, top, "shared", &ACL{Read: []string{PublicRead}}); err != nil {
				t.Fatal(err)
			}
			for _, p := range []string{"data://.my/private/x", "data://.my/shared/x"} {
				if _, err := s.Put(ctx, me, mustPath(t, p), strings.NewReader("mine")); err != nil {
					t.Fatal(err)
				}
			}
			// The other key's .my is its own, empty space.
			if _, err := s.ReadAll(ctx, other, mustPath(t, "data://.my/private/x"), 10); !IsNotFound(err) {
				t.Errorf("other's .my/private/x: %v, want not found", err)
			}
			_, err := s.ReadAll(ctx, other, mustPath(t, "data://"+me+"/private/x"), 10)
			wantStatus(t, "read another's private file", err, http.StatusForbidden, "belongs to another owner and is not public")
			_, err = s.ReadAll(ctx, other, mustPath(t, "data://"+me+"/private/missing"), 10)
			wantStatus(t, "a missing private file answers the same", err, http.StatusForbidden, "is not public")
			_, err = s.List(ctx, other, mustPath(t, "data://"+me), "")
			wantStatus(t, "list another's top", err, http.StatusForbidden, "is not public")
			if got, err := s.ReadAll(ctx, other, mustPath(t, "data://"+me+"/shared/x"), 10); err != nil || string(got) != "mine" {
				t.Errorf("read another's public file: %q %v", got, err)
			}
			if l, err := s.List(ctx, other, mustPath(t, "data://"+me+"/shared"), ""); err != nil || len(l.Files) != 1 {
				t.Errorf("list another's public directory: %+v %v", l, err)
			}
			_, err = s.Put(ctx, other, mustPath(t, "data://"+me+"/shared/y"), strings.NewReader("theirs"))
			wantStatus(t, "write into another's public directory", err, http.StatusForbidden, "only its owner writes there")
			wantStatus(t, "delete another's file", s.Delete(ctx, other, mustPath(t, "data://"+me+"/shared/x")), http.StatusForbidden, "only its owner")
			_, err = s.RemoveDir(ctx, other, mustPath(t, "data://"+me+"/shared"), true)
			wantStatus(t, "delete another's directory", err, http.StatusForbidden, "only its owner")
			// Permissions: read back, changed, refused where they do not apply.
			if a, err := s.Permissions(ctx, me, mustPath(t, "data://.my/private")); err != nil || fmt.Sprint(a.Read) != "[algo://.my/*]" {
				t.Errorf("default permissions: %v %v", a, err)
			}
			if err := s.SetPermissions(ctx, me, mustPath(t, "data://.my/shared"), ACL{}); err != nil {
				t.Fatal(err)
			}
			_, err = s.ReadAll(ctx, other, mustPath(t, "data://"+me+"/shared/x"), 10)
			wantStatus(t, "after making it private", err, http.StatusForbidden, "is not public")
			wantStatus(t, "nested permissions", s.SetPermissions(ctx, me, mustPath(t, "data://.my/shared/sub"), ACL{}), http.StatusBadRequest, "top-level directories")
			wantStatus(t, "unknown permission", s.SetPermissions(ctx, me, mustPath(t, "data://.my/shared"), ACL{Read: []string{"user://bob"}}), http.StatusBadRequest, "not a read permission")
			wantStatus(t, "nested acl at creation", s.MakeDir(ctx, me, mustPath(t, "data://.my/shared"), "sub", &ACL{}), http.StatusBadRequest, "top-level directories")
		})
	}
}

// A write over the size limit, or from a reader that fails, stores nothing
// and leaves the old file whole.
func TestStoreLimitsAndAtomicWrites(t *testing.T) {
	t.Parallel()
	for name, s := range backends(t, Options{MaxFileSize: 10}) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			f := mustPath(t, "data://.my/f")
			if _, err := s.Put(ctx, me, f, strings.NewReader("0123456789")); err != nil {
				t.Fatalf("exactly the limit: %v", err)
			}
			_, err := s.Put(ctx, me, f, strings.NewReader("0123456789A"))
			wantStatus(t, "one byte over", err, http.StatusRequestEntityTooLarge, "larger than this store's limit of 10 bytes per file")
			_, err = s.Put(ctx, me, f, io.MultiReader(strings.NewReader("half"), failingReader{}))
			if err == nil {
				t.Error("a failing reader was stored")
			}
			cctx, cancel := context.WithCancel(ctx)
			cancel()
			if _, err := s.Put(cctx, me, f, strings.NewReader("cancelled")); err == nil {
				t.Error("a cancelled write succeeded")
			}
			if got, err := s.ReadAll(ctx, me, f, 100); err != nil || string(got) != "0123456789" {
				t.Errorf("after failed writes: %q %v", got, err)
			}
			_, err = s.ReadAll(ctx, me, f, 5)
			wantStatus(t, "ReadAll over its max", err, http.StatusRequestEntityTooLarge, "over the limit of 5 bytes")
			if l, _ := s.List(ctx, me, mustPath(t, "data://.my"), ""); len(l.Files) != 1 || len(l.Folders) != 0 {
				t.Errorf("failed writes left something behind: %+v", l)
			}
		})
	}
	for _, bad := range []Options{{MaxFileSize: -1}, {MaxFileSize: 1 << 62}, {PageSize: -1}, {PageSize: 1 << 31}} {
		if _, err := Open(context.Background(), t.TempDir(), bad); err == nil {
			t.Errorf("Open accepted %+v", bad)
		}
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

// A symbolic link inside the folder cannot lead outside it: the store treats
// it as absent, and os.Root would refuse it anyway.
func TestFolderSymlinkEscape(t *testing.T) {
	t.Parallel()
	dir, outside := t.TempDir(), t.TempDir()
	secret := filepath.Join(outside, "secret")
	if err := os.WriteFile(secret, []byte("secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := os.MkdirAll(filepath.Join(dir, me), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, filepath.Join(dir, me, "link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, me, "dirlink")); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, p := range []string{"data://.my/link", "data://.my/dirlink/secret"} {
		if got, err := s.ReadAll(ctx, me, mustPath(t, p), 100); err == nil {
			t.Errorf("%s read %q from outside the store", p, got)
		}
	}
	if _, err := s.Put(ctx, me, mustPath(t, "data://.my/dirlink/planted"), strings.NewReader("x")); err == nil {
		t.Error("a write followed a link out of the store")
	}
	if _, err := os.Stat(filepath.Join(outside, "planted")); err == nil {
		t.Error("a file was written outside the store")
	}
	if l, err := s.List(ctx, me, mustPath(t, "data://.my"), ""); err != nil || len(l.Files)+len(l.Folders) != 0 {
		t.Errorf("links are listed: %+v %v", l, err)
	}
}

func TestLinks(t *testing.T) {
	t.Parallel()
	for name, s := range backends(t, Options{}) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			p := mustPath(t, "data://.my/memes/cat 1.png")
			if _, err := s.Put(ctx, me, p, bytes.NewReader(pngHeader)); err != nil {
				t.Fatal(err)
			}
			link, exp, err := s.Link(ctx, me, p, "http://127.0.0.1:8080/", time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			if time.Until(exp) < 59*time.Minute || !strings.HasPrefix(link, "http://127.0.0.1:8080/hosted/"+me+"/memes/cat%201.png?expires=") {
				t.Fatalf("link %s expiring %s", link, exp)
			}
			u, _ := url.Parse(link)
			hosted := strings.TrimPrefix(u.Path, HostedPrefix)
			q := u.Query()
			r, info, err := s.OpenLink(ctx, hosted, q.Get("expires"), q.Get("signature"))
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(r)
			r.Close()
			if !bytes.Equal(got, pngHeader) || info.Size != int64(len(pngHeader)) {
				t.Errorf("link served %d bytes", len(got))
			}
			if ct := ContentType(p.Name(), got); ct != "image/png" {
				t.Errorf("ContentType = %q", ct)
			}
			// Tampering with any part of the link is refused.
			sig := q.Get("signature")
			for what, try := range map[string][3]string{
				"another file":     {me + "/memes/other.png", q.Get("expires"), sig},
				"another owner":    {other + "/memes/cat 1.png", q.Get("expires"), sig},
				"a later expiry":   {hosted, "99999999999", sig},
				"a forged sig":     {hosted, q.Get("expires"), "AAAA" + sig[4:]},
				"a garbled sig":    {hosted, q.Get("expires"), "%%%"},
				"no expiry":        {hosted, "", sig},
				"a .my link":       {".my/memes/cat 1.png", q.Get("expires"), sig},
				"a traversal link": {me + "/../" + other + "/x", q.Get("expires"), sig},
			} {
				if r, _, err := s.OpenLink(ctx, try[0], try[1], try[2]); err == nil {
					r.Close()
					t.Errorf("%s was served", what)
				}
			}
			for _, ttl := range []time.Duration{0, -1, MaxLinkTTL + time.Second} {
				if _, _, err := s.Link(ctx, me, p, "http://h", ttl); err == nil {
					t.Errorf("Link accepted ttl %s", ttl)
				}
			}
			// The key is kept in the store: a second Store on the same
			// backend honours the first one's links.
			if name == "folder" {
				s2, err := Open(ctx, s.Where(), Options{})
				if err != nil {
					t.Fatal(err)
				}
				defer s2.Close()
				r, _, err := s2.OpenLink(ctx, hosted, q.Get("expires"), sig)
				if err != nil {
					t.Fatalf("a reopened store refused the link: %v", err)
				}
				r.Close()
				if ll := s.LocalLink(me, p); !strings.HasPrefix(ll, "file:///") || !strings.HasSuffix(ll, "/memes/cat%201.png") {
					t.Errorf("LocalLink = %q", ll)
				}
			} else if ll := s.LocalLink(me, p); ll != "" {
				t.Errorf("a bucket gave a local link %q", ll)
			}
		})
	}
}

func TestExpiredLink(t *testing.T) {
	t.Parallel()
	s := backends(t, Options{})["mem"]
	ctx := context.Background()
	p := mustPath(t, "data://.my/x.png")
	if _, err := s.Put(ctx, me, p, bytes.NewReader(pngHeader)); err != nil {
		t.Fatal(err)
	}
	key, err := s.signingKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	past := time.Now().Add(-time.Minute).Unix()
	sig := signature(key, me, "x.png", past)
	_, _, err = s.OpenLink(ctx, me+"/x.png", fmt.Sprint(past), encodeSig(sig))
	wantStatus(t, "expired link", err, http.StatusForbidden, "the link expired at")
}

var pngHeader = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")
