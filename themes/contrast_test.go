package themes

import (
	"fmt"
	"image/color"
	"math"
	"reflect"
	"testing"

	"charm.land/lipgloss/v2"
)

// WCAG 2.x: text needs 4.5:1 against what it is drawn on; borders,
// separators and the cursor, as non-text, 3:1.
const (
	textRatio    = 4.5
	nonTextRatio = 3.0
)

// luminance is WCAG's relative luminance of c.
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		s := float64(v) / 0xffff
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func hex(c color.Color) string {
	r, g, b, _ := c.RGBA()
	return fmt.Sprintf("#%02x%02x%02x", r>>8, g>>8, b>>8)
}

// terminalBackgrounds are what a theme's text may be drawn on when it sets
// no background itself: the palette is for dark or light terminals, whose
// backgrounds range from black to a dark grey, or from white to a light
// grey. The ANSI theme's colours are the terminal's own, checked here as
// xterm draws them on its default black or white.
func terminalBackgrounds(p Palette) []color.Color {
	switch {
	case p.Name == "ansi" && p.Dark:
		return []color.Color{lipgloss.Color("#000000")}
	case p.Name == "ansi":
		return []color.Color{lipgloss.Color("#ffffff")}
	case p.Dark:
		return []color.Color{lipgloss.Color("#000000"), lipgloss.Color("#282828")}
	}
	return []color.Color{lipgloss.Color("#ffffff"), lipgloss.Color("#f0f0f0")}
}

// nonText are the styles drawn as decoration, not read: separators, the
// row marker. Borders are checked apart.
var nonText = map[string]bool{"HelpSep": true, "Cursor": true, "Subtle": true}

// TestContrast computes, for every style of every theme, the contrast of
// its colour against every background it can be drawn on, and fails below
// WCAG AA.
func TestContrast(t *testing.T) {
	for _, p := range []Palette{Dark(), Light(), ANSI(true), ANSI(false), Plain()} {
		st := New(p)
		bgs := terminalBackgrounds(p)
		sel := st.Selected.GetBackground()
		check := func(what string, fg color.Color, on []color.Color, min float64) {
			if _, none := fg.(lipgloss.NoColor); none || fg == nil {
				return // the terminal's own colour on its own background
			}
			for _, bg := range on {
				if r := contrast(fg, bg); r < min {
					t.Errorf("%s: %s %s on %s is %.2f:1, under %.1f:1", p.Name, what, hex(fg), hex(bg), r, min)
				}
			}
		}
		v := reflect.ValueOf(st).Elem()
		for i := range v.NumField() {
			s, ok := v.Field(i).Interface().(lipgloss.Style)
			if !ok {
				continue
			}
			name := v.Type().Field(i).Name
			min := textRatio
			if nonText[name] {
				min = nonTextRatio
			}
			on := bgs
			if bg := s.GetBackground(); !isNoColor(bg) {
				on = []color.Color{bg}
			} else if !isNoColor(sel) && name != "Selected" {
				// Any text can be on the selected row (Inherit(Selected)).
				on = append(append([]color.Color(nil), bgs...), sel)
			}
			check(name, s.GetForeground(), on, min)
			if s.GetBorderTop() {
				check(name+" border", s.GetBorderTopForeground(), bgs, nonTextRatio)
			}
		}
		if c := st.CursorColor(); c != nil {
			check("text cursor", c, bgs, nonTextRatio)
		}
		checkGlamour(t, p, bgs, check)
	}
}

func isNoColor(c color.Color) bool {
	_, none := c.(lipgloss.NoColor)
	return c == nil || none
}

// checkGlamour checks the markdown style's colours: every *string Color in
// the style config, against its own background or the terminal's.
func checkGlamour(t *testing.T, p Palette, bgs []color.Color, check func(string, color.Color, []color.Color, float64)) {
	t.Helper()
	var walk func(path string, v reflect.Value)
	walk = func(path string, v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer:
			if !v.IsNil() {
				walk(path, v.Elem())
			}
		case reflect.Struct:
			fg, bg := v.FieldByName("Color"), v.FieldByName("BackgroundColor")
			if fg.IsValid() && fg.Kind() == reflect.Pointer && !fg.IsNil() && fg.Elem().Kind() == reflect.String {
				on := bgs
				if bg.IsValid() && !bg.IsNil() {
					on = []color.Color{lipgloss.Color(bg.Elem().String())}
				}
				min := textRatio
				if path == ".HorizontalRule" {
					min = nonTextRatio // a rule, not text
				}
				check("markdown "+path, lipgloss.Color(fg.Elem().String()), on, min)
			}
			for i := range v.NumField() {
				f := v.Type().Field(i)
				if f.IsExported() && f.Name != "Color" && f.Name != "BackgroundColor" {
					walk(path+"."+f.Name, v.Field(i))
				}
			}
		}
	}
	if !p.Plain {
		walk("", reflect.ValueOf(New(p).Glamour))
	}
}
