// Package themes turns a handful of palette colours into every style the TUI
// uses: one semantic Styles struct (lipgloss) and a matching glamour style for
// rendered markdown, so docs and chrome always agree. Themes: dark, light,
// ansi (the terminal's own 16 colours) and plain (no colour, ASCII borders,
// text spinner) for screen readers and dumb terminals.
package themes

import (
	"fmt"
	"image/color"
	"strings"

	"charm.land/glamour/v2/ansi"
	"charm.land/glamour/v2/styles"
	"charm.land/lipgloss/v2"
)

// Names lists the themes a user can pick with --theme or the config file.
// "auto" follows the terminal's background colour.
var Names = []string{"auto", "dark", "light", "ansi", "plain"}

// Palette is the few colour tokens a theme is made of. Colours are strings
// lipgloss and glamour both understand: "#rrggbb" or an ANSI index "0"–"15".
// An empty string means "the terminal's default".
type Palette struct {
	Name    string
	Dark    bool // the palette is meant for a dark background
	Plain   bool // no colour at all, ASCII only
	Fg      string
	Muted   string // secondary text
	Subtle  string // borders, separators
	Accent  string // focus, titles, the cursor row
	Accent2 string // keys in help, JSON keys
	Match   string // fuzzy-match highlights
	Success string
	Warning string
	Error   string
	SelBg   string // background of the selected row
	Number  string // JSON numbers and booleans
	String  string // JSON strings
}

// Dark is the default palette for dark terminals.
func Dark() Palette {
	return Palette{
		Name: "dark", Dark: true,
		Fg: "#DDDAE8", Muted: "#9A96A8", Subtle: "#7A7690",
		Accent: "#A78BFA", Accent2: "#67D4E8", Match: "#F5C451",
		Success: "#5FD68A", Warning: "#F5A551", Error: "#F2677B",
		SelBg: "#2E2940", Number: "#F5A551", String: "#9BE28F",
	}
}

// Light is the default palette for light terminals.
func Light() Palette {
	return Palette{
		Name: "light", Dark: false,
		Fg: "#2A2735", Muted: "#5F5B6C", Subtle: "#827D8F",
		Accent: "#6D3FD6", Accent2: "#08687A", Match: "#964306",
		Success: "#146B39", Warning: "#8A4D00", Error: "#B01E3C",
		SelBg: "#ECE7FA", Number: "#8A4D00", String: "#27691D",
	}
}

// ANSI uses only the terminal's 16 colours, so it follows whatever scheme the
// user configured in their terminal.
func ANSI(dark bool) Palette {
	p := Palette{
		Name: "ansi", Dark: dark,
		Fg: "", Muted: "8", Subtle: "8",
		Accent: "5", Accent2: "6", Match: "3",
		Success: "2", Warning: "3", Error: "1",
		SelBg: "", Number: "3", String: "2",
	}
	if dark {
		// The bright half of the 16: the dark half's red and green fall
		// under WCAG AA on a black background.
		p.Accent, p.Accent2, p.Match = "13", "14", "11"
		p.Success, p.Warning, p.Error, p.Number, p.String = "10", "11", "9", "11", "10"
		return p
	}
	// On white the 16's grey and olive fall under AA: secondary text is the
	// terminal's own colour, and warnings and matches take stronger ones.
	p.Muted, p.Match, p.Warning, p.Number = "", "4", "1", "4"
	return p
}

// Plain has no colour; emphasis is bold, reverse and underline only.
func Plain() Palette { return Palette{Name: "plain", Plain: true, Dark: true} }

// ByName returns the palette called name; "auto" and "" pick dark or light
// from dark (the terminal's background, when known).
func ByName(name string, dark bool) (Palette, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "", "auto":
		if dark {
			return Dark(), nil
		}
		return Light(), nil
	case "dark":
		return Dark(), nil
	case "light":
		return Light(), nil
	case "ansi", "ansi16", "16":
		return ANSI(dark), nil
	case "plain", "none", "ascii":
		return Plain(), nil
	}
	return Palette{}, fmt.Errorf("unknown theme %q: use one of %s", name, strings.Join(Names, ", "))
}

func (p Palette) c(s string) color.Color {
	if p.Plain || s == "" {
		return lipgloss.NoColor{}
	}
	return lipgloss.Color(s)
}

// Styles is every style the UI draws with, by meaning rather than by colour.
type Styles struct {
	Palette Palette
	Border  lipgloss.Border

	Pane        lipgloss.Style // an unfocused pane's frame
	PaneFocused lipgloss.Style // the focused pane's frame
	Overlay     lipgloss.Style // palette, help, history and prompt frames

	Title    lipgloss.Style // pane titles
	Text     lipgloss.Style
	Muted    lipgloss.Style
	Subtle   lipgloss.Style
	Accent   lipgloss.Style
	Match    lipgloss.Style // fuzzy-matched characters
	Selected lipgloss.Style // the cursor row
	Cursor   lipgloss.Style // the ▸ marker
	Badge    lipgloss.Style // kind badges
	Tag      lipgloss.Style

	Tab       lipgloss.Style
	TabActive lipgloss.Style

	HelpKey  lipgloss.Style
	HelpDesc lipgloss.Style
	HelpSep  lipgloss.Style

	StatusInfo  lipgloss.Style
	StatusWarn  lipgloss.Style
	StatusError lipgloss.Style
	Success     lipgloss.Style
	Error       lipgloss.Style

	JSONKey    lipgloss.Style
	JSONString lipgloss.Style
	JSONNumber lipgloss.Style
	JSONPunct  lipgloss.Style

	SearchHit     lipgloss.Style // a docs search match
	SearchCurrent lipgloss.Style // the match n/N is on

	// Glamour renders markdown to match the palette.
	Glamour ansi.StyleConfig
	// SpinnerFrames is what the busy indicator cycles through.
	SpinnerFrames []string
	// Arrow and Ellipsis are the marker glyphs, ASCII in plain mode.
	Arrow, Ellipsis, Dot string
}

// New builds the Styles for p.
func New(p Palette) *Styles {
	c := p.c
	s := &Styles{Palette: p, Border: lipgloss.RoundedBorder(), Arrow: "▸", Ellipsis: "…", Dot: "·"}
	s.SpinnerFrames = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}
	if p.Plain {
		s.Border = lipgloss.Border{Top: "-", Bottom: "-", Left: "|", Right: "|", TopLeft: "+", TopRight: "+", BottomLeft: "+", BottomRight: "+", MiddleLeft: "+", MiddleRight: "+", Middle: "+", MiddleTop: "+", MiddleBottom: "+"}
		s.SpinnerFrames = []string{"|", "/", "-", "\\"}
		s.Arrow, s.Ellipsis, s.Dot = ">", "...", "-"
	}
	base := lipgloss.NewStyle()
	s.Text = base.Foreground(c(p.Fg))
	s.Muted = base.Foreground(c(p.Muted))
	s.Subtle = base.Foreground(c(p.Subtle))
	s.Accent = base.Foreground(c(p.Accent))
	s.Pane = base.Border(s.Border).BorderForeground(c(p.Subtle)).Padding(0, 1)
	s.PaneFocused = base.Border(s.Border).BorderForeground(c(p.Accent)).Padding(0, 1)
	s.Overlay = base.Border(s.Border).BorderForeground(c(p.Accent)).Padding(0, 1)
	s.Title = base.Foreground(c(p.Accent)).Bold(true)
	s.Match = base.Foreground(c(p.Match)).Bold(true).Underline(p.Plain)
	s.Selected = base.Background(c(p.SelBg)).Foreground(c(p.Fg)).Bold(true)
	s.Cursor = base.Foreground(c(p.Accent)).Bold(true)
	s.Badge = base.Foreground(c(p.Accent2))
	s.Tag = base.Foreground(c(p.Muted)).Italic(!p.Plain)
	s.Tab = base.Foreground(c(p.Muted)).Padding(0, 1)
	s.TabActive = base.Foreground(c(p.Accent)).Bold(true).Underline(true).Padding(0, 1)
	s.HelpKey = base.Foreground(c(p.Accent2)).Bold(p.Plain)
	s.HelpDesc = base.Foreground(c(p.Muted))
	s.HelpSep = base.Foreground(c(p.Subtle))
	s.StatusInfo = base.Foreground(c(p.Accent2))
	s.StatusWarn = base.Foreground(c(p.Warning))
	s.StatusError = base.Foreground(c(p.Error)).Bold(true)
	s.Success = base.Foreground(c(p.Success))
	s.Error = base.Foreground(c(p.Error))
	s.JSONKey = base.Foreground(c(p.Accent2))
	s.JSONString = base.Foreground(c(p.String))
	s.JSONNumber = base.Foreground(c(p.Number))
	s.JSONPunct = base.Foreground(c(p.Muted))
	s.SearchHit = base.Foreground(c(p.Match)).Underline(true)
	s.SearchCurrent = base.Reverse(true).Bold(true)
	if p.Plain {
		// Without colour the focused pane shows by its border: = and #
		// where the others have - and +.
		focused := lipgloss.Border{Top: "=", Bottom: "=", Left: "|", Right: "|", TopLeft: "#", TopRight: "#", BottomLeft: "#", BottomRight: "#"}
		s.PaneFocused = base.Border(focused).Padding(0, 1)
		s.Overlay = base.Border(focused).Padding(0, 1)
		s.Selected = base.Reverse(true)
		s.Tab = base.Padding(0, 1)
		s.TabActive = base.Bold(true).Underline(true).Padding(0, 1)
	}
	s.Glamour = glamourStyle(p)
	return s
}

// CursorColor is the text cursor's colour (nil: the terminal's own).
func (s *Styles) CursorColor() color.Color {
	if s.Palette.Plain {
		return nil
	}
	return s.Palette.c(s.Palette.Accent)
}

// glamourStyle starts from glamour's own dark or light style (glamour v2 has
// no automatic choice) and recolours headings, links and code to the palette.
// The document margin is dropped: the pane already has a border and padding.
func glamourStyle(p Palette) ansi.StyleConfig {
	if p.Plain {
		// Plain text for screen readers and dumb terminals: no colour, and
		// no markdown markup either (ASCII's style writes **bold**).
		g := styles.ASCIIStyleConfig
		g.Document.Margin = uintp(0)
		for _, st := range []*ansi.StylePrimitive{&g.Emph, &g.Strong, &g.Strikethrough, &g.Code.StylePrimitive} {
			st.BlockPrefix, st.BlockSuffix, st.Prefix, st.Suffix = "", "", "", ""
		}
		return g
	}
	g := styles.LightStyleConfig
	if p.Dark {
		g = styles.DarkStyleConfig
	}
	g.Document.Margin = uintp(0)
	g.Document.BlockPrefix = ""
	g.Document.Color = strp(p.Fg)
	g.H1.Color = strp(p.Accent)
	g.H1.BackgroundColor = nil
	g.H1.Prefix, g.H1.Suffix = "# ", ""
	g.Heading.Color = strp(p.Accent)
	g.H2.Color = strp(p.Accent2)
	g.Link.Color = strp(p.Accent2)
	g.LinkText.Color = strp(p.Accent)
	g.Code.Color = strp(p.String)
	g.Code.BackgroundColor = nil
	g.Code.Prefix, g.Code.Suffix = "", ""
	g.Item.Color = strp(p.Fg)
	g.Enumeration.Color = strp(p.Muted)
	g.HorizontalRule.Color = strp(p.Subtle)
	g.Image.Color = strp(p.Accent2)
	g.ImageText.Color = strp(p.Muted)
	// Code blocks in the palette's string colour, not chroma's: its themes
	// (comments, keywords) fall under WCAG AA on dark greys and off-white,
	// and loading its lexers costs every start-up.
	g.CodeBlock.Chroma = nil
	g.CodeBlock.Color = strp(p.String)
	return g
}

func strp(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func uintp(u uint) *uint { return &u }
