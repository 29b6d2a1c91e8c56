//go:build unix

package chainfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

const chain = "chain: v1\nname: t/A\nversion: 1.0.0\ninput: text\nsteps:\n  - id: a\n    algo: t/B/1.0.0\n"

// specialFiles makes, in dir, each kind of file a chain reader meets, and
// returns their paths by name. outside is a folder the links leave to.
func specialFiles(t *testing.T, dir, outside string) map[string]string {
	t.Helper()
	p := func(name string) string { return filepath.Join(dir, name) }
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(p("good.yaml"), []byte(chain), 0o644))
	must(os.Symlink("good.yaml", p("link-inside.yaml")))
	must(os.Symlink("/dev/zero", p("zero.yaml")))
	must(syscall.Mkfifo(p("fifo.yaml"), 0o644))
	big, err := os.Create(p("big.yaml"))
	must(err)
	must(big.Truncate(MaxSize + 1))
	must(big.Close())
	must(os.WriteFile(filepath.Join(outside, "elsewhere.yaml"), []byte(chain), 0o644))
	must(os.Symlink(filepath.Join(outside, "elsewhere.yaml"), p("link-out.yaml")))
	must(os.Symlink(filepath.Join(outside, "nothing.yaml"), p("dangling.yaml")))
	must(os.Mkdir(p("folder.yaml"), 0o755))
	must(os.WriteFile(p("notes.txt"), []byte("not a chain"), 0o644))
	return map[string]string{
		"good": p("good.yaml"), "link-inside": p("link-inside.yaml"), "zero": p("zero.yaml"),
		"fifo": p("fifo.yaml"), "big": p("big.yaml"), "link-out": p("link-out.yaml"),
		"dangling": p("dangling.yaml"), "folder": p("folder.yaml"),
	}
}

// within fails the test if f does not return in a few seconds: a FIFO must
// never block a read.
func within[T any](t *testing.T, f func() T) T {
	t.Helper()
	done := make(chan T, 1)
	go func() { done <- f() }()
	select {
	case v := <-done:
		return v
	case <-time.After(5 * time.Second):
		t.Fatal("the read blocked")
		panic("unreachable")
	}
}

func TestReadOneFile(t *testing.T) {
	t.Parallel()
	dir, outside := t.TempDir(), t.TempDir()
	paths := specialFiles(t, dir, outside)
	for _, tc := range []struct {
		name string
		want string // "" for a good read; else a part of the sentence
		is   error
	}{
		{"good", "", nil},
		{"link-inside", "", nil},
		{"link-out", "", nil}, // a single file the user named may be anywhere
		{"zero", "is a device, not a regular file: a chain file must be one", ErrNotRegular},
		{"fifo", "is a named pipe, not a regular file", ErrNotRegular},
		{"big", "is over the 4 MiB a chain file may be (4194305 bytes)", ErrTooLarge},
		{"folder", "is a folder, not a chain file", ErrNotRegular},
		{"dangling", "", fs.ErrNotExist},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			type result struct {
				b   []byte
				err error
			}
			r := within(t, func() result { b, err := Read(paths[tc.name]); return result{b, err} })
			switch {
			case tc.want == "" && tc.is == nil:
				if r.err != nil || string(r.b) != chain {
					t.Errorf("Read = %q, %v; want the chain", r.b, r.err)
				}
			case tc.is != nil && !errors.Is(r.err, tc.is):
				t.Errorf("Read error %v, want one that is %v", r.err, tc.is)
			case tc.want != "" && (r.err == nil || !strings.Contains(r.err.Error(), tc.want) || !strings.HasPrefix(r.err.Error(), paths[tc.name])):
				t.Errorf("Read error %v, want a sentence starting with the path and containing %q", r.err, tc.want)
			}
		})
	}
}

func TestReadDir(t *testing.T) {
	t.Parallel()
	dir, outside := t.TempDir(), t.TempDir()
	paths := specialFiles(t, dir, outside)
	for _, opt := range []DirOptions{{}, {LinksOut: true}} {
		files := within(t, func() []File {
			files, err := ReadDir(dir, opt)
			if err != nil {
				t.Errorf("ReadDir: %v", err)
			}
			return files
		})
		got := map[string]File{}
		var order []string
		for _, f := range files {
			got[f.Path] = f
			order = append(order, filepath.Base(f.Path))
		}
		if want := "big.yaml dangling.yaml fifo.yaml good.yaml link-inside.yaml link-out.yaml zero.yaml"; strings.Join(order, " ") != want {
			t.Errorf("files %s, want %s (no folder, no .txt, in name order)", strings.Join(order, " "), want)
		}
		for name, want := range map[string]error{
			"good": nil, "link-inside": nil, "zero": ErrNotRegular, "fifo": ErrNotRegular,
			"big": ErrTooLarge, "dangling": fs.ErrNotExist, "link-out": ErrOutside,
		} {
			switch {
			case name == "link-out" && opt.LinksOut:
				want = nil
			case name == "zero" && !opt.LinksOut:
				want = ErrOutside // /dev/zero is outside the folder, before it is a device
			}
			f := got[paths[name]]
			switch {
			case want == nil && (f.Err != nil || string(f.Data) != chain):
				t.Errorf("%+v: %s: %v, want the chain", opt, name, f.Err)
			case want != nil && !errors.Is(f.Err, want):
				t.Errorf("%+v: %s: %v, want an error that is %v", opt, name, f.Err, want)
			}
		}
		if err := got[paths["link-out"]].Err; !opt.LinksOut && !strings.Contains(errString(err), "outside the folder") {
			t.Errorf("link out: %v", err)
		}
	}
	if _, err := ReadDir(filepath.Join(dir, "none"), DirOptions{}); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadDir of no folder: %v", err)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// TestReadStopsAtTheLimit: a file that grows past the limit after its size
// was checked is still cut at the limit.
func TestReadStopsAtTheLimit(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "exact.yaml")
	if err := os.WriteFile(path, make([]byte, MaxSize), 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := Read(path); err != nil || len(b) != MaxSize {
		t.Errorf("a file of exactly MaxSize: %d bytes, %v", len(b), err)
	}
}
