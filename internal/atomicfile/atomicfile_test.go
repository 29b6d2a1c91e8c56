package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
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
