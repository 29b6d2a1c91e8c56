package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
)

func TestWriteReplacesAndMakesPrivateDirs(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		perm    os.FileMode
		wantDir os.FileMode
	}{
		{"private", 0o600, 0o700},
		{"public", 0o644, 0o755},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "new", "f.txt")
			if err := Write(path, []byte("one"), tc.perm); err != nil {
				t.Fatal(err)
			}
			if err := Write(path, []byte("two"), tc.perm); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(path)
			if err != nil || string(b) != "two" {
				t.Fatalf("read %q, %v", b, err)
			}
			st, _ := os.Stat(path)
			dst, _ := os.Stat(filepath.Dir(path))
			if st.Mode().Perm() != tc.perm || dst.Mode().Perm() != tc.wantDir {
				t.Errorf("file %v dir %v, want %v %v", st.Mode().Perm(), dst.Mode().Perm(), tc.perm, tc.wantDir)
			}
			ents, _ := os.ReadDir(filepath.Dir(path))
			if len(ents) != 1 {
				t.Errorf("temp files left: %v", ents)
			}
		})
	}
}

func TestWriteIntoAFileFails(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Write(filepath.Join(file, "x"), []byte("x"), 0o600); err == nil {
		t.Error("writing under a regular file succeeded")
	}
}

// TestWriteThroughALink: the link's target gets the data; the link stays.
func TestWriteThroughALink(t *testing.T) {
	t.Parallel()
	dir, elsewhere := t.TempDir(), t.TempDir()
	target := filepath.Join(elsewhere, "config.yaml")
	if err := os.WriteFile(target, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "config.yaml")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if err := Write(link, []byte("new"), 0o600); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v, %v", fi, err)
	}
	if b, _ := os.ReadFile(target); string(b) != "new" {
		t.Errorf("the target holds %q", b)
	}
	if ents, _ := os.ReadDir(elsewhere); len(ents) != 1 {
		t.Errorf("temp files left next to the target: %v", ents)
	}
}

// TestWriteFromAFailingReader: the old file stays whole and nothing is left
// beside it when the reader fails half-way.
func TestWriteFromAFailingReader(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "download.bin")
	if err := Write(path, []byte("the old file"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := io.MultiReader(strings.NewReader("half of the new"), iotest.ErrReader(errors.New("connection reset")))
	if n, err := WriteFrom(path, r, 0o644); err == nil || n != 0 {
		t.Errorf("WriteFrom = %d, %v; want the reader's error", n, err)
	}
	if b, _ := os.ReadFile(path); string(b) != "the old file" {
		t.Errorf("the file holds %q", b)
	}
	if ents, _ := os.ReadDir(filepath.Dir(path)); len(ents) != 1 {
		t.Errorf("temp files left: %v", ents)
	}
	if n, err := WriteFrom(path, strings.NewReader("new"), 0o644); err != nil || n != 3 {
		t.Errorf("WriteFrom = %d, %v", n, err)
	}
}
