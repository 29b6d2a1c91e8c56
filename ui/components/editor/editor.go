// Package editor makes the text areas and output viewports the Try tab and
// the chain builder share, styled from the program's theme.
package editor

import (
	"strings"

	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/textinput"
	"charm.land/bubbles/v2/viewport"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"pipette/ui/common"
)

// New is an input editor: no line numbers, no prompt, no length limit.
func New(com *common.Common) textarea.Model {
	ed := textarea.New()
	ed.ShowLineNumbers = false
	ed.Prompt = ""
	ed.CharLimit = 0
	ed.MaxHeight = 0
	ed.SetStyles(Styles(com))
	return ed
}

// Styles colours an editor from the theme, with a steady cursor. Every
// part is the theme's: bubbles' defaults are ANSI colours of their own (a
// white line under the cursor on the theme's off-white text, a black
// bar), which --plain must not send at all.
func Styles(com *common.Common) textarea.Styles {
	st := com.Styles
	s := textarea.DefaultStyles(st.Palette.Dark)
	s.Cursor.Blink = false // a steady cursor: calmer, and screen readers track it
	s.Cursor.Color = st.CursorColor()
	for _, state := range []*textarea.StyleState{&s.Focused, &s.Blurred} {
		state.Base = lipgloss.NewStyle()
		state.Text = st.Text
		state.CursorLine = st.Text
		state.Placeholder = st.Muted
		state.EndOfBuffer = st.Muted
		state.LineNumber = st.Muted
		state.CursorLineNumber = st.Muted
		state.Prompt = st.Muted
		state.Selection = st.Selected
	}
	return s
}

// InputStyles colours a one-line input (a filter, a search, a prompt) from
// the theme, with a steady cursor.
func InputStyles(com *common.Common) textinput.Styles {
	st := com.Styles
	s := textinput.DefaultStyles(st.Palette.Dark)
	s.Cursor.Blink = false
	s.Cursor.Color = st.CursorColor() // nil in --plain: no colour
	s.Focused.Prompt = st.Accent
	s.Blurred.Prompt = st.Muted
	s.Focused.Text = st.Text
	s.Blurred.Text = st.Text
	s.Focused.Placeholder = st.Muted
	s.Blurred.Placeholder = st.Muted
	return s
}

// NewOutputViewport shows a result: wheel-scrollable, and long JSON
// strings wrap instead of vanishing at the edge.
func NewOutputViewport() viewport.Model {
	vp := viewport.New()
	vp.MouseWheelEnabled = true
	vp.SoftWrap = true
	return vp
}

// SetOutput puts content in an output viewport. The viewport's soft wrap
// measures every line of the content on every View, so it is on only when
// some line is wider than the viewport; otherwise the two draw the same.
func SetOutput(vp *viewport.Model, content string) {
	w := vp.Width() - vp.Style.GetHorizontalFrameSize()
	vp.SoftWrap = false
	for line := range strings.SplitSeq(content, "\n") {
		if ansi.StringWidth(line) > w {
			vp.SoftWrap = true
			break
		}
	}
	vp.SetContent(content)
}
