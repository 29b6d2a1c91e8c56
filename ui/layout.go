package ui

// rect is a part of the screen, in cells.
type rect struct{ X, Y, W, H int }

func (r rect) contains(x, y int) bool {
	return x >= r.X && x < r.X+r.W && y >= r.Y && y < r.Y+r.H
}

// layout is where everything is in one frame. It is computed once per
// update (relayout) and used both to draw (View) and to find what the
// mouse points at, so the two can never disagree.
type layout struct {
	w, h     int
	tooSmall bool
	wide     bool // the catalog and the detail side by side
	catalog  rect // zero while zoomed or in the builder
	detail   rect // zero in the builder
	builder  rect // the builder filling the body, when focused
	compare  rect // the compare view filling the body, when open
	bar      rect // the chain's one line under the panes (zero: hidden)
	// detailHead is the detail pane's header lines: the title with the
	// tabs, then (when there is room) kinds, versions, license and tags.
	detailHead int
	footer     int // the row of the short help
	status     int // the row of the status line
	dialog     rect
}

const (
	// minW and minH are the smallest terminal the panes fit in.
	minW, minH = 40, 12
	// wideWidth is the width from which the panes sit side by side.
	wideWidth = 100
)

// computeLayout lays out the screen for the model's state.
func (m *Model) computeLayout() layout {
	w, h := m.com.Width, m.com.Height
	l := layout{w: w, h: h, wide: w >= wideWidth, footer: h - 2, status: h - 1}
	if w < minW || h < minH {
		l.tooSmall = true
		return l
	}
	body := rect{0, 0, w, h - 2}
	switch m.focus {
	case focusChain:
		l.builder = body
		l.dialog = m.dialogRect()
		return l
	case focusCompare:
		l.compare = body
		l.dialog = m.dialogRect()
		return l
	}
	if m.showBar() {
		body.H--
		l.bar = rect{0, body.H, w, 1}
	}
	switch {
	case m.zoom:
		l.detail = body
	case l.wide:
		// The catalog gets a good part of a wide screen: its taglines are
		// what tells models apart.
		catW := min(max(36, w*9/20), 100)
		l.catalog = rect{0, 0, catW, body.H}
		l.detail = rect{catW, 0, w - catW, body.H}
	default:
		catH := max(5, (body.H*2+2)/5)
		l.catalog = rect{0, 0, w, catH}
		l.detail = rect{0, catH, w, body.H - catH}
	}
	l.detailHead = 2
	if l.detail.H-m.com.Styles.Pane.GetVerticalFrameSize() < 11 {
		l.detailHead = 1 // a short pane keeps its rows for content
	}
	l.dialog = m.dialogRect()
	return l
}

// showBar says whether the chain's line sits under the panes: when there
// is a chain, outside the builder and the zoom.
func (m *Model) showBar() bool {
	return m.builder.Chain() != nil && !m.zoom && m.focus != focusChain
}

// dialogRect centres the dialog's box, a third of the way down.
func (m *Model) dialogRect() rect {
	if m.dialog == nil {
		return rect{}
	}
	bw, bh := m.dialog.Size()
	return rect{max(0, (m.com.Width-bw)/2), max(0, (m.com.Height-bh)/3), bw, bh}
}

// relayout computes this frame's layout and sizes the components whose
// share of the screen changed.
func (m *Model) relayout() {
	old := m.lay
	m.lay = m.computeLayout()
	l := m.lay
	m.cat.SetFocused(m.focus == focusCatalog && m.dialog == nil)
	if l.tooSmall || l == old {
		return
	}
	st := m.com.Styles
	if l.catalog.W > 0 && (l.catalog != old.catalog) {
		m.cat.SetSize(l.catalog.W, l.catalog.H)
	}
	if l.bar.W > 0 && l.bar != old.bar {
		m.bar.SetSize(l.bar.W, l.bar.H)
	}
	if l.builder.W > 0 && l.builder != old.builder {
		m.builder.SetSize(l.builder.W, l.builder.H)
	}
	if l.compare.W > 0 && l.compare != old.compare {
		m.compare.SetSize(l.compare.W, l.compare.H)
	}
	if l.detail.W > 0 && (l.detail != old.detail || l.detailHead != old.detailHead) {
		iw := max(1, l.detail.W-st.Pane.GetHorizontalFrameSize())
		ih := max(1, l.detail.H-st.Pane.GetVerticalFrameSize()-l.detailHead)
		m.docs.SetSize(iw, ih)
		m.try.SetSize(iw, ih)
		m.code.SetSize(iw, ih)
	}
}
