package workerpool

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
)

// maxFrame bounds one part of a message between a worker and its caller.
const maxFrame = 1 << 31

// writeFrame writes a message: its header as JSON, then its data, each
// after its length as a uvarint.
func writeFrame(w *bufio.Writer, header any, data []byte) error {
	h, err := json.Marshal(header)
	if err != nil {
		return err
	}
	var n [binary.MaxVarintLen64]byte
	for _, part := range [][]byte{h, data} {
		if _, err := w.Write(n[:binary.PutUvarint(n[:], uint64(len(part)))]); err != nil {
			return err
		}
		if _, err := w.Write(part); err != nil {
			return err
		}
	}
	return w.Flush()
}

// readFrame reads what writeFrame wrote: the header into header, and
// returns the data.
func readFrame(r *bufio.Reader, header any) ([]byte, error) {
	var parts [2][]byte
	for i := range parts {
		n, err := binary.ReadUvarint(r)
		if err != nil {
			return nil, err
		}
		if n > maxFrame {
			return nil, fmt.Errorf("worker message part of %d bytes, over the %d allowed", n, maxFrame)
		}
		parts[i] = make([]byte, n)
		if _, err := io.ReadFull(r, parts[i]); err != nil {
			return nil, err
		}
	}
	if err := json.Unmarshal(parts[0], header); err != nil {
		return nil, fmt.Errorf("read a worker message's header: %w", err)
	}
	return parts[1], nil
}
