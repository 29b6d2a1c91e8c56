package dialog

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"strings"
	"time"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"pipette/client"
	"pipette/internal/human"
	"pipette/ui/common"
)

// DataSource is what the Data view reads: a directory's entries and the
// first bytes of a file. The root gives it one over its client, so the view
// shows this machine's store in-process and the server's with --server.
type DataSource interface {
	List(ctx context.Context, uri string) ([]client.DirEntry, error)
	Head(ctx context.Context, uri string, n int) ([]byte, error)
}

// UseDataFile puts a stored file in the Try tab as its input.
type UseDataFile struct{ URI string }

func (UseDataFile) dialogAction() {}

// dataListedMsg and dataPreviewMsg carry what the view's Cmds read.
type dataListedMsg struct {
	uri     string
	entries []client.DirEntry
	err     error
}

type dataPreviewMsg struct {
	uri    string
	head   []byte
	err    error
	img    image.Image // a small enough image, decoded to be drawn
	raw    []byte      // its bytes
	format string
}

// previewBytes is how much of a file the preview reads.
const previewBytes = 4096

// previewLines is how many rows the preview takes under the list.
const previewLines = 8

// maxPreviewImage is the largest image the preview reads whole to draw it.
const maxPreviewImage = 8 << 20

var (
	dataOpenKey   = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open / use as input"))
	dataParentKey = key.NewBinding(key.WithKeys("backspace", "left"), key.WithHelp("←", "parent"))
)

// DataBrowser is the Data view: the files of the Data API's store, a
// directory at a time, with a preview of the selected file; enter on a file
// makes it the Try tab's input.
type DataBrowser struct {
	com     *common.Common
	src     DataSource
	uri     string
	entries []client.DirEntry
	cursor  int
	offset  int
	loading bool
	err     string
	preview []string // the selected file's preview rows
	shownOf string   // the file the preview is of
	img     image.Image
	raw     []byte
	format  string
	w, h    int
}

// NewDataBrowser opens the view on directory uri and starts listing it.
func NewDataBrowser(com *common.Common, src DataSource, uri string) (*DataBrowser, tea.Cmd) {
	d := &DataBrowser{com: com, src: src}
	return d, d.open(uri)
}

func (d *DataBrowser) open(uri string) tea.Cmd {
	d.uri, d.entries, d.cursor, d.offset, d.loading, d.err = uri, nil, 0, 0, true, ""
	d.preview, d.shownOf, d.img, d.raw = nil, "", nil, nil
	src := d.src
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		entries, err := src.List(ctx, uri)
		return dataListedMsg{uri: uri, entries: entries, err: err}
	}
}

// previewCmd reads the head of the selected file, when it is one.
func (d *DataBrowser) previewCmd() tea.Cmd {
	if d.cursor >= len(d.entries) || d.entries[d.cursor].Dir {
		d.preview, d.shownOf, d.img, d.raw = nil, "", nil, nil
		return nil
	}
	e := d.entries[d.cursor]
	if e.URI == d.shownOf {
		return nil
	}
	d.shownOf, d.preview, d.img, d.raw = e.URI, []string{"reading…"}, nil, nil
	src := d.src
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		head, err := src.Head(ctx, e.URI, previewBytes)
		msg := dataPreviewMsg{uri: e.URI, head: head, err: err}
		if _, _, cerr := image.DecodeConfig(bytes.NewReader(head)); err == nil && cerr == nil && e.Size <= maxPreviewImage {
			// An image small enough to draw: read it whole and decode it
			// here, in the Cmd, never in Update.
			if raw, err := src.Head(ctx, e.URI, int(e.Size)); err == nil {
				if img, format, err := image.Decode(bytes.NewReader(raw)); err == nil {
					msg.img, msg.raw, msg.format = img, raw, format
				}
			}
		}
		return msg
	}
}

func (d *DataBrowser) Update(msg tea.Msg) (Action, tea.Cmd) {
	switch msg := msg.(type) {
	case dataListedMsg:
		if msg.uri != d.uri {
			return nil, nil
		}
		d.loading, d.entries = false, msg.entries
		if msg.err != nil {
			d.err = common.OneLine(msg.err.Error())
		}
		return nil, d.previewCmd()
	case dataPreviewMsg:
		if msg.uri == d.shownOf {
			d.preview = describeHead(msg.head, msg.err, d.selectedSize())
			d.img, d.raw, d.format = msg.img, msg.raw, msg.format
		}
		return nil, nil
	case tea.KeyPressMsg:
		return d.key(msg)
	}
	return nil, nil
}

func (d *DataBrowser) key(msg tea.KeyPressMsg) (Action, tea.Cmd) {
	switch {
	case key.Matches(msg, closeKey):
		return Close{}, nil
	case key.Matches(msg, dataParentKey):
		if parent := parentURI(d.uri); parent != "" {
			return nil, d.open(parent)
		}
	case key.Matches(msg, dataOpenKey):
		if d.cursor < len(d.entries) {
			e := d.entries[d.cursor]
			if e.Dir {
				return nil, d.open(e.URI)
			}
			return UseDataFile{URI: e.URI}, nil
		}
	case msg.String() == "up" || msg.String() == "k":
		d.move(-1)
		return nil, d.previewCmd()
	case msg.String() == "down" || msg.String() == "j":
		d.move(1)
		return nil, d.previewCmd()
	}
	return nil, nil
}

func (d *DataBrowser) move(by int) {
	d.cursor = max(0, min(len(d.entries)-1, d.cursor+by))
	d.clamp()
}

// clamp scrolls the list so that the selection is in view and no rows are
// left empty below the last entry; a resize changes the rows there are.
func (d *DataBrowser) clamp() {
	d.offset = common.ScrollOffset(d.cursor, d.offset, d.listHeight(), len(d.entries))
}

func (d *DataBrowser) selectedSize() int64 {
	if d.cursor < len(d.entries) {
		return d.entries[d.cursor].Size
	}
	return 0
}

// parentURI is the directory above uri, "" at the top of a space.
func parentURI(uri string) string {
	rest := strings.TrimPrefix(uri, "data://")
	i := strings.LastIndexByte(rest, '/')
	if i < 0 {
		return ""
	}
	return "data://" + rest[:i]
}

// describeHead is the preview of a file from its first bytes: an image's
// format and size, the first lines of text, or what binary it is.
func describeHead(head []byte, err error, size int64) []string {
	if err != nil {
		return []string{common.OneLine(err.Error())}
	}
	if cfg, format, err := image.DecodeConfig(bytes.NewReader(head)); err == nil {
		return []string{fmt.Sprintf("%s image, %d×%d, %s", format, cfg.Width, cfg.Height, human.Bytes(size))}
	}
	if utf8.Valid(head) || (len(head) == previewBytes && utf8.Valid(head[:len(head)-utf8.UTFMax])) {
		lines := strings.Split(strings.TrimRight(string(head), "\n"), "\n")
		return lines[:min(len(lines), previewLines)]
	}
	return []string{fmt.Sprintf("binary, %s", human.Bytes(size))}
}

func (d *DataBrowser) Click(_, y int) Action {
	row := y - d.com.Styles.Overlay.GetBorderTopSize() - d.com.Styles.Overlay.GetPaddingTop() - 1
	if i := d.offset + row; row >= 0 && row < d.listHeight() && i < len(d.entries) {
		d.cursor = i
	}
	return nil
}

func (d *DataBrowser) Scroll(by int) { d.move(by) }

func (d *DataBrowser) SetSize(w, h int) {
	d.w = min(max(40, w*2/3), w)
	d.h = min(max(12, h*2/3), h)
	d.clamp()
}

func (d *DataBrowser) Size() (int, int) { return d.w, d.h }
func (d *DataBrowser) Modal() bool      { return false }

// listHeight is the rows the list gets: the box less its frame, the title,
// the rule and the preview.
func (d *DataBrowser) listHeight() int {
	return max(1, d.h-d.com.Styles.Overlay.GetVerticalFrameSize()-2-previewLines)
}

func (d *DataBrowser) View() string {
	st := d.com.Styles
	iw := max(1, d.w-st.Overlay.GetHorizontalFrameSize())
	lines := []string{ansi.Truncate(st.Title.Render("Data ")+st.Muted.Render(d.uri), iw, st.Ellipsis)}
	switch {
	case d.loading:
		lines = append(lines, st.Muted.Render(d.com.Spinner()+" listing…"))
	case d.err != "":
		lines = append(lines, st.Error.Render(ansi.Truncate(d.err, iw, st.Ellipsis)))
	case len(d.entries) == 0:
		lines = append(lines, st.Muted.Render("empty: store files with pipette data put, or util/Upload"))
	}
	end := min(len(d.entries), d.offset+d.listHeight())
	for i := d.offset; i < end; i++ {
		lines = append(lines, d.row(d.entries[i], i == d.cursor, iw))
	}
	for len(lines) < d.listHeight()+1 {
		lines = append(lines, "")
	}
	lines = append(lines, st.Muted.Render(strings.Repeat("─", iw)))
	for _, p := range d.preview {
		lines = append(lines, st.Muted.Render(ansi.Truncate(strings.ReplaceAll(p, "\t", "  "), iw, st.Ellipsis)))
	}
	if d.img != nil {
		lines = append(lines, d.com.Graphics.Picture("data-preview", d.img, d.raw, d.format, iw, previewLines-len(d.preview)))
	}
	return st.Overlay.Width(d.w).Height(d.h).Render(strings.Join(lines, "\n"))
}

func (d *DataBrowser) row(e client.DirEntry, sel bool, iw int) string {
	st := d.com.Styles
	name, detail := e.Name, ""
	if e.Dir {
		name += "/"
	} else {
		detail = fmt.Sprintf("%s  %s", human.Bytes(e.Size), e.LastModified.Local().Format("2006-01-02 15:04"))
	}
	gap := max(1, iw-ansi.StringWidth(name)-ansi.StringWidth(detail))
	row := ansi.Truncate(name+strings.Repeat(" ", gap)+detail, iw, st.Ellipsis)
	if sel {
		return st.Selected.Render(row)
	}
	return st.Text.Render(row)
}

func (d *DataBrowser) ShortHelp() []key.Binding {
	return []key.Binding{closeKey, dataOpenKey, dataParentKey, moveKey}
}
func (d *DataBrowser) FullHelp() [][]key.Binding { return [][]key.Binding{d.ShortHelp()} }
