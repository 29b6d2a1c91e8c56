// Package chainbar is the chain's one line under the panes: its name, its
// steps with their newest progress (chainbar.Pipeline, which the builder's
// own pipeline line draws too) and the last run's state, with the key that
// opens the builder. An empty chain takes no line: the root hides the bar.
package chainbar

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"pipette/ui/common"
	"pipette/ui/keys"
)

// Bar is the chain bar.
type Bar struct {
	com   *common.Common
	w     int
	chain *Chain
}

// New makes a bar with no chain.
func New(com *common.Common) *Bar { return &Bar{com: com} }

func (b *Bar) Init() tea.Cmd { return nil }

// Update takes nothing: the bar draws what SetChain gave it.
func (b *Bar) Update(tea.Msg) tea.Cmd { return nil }

// SetSize gives the bar its width (it is one line high).
func (b *Bar) SetSize(w, _ int) { b.w = w }

// SetChain is the chain to draw (nil for none).
func (b *Bar) SetChain(c *Chain) { b.chain = c }

// View is the bar, one line of its width.
func (b *Bar) View() string {
	st := b.com.Styles
	w := b.w - 2
	hint := ""
	if kb := b.com.Keys.Find(keys.ScopeGlobal, keys.ChainFocus); kb != nil && kb.Enabled() {
		hint = st.Muted.Render("  " + kb.Help().Key + " opens")
	}
	return " " + ansi.Truncate(b.summary(w-ansi.StringWidth(hint))+hint, w, "") + " "
}

// summary is the chain in w cells: its name, the pipeline, the last run.
func (b *Bar) summary(w int) string {
	st, spin := b.com.Styles, b.com.Spinner()
	if b.chain == nil {
		return st.Title.Render("chain") + st.Muted.Render(" "+st.Dot+" empty")
	}
	c := *b.chain
	status := RunStatus(b.com, c.Run, spin)
	pw := max(1, w-ansi.StringWidth(c.Name)-2-ansi.StringWidth(status)-1)
	return common.FitRow(st.Title.Render(c.Name)+"  "+Pipeline(b.com, c, false, pw, spin), status, w)
}

// ShortHelp is the key that opens the builder.
func (b *Bar) ShortHelp() []key.Binding {
	return b.com.Keys.Short(keys.ScopeGlobal, keys.Label{ID: keys.ChainFocus, Desc: "opens"})
}

// FullHelp is the chain's global keys: open the builder, add a step.
func (b *Bar) FullHelp() [][]key.Binding {
	return [][]key.Binding{b.com.Keys.Short(keys.ScopeGlobal,
		keys.Label{ID: keys.ChainFocus, Desc: "open the chain builder"}, keys.Label{ID: keys.ChainAdd, Desc: "add the model to the chain"})}
}
