package filestamp

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestCheck(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, dir, file string) string // returns the path written to
		want   Verdict
	}{
		{"unchanged", func(t *testing.T, dir, file string) string { return file }, Same},
		{"touched, same bytes", func(t *testing.T, dir, file string) string {
			later := time.Now().Add(time.Hour)
			must(t, os.Chtimes(file, later, later))
			return file
		}, Same},
		{"same size, other bytes", func(t *testing.T, dir, file string) string {
			must(t, os.WriteFile(file, []byte("chain: v2\n"), 0o644))
			return file
		}, Changed},
		{"longer", func(t *testing.T, dir, file string) string {
			must(t, os.WriteFile(file, []byte("chain: v1\n# more\n"), 0o644))
			return file
		}, Changed},
		{"replaced by rename, as editors save", func(t *testing.T, dir, file string) string {
			tmp := filepath.Join(dir, "new")
			must(t, os.WriteFile(tmp, []byte("chain: v1\nname: x/Y\n"), 0o644))
			must(t, os.Rename(tmp, file))
			return file
		}, Changed},
		{"replaced by rename, same bytes", func(t *testing.T, dir, file string) string {
			tmp := filepath.Join(dir, "new")
			must(t, os.WriteFile(tmp, []byte("chain: v1\n"), 0o644))
			must(t, os.Rename(tmp, file))
			return file
		}, Same},
		{"another file", func(t *testing.T, dir, file string) string {
			other := filepath.Join(dir, "other.yaml")
			must(t, os.WriteFile(other, []byte("chain: v1\n"), 0o644))
			return other
		}, Other},
		{"a link to the file", func(t *testing.T, dir, file string) string {
			link := filepath.Join(dir, "link.yaml")
			must(t, os.Symlink(file, link))
			return link
		}, Same},
		{"a new file", func(t *testing.T, dir, file string) string { return filepath.Join(dir, "new.yaml") }, Create},
		{"a missing folder", func(t *testing.T, dir, file string) string { return filepath.Join(dir, "a", "b", "c.yaml") }, NoFolder},
		{"a folder", func(t *testing.T, dir, file string) string { return dir }, NotAFile},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			file := filepath.Join(dir, "chain.yaml")
			data := []byte("chain: v1\n")
			must(t, os.WriteFile(file, data, 0o644))
			s, err := Of(file, data)
			must(t, err)
			path := tc.change(t, dir, file)
			got, err := s.Check(path)
			if err != nil || got != tc.want {
				t.Errorf("Check(%s) = %v, %v; want %v", path, got, err, tc.want)
			}
		})
	}
}

func TestCheckWithoutStamp(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "x")
	must(t, os.WriteFile(file, nil, 0o644))
	var s Stamp
	if got, err := s.Check(file); err != nil || got != Other {
		t.Errorf("an existing file with nothing stamped: %v %v, want Other", got, err)
	}
	if got, err := s.Check(filepath.Join(dir, "y")); err != nil || got != Create {
		t.Errorf("a new file: %v %v, want Create", got, err)
	}
	if _, err := s.Check(filepath.Join(file, "under-a-file")); err == nil {
		t.Errorf("a path under a regular file gave no error")
	}
}

func TestMissingFolder(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for path, want := range map[string]string{
		filepath.Join(dir, "x.png"):           "",
		filepath.Join(dir, "a", "x.png"):      filepath.Join(dir, "a"),
		filepath.Join(dir, "a", "b", "x.png"): filepath.Join(dir, "a"),
	} {
		if got := MissingFolder(path); got != want {
			t.Errorf("MissingFolder(%s) = %q, want %q", path, got, want)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
