// Package value draws a model's input or result in a pane: JSON
// pretty-printed and coloured, text wrapped, images previewed, other bytes
// described. What it draws is bounded whatever the value's size — a
// 3 MB text draws its first MaxShown bytes and says how much more there is —
// so a large value costs a frame what a small one does.
package value

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"net/http"
	"strings"
	"unicode/utf8"

	"pipette/catalog"
	"pipette/internal/human"
	"pipette/ui/common"
	"pipette/ui/components/graphics"
)

// MaxShown is how many bytes of a text or of pretty-printed JSON are drawn.
const MaxShown = 64 << 10

// maxShownString is how much of a long JSON string is shown when strings
// are elided: a base64 image inside a mapping's result would otherwise fill
// pages.
const maxShownString = 160

// Options change how a value is drawn.
type Options struct {
	// ElideStrings shortens long JSON strings (the builder's step values).
	ElideStrings bool
	// More is the hint after an elided value ("w saves it").
	More string
}

// Render draws v in at most w×h cells (h bounds image previews; text and
// JSON are as long as they are, up to MaxShown). slot names where an image
// is shown, so the graphics can replace or delete it.
func Render(com *common.Common, slot string, v catalog.Value, w, h int, opt Options) string {
	st := com.Styles
	if v.Kind != catalog.KindBinary {
		com.Graphics.Forget(slot)
	}
	switch v.Kind {
	case catalog.KindJSON:
		x := v.JSON
		if opt.ElideStrings {
			x = elideStrings(x)
		}
		b, err := json.MarshalIndent(x, "", "  ")
		if err != nil {
			return st.Error.Render(err.Error())
		}
		shown, more := cut(string(b))
		return st.ColorJSON(shown) + moreNote(com, more, opt)
	case catalog.KindText:
		shown, more := cut(v.Text)
		return common.WrapText(shown, w) + moreNote(com, more, opt)
	case catalog.KindBinary:
		return Binary(com, slot, v.Bytes, w, h)
	case catalog.KindVoid:
		return st.Muted.Render("(nothing)")
	}
	return st.Muted.Render("(" + string(v.Kind) + ")")
}

// cut is s up to MaxShown bytes, ending at a line's end when one is near,
// and how many bytes were left out.
func cut(s string) (string, int) {
	if len(s) <= MaxShown {
		return s, 0
	}
	n := MaxShown
	if i := strings.LastIndexByte(s[:n], '\n'); i > n/2 {
		n = i
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n], len(s) - n
}

func moreNote(com *common.Common, more int, opt Options) string {
	if more == 0 {
		return ""
	}
	note := fmt.Sprintf("… %s more not shown", human.Bytes(int64(more)))
	if opt.More != "" {
		note += " · " + opt.More
	}
	return "\n" + com.Styles.Muted.Render(note)
}

// Binary previews an image, or says what the bytes are.
func Binary(com *common.Common, slot string, b []byte, w, h int) string {
	st, gfx := com.Styles, com.Graphics
	info, ok := graphics.Sniff(b)
	noPixels := st.Palette.Plain || h < 3 || gfx.Kind() == graphics.KindText
	if !ok || noPixels {
		gfx.Forget(slot)
	}
	if !ok {
		return st.Text.Render(fmt.Sprintf("%s of %s", human.Bytes(int64(len(b))), http.DetectContentType(b)))
	}
	head := st.Text.Render(fmt.Sprintf("%s image · %d×%d · %s", strings.ToUpper(info.Format), info.W, info.H, human.Bytes(int64(len(b)))))
	if noPixels {
		return head
	}
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		gfx.Forget(slot)
		return head + "\n" + st.Error.Render("cannot preview: "+err.Error())
	}
	return head + "\n" + gfx.Picture(slot, img, b, info.Format, w, h-2)
}

// Describe is a value in a few words.
func Describe(v catalog.Value) string {
	if v.Kind == catalog.KindBinary {
		if info, ok := graphics.Sniff(v.Bytes); ok {
			return fmt.Sprintf("%s image %d×%d, %s", strings.ToUpper(info.Format), info.W, info.H, human.Bytes(int64(len(v.Bytes))))
		}
		return human.Bytes(int64(len(v.Bytes))) + " of binary"
	}
	return common.OneLine(v.Summary(60))
}

// Text is a value as text for the clipboard; binary values have none.
func Text(v catalog.Value) (string, bool) {
	switch v.Kind {
	case catalog.KindText:
		return v.Text, true
	case catalog.KindJSON:
		b, err := json.MarshalIndent(v.JSON, "", "  ")
		return string(b), err == nil
	}
	return "", false
}

// Bytes is what saving a value to a file writes.
func Bytes(v catalog.Value) []byte {
	switch v.Kind {
	case catalog.KindBinary:
		return v.Bytes
	case catalog.KindJSON:
		b, _ := json.MarshalIndent(v.JSON, "", "  ")
		return append(b, '\n')
	case catalog.KindText:
		return []byte(v.Text)
	}
	return nil
}

// FileName is a name to save v as: base with the extension its kind or
// image format calls for.
func FileName(base string, v catalog.Value) string {
	base = strings.ReplaceAll(base, "/", "_")
	switch v.Kind {
	case catalog.KindJSON:
		return base + ".json"
	case catalog.KindText:
		return base + ".txt"
	case catalog.KindBinary:
		if info, ok := graphics.Sniff(v.Bytes); ok {
			return base + "." + info.Format
		}
	}
	return base + ".out"
}

func elideStrings(x any) any {
	switch x := x.(type) {
	case string:
		if len(x) > maxShownString {
			r := []rune(x)
			if len(r) > maxShownString {
				return string(r[:maxShownString/2]) + fmt.Sprintf("… (%d characters)", len(r))
			}
		}
		return x
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = elideStrings(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = elideStrings(e)
		}
		return out
	}
	return x
}
