// Package bounded reads a whole stream — an HTTP answer, a download, a
// stored file — unless it holds more than a limit. A broken or hostile peer
// cannot make pipette hold more than the limit, and an answer cut at the
// limit is never taken for a whole one (io.LimitReader alone hands back the
// first bytes as if they were all).
package bounded

import (
	"io"

	"pipette/internal/human"
)

// TooLargeError is a stream that held more than Limit bytes.
type TooLargeError struct{ Limit int64 }

func (e *TooLargeError) Error() string { return "more than " + human.Bytes(e.Limit) }

// ReadAll reads r to its end, or fails with a *TooLargeError once it has
// held more than limit bytes (it reads at most limit+1).
func ReadAll(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return b, err
	}
	if int64(len(b)) > limit {
		return b[:limit], &TooLargeError{Limit: limit}
	}
	return b, nil
}
