package dialog

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"pipette/ui/common"
	"pipette/ui/keys"
)

// Help is every binding by scope, in as many columns as fit, scrolled when
// taller than the screen.
type Help struct {
	com        *common.Common
	configPath string
	off        int
	lines      []string // the body, laid out for w
	w, h       int
}

// NewHelp shows the bindings; configPath is where they can be remapped.
func NewHelp(com *common.Common, configPath string) *Help {
	return &Help{com: com, configPath: configPath}
}

func (d *Help) Update(msg tea.Msg) (Action, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil, nil
	}
	switch k.String() {
	case "esc", "?", "q", "enter":
		return Close{}, nil
	case "up", "k":
		d.Scroll(-1)
	case "down", "j":
		d.Scroll(1)
	case "pgup":
		d.Scroll(-d.h / 2)
	case "pgdown", "space":
		d.Scroll(d.h / 2)
	case "home", "g":
		d.Scroll(-len(d.lines))
	case "end", "G":
		d.Scroll(len(d.lines))
	}
	return nil, nil
}

func (d *Help) Click(int, int) Action { return nil }
func (d *Help) Modal() bool           { return false }

// Scroll moves the text by n lines.
func (d *Help) Scroll(n int) { d.off = max(0, min(d.off+n, d.maxOff())) }

func (d *Help) bodyHeight() int {
	return max(1, d.h-d.com.Styles.Overlay.GetVerticalFrameSize()-1) // one line for the hint
}

func (d *Help) maxOff() int { return max(0, len(d.lines)-d.bodyHeight()) }

func (d *Help) SetSize(w, h int) {
	d.w = max(1, min(w-2, 120))
	d.lines = d.layout(d.w - d.com.Styles.Overlay.GetHorizontalFrameSize())
	d.h = min(h-2, len(d.lines)+1+d.com.Styles.Overlay.GetVerticalFrameSize())
	d.off = max(0, min(d.off, d.maxOff()))
}

func (d *Help) Size() (int, int) { return d.w, d.h }

// layout is the columns of bindings, one per scope, wrapped to iw.
func (d *Help) layout(iw int) []string {
	st, km := d.com.Styles, d.com.Keys
	keyW := 0
	for _, b := range km.All() {
		keyW = max(keyW, ansi.StringWidth(b.Help().Key))
	}
	var cols []string
	for _, sc := range []keys.Scope{keys.ScopeGlobal, keys.ScopeCatalog, keys.ScopeDocs, keys.ScopeTry, keys.ScopeCode, keys.ScopeChain, keys.ScopeCompare} {
		lines := []string{st.Title.Render(sc.String())}
		for _, b := range km.InScope(sc) {
			if !b.Enabled() {
				continue
			}
			k := b.Help().Key
			lines = append(lines, st.HelpKey.Render(k)+strings.Repeat(" ", keyW-ansi.StringWidth(k)+1)+st.HelpDesc.Render(b.Help().Desc))
		}
		cols = append(cols, strings.Join(lines, "\n"))
	}
	var rows, row []string
	rowW := 0
	for _, c := range cols {
		cw := lipgloss.Width(c) + 3
		if rowW+cw > iw && len(row) > 0 {
			rows = append(rows, lipgloss.JoinHorizontal(lipgloss.Top, row...))
			row, rowW = nil, 0
		}
		row = append(row, lipgloss.NewStyle().PaddingRight(3).Render(c))
		rowW += cw
	}
	if len(row) > 0 {
		rows = append(rows, lipgloss.JoinHorizontal(lipgloss.Top, row...))
	}
	body := strings.Join(rows, "\n\n") + "\n\n" + st.Muted.Render(common.WrapText("keys can be remapped in "+d.configPath+" · ctrl+p searches them", iw))
	lines := strings.Split(body, "\n")
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, iw, "")
	}
	return lines
}

func (d *Help) View() string {
	st := d.com.Styles
	ih := d.bodyHeight()
	lines := append([]string(nil), d.lines[min(d.off, len(d.lines)):min(len(d.lines), d.off+ih)]...)
	hint := "esc closes"
	if m := d.maxOff(); m > 0 {
		hint = fmt.Sprintf("↑/↓ scroll · line %d/%d · esc closes", d.off+1, len(d.lines))
	}
	lines = append(lines, st.Muted.Render(ansi.Truncate(hint, max(1, d.w-st.Overlay.GetHorizontalFrameSize()), "")))
	return st.Overlay.Width(d.w).Render(strings.Join(lines, "\n"))
}

func (d *Help) ShortHelp() []key.Binding {
	return []key.Binding{closeKey, key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "scroll"))}
}
func (d *Help) FullHelp() [][]key.Binding { return [][]key.Binding{d.ShortHelp()} }
