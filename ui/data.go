package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	tea "charm.land/bubbletea/v2"

	"pipette/client"
	"pipette/internal/bounded"
	"pipette/internal/human"
	"pipette/ui/common"
	"pipette/ui/dialog"
)

// maxDataEntries bounds what the Data view lists of one directory.
const maxDataEntries = 5000

// dataSource is the Data view's window on the client's store: this
// machine's in-process, the server's with --server.
type dataSource struct{ c *client.Client }

func (s dataSource) List(ctx context.Context, uri string) ([]client.DirEntry, error) {
	var out []client.DirEntry
	for e, err := range s.c.Dir(uri).List(ctx) {
		if err != nil {
			return out, err
		}
		if out = append(out, e); len(out) == maxDataEntries {
			break
		}
	}
	return out, nil
}

func (s dataSource) Head(ctx context.Context, uri string, n int) ([]byte, error) {
	r, err := s.c.File(uri).Reader(ctx)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(io.LimitReader(r, int64(n)))
}

// openData opens the Data view on the caller's own space.
func (m *Model) openData() tea.Cmd {
	if m.opt.Client == nil {
		return m.setStatus("no client: the Data view needs one", common.StatusError)
	}
	d, list := dialog.NewDataBrowser(m.com, dataSource{m.opt.Client}, "data://.my")
	return tea.Batch(m.openDialog(d), list)
}

// useDataFile makes a stored file the Try tab's input, read in a Cmd as a
// local file would be (fileLoadedMsg), within the same size limit.
func (m *Model) useDataFile(uri string) tea.Cmd {
	m.tab, m.focus = tabTry, focusDetail
	c := m.opt.Client
	return tea.Batch(m.refreshDetail(), m.try.LoadFrom(uri, func() ([]byte, error) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		r, err := c.File(uri).Reader(ctx)
		if err != nil {
			return nil, fmt.Errorf("cannot load %s: %w", uri, err)
		}
		defer r.Close()
		b, err := bounded.ReadAll(r, common.MaxInputFile)
		var tooLarge *bounded.TooLargeError
		switch {
		case errors.As(err, &tooLarge):
			return nil, fmt.Errorf("%s is over %s; inputs are limited to that", uri, human.Bytes(common.MaxInputFile))
		case err != nil:
			return nil, fmt.Errorf("cannot load %s: %w", uri, err)
		}
		return b, nil
	}))
}
