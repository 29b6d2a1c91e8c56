package data

import (
	"net/http"
	"strings"
	"testing"
)

func TestParseURI(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in    string
		owner string
		rel   string
	}{
		{"data://.my/robots/T-800.png", ".my", "robots/T-800.png"},
		{".my/robots", ".my", "robots"},
		{"data://.my", ".my", ""},
		{"data://.my/", ".my", ""},
		{"data://key-0123abcd/photos/", "key-0123abcd", "photos"},
		{"data://.my/with space/ünïcode ✓.txt", ".my", "with space/ünïcode ✓.txt"},
		{"data://.my/..hidden/a..b", ".my", "..hidden/a..b"},
		{"data://.my/" + strings.Repeat("n", MaxNameBytes), ".my", strings.Repeat("n", MaxNameBytes)},
	}
	for _, tt := range tests {
		p, err := ParseURI(tt.in)
		if err != nil {
			t.Errorf("ParseURI(%q): %v", tt.in, err)
			continue
		}
		if p.Owner != tt.owner || p.Rel != tt.rel {
			t.Errorf("ParseURI(%q) = %q %q, want %q %q", tt.in, p.Owner, p.Rel, tt.owner, tt.rel)
		}
	}
}

// Every way of leaving the owner's space, or of naming something a backend
// cannot hold, is refused with a 400 whose sentence says which rule.
func TestParseURIRefuses(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("d/", MaxPathBytes/2) + "f"
	tests := []struct{ in, want string }{
		{"data://", "names no owner"},
		{"", "names no owner"},
		{"data:///etc/passwd", "absolute path"},
		{"/.my/x", "absolute path"},
		{"data://../etc/passwd", "is not an owner"},
		{"data://./x", "is not an owner"},
		{"data://.pipette/link-key", "is not an owner"},
		{"data://-x/y", "is not an owner"},
		{"data://.my/../other/x", `".." segment`},
		{"data://.my/a/../../x", `".." segment`},
		{"data://.my/a/./b", `"." segment`},
		{"data://.my/a//b", "empty segment"},
		{"data://.my/a\x00b", "control character U+0000"},
		{"data://.my/line\nbreak", "control character U+000A"},
		{"data://.my/del\x7f", "control character U+007F"},
		{`data://.my/dir\..\x`, "backslash"},
		{`data://.my/C:\Windows`, "backslash"},
		{"data://.my/bad\xffutf8", "not valid UTF-8"},
		{"data://.my/" + strings.Repeat("n", MaxNameBytes+1), "bytes long, over the limit of 255"},
		{"data://.my/" + long, "over the limit of"},
	}
	for _, tt := range tests {
		_, err := ParseURI(tt.in)
		if err == nil {
			t.Errorf("ParseURI(%q) was accepted", tt.in)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseURI(%q) = %v, want it to say %q", tt.in, err, tt.want)
		}
		if Status(err) != http.StatusBadRequest {
			t.Errorf("ParseURI(%q): status %d, want 400", tt.in, Status(err))
		}
	}
}

func TestPathHelpers(t *testing.T) {
	t.Parallel()
	p, _ := ParseURI("data://.my/a/b/c.png")
	if p.Name() != "c.png" || p.Parent().String() != "data://.my/a/b" || p.Parent().Parent().Parent().String() != "data://.my" {
		t.Errorf("Name/Parent of %s: %q %q", p, p.Name(), p.Parent())
	}
	if got := (Path{Owner: ".my"}).Child("x").String(); got != "data://.my/x" {
		t.Errorf("Child at the top = %q", got)
	}
	if OwnerForKey("") != AnonymousOwner || OwnerForKey("k1") == OwnerForKey("k2") || OwnerForKey("k1") != OwnerForKey("k1") {
		t.Error("OwnerForKey is not a stable, distinct name per key")
	}
	if _, err := ParseURI(Scheme + OwnerForKey("some key")); err != nil {
		t.Errorf("a key's owner name is not a valid owner: %v", err)
	}
}

// Any string is either refused with a 400 or parsed into a path that names
// the same place when written back, with no segment that could leave the
// owner's space or that some backend cannot hold.
func FuzzParseURI(f *testing.F) {
	for _, s := range []string{"data://.my/a/b.png", "data://../x", "data://.my/a/../b", "data://.my/a\x00", `data://.my/a\b`, "data://key-1/x/", "", "data:///etc"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParseURI(s)
		if err != nil {
			if Status(err) != http.StatusBadRequest {
				t.Fatalf("ParseURI(%q): %v with status %d", s, err, Status(err))
			}
			return
		}
		back, err := ParseURI(p.String())
		if err != nil || back != p {
			t.Fatalf("ParseURI(%q) = %+v, which reads back as %+v (%v)", s, p, back, err)
		}
		if len(key(p.Owner, p.Rel)) > MaxPathBytes {
			t.Fatalf("ParseURI(%q): key of %d bytes", s, len(key(p.Owner, p.Rel)))
		}
		for seg := range strings.SplitSeq(p.Rel, "/") {
			if p.Rel != "" && (seg == "" || seg == "." || seg == ".." || strings.ContainsAny(seg, "\\\x00")) {
				t.Fatalf("ParseURI(%q) let segment %q through", s, seg)
			}
		}
	})
}
