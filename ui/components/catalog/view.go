package catalog

import (
	"fmt"
	"pipette/themes"
	"strings"
	"unicode/utf8"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"pipette/catalog"
	"pipette/ui/common"
	"pipette/ui/components/editor"
	"pipette/ui/components/modelinfo"
)

// frameOf names the list's frame style for common.Frame's cache.
type frameOf struct {
	styles  *themes.Styles
	focused bool
}

// inputView draws the filter input in the theme on screen (a copy is
// restyled when the theme changed since the input was last styled: View
// changes nothing).
func (l *List) inputView() string {
	in := l.input
	if l.styled != l.com.Styles {
		in.SetStyles(editor.InputStyles(l.com))
	}
	return in.View()
}

// View draws the list in its size: the title with the count, the filter
// line, then the rows on screen.
func (l *List) View() string {
	focused := l.focused
	spin := l.com.Spinner()
	frame := l.com.Styles.Pane
	if focused {
		frame = l.com.Styles.PaneFocused
	}
	iw := max(1, l.w-frame.GetHorizontalFrameSize())
	ih := max(1, l.h-frame.GetVerticalFrameSize())
	lines := make([]string, 0, ih)

	// The count comes before the source name so that a narrow pane cuts
	// the (long) server address, not the number.
	title := l.com.Styles.Title.Render("pipette")
	switch {
	case l.loading:
		title += l.com.Styles.Muted.Render(" " + l.com.Styles.Dot + " " + spin + " loading")
	case l.ix != nil:
		count := fmt.Sprintf("%d models", l.ix.Len())
		if l.applyValid && l.applied != "" || l.tag != "" || l.from != "" {
			count = fmt.Sprintf("%d of %d", len(l.matches), l.ix.Len())
		}
		title += l.com.Styles.Muted.Render(" " + l.com.Styles.Dot + " " + count)
		if l.sortBy != SortName {
			title += l.com.Styles.Muted.Render(" " + l.com.Styles.Dot + " " + strings.TrimPrefix(sortNames[l.sortBy], "by "))
		}
	}
	if s := l.srcs.Summary(iw); s != "" {
		// The sources with their status stand for the catalog's long name.
		title += l.com.Styles.Muted.Render(" "+l.com.Styles.Dot+" ") + s
	} else {
		title += l.com.Styles.Muted.Render(" " + l.com.Styles.Dot + " " + l.source)
	}
	lines = append(lines, ansi.Truncate(title, iw, l.com.Styles.Ellipsis))

	filter := ""
	switch {
	case l.filtering || l.input.Value() != "":
		filter = l.inputView()
	default:
		filter = l.com.Styles.Muted.Render("/ filter")
	}
	if l.tag != "" {
		filter = l.com.Styles.Tag.Render("#"+l.tag) + " " + filter
	}
	if l.from != "" {
		filter = l.com.Styles.Tag.Render("@"+l.from) + " " + filter
	}
	if l.pending && !l.loading {
		filter += " " + l.com.Styles.Muted.Render(spin)
	}
	lines = append(lines, ansi.Truncate(filter, iw, ""))

	switch {
	case l.loading:
		lines = append(lines, l.com.Styles.Muted.Render(spin+" fetching the catalog"+l.com.Styles.Ellipsis))
	case l.err != nil:
		for _, line := range strings.Split(common.WrapText(l.err.Error(), iw), "\n") {
			lines = append(lines, l.com.Styles.Error.Render(line))
		}
		lines = append(lines, l.com.Styles.Muted.Render("press R to retry"))
	case len(l.matches) == 0 && l.applyValid:
		lines = append(lines, l.com.Styles.Muted.Render("no model matches; esc clears the filter"))
	default:
		end := min(len(l.matches), l.offset+l.PageHeight())
		refW := 0
		for i := l.offset; i < end; i++ {
			refW = max(refW, len(l.ix.Entry(l.matches[i].Index).Ref.Path()))
		}
		// The ref is what identifies a model: it gets the room first, and the
		// tagline what is left.
		refW = min(refW, max(12, iw-2-16))
		for i := l.offset; i < end; i++ {
			lines = append(lines, l.row(i, iw, refW, focused))
		}
	}
	if len(lines) > ih {
		lines = lines[:ih]
	}
	return l.frame.Render(frameOf{l.com.Styles, focused}, frame, l.w, l.h, lines)
}

// row renders one entry: marker, ref, tagline and kind badge, with the
// matched characters highlighted, cut to width w.
func (l *List) row(i, w, refW int, focused bool) string {
	m := l.matches[i]
	e := l.ix.Entry(m.Index)
	sel := i == l.cursor
	st := l.com.Styles
	style := func(which paintName) common.Paint { return l.paint(which, sel) }
	marker := "  "
	if l.marked != nil && l.marked(e.Ref.Path()) {
		marker = style(paintAccent).Render("• ")
	}
	if sel {
		marker = style(paintCursor).Render(st.Arrow + " ")
		if l.marked != nil && l.marked(e.Ref.Path()) {
			marker = style(paintCursor).Render(st.Arrow + "•")
		}
	}
	badge := kindBadge(e)
	tagline, inTag := e.Tagline, m.InTag
	if e.Model != nil {
		// A model's facts in columns, and its kind as the badge.
		badge, tagline, inTag = string(e.Model.Kind), "-", nil
	}
	badgeStyle := paintBadge
	if e.Unavailable != "" {
		// It is listed (its docs are worth reading) but cannot run here.
		badge, badgeStyle = "unavailable", paintWarn
	}
	showBadge := w >= 48 && badge != ""
	rest := w - 2
	ref := e.Ref.Path()
	out := marker + highlight(ref, m.InRef, min(refW, rest), style(paintText), style(paintMatch), st.Ellipsis)
	used := 2 + min(common.TextWidth(ref), min(refW, rest))
	pad := func(n int) string {
		if n <= 0 {
			return ""
		}
		return style(paintNone).Render(strings.Repeat(" ", n))
	}
	tagW := w - used - 2
	if showBadge {
		tagW -= common.TextWidth(badge) + 1
	}
	if tagW >= 8 && tagline != "" {
		out += pad(refW - (used - 2) + 2)
		used = 2 + refW + 2
		tagW = w - used
		if showBadge {
			tagW -= common.TextWidth(badge) + 1
		}
		if e.Model != nil {
			tagline = modelinfo.Row(e.Model, tagW)
		}
		t := highlight(tagline, inTag, tagW, style(paintMuted), style(paintMatch), st.Ellipsis)
		out += t
		used += common.TextWidth(t)
	}
	if showBadge && w-used >= common.TextWidth(badge)+1 {
		out += pad(w - used - common.TextWidth(badge))
		out += style(badgeStyle).Render(badge)
		used = w
	}
	if sel {
		out += pad(w - used)
	}
	return out
}

// kindBadge is "text→json" for an entry's input and output kinds.
func kindBadge(e catalog.Entry) string {
	if e.InputKind == "" && e.OutputKind == "" {
		return ""
	}
	short := func(k catalog.Kind) string {
		switch k {
		case catalog.KindBinary:
			return "bin"
		case "":
			return "?"
		}
		return string(k)
	}
	return short(e.InputKind) + "→" + short(e.OutputKind)
}

// highlight renders s cut to w cells with the bytes at positions (sorted byte
// offsets, as catalog.Match gives them) in hi and the rest in base.
func highlight(s string, positions []int, w int, base, hi common.Paint, tail string) string {
	if w <= 0 {
		return ""
	}
	if common.TextWidth(s) > w {
		cut := w - common.TextWidth(tail)
		if cut <= 0 {
			return base.Render(ansi.Truncate(s, w, ""))
		}
		s = ansi.Truncate(s, cut, "") + tail
	}
	if len(positions) == 0 {
		return base.Render(s)
	}
	var b strings.Builder
	var run strings.Builder
	runHi := false
	flush := func() {
		if run.Len() == 0 {
			return
		}
		if runHi {
			b.WriteString(hi.Render(run.String()))
		} else {
			b.WriteString(base.Render(run.String()))
		}
		run.Reset()
	}
	pi := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		for pi < len(positions) && positions[pi] < i {
			pi++
		}
		isHi := pi < len(positions) && positions[pi] == i
		if isHi != runHi {
			flush()
			runHi = isHi
		}
		run.WriteRune(r)
		i += size
	}
	flush()
	return b.String()
}

// paintName is one of the styles a row is drawn in.
type paintName int

const (
	paintText paintName = iota
	paintMatch
	paintMuted
	paintCursor
	paintAccent
	paintBadge
	paintWarn
	paintNone // the selected row's background between the parts
	paintCount
)

// paint is a row style as kept escape sequences (common.Paint), on the
// selected row's background when sel: a frame draws a screenful of rows
// with a few styles each.
func (l *List) paint(which paintName, sel bool) common.Paint {
	st := l.com.Styles
	if l.paints.styles != st {
		l.paints.styles = st
		for i, s := range []lipgloss.Style{st.Text, st.Match, st.Muted, st.Cursor, st.Accent, st.Badge, st.StatusWarn, lipgloss.NewStyle()} {
			l.paints.of[0][i] = common.NewPaint(s)
			l.paints.of[1][i] = common.NewPaint(s.Inherit(st.Selected))
		}
	}
	if sel {
		return l.paints.of[1][which]
	}
	return l.paints.of[0][which]
}

// rowPaints are the row styles of one theme.
type rowPaints struct {
	styles *themes.Styles
	of     [2][paintCount]common.Paint
}
