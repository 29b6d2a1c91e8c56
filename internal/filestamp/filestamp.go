// Package filestamp tells whether writing a file would replace something
// its writer has not seen: a file changed on disk since it was read, another
// file than the one read, or a folder that does not exist yet. The TUI asks
// the user before each of these instead of overwriting or creating silently.
package filestamp

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Stamp is what a file was when it was read or written: enough to tell
// later whether it is still that file with those bytes.
type Stamp struct {
	Path    string
	info    fs.FileInfo // identity (device and inode) for os.SameFile
	Size    int64
	ModTime time.Time
	Sum     [sha256.Size]byte
}

// Of stamps the file at path as holding data (read from it or written to it
// just now).
func Of(path string, data []byte) (Stamp, error) {
	st, err := os.Stat(path)
	if err != nil {
		return Stamp{}, err
	}
	return Stamp{Path: path, info: st, Size: st.Size(), ModTime: st.ModTime(), Sum: sha256.Sum256(data)}, nil
}

// IsZero reports whether s stamps no file.
func (s Stamp) IsZero() bool { return s.info == nil }

// Verdict is what writing to a path would do to what is there.
type Verdict int

const (
	// Create: nothing is there; its folder exists.
	Create Verdict = iota
	// Same: the stamped file, with the bytes it had when stamped (its time
	// may have changed: a touch is not an edit).
	Same
	// Changed: the stamped file (or one put at its path since), changed on
	// disk since.
	Changed
	// Other: a file that is not the stamped one (or nothing was stamped).
	Other
	// NoFolder: the folder to write in does not exist.
	NoFolder
	// NotAFile: a folder or a special file is there.
	NotAFile
)

// maxCompare bounds how much of a file is read to compare it: past it, a
// file of another size is told apart by its size alone.
const maxCompare = 64 << 20

// Check says what writing to path would replace. s may be zero (nothing
// was read: any existing file is Other). The error is for a path that
// cannot be looked at (no permission); it names the path.
func (s Stamp) Check(path string) (Verdict, error) {
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if MissingFolder(path) != "" {
			return NoFolder, nil
		}
		return Create, nil
	case err != nil:
		return 0, err
	case !st.Mode().IsRegular():
		return NotAFile, nil
	case !s.names(path, st):
		return Other, nil
	case st.Size() != s.Size:
		return Changed, nil
	}
	sum, err := sumOf(path)
	if err != nil {
		return 0, err
	}
	if sum != s.Sum {
		return Changed, nil
	}
	return Same, nil
}

// names reports whether path (with its stat st) is the stamped file: the
// same file, or a file put at the same path since (an editor that saves by
// renaming a new file over the old one).
func (s Stamp) names(path string, st fs.FileInfo) bool {
	if s.IsZero() {
		return false
	}
	if os.SameFile(s.info, st) {
		return true
	}
	a, err1 := filepath.Abs(s.Path)
	b, err2 := filepath.Abs(path)
	return err1 == nil && err2 == nil && a == b
}

func sumOf(path string) ([sha256.Size]byte, error) {
	var sum [sha256.Size]byte
	f, err := os.Open(path)
	if err != nil {
		return sum, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, io.LimitReader(f, maxCompare)); err != nil {
		return sum, fmt.Errorf("read %s: %w", path, err)
	}
	copy(sum[:], h.Sum(nil))
	return sum, nil
}

// MissingFolder is the outermost folder of path's that does not exist ("" when
// its folder exists), to name in "create the folder X?".
func MissingFolder(path string) string {
	missing := ""
	for dir := filepath.Dir(path); ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(dir); err == nil {
			return missing
		}
		missing = dir
		if parent := filepath.Dir(dir); parent == dir {
			return missing
		}
	}
}
