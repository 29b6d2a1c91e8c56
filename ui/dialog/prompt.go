package dialog

import (
	"pipette/ui/components/editor"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"pipette/ui/common"
)

// Prompt asks for one line: a path, a name.
type Prompt struct {
	com     *common.Common
	purpose Purpose
	title   string
	input   textinput.Model
	// selected says the suggested value is still whole and selected, as a
	// default is in any GUI: the first key that types or deletes replaces
	// it; a key that moves the cursor keeps it to be edited.
	selected bool
	err      string
	w, h     int
}

// NewPrompt asks for purpose's text, suggesting value.
func NewPrompt(com *common.Common, purpose Purpose, title, value string) *Prompt {
	in := textinput.New()
	in.Prompt = "> "
	in.SetValue(value)
	in.CursorEnd()
	in.SetStyles(editor.InputStyles(com))
	in.Focus()
	return &Prompt{com: com, purpose: purpose, title: title, input: in, selected: value != ""}
}

// Purpose is what the prompt asks for.
func (p *Prompt) Purpose() Purpose { return p.purpose }

// Value is the text typed so far.
func (p *Prompt) Value() string { return p.input.Value() }

// SetError keeps the prompt open with a sentence saying what to fix.
func (p *Prompt) SetError(s string) { p.err = s }

func (p *Prompt) Update(msg tea.Msg) (Action, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		switch msg.String() {
		case "esc":
			return Close{}, nil
		case "enter":
			v := strings.TrimSpace(p.input.Value())
			if v == "" {
				p.err = "type a value, or esc to cancel"
				return nil, nil
			}
			return Submit{Purpose: p.purpose, Value: v}, nil
		}
		if p.selected {
			p.selected = false
			switch {
			case msg.Text != "":
				p.input.SetValue("")
			case msg.String() == "backspace" || msg.String() == "delete" || msg.String() == "ctrl+u":
				p.input.SetValue("")
				return nil, nil
			}
		}
	case tea.PasteMsg:
		if p.selected {
			p.selected = false
			p.input.SetValue("")
		}
	}
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	return nil, cmd
}

func (p *Prompt) Click(int, int) Action { return nil }
func (p *Prompt) Scroll(int)            {}
func (p *Prompt) Modal() bool           { return false }

func (p *Prompt) SetSize(w, h int) {
	p.w = max(1, min(w-4, 70))
	p.input.SetWidth(max(1, p.w-p.com.Styles.Overlay.GetHorizontalFrameSize()-3))
	p.h = p.com.Styles.Overlay.GetVerticalFrameSize() + len(p.lines())
}

func (p *Prompt) Size() (int, int) { return p.w, p.h }

func (p *Prompt) lines() []string {
	st := p.com.Styles
	in := p.input.View()
	if p.selected {
		// The suggestion is selected: drawn as a selection, cursor after it.
		in = st.Accent.Render(p.input.Prompt) + st.Selected.Render(p.input.Value())
	}
	lines := []string{st.Title.Render(p.title), in}
	if p.err != "" {
		lines = append(lines, st.Error.Render(ansi.Truncate(p.err, max(1, p.w-4), st.Ellipsis)))
	}
	hint := "enter confirm · esc cancel · ~ is your home"
	if p.selected {
		hint = "typing replaces the suggestion · ←/→ edit it · enter confirm · esc cancel"
	}
	return append(lines, st.Muted.Render(ansi.Truncate(hint, max(1, p.w-4), st.Ellipsis)))
}

func (p *Prompt) View() string {
	st := p.com.Styles
	return st.Overlay.Width(p.w).Render(strings.Join(p.lines(), "\n"))
}

func (p *Prompt) ShortHelp() []key.Binding {
	return []key.Binding{key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "confirm")), key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))}
}
func (p *Prompt) FullHelp() [][]key.Binding { return [][]key.Binding{p.ShortHelp()} }
