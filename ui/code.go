package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/viewport"
	"github.com/charmbracelet/x/ansi"

	"pipette/client/snippet"
	"pipette/ui/common"
)

// languages the Code tab writes snippets in.
var languages = snippet.Languages

// codeTarget is the server the snippets call.
type codeTarget struct {
	snippet.Target
	// local is true when the TUI runs the catalog in-process: the snippets
	// need a `pipette serve` to talk to.
	local bool
}

// codePane shows the snippet for the selected language.
type codePane struct {
	com   *common.Common
	w, h  int
	lang  int
	vp    viewport.Model
	text  string // the snippet as copied
	shown string // what the viewport holds (cache key)
}

func newCodePane(c *common.Common) codePane {
	vp := viewport.New()
	vp.MouseWheelEnabled = true
	vp.SoftWrap = true // a cut-off URL is worse than a wrapped one
	return codePane{com: c, vp: vp}
}

func (c *codePane) SetSize(w, h int) {
	c.w, c.h = w, h
	c.vp.SetWidth(w)
	c.vp.SetHeight(max(1, h-2))
	c.shown = ""
}

// set installs the snippet for the current language.
func (c *codePane) set(text string, t codeTarget) {
	key := fmt.Sprintf("%d|%s|%s", c.w, c.com.Styles.Palette.Name, text)
	c.text = text
	if key == c.shown {
		return
	}
	c.shown = key
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = c.com.Styles.Text.Render(l)
	}
	note := ""
	if t.local {
		note = c.com.Styles.Muted.Render("\n\nStart a server first: pipette serve --addr 127.0.0.1:8080")
	}
	c.vp.SetContent(strings.Join(lines, "\n") + note)
	c.vp.GotoTop()
}

func (c *codePane) View() string {
	var tabs []string
	for i, l := range languages {
		if i == c.lang {
			tabs = append(tabs, c.com.Styles.TabActive.Render(l))
		} else {
			tabs = append(tabs, c.com.Styles.Tab.Render(l))
		}
	}
	head := ansi.Truncate(strings.Join(tabs, "")+c.com.Styles.Muted.Render("  ← → language · y copy"), c.w, c.com.Styles.Ellipsis)
	return head + "\n" + c.vp.View()
}
