package ui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"pipette/internal/human"
	"pipette/ui/common"
	"pipette/ui/components/boxes"
	"pipette/ui/components/graphics"
	"strings"

	"pipette/catalog"
	"pipette/client"
	"pipette/themes"
)

// renderOutput draws a call's answer for a w×h area, by content type: JSON
// pretty-printed and coloured, text wrapped, images previewed, other bytes
// described. Errors show their error_type.
func renderOutput(st *themes.Styles, gfx *graphics.Graphics, resp *client.Response, err error, w, h int) string {
	if err != nil || resp == nil || resp.Value.Kind != catalog.KindBinary {
		gfx.Forget("try")
	}
	if err != nil {
		e := catalog.AsError(err)
		// The error_type is on the status line just above.
		out := st.Error.Render(common.WrapText(e.Message, w))
		if e.Stack != "" {
			out += "\n\n" + st.Muted.Render(common.WrapText(e.Stack, w))
		}
		return out
	}
	if resp == nil {
		return ""
	}
	v := resp.Value
	switch v.Kind {
	case catalog.KindJSON:
		b, err := json.MarshalIndent(v.JSON, "", "  ")
		if err != nil {
			return st.Error.Render(err.Error())
		}
		return st.ColorJSON(string(b))
	case catalog.KindText:
		return common.WrapText(v.Text, w)
	case catalog.KindBinary:
		return describeBinary(st, gfx, "try", v.Bytes, w, h) + "\n" + st.Muted.Render("w saves it to a file")
	case catalog.KindVoid:
		return st.Muted.Render("(no output)")
	}
	return st.Muted.Render(fmt.Sprintf("(%s)", v.Kind))
}

// describeBinary previews an image, or says what the bytes are. gfx picks
// the pixels (kitty or half blocks, or none); nil means half blocks. Keys
// for the bytes are the caller's to add: they differ by pane.
func describeBinary(st *themes.Styles, gfx *graphics.Graphics, slot string, b []byte, w, h int) string {
	info, ok := graphics.Sniff(b)
	if !ok || st.Palette.Plain || h < 3 || (gfx != nil && gfx.Kind() == graphics.KindText) {
		gfx.Forget(slot)
	}
	if !ok {
		return st.Text.Render(fmt.Sprintf("%s of %s", human.Bytes(int64(len(b))), http.DetectContentType(b)))
	}
	head := st.Text.Render(fmt.Sprintf("%s image · %d×%d · %s", strings.ToUpper(info.Format), info.W, info.H, human.Bytes(int64(len(b)))))
	if st.Palette.Plain || h < 3 || (gfx != nil && gfx.Kind() == graphics.KindText) {
		return head
	}
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		gfx.Forget(slot)
		return head + "\n" + st.Error.Render("cannot preview: "+err.Error())
	}
	return head + "\n" + gfx.Picture(slot, img, b, info.Format, w, h-2)
}

// plainOutput is the output as text for the clipboard.
func plainOutput(resp *client.Response) (string, bool) {
	if resp == nil {
		return "", false
	}
	switch resp.Value.Kind {
	case catalog.KindJSON:
		b, err := json.MarshalIndent(resp.Value.JSON, "", "  ")
		return string(b), err == nil
	case catalog.KindText:
		return resp.Value.Text, true
	}
	return "", false
}

// outputBytes is what "save output" writes.
func outputBytes(resp *client.Response) []byte {
	if resp == nil {
		return nil
	}
	switch resp.Value.Kind {
	case catalog.KindBinary:
		return resp.Value.Bytes
	case catalog.KindJSON:
		b, _ := json.MarshalIndent(resp.Value.JSON, "", "  ")
		return append(b, '\n')
	case catalog.KindText:
		return []byte(resp.Value.Text)
	}
	return nil
}

// boxRows is how many cell rows the picture of a result's boxes may take
// in an output area h rows high: most of it, leaving the legend and the
// start of the result in view.
func boxRows(h int) int { return max(4, h*3/5) }

// renderBoxes draws the input image with the result's boxes and a legend
// of their colours, to go above the result; nothing when there are none.
func renderBoxes(st *themes.Styles, gfx *graphics.Graphics, p *boxes.Preview, w, h int) string {
	if p == nil {
		gfx.Forget("try-boxes")
		return ""
	}
	head := st.Muted.Render(fmt.Sprintf("%d box(es) over the input", len(p.Boxes)))
	var pic string
	if !st.Palette.Plain && h >= 6 && (gfx == nil || gfx.Kind() != graphics.KindText) {
		if img, err := png.Decode(bytes.NewReader(p.PNG)); err == nil {
			pic = gfx.Picture("try-boxes", img, p.PNG, "png", w, boxRows(h)) + "\n"
		}
	}
	if pic == "" {
		gfx.Forget("try-boxes")
	}
	return head + "\n" + pic + boxes.Legend(p.Boxes, st.Palette.Plain) + "\n\n"
}
