// Package code is the Code tab: how to call the model in view with the
// input in the Try tab, in curl, Go, Python and JavaScript (client/snippet
// writes them). Snippets are shown as they are copied: never wrapped in
// the middle of a word — a long line scrolls sideways — so what is on the
// screen can be selected and pasted.
package code

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"pipette/catalog"
	"pipette/client/snippet"
	"pipette/ui/common"
	"pipette/ui/keys"
)

// Languages the tab writes snippets in.
var Languages = snippet.Languages

// hStep is how far ←/→ scroll a long line.
const hStep = 8

// Code is the Code tab.
type Code struct {
	com    *common.Common
	w, h   int
	lang   int
	vp     viewport.Model
	text   string // the snippet as copied
	shown  string // what the viewport holds (cache key)
	target snippet.Target
	local  bool // the catalog runs in-process: a server must be started
}

// New makes the Code tab; server is the server the snippets call ("" when
// the catalog runs in-process, and a local `pipette serve` is assumed).
func New(com *common.Common, server string, auth bool) *Code {
	vp := viewport.New()
	vp.MouseWheelEnabled = true
	vp.SoftWrap = false
	vp.SetHorizontalStep(hStep)
	c := &Code{com: com, vp: vp, target: snippet.Target{Base: server, Auth: auth}}
	if server == "" {
		c.target.Base, c.local = "http://127.0.0.1:8080", true
	}
	return c
}

func (c *Code) Init() tea.Cmd { return nil }

func (c *Code) SetSize(w, h int) {
	c.w, c.h = w, h
	c.vp.SetWidth(w)
	c.vp.SetHeight(max(1, h-1))
	c.shown = ""
}

// Lang is the language shown.
func (c *Code) Lang() string { return Languages[c.lang] }

// Text is the snippet as it is copied.
func (c *Code) Text() string { return c.text }

// Show writes the snippet calling ref with in in the current language.
func (c *Code) Show(ref catalog.Ref, in snippet.Input) {
	c.text = snippet.Write(Languages[c.lang], c.target, ref, in)
	key := fmt.Sprintf("%d|%p|%s", c.w, c.com.Styles, c.text)
	if key == c.shown {
		return
	}
	c.shown = key
	lines := strings.Split(strings.ReplaceAll(c.text, "\t", "    "), "\n")
	for i, l := range lines {
		lines[i] = c.com.Styles.Text.Render(l)
	}
	if c.local {
		lines = append(lines, "", c.com.Styles.Muted.Render("Start a server first: pipette serve --addr 127.0.0.1:8080"))
	}
	if strings.Contains(c.text, "@") && in.File != "" && in.Kind != catalog.KindBinary {
		lines = append(lines, c.com.Styles.Muted.Render("The input is read from "+in.File+": save it there first (Try: E, or the file you loaded)."))
	}
	c.vp.SetContentLines(lines)
	c.vp.GotoTop()
	c.vp.SetXOffset(0)
}

// Update takes keys when the tab has the focus. Languages change through
// Perform; the root writes the new snippet (it knows the input).
func (c *Code) Update(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		if id, ok := c.com.Keys.Lookup(keys.ScopeCode, k); ok {
			return c.Perform(id)
		}
	}
	return nil
}

// Perform does one of the Code scope's actions.
func (c *Code) Perform(id keys.Action) tea.Cmd {
	switch id {
	case keys.NextLang:
		c.lang = (c.lang + 1) % len(Languages)
	case keys.PrevLang:
		c.lang = (c.lang + len(Languages) - 1) % len(Languages)
	case keys.Copy:
		return tea.Batch(tea.SetClipboard(c.text), common.Info("copied the "+Languages[c.lang]+" snippet"))
	case keys.Up:
		c.vp.ScrollUp(1)
	case keys.Down:
		c.vp.ScrollDown(1)
	case keys.Left:
		c.vp.ScrollLeft(hStep)
	case keys.Right:
		c.vp.ScrollRight(hStep)
	case keys.Top:
		c.vp.GotoTop()
		c.vp.SetXOffset(0)
	case keys.Bottom:
		c.vp.GotoBottom()
	}
	return nil
}

// Scroll moves the snippet by d lines (the mouse wheel).
func (c *Code) Scroll(d int) {
	if d < 0 {
		c.vp.ScrollUp(-d)
	} else {
		c.vp.ScrollDown(d)
	}
}

func (c *Code) View() string {
	st := c.com.Styles
	var tabs []string
	for i, l := range Languages {
		if i == c.lang {
			tabs = append(tabs, st.TabActive.Render(l))
		} else {
			tabs = append(tabs, st.Tab.Render(l))
		}
	}
	pos := common.ScrollPos(&c.vp)
	if x := c.vp.XOffset(); x > 0 {
		pos = strings.TrimPrefix(pos+fmt.Sprintf(" · col %d", x+1), " · ")
	}
	head := common.FitRow(strings.Join(tabs, "")+st.Muted.Render("  [ ] language · y copy"), st.Muted.Render(pos), c.w)
	return head + "\n" + c.vp.View()
}

// ShortHelp is the footer's keys.
func (c *Code) ShortHelp() []key.Binding {
	var out []key.Binding
	for _, id := range []keys.Action{keys.NextLang, keys.Copy, keys.Right} {
		if b := c.com.Keys.Find(keys.ScopeCode, id); b != nil && b.Enabled() {
			out = append(out, keys.Relabel(b, map[keys.Action]string{keys.NextLang: "next language", keys.Copy: "copy snippet", keys.Right: "scroll right"}[id]))
		}
	}
	return out
}

// FullHelp is every Code binding.
func (c *Code) FullHelp() [][]key.Binding {
	return c.com.Keys.FullHelp(keys.ScopeCode)
}
