package graphics

import (
	"bytes"
	"fmt"
	"image"
	_ "image/gif" // decoders for image previews
	_ "image/jpeg"
	_ "image/png"
	"strings"

	_ "golang.org/x/image/bmp"
	_ "golang.org/x/image/webp"
)

// Info describes bytes that decode as an image.
type Info struct {
	Format string // "png", "jpeg", "gif", "bmp", "webp"
	W, H   int    // pixels
}

// Sniff decodes only an image's header: what it is, and its size.
func Sniff(b []byte) (Info, bool) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return Info{}, false
	}
	return Info{Format: format, W: cfg.Width, H: cfg.Height}, true
}

// HalfBlocks draws img in at most cols×rows cells. Each cell is "▀" with the
// upper pixel as foreground and the lower one as background, so a cell shows
// two pixels; every terminal with truecolor (and, downsampled by the
// renderer, most without) can show it. Pixels are box-averaged so that thin
// lines survive the shrinking. Aspect ratio is kept.
func HalfBlocks(img image.Image, cols, rows int) string {
	b := img.Bounds()
	if b.Dx() == 0 || b.Dy() == 0 || cols <= 0 || rows <= 0 {
		return ""
	}
	// Output pixel grid: cols wide, 2*rows high, scaled uniformly.
	scale := max(float64(b.Dx())/float64(cols), float64(b.Dy())/float64(2*rows))
	scale = max(scale, 1) // never enlarge: a tiny image stays crisp
	ow, oh := max(1, int(float64(b.Dx())/scale)), max(1, int(float64(b.Dy())/scale))
	oh += oh % 2
	px := func(x, y int) (r, g, bl uint32) {
		x0, y0 := b.Min.X+int(float64(x)*scale), b.Min.Y+int(float64(y)*scale)
		x1, y1 := min(b.Max.X, max(x0+1, b.Min.X+int(float64(x+1)*scale))), min(b.Max.Y, max(y0+1, b.Min.Y+int(float64(y+1)*scale)))
		if y0 >= b.Max.Y {
			return 0, 0, 0
		}
		var n uint32
		for yy := y0; yy < y1; yy++ {
			for xx := x0; xx < x1; xx++ {
				cr, cg, cb, _ := img.At(xx, yy).RGBA()
				r, g, bl, n = r+cr>>8, g+cg>>8, bl+cb>>8, n+1
			}
		}
		return r / n, g / n, bl / n
	}
	var sb strings.Builder
	for y := 0; y < oh; y += 2 {
		for x := 0; x < ow; x++ {
			tr, tg, tb := px(x, y)
			br, bg, bb := px(x, y+1)
			fmt.Fprintf(&sb, "\x1b[38;2;%d;%d;%dm\x1b[48;2;%d;%d;%dm▀", tr, tg, tb, br, bg, bb)
		}
		sb.WriteString("\x1b[0m")
		if y+2 < oh {
			sb.WriteByte('\n')
		}
	}
	return sb.String()
}
