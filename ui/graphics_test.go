package ui

import (
	"bytes"
	"fmt"
	"image/png"
	"pipette/ui/components/graphics"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi/kitty"
)

func TestTryImageKittyPreview(t *testing.T) {
	m := newTestModel(t, 100, 30, "dark")
	m.com.Graphics.SetKind(graphics.KindKitty)
	selectRef(t, m, "test/Pixels")
	press(t, m, "enter")
	_, cmd := m.Update(keyMsg("r"))
	run(t, m, cmd) // the call
	s := screen(m)
	if strings.Contains(s, "▀") || strings.Count(s, string(kitty.Placeholder)) != 4*2 {
		t.Errorf("want a 4×2 placeholder grid, no half blocks:\n%s", ansiStrip(s))
	}
	if strings.Contains(s, "\x1b_G") {
		t.Error("a graphics sequence in View()")
	}
	if !strings.Contains(ansiStrip(s), "PNG image · 4×4") {
		t.Error("format and size missing")
	}
	assertFits(t, m)
	// The transmission went out once; a redraw sends nothing more.
	_, cmd = m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	if cmd != nil {
		if msg := cmd(); msg != nil {
			if strings.Contains(flatten(msg), "a=T") {
				t.Error("image sent again on a redraw at the same size")
			}
		}
	}
	// Back from $EDITOR (or a suspend), Bubble Tea has re-entered the
	// alternate screen, which kitty empties: the image shown is sent again.
	_, cmd = m.Update(tea.ResumeMsg{})
	var sent strings.Builder
	for _, msg := range collectMsgs(cmd) {
		if r, ok := msg.(tea.RawMsg); ok {
			sent.WriteString(r.Msg.(string))
		}
	}
	if strings.Count(sent.String(), "a=T") != 1 || strings.Count(sent.String(), "a=d,d=I") != 1 || m.com.Graphics.Held() != 1 {
		t.Errorf("after the editor sent %q", sent.String())
	}
	// Quitting deletes it (while still on the alternate screen).
	if m.quit() == nil || m.com.Graphics.Held() != 0 {
		t.Error("quit does not delete the image")
	}
}

func flatten(msg tea.Msg) string {
	switch msg := msg.(type) {
	case tea.RawMsg:
		return msg.Msg.(string)
	case tea.BatchMsg:
		var b strings.Builder
		for _, c := range msg {
			if c != nil {
				b.WriteString(flatten(c()))
			}
		}
		return b.String()
	}
	return ""
}

func TestTryImageInTmuxStaysHalfBlocks(t *testing.T) {
	m := newTestModel(t, 100, 30, "dark")
	_, cmd := m.Update(tea.EnvMsg{"TERM=tmux-256color", "TMUX=/tmp/tmux-0/default,1,0", "KITTY_WINDOW_ID=1"})
	if cmd != nil {
		t.Error("tmux: no terminal query")
	}
	selectRef(t, m, "test/Pixels")
	press(t, m, "enter", "r")
	s := screen(m)
	if !strings.Contains(s, "▀") || strings.Contains(s, string(kitty.Placeholder)) {
		t.Errorf("tmux preview is not half blocks:\n%s", ansiStrip(s))
	}
}

func collectMsgs(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	if b, ok := msg.(tea.BatchMsg); ok {
		var out []tea.Msg
		for _, c := range b {
			out = append(out, collectMsgs(c)...)
		}
		return out
	}
	return []tea.Msg{msg}
}

func TestKittyTransmissionGoesOutWithTheResult(t *testing.T) {
	m := newTestModel(t, 100, 30, "dark")
	m.com.Graphics.SetKind(graphics.KindKitty)
	selectRef(t, m, "test/Pixels")
	press(t, m, "enter")
	_, cmd := m.Update(keyMsg("r"))
	var sent strings.Builder
	for _, msg := range collectMsgs(cmd) {
		if fmt.Sprintf("%T", msg) != "try.runDoneMsg" {
			continue
		}
		_, cmd := m.Update(msg)
		for _, msg := range collectMsgs(cmd) {
			if r, ok := msg.(tea.RawMsg); ok {
				sent.WriteString(r.Msg.(string))
			}
		}
	}
	if strings.Count(sent.String(), "a=T,f=100,t=d,i=") != 1 || !strings.Contains(sent.String(), ",U=1,c=4,r=2,q=2,m=0;") {
		t.Errorf("transmission %q", sent.String())
	}
}

func TestResizeDefersTransmission(t *testing.T) {
	m := newTestModel(t, 100, 30, "dark")
	m.com.Graphics.SetKind(graphics.KindKitty)
	img, _ := png.Decode(bytes.NewReader(testPNG()))
	m.com.Graphics.Picture("x", img, testPNG(), "png", 4, 2)
	var raw strings.Builder
	rawOf := func(cmd tea.Cmd) {
		for _, msg := range collectMsgs(cmd) {
			if r, ok := msg.(tea.RawMsg); ok {
				raw.WriteString(r.Msg.(string))
			}
		}
	}
	var settle tea.Msg
	m.com.Clock.Tick = func(_ time.Duration, f func(time.Time) tea.Msg) tea.Cmd {
		settle = f(testTime)
		return nil
	}
	_, cmd := m.Update(tea.WindowSizeMsg{Width: 90, Height: 30})
	rawOf(cmd)
	_, cmd = m.Update(tea.WindowSizeMsg{Width: 80, Height: 30})
	rawOf(cmd)
	if raw.Len() != 0 || settle == nil {
		t.Fatalf("sent during the resize: %q", raw.String())
	}
	_, cmd = m.Update(graphicsFlushMsg{gen: 1}) // a stale settle timer
	rawOf(cmd)
	if raw.Len() != 0 {
		t.Fatal("a stale timer flushed")
	}
	_, cmd = m.Update(settle)
	rawOf(cmd)
	if strings.Count(raw.String(), "a=T") != 1 {
		t.Errorf("after settling sent %q", raw.String())
	}
}

func TestBadImagesSettingIsReported(t *testing.T) {
	m := New(Options{Images: "sixel"})
	if m.com.Graphics.Kind() != graphics.KindHalfBlocks || m.com.Graphics.Mode() != graphics.ImagesHalfBlocks || !strings.Contains(m.status.Text(), "sixel image previews are not supported") {
		t.Errorf("kind %v mode %q status %q", m.com.Graphics.Kind(), m.com.Graphics.Mode(), m.status.Text())
	}
	if New(Options{}).com.Graphics.Mode() != graphics.ImagesAuto {
		t.Error("the default is auto")
	}
}
