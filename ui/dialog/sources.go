package dialog

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"pipette/catalog"
	"pipette/internal/human"
	"pipette/ui/common"
	"pipette/ui/components/sources"
)

// PickSource narrows the catalog to the models of one source ("" is every
// source).
type PickSource struct{ Source string }

func (PickSource) dialogAction() {}

// SourceCount is a source of the catalog (the built-ins, a server, a
// remote source) and how many of the listed models are its.
type SourceCount struct {
	Name   string
	Models int
}

// Sources lists the catalog's sources with their status — up, or down and
// why, or not answered yet; their models and when they were last asked —
// kept up to date while it is open (SetStatuses), and narrows the catalog
// to the one chosen.
type Sources struct {
	com      *common.Common
	base     []SourceCount // the catalog's own sources (built-ins, chains)
	statuses []catalog.SourceStatus
	counts   map[string]int
	current  string // the facet in force
	cursor   int
	w, h     int
}

// NewSources is the sources dialog. base are the sources of the catalog
// that have no status (the built-ins); counts the models listed per
// source; current the source the catalog is narrowed to.
func NewSources(com *common.Common, base []SourceCount, statuses []catalog.SourceStatus, counts map[string]int, current string) *Sources {
	d := &Sources{com: com, base: base, statuses: statuses, counts: counts, current: current}
	for i, name := range d.names() {
		if name == current {
			d.cursor = i
		}
	}
	return d
}

// SetStatuses shows new statuses (the watch checked again).
func (d *Sources) SetStatuses(st []catalog.SourceStatus, counts map[string]int) {
	d.statuses, d.counts = st, counts
	d.SetSize(d.com.Width, d.com.Height)
}

// names are the rows' sources: "" (all), the base's, the remote ones.
func (d *Sources) names() []string {
	out := []string{""}
	for _, b := range d.base {
		out = append(out, b.Name)
	}
	for _, s := range d.statuses {
		out = append(out, s.Name)
	}
	return out
}

func (d *Sources) SetSize(w, h int) {
	d.w = max(1, min(w-4, 96))
	rows := 1 + len(d.base) + 2*len(d.statuses)
	d.h = max(6, min(h-2, rows+3+d.com.Styles.Overlay.GetVerticalFrameSize()))
	d.cursor = max(0, min(d.cursor, len(d.names())-1))
}

func (d *Sources) Size() (int, int) { return d.w, d.h }
func (d *Sources) Modal() bool      { return false }

func (d *Sources) Update(msg tea.Msg) (Action, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil, nil
	}
	switch k.String() {
	case "esc", "q":
		return Close{}, nil
	case "up", "k", "ctrl+p":
		d.Scroll(-1)
	case "down", "j", "ctrl+n":
		d.Scroll(1)
	case "enter":
		return PickSource{Source: d.names()[d.cursor]}, nil
	}
	return nil, nil
}

func (d *Sources) Scroll(n int) { d.cursor = max(0, min(d.cursor+n, len(d.names())-1)) }

// Click chooses the source whose row is at y.
func (d *Sources) Click(_, y int) Action {
	row := y - d.com.Styles.Overlay.GetBorderTopSize() - d.com.Styles.Overlay.GetPaddingTop() - 2
	line := 0
	for i, name := range d.names() {
		n := 1
		if i > len(d.base) {
			n = 2
		}
		if row >= line && row < line+n {
			return PickSource{Source: name}
		}
		line += n
	}
	return nil
}

func (d *Sources) View() string {
	st := d.com.Styles
	iw := max(1, d.w-st.Overlay.GetHorizontalFrameSize())
	ih := max(1, d.h-st.Overlay.GetVerticalFrameSize())
	down := 0
	for _, s := range d.statuses {
		if s.State == catalog.SourceDown {
			down++
		}
	}
	head := st.Title.Render("Sources") + st.Muted.Render(fmt.Sprintf("  %d remote", len(d.statuses)))
	if down > 0 {
		head += st.Error.Render(fmt.Sprintf(" · %d down", down))
	}
	lines := []string{ansi.Truncate(head, iw, ""), st.Muted.Render(ansi.Truncate(fmt.Sprintf("enter narrows the catalog to a source · checked every %d s", int(sources.PollEvery/time.Second)), iw, st.Ellipsis))}
	now := d.com.Clock.Time()
	total := 0
	for _, n := range d.counts {
		total += n
	}
	lines = append(lines, d.row(0, " ", "all sources", human.Plural(total, "model"), iw))
	for i, b := range d.base {
		lines = append(lines, d.row(1+i, " ", b.Name+"  built in", human.Plural(b.Models, "model"), iw))
	}
	for i, s := range d.statuses {
		title, detail, right := sources.Line(d.com, s, now)
		if n, ok := d.counts[s.Name]; ok && s.State == catalog.SourceDown {
			right = human.Plural(n, "model") + " kept" + strings.TrimPrefix(right, human.Plural(s.Models, "model"))
		}
		lines = append(lines, d.row(1+len(d.base)+i, sources.Mark(d.com, s), title, right, iw))
		style := st.Muted
		if s.State == catalog.SourceDown {
			style = st.Error
		}
		lines = append(lines, "    "+style.Render(ansi.Truncate(detail, max(1, iw-4), st.Ellipsis)))
	}
	if len(lines) > ih {
		// Keep the cursor's row in view: drop rows from the top.
		lines = append(lines[:2], lines[min(len(lines)-ih+2, 2+d.cursor):]...)
	}
	return st.Overlay.Width(d.w).Height(d.h).Render(strings.Join(lines[:min(len(lines), ih)], "\n"))
}

// row is one source's first line: its mark and title, then right-aligned
// what it listed, highlighted under the cursor and marked when it is the
// facet in force.
func (d *Sources) row(i int, mark, title, right string, iw int) string {
	st := d.com.Styles
	if d.names()[i] == d.current {
		right = "shown · " + right
	}
	// The mark is one cell, or a word in --plain ("(down)").
	line := common.FitRow(title, right, max(1, iw-ansi.StringWidth(mark)-1))
	if i == d.cursor {
		return mark + " " + st.Text.Inherit(st.Selected).Render(line)
	}
	return mark + " " + st.Text.Render(title) + st.Muted.Render(strings.TrimPrefix(line, title))
}

func (d *Sources) ShortHelp() []key.Binding {
	return []key.Binding{closeKey, key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "narrow to it")), moveKey}
}
func (d *Sources) FullHelp() [][]key.Binding { return [][]key.Binding{d.ShortHelp()} }
