package dialog

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"pipette/ui/common"
)

// Option is one answer to a Confirm, chosen with its key.
type Option struct {
	Key    string
	Label  string
	Choice Choice
}

// Confirm is a question answered with one key; enter takes the first
// option, and esc the ChoiceNo option when there is one. A click outside
// does not dismiss it.
type Confirm struct {
	com      *common.Common
	question Question
	title    string
	lines    []string
	options  []Option
	w, h     int
}

// NewConfirm asks q.
func NewConfirm(com *common.Common, q Question, title string, lines []string, options ...Option) *Confirm {
	return &Confirm{com: com, question: q, title: title, lines: lines, options: options}
}

// Question is what the box asks.
func (c *Confirm) Question() Question { return c.question }

func (c *Confirm) Update(msg tea.Msg) (Action, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil, nil
	}
	s := k.String()
	for i, o := range c.options {
		if s == o.Key || (s == "enter" && i == 0) || (s == "esc" && o.Choice == ChoiceNo) {
			return Answer{Question: c.question, Choice: o.Choice}, nil
		}
	}
	return nil, nil
}

func (c *Confirm) Click(int, int) Action { return nil }
func (c *Confirm) Scroll(int)            {}
func (c *Confirm) Modal() bool           { return true }

func (c *Confirm) SetSize(w, h int) {
	c.w = max(1, min(w-4, 70))
	c.h = c.com.Styles.Overlay.GetVerticalFrameSize() + len(c.lines) + 3
}

func (c *Confirm) Size() (int, int) { return c.w, c.h }

func (c *Confirm) View() string {
	st := c.com.Styles
	lines := []string{st.Title.Render(c.title)}
	for _, l := range c.lines {
		lines = append(lines, st.Text.Render(common.Truncate(l, c.w-4)))
	}
	var opts []string
	for _, o := range c.options {
		opts = append(opts, st.HelpKey.Render(o.Key)+" "+st.HelpDesc.Render(o.Label))
	}
	lines = append(lines, "", strings.Join(opts, st.HelpSep.Render(" "+st.Dot+" ")))
	return st.Overlay.Width(c.w).Render(strings.Join(lines, "\n"))
}

// ShortHelp is the options, then enter for the first.
func (c *Confirm) ShortHelp() []key.Binding {
	var out []key.Binding
	for _, o := range c.options {
		label, _, _ := strings.Cut(o.Label, " (")
		out = append(out, key.NewBinding(key.WithKeys(o.Key), key.WithHelp(o.Key, label)))
	}
	if len(c.options) > 0 {
		out = append(out, key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", c.options[0].Label)))
	}
	return out
}

func (c *Confirm) FullHelp() [][]key.Binding { return [][]key.Binding{c.ShortHelp()} }
