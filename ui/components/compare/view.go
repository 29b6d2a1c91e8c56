package compare

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"pipette/catalog"
	"pipette/internal/human"
	"pipette/ui/common"
	"pipette/ui/components/modelinfo"
	"pipette/ui/components/value"
)

// View is the header, the input, the parameters line and the columns of
// the models on the page that holds the selected one.
func (c *Compare) View() string {
	st := c.com.Styles
	if c.styled != c.com.Styles {
		c.styled = c.com.Styles
		c.input.SetStyles(editorStyles(c))
	}
	per := c.perPage()
	first := c.sel / per * per
	head := st.Title.Render("Compare") + st.Muted.Render(fmt.Sprintf(" %s %d models", st.Dot, len(c.models)))
	if per < len(c.models) {
		pages := (len(c.models) + per - 1) / per
		head += st.Muted.Render(fmt.Sprintf(" %s page %d/%d %s ←/→", st.Dot, first/per+1, pages, st.Dot))
	}
	head += st.Muted.Render(" " + st.Dot + " input:")
	lines := []string{" " + ansi.Truncate(head, c.w-2, st.Ellipsis)}
	for _, l := range strings.Split(c.inputView(), "\n") {
		lines = append(lines, " "+l)
	}
	lines = append(lines, " "+ansi.Truncate(c.paramsLine(), c.w-2, st.Ellipsis))
	colH := c.h - len(lines)
	if colH < 4 {
		return common.Clip(strings.Join(lines, "\n"), c.w, c.h)
	}
	var cols []string
	colW := c.w / per
	for i := first; i < min(first+per, len(c.models)); i++ {
		w := colW
		if i == first+per-1 || i == len(c.models)-1 {
			w = c.w - colW*(i-first) // the last column takes the rest
		}
		cols = append(cols, c.column(i, w, colH))
	}
	return strings.Join(lines, "\n") + "\n" + lipgloss.JoinHorizontal(lipgloss.Top, cols...)
}

func (c *Compare) inputView() string {
	st := c.com.Styles
	if c.editing {
		return c.input.View()
	}
	h := c.input.Height()
	var out []string
	for _, l := range strings.Split(c.input.Value(), "\n") {
		if len(out) == h {
			break
		}
		out = append(out, st.Text.Render(ansi.Truncate(l, c.w-2, st.Ellipsis)))
	}
	if c.input.Value() == "" {
		out = []string{st.Muted.Render("empty · i types the input every model gets")}
	}
	for len(out) < h {
		out = append(out, "")
	}
	return strings.Join(out, "\n")
}

func (c *Compare) paramsLine() string {
	st := c.com.Styles
	if s := c.params.Summary(); s != "" {
		return st.Muted.Render("parameters: ") + st.Text.Render(s)
	}
	return st.Muted.Render("the models' own parameters · p sets system prompt, temperature, max tokens, stop")
}

// textHeight is the rows of text a column shows under its title and
// status lines.
func (c *Compare) textHeight() int {
	fixed := 1 + inputHeight(c.h) + 1
	return max(1, c.h-fixed-c.com.Styles.Pane.GetVerticalFrameSize()-2)
}

// column is model i's box: its reference, what it is, its state and
// timing, and its answer so far (the end of it while it streams).
func (c *Compare) column(i, w, h int) string {
	st := c.com.Styles
	frame := st.Pane
	if i == c.sel {
		frame = st.PaneFocused
	}
	iw := max(1, w-frame.GetHorizontalFrameSize())
	e := c.models[i]
	lines := []string{st.Title.Render(ansi.Truncate(e.Ref.Path(), iw, st.Ellipsis)), c.statusLine(i, iw)}
	text := c.columnLines(i)
	th := max(1, h-frame.GetVerticalFrameSize()-2)
	start := c.scroll[i]
	if start < 0 || start > len(text)-th {
		start = max(0, len(text)-th)
	}
	lines = append(lines, text[start:min(len(text), start+th)]...)
	return frame.Width(w).Height(h).Render(common.Clip(strings.Join(lines, "\n"), iw, h-frame.GetVerticalFrameSize()))
}

// statusLine is a column's state: waiting, streaming with the timing so
// far, done with the model's timing, failed, or not runnable here.
func (c *Compare) statusLine(i, w int) string {
	st := c.com.Styles
	e, r := c.models[i], c.runs[i]
	var s string
	switch {
	case e.Unavailable != "":
		s = st.StatusWarn.Render("unavailable: " + e.Unavailable)
	case r == nil:
		s = st.Muted.Render(strings.Join(modelinfo.Meta(e.Model), " · "))
		if e.Model == nil {
			s = st.Muted.Render(string(e.InputKind) + " → " + string(e.OutputKind))
		}
	case r.Running() && r.Pieces == 0:
		s = st.Accent.Render(c.com.Spinner() + " waiting for the first token · " + c.com.Duration(r.Elapsed))
	case r.Running():
		s = st.Accent.Render(c.com.Spinner() + " " + r.Timing().Short(c.com))
	case r.Err != nil:
		s = st.Error.Render("✗ " + catalog.AsError(r.Err).Type)
		if t := r.Timing().Short(c.com); t != "" {
			s += st.Muted.Render(" · " + t)
		}
	default:
		s = st.Success.Render("✓ ") + st.Muted.Render(r.Timing().Short(c.com))
	}
	return ansi.Truncate(s, w, st.Ellipsis)
}

// columnLines is model i's answer so far, wrapped to its column.
func (c *Compare) columnLines(i int) []string {
	st := c.com.Styles
	per := c.perPage()
	w := max(1, c.w/per-st.Pane.GetHorizontalFrameSize())
	r := c.runs[i]
	if r == nil {
		return nil
	}
	var out string
	switch {
	case r.Err != nil && r.Pieces == 0:
		out = st.Error.Render(common.WrapText(catalog.AsError(r.Err).Message, w))
	case r.Pieces > 0 || r.Resp == nil:
		text, before := r.Tail(value.MaxShown)
		if before > 0 {
			text = fmt.Sprintf("… %s before\n", human.Bytes(int64(before))) + text
		}
		out = st.Text.Render(common.WrapText(text, w))
		if r.Err != nil {
			out += "\n" + st.Error.Render(common.WrapText(catalog.AsError(r.Err).Message, w))
		}
	default:
		if s, ok := modelinfo.Embedding(r.Resp.Value, w); ok {
			out = st.Text.Render(s)
		} else {
			out = value.Render(c.com, fmt.Sprintf("compare-%d", i), r.Resp.Value, w, 8, value.Options{ElideStrings: true})
		}
	}
	return strings.Split(common.WrapText(out, w), "\n")
}
