package dialog

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"pipette/ui/common"
	"pipette/ui/components/editor"
	"pipette/ui/components/params"
)

// SetParams is the parameters a chat or completion call is made with.
type SetParams struct{ Params params.Params }

func (SetParams) dialogAction() {}

// Params is the small form of a chat model's parameters: system prompt,
// temperature, max tokens, stop. Enter on the last field (or ctrl+s)
// keeps them, once they read right; a mistake is said under the fields.
type Params struct {
	com    *common.Common
	title  string
	inputs [4]textinput.Model
	focus  int
	err    string
	w, h   int
}

// NewParams is the form for the model named title, filled with p.
func NewParams(com *common.Common, title string, p params.Params) *Params {
	d := &Params{com: com, title: title}
	f := p.Fields()
	for i := range d.inputs {
		in := textinput.New()
		in.Prompt = ""
		in.Placeholder = params.Hints[i]
		in.CharLimit = 4096
		in.SetStyles(editor.InputStyles(com))
		in.SetValue(f[i])
		d.inputs[i] = in
	}
	d.inputs[0].Focus()
	return d
}

func (d *Params) SetSize(w, h int) {
	d.w = max(1, min(w-4, 80))
	d.h = min(h-2, 4+len(d.inputs)+d.com.Styles.Overlay.GetVerticalFrameSize())
	for i := range d.inputs {
		d.inputs[i].SetWidth(max(1, d.w-d.com.Styles.Overlay.GetHorizontalFrameSize()-labelW-1))
	}
}

// labelW is the width of the fields' labels.
const labelW = 15

func (d *Params) Size() (int, int) { return d.w, d.h }
func (d *Params) Modal() bool      { return true }
func (d *Params) Scroll(int)       {}

func (d *Params) move(n int) tea.Cmd {
	d.inputs[d.focus].Blur()
	d.focus = (d.focus + n + len(d.inputs)) % len(d.inputs)
	return d.inputs[d.focus].Focus()
}

func (d *Params) Update(msg tea.Msg) (Action, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch k.String() {
		case "esc":
			return Close{}, nil
		case "tab", "down":
			return nil, d.move(1)
		case "shift+tab", "up":
			return nil, d.move(-1)
		case "enter", "ctrl+s":
			if k.String() == "enter" && d.focus < len(d.inputs)-1 {
				return nil, d.move(1)
			}
			return d.submit(), nil
		}
	}
	var cmd tea.Cmd
	d.inputs[d.focus], cmd = d.inputs[d.focus].Update(msg)
	return nil, cmd
}

// submit checks the fields; a mistake keeps the form open and says so.
func (d *Params) submit() Action {
	var f params.Fields
	for i, in := range d.inputs {
		f[i] = in.Value()
	}
	p, err := params.Parse(f)
	if err != nil {
		d.err = err.Error()
		return nil
	}
	return SetParams{Params: p}
}

// Click focuses the field at y.
func (d *Params) Click(_, y int) Action {
	row := y - d.com.Styles.Overlay.GetBorderTopSize() - d.com.Styles.Overlay.GetPaddingTop() - 2
	if row >= 0 && row < len(d.inputs) {
		d.move(row - d.focus)
	}
	return nil
}

func (d *Params) View() string {
	st := d.com.Styles
	iw := max(1, d.w-st.Overlay.GetHorizontalFrameSize())
	lines := []string{
		ansi.Truncate(st.Title.Render("Parameters")+st.Muted.Render(" · "+d.title), iw, st.Ellipsis),
		st.Muted.Render(ansi.Truncate("empty fields are left to the model · enter on the last field keeps them", iw, st.Ellipsis)),
	}
	for i, in := range d.inputs {
		label := st.Muted
		if i == d.focus {
			label = st.Accent
		}
		lines = append(lines, label.Render(common.FitRow(params.Names[i], "", labelW))+" "+in.View())
	}
	if d.err != "" {
		lines = append(lines, st.Error.Render(ansi.Truncate(d.err, iw, st.Ellipsis)))
	}
	return st.Overlay.Width(d.w).Height(d.h).Render(strings.Join(lines, "\n"))
}

func (d *Params) ShortHelp() []key.Binding {
	return []key.Binding{
		key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next field")),
		key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "keep")),
		key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
}
func (d *Params) FullHelp() [][]key.Binding { return [][]key.Binding{d.ShortHelp()} }
