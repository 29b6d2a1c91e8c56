//go:build !unix

package draft

import "os"

// Elsewhere there is no flock: every draft reads as unowned, so a second
// pipette running at the same time may offer (and take) a live one's draft.
func tryLock(path string, create bool) (*os.File, bool, error) {
	flags := os.O_RDWR
	if create {
		flags |= os.O_CREATE
	}
	f, err := os.OpenFile(path, flags, 0o600)
	if err != nil {
		return nil, false, err
	}
	return f, true, nil
}

func unlock(f *os.File) { f.Close() }
