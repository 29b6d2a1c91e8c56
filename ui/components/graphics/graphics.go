// Package graphics previews images in a terminal: in pixels through the
// kitty graphics protocol, with the half-block renderer (image.go) as the
// fallback everywhere else.
//
// Bubble Tea's renderer diffs cells, so a graphics escape sequence inside
// View() would be measured as text, clipped and re-sent. Instead the image
// is transmitted once through a side channel (a tea.RawMsg) as a *virtual*
// placement (U=1), and View() draws a grid of U+10EEEE placeholder cells:
// the foreground colour names the image, combining diacritics name the row
// and column. To the renderer those are ordinary one-cell graphemes, so
// layout, clipping, scrolling and diffing stay right, and a partly visible
// grid shows the matching part of the image.
//
// Kitty is used only when it is certain to work: the environment names a
// terminal known to draw Unicode placeholders (kitty, ghostty), no
// multiplexer sits in between (tmux and screen swallow the transmission;
// zellij rejects U=1), and the terminal answers a graphics query before it
// answers the primary device attributes request sent right after it (the
// detection the protocol's spec prescribes). Anything else keeps half
// blocks. WezTerm answers the query but does not draw placeholders (its
// support is an unmerged pull request), so it is not on the list.
//
// Sixel is not offered: a sixel image is pixels written at the cursor with
// no cell of its own, so the diffing renderer would erase it whenever it
// redraws those cells and could never redraw it in step.
package graphics

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"hash/fnv"
	"image"
	"image/png"
	"strconv"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/ansi/kitty"
	"golang.org/x/image/draw"
)

// Image preview modes (--images and the config's images setting).
const (
	ImagesAuto       = "auto"
	ImagesKitty      = "kitty"
	ImagesHalfBlocks = "halfblocks"
	ImagesOff        = "off"
)

// ImageModes lists the accepted --images values.
var ImageModes = []string{ImagesAuto, ImagesKitty, ImagesHalfBlocks, ImagesOff}

// ParseImageMode checks an --images value; "" is auto.
func ParseImageMode(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch s {
	case "":
		return ImagesAuto, nil
	case ImagesAuto, ImagesKitty, ImagesHalfBlocks, ImagesOff:
		return s, nil
	case "sixel":
		return "", errors.New("sixel image previews are not supported (the screen could not be kept correct); use auto, kitty, halfblocks or off")
	}
	return "", fmt.Errorf("unknown image preview mode %q; use one of %s", s, strings.Join(ImageModes, ", "))
}

type Kind int

const (
	KindHalfBlocks Kind = iota
	KindKitty
	KindText // no pixels: format, size and dimensions only
)

const (
	// probeTimeout bounds the wait for the terminal's answers; until they
	// come (or if they never do) previews are half blocks.
	probeTimeout = 2 * time.Second
	// probeImageID is the id of the query's dummy image; a=q stores nothing.
	probeImageID = 31
	// maxKittyImages is how many transmitted images the terminal keeps for
	// us; the least recently shown one beyond that is deleted.
	maxKittyImages = 12
	// maxTransmitSide bounds the pixels sent: the preview is at most a pane
	// wide, so more would only cost transfer time and terminal memory.
	maxTransmitSide = 1200
	// Image ids 16–255 are written as 256-colour indexes (38;5;N), which
	// both truecolor and 256-colour profiles pass through unchanged, and
	// which the renderer never rewrites as one of the 16 ANSI colours.
	firstImageID, lastImageID = 16, 255
	// maxPlaceholderCells is the length of kitty's row/column diacritic
	// table: a grid cannot be taller or wider than that.
	maxPlaceholderCells = 297
)

type probeTimeoutMsg struct{ gen int }

// Graphics chooses how images are previewed and keeps the images the
// terminal holds. It is shared by the Try pane and the chain builder.
type Graphics struct {
	mode    string
	kind    Kind
	mux     bool // inside tmux/screen/zellij: kitty only when forced, through passthrough
	probing bool
	probeN  int
	// gen changes whenever kind changes or an image is deleted, so cached
	// renders are redone (and a deleted image still in view is sent again).
	gen int

	nextID int
	images map[imageKey]*kittyImage
	lru    []imageKey
	// pending makes the sequences to write (transmissions, deletions); they
	// run in a command, so encoding an image never holds up the UI. Every
	// sequence stands alone (a transmission creates its own placement; ids
	// are not reused for a long while), so the order in which Bubble Tea
	// delivers two flushes does not matter.
	pending []pendingSeq
	// slots are the places that show an image (the Try output, the
	// builder's input, result and preview) and what each shows now: an
	// image a slot stops showing is deleted at once, and one replaced
	// before it was sent (a resize in progress) is never sent.
	slots map[string]imageKey
	sums  map[*byte]uint64
}

type imageKey struct {
	sum        uint64
	cols, rows int
}

type kittyImage struct {
	id   int
	sent bool // its transmission has been handed to Bubble Tea
}

// pendingSeq is a sequence to write; a transmission (key set) is dropped if
// its image is gone by the time it would be written.
type pendingSeq struct {
	key      *imageKey
	sequence func() string
}

func New(mode string) *Graphics {
	g := &Graphics{mode: mode, images: map[imageKey]*kittyImage{}, slots: map[string]imageKey{}, sums: map[*byte]uint64{}, nextID: firstImageID - 1}
	switch mode {
	case ImagesOff:
		g.kind = KindText
	case ImagesKitty:
		g.kind = KindKitty
	}
	return g
}

// multiplexed says whether a multiplexer sits between us and the terminal.
func multiplexed(getenv func(string) string) bool {
	term := getenv("TERM")
	return getenv("TMUX") != "" || getenv("STY") != "" || getenv("ZELLIJ") != "" ||
		strings.HasPrefix(term, "tmux") || strings.HasPrefix(term, "screen")
}

// placeholderTerminal says whether the environment names a terminal that
// draws kitty Unicode placeholders.
func placeholderTerminal(getenv func(string) string) bool {
	term, prog := getenv("TERM"), strings.ToLower(getenv("TERM_PROGRAM"))
	return term == "xterm-kitty" || getenv("KITTY_WINDOW_ID") != "" ||
		term == "xterm-ghostty" || prog == "ghostty"
}

// SetEnv decides from the program's environment (the client's, over SSH)
// and returns the terminal query when kitty is worth asking for.
func (g *Graphics) SetEnv(getenv func(string) string) tea.Cmd {
	g.mux = multiplexed(getenv)
	if g.mode != ImagesAuto {
		return nil
	}
	if getenv("NO_COLOR") != "" {
		g.SetKind(KindText)
		return nil
	}
	if g.mux || !placeholderTerminal(getenv) {
		return nil
	}
	g.probing = true
	g.probeN++
	n := g.probeN
	return tea.Batch(
		tea.Raw(kittyQuery()+ansi.RequestPrimaryDeviceAttributes),
		tea.Tick(probeTimeout, func(time.Time) tea.Msg { return probeTimeoutMsg{gen: n} }),
	)
}

// kittyQuery asks whether the terminal loads a 1×1 RGB image; a=q stores
// nothing, so the answer is all it does.
func kittyQuery() string {
	return fmt.Sprintf("\x1b_Gi=%d,s=1,v=1,a=q,t=d,f=24;AAAA\x1b\\", probeImageID)
}

// Handle takes the messages graphics cares about; changed says previews
// must be redrawn.
func (g *Graphics) Handle(msg tea.Msg) (changed, ok bool) {
	switch msg := msg.(type) {
	case uv.KittyGraphicsEvent:
		if !g.probing || msg.Options.ID != probeImageID {
			return false, true
		}
		g.probing = false
		if string(msg.Payload) == "OK" {
			return g.SetKind(KindKitty), true
		}
		return false, true
	case uv.PrimaryDeviceAttributesEvent:
		// The device attributes came first: no graphics answer is coming.
		g.probing = false
		return false, true
	case probeTimeoutMsg:
		if msg.gen == g.probeN {
			g.probing = false
		}
		return false, true
	case tea.ColorProfileMsg:
		if g.mode == ImagesOff {
			return false, true
		}
		switch msg.Profile {
		case colorprofile.Ascii, colorprofile.NoTTY:
			// No colour at all (NO_COLOR, a dumb terminal): half blocks
			// would be grey bars and placeholders would lose their id.
			return g.SetKind(KindText), true
		case colorprofile.ANSI:
			if g.kind == KindKitty {
				return g.SetKind(KindHalfBlocks), true
			}
		}
		return false, true
	}
	return false, false
}

// Epoch is what cached renders of images depend on.
func (g *Graphics) Epoch() int {
	if g == nil {
		return 0
	}
	return g.gen
}

// Kind is how images are previewed now.
func (g *Graphics) Kind() Kind { return g.kind }

// Mode is the preview setting (ImagesAuto, ImagesKitty, …).
func (g *Graphics) Mode() string { return g.mode }

// Pending says transmissions or deletions wait to be flushed.
func (g *Graphics) Pending() bool { return len(g.pending) > 0 }

// Held is how many images the terminal holds for us.
func (g *Graphics) Held() int { return len(g.images) }

// SetKind switches the preview kind; it reports whether it changed.
func (g *Graphics) SetKind(k Kind) bool {
	if g.kind == k {
		return false
	}
	g.kind = k
	g.gen++
	return true
}

// Flush returns the command that writes what is queued.
func (g *Graphics) Flush() tea.Cmd {
	if len(g.pending) == 0 {
		return nil
	}
	var fs []func() string
	for _, p := range g.pending {
		if p.key != nil {
			im, ok := g.images[*p.key]
			if !ok {
				continue // replaced or deleted before it went out
			}
			im.sent = true
		}
		fs = append(fs, p.sequence)
	}
	g.pending = nil
	if len(fs) == 0 {
		return nil
	}
	return func() tea.Msg {
		var b strings.Builder
		for _, f := range fs {
			b.WriteString(f())
		}
		// One write: the chunks of an image are never split by anything.
		return tea.RawMsg{Msg: b.String()}
	}
}

// Cleanup deletes every image we transmitted, freeing the terminal's memory.
// It must be written while the alternate screen is still on: kitty keeps
// that screen's images apart, and after leaving it the same ids could name
// another program's images on the main screen.
func (g *Graphics) Cleanup() string {
	var b strings.Builder
	for _, k := range g.lru {
		if im := g.images[k]; im.sent {
			b.WriteString(g.wrap(kittyDelete(im.id)))
		}
	}
	g.images, g.lru, g.slots, g.pending = map[imageKey]*kittyImage{}, nil, map[string]imageKey{}, nil
	return b.String()
}

// wrap passes a sequence through tmux when kitty was forced inside it
// (tmux needs allow-passthrough on); elsewhere it goes as is.
func (g *Graphics) wrap(seq string) string { return wrapMux(g.mux, seq) }

func wrapMux(mux bool, seq string) string {
	if mux && seq != "" {
		return ansi.TmuxPassthrough(seq)
	}
	return seq
}

func kittyDelete(id int) string {
	// d=I deletes the image's placements and frees its data; q=2 keeps the
	// terminal from answering.
	return fmt.Sprintf("\x1b_Ga=d,d=I,i=%d,q=2\x1b\\", id)
}

// previewGrid fits an image of w×h pixels into at most cols×rows cells the
// way halfBlocks does (a cell is two pixels tall, nothing is enlarged).
func previewGrid(w, h, cols, rows int) (int, int) {
	if w <= 0 || h <= 0 || cols <= 0 || rows <= 0 {
		return 0, 0
	}
	cols, rows = min(cols, maxPlaceholderCells), min(rows, maxPlaceholderCells)
	scale := max(float64(w)/float64(cols), float64(h)/float64(2*rows), 1)
	c := min(cols, max(1, int(float64(w)/scale+0.5)))
	r := min(rows, max(1, int(float64(h)/scale/2+0.5)))
	return c, r
}

// Picture draws img (whose encoded bytes are raw) in at most cols×rows
// cells for slot (see graphics.slots): kitty placeholders when kitty is on,
// half blocks otherwise.
func (g *Graphics) Picture(slot string, img image.Image, raw []byte, format string, cols, rows int) string {
	if g == nil || g.kind != KindKitty {
		return HalfBlocks(img, cols, rows)
	}
	b := img.Bounds()
	c, r := previewGrid(b.Dx(), b.Dy(), cols, rows)
	if c == 0 {
		return ""
	}
	key := imageKey{sum: g.sum(raw), cols: c, rows: r}
	im, ok := g.images[key]
	if !ok {
		im = &kittyImage{id: g.allocID()}
		g.images[key] = im
		id, mux := im.id, g.mux
		g.pending = append(g.pending, pendingSeq{key: &key, sequence: func() string {
			return wrapMux(mux, kittyTransmit(transmitPNG(img, raw, format), id, c, r))
		}})
	}
	if prev, ok := g.slots[slot]; ok && prev != key {
		g.slots[slot] = key
		g.release(prev)
	}
	g.slots[slot] = key
	g.touch(key)
	g.evict()
	return placeholderGrid(im.id, c, r)
}

// Lost sends every image again under new ids after the terminal may have
// dropped them: re-entering the alternate screen (after $EDITOR or a
// suspend) empties its images in terminals that clear them with the screen
// (kitty keeps virtual placements; others need not), and the program that
// ran meanwhile may have reused our ids. The old ids are deleted in case
// they survived; bumping gen redraws the previews, which sends them anew.
func (g *Graphics) Lost() {
	if len(g.images) == 0 {
		return
	}
	keep := g.pending[:0]
	for _, p := range g.pending {
		if p.key == nil {
			keep = append(keep, p)
		}
	}
	g.pending = keep
	for _, k := range g.lru {
		if im := g.images[k]; im.sent {
			seq := g.wrap(kittyDelete(im.id))
			g.pending = append(g.pending, pendingSeq{sequence: func() string { return seq }})
		}
	}
	g.images, g.lru, g.slots = map[imageKey]*kittyImage{}, nil, map[string]imageKey{}
	g.gen++
}

// Forget says slot shows no image now.
func (g *Graphics) Forget(slot string) {
	if g == nil {
		return
	}
	if k, ok := g.slots[slot]; ok {
		delete(g.slots, slot)
		g.release(k)
	}
}

// release deletes an image no slot shows any more.
func (g *Graphics) release(k imageKey) {
	for _, x := range g.slots {
		if x == k {
			return
		}
	}
	g.remove(k)
}

func (g *Graphics) remove(k imageKey) {
	im, ok := g.images[k]
	if !ok {
		return
	}
	delete(g.images, k)
	for i, x := range g.lru {
		if x == k {
			g.lru = append(g.lru[:i], g.lru[i+1:]...)
			break
		}
	}
	if im.sent {
		seq := g.wrap(kittyDelete(im.id))
		g.pending = append(g.pending, pendingSeq{sequence: func() string { return seq }})
	}
}

func (g *Graphics) sum(raw []byte) uint64 {
	if len(raw) == 0 {
		return 0
	}
	if s, ok := g.sums[&raw[0]]; ok {
		return s
	}
	h := fnv.New64a()
	h.Write(raw)
	s := h.Sum64() ^ uint64(len(raw))
	if len(g.sums) > 4*maxKittyImages {
		clear(g.sums)
	}
	g.sums[&raw[0]] = s
	return s
}

// allocID hands out ids round-robin, skipping ones still in use, so an id
// is reused only long after its image was deleted.
func (g *Graphics) allocID() int {
	used := make(map[int]bool, len(g.images))
	for _, im := range g.images {
		used[im.id] = true
	}
	for range lastImageID - firstImageID + 1 {
		g.nextID++
		if g.nextID > lastImageID {
			g.nextID = firstImageID
		}
		if !used[g.nextID] {
			return g.nextID
		}
	}
	return g.nextID // unreachable: maxKittyImages is far below the id range
}

func (g *Graphics) touch(k imageKey) {
	for i, x := range g.lru {
		if x == k {
			g.lru = append(g.lru[:i], g.lru[i+1:]...)
			break
		}
	}
	g.lru = append(g.lru, k)
}

func (g *Graphics) evict() {
	for len(g.images) > maxKittyImages && len(g.lru) > 0 {
		old := g.lru[0]
		for s, k := range g.slots {
			if k == old {
				delete(g.slots, s)
			}
		}
		g.remove(old)
		g.gen++
	}
}

// transmitPNG is the PNG to send: the original bytes when they are a PNG
// small enough, else the decoded image shrunk to maxTransmitSide and
// re-encoded (kitty takes PNG and raw pixels, not JPEG, GIF or WebP).
func transmitPNG(img image.Image, raw []byte, format string) []byte {
	b := img.Bounds()
	if format == "png" && b.Dx() <= maxTransmitSide && b.Dy() <= maxTransmitSide {
		return raw
	}
	src := img
	if b.Dx() > maxTransmitSide || b.Dy() > maxTransmitSide {
		s := float64(maxTransmitSide) / float64(max(b.Dx(), b.Dy()))
		dst := image.NewNRGBA(image.Rect(0, 0, max(1, int(float64(b.Dx())*s)), max(1, int(float64(b.Dy())*s))))
		draw.ApproxBiLinear.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
		src = dst
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, src); err != nil {
		return nil
	}
	return buf.Bytes()
}

// kittyTransmit is the transmission of a PNG as image id with a virtual
// placement of cols×rows cells: a=T with U=1 transmits and creates the
// placement in one command; q=2 silences every answer, which would
// otherwise arrive as input. The base64 payload goes in chunks of at most
// 4096 bytes (the spec's limit), m=1 on all but the last; later chunks
// carry only m and q, as the spec requires.
func kittyTransmit(pngData []byte, id, cols, rows int) string {
	if len(pngData) == 0 {
		return ""
	}
	data := base64.StdEncoding.EncodeToString(pngData)
	var b strings.Builder
	first := true
	for len(data) > 0 {
		n := min(len(data), kitty.MaxChunkSize)
		chunk := data[:n]
		data = data[n:]
		more := 0
		if len(data) > 0 {
			more = 1
		}
		b.WriteString("\x1b_G")
		if first {
			fmt.Fprintf(&b, "a=T,f=100,t=d,i=%d,U=1,c=%d,r=%d,q=2,", id, cols, rows)
			first = false
		} else {
			b.WriteString("q=2,")
		}
		b.WriteString("m=" + strconv.Itoa(more) + ";" + chunk + "\x1b\\")
	}
	return b.String()
}

// placeholderGrid draws image id's virtual placement: rows lines of cols
// U+10EEEE cells, each with its row and column diacritics (explicit in
// every cell, so clipping or scrolling any part of the grid keeps the
// rest right), in the 256-colour foreground that names the image.
func placeholderGrid(id, cols, rows int) string {
	cols, rows = min(cols, maxPlaceholderCells), min(rows, maxPlaceholderCells)
	var b strings.Builder
	for r := range rows {
		if r > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "\x1b[38;5;%dm", id)
		for c := range cols {
			b.WriteRune(kitty.Placeholder)
			b.WriteRune(kitty.Diacritic(r))
			b.WriteRune(kitty.Diacritic(c))
		}
		b.WriteString("\x1b[39m")
	}
	return b.String()
}
