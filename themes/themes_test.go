package themes

import (
	"strings"
	"testing"
)

func TestByName(t *testing.T) {
	for _, tc := range []struct {
		name string
		dark bool
		want string
	}{
		{"", true, "dark"}, {"auto", false, "light"}, {"DARK", false, "dark"}, {"light", true, "light"},
		{"ansi", true, "ansi"}, {"16", false, "ansi"}, {"plain", true, "plain"},
	} {
		p, err := ByName(tc.name, tc.dark)
		if err != nil || p.Name != tc.want {
			t.Errorf("ByName(%q, %v) = %s, %v; want %s", tc.name, tc.dark, p.Name, err, tc.want)
		}
	}
	if _, err := ByName("solarized", true); err == nil || !strings.Contains(err.Error(), "auto, dark, light, ansi, plain") {
		t.Errorf("unknown theme error = %v", err)
	}
}

func TestStylesFollowThePalette(t *testing.T) {
	plain := New(Plain())
	if plain.Border.TopLeft != "+" || plain.Arrow != ">" || plain.SpinnerFrames[0] != "|" {
		t.Error("plain theme must draw ASCII only")
	}
	if plain.PaneFocused.GetBorderStyle() == plain.Pane.GetBorderStyle() {
		t.Error("plain: the focused pane's border is the same as the others'")
	}
	if plain.Glamour.H1.Color != nil {
		t.Error("plain glamour style has colour")
	}
	for _, p := range []Palette{Dark(), Light(), ANSI(true), ANSI(false)} {
		s := New(p)
		if s.Glamour.H1.Color == nil || *s.Glamour.H1.Color != p.Accent {
			t.Errorf("%s: markdown headings do not use the accent colour", p.Name)
		}
		if s.Glamour.Document.Margin == nil || *s.Glamour.Document.Margin != 0 {
			t.Errorf("%s: markdown keeps a margin inside a bordered pane", p.Name)
		}
		if s.Pane.GetHorizontalFrameSize() != 4 {
			t.Errorf("%s: pane frame = %d, want border+padding 4", p.Name, s.Pane.GetHorizontalFrameSize())
		}
	}
	if Dark().Fg == Light().Fg {
		t.Error("dark and light palettes share a foreground")
	}
}
