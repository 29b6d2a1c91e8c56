package graphics

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"pipette/ui/internal/uitest"
	"regexp"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/ansi/kitty"
)

// The first diacritics of kitty's gen/rowcolumn-diacritics.txt, as the
// graphics protocol spec lists them: 0 is U+0305, 1 U+030D, 2 U+030E.
var specDiacritics = []rune{0x0305, 0x030D, 0x030E, 0x0310, 0x0312}

func envOf(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

func TestPlaceholderGrid(t *testing.T) {
	const id, cols, rows = 42, 5, 3
	s := placeholderGrid(id, cols, rows)
	lines := strings.Split(s, "\n")
	if len(lines) != rows {
		t.Fatalf("%d lines, want %d", len(lines), rows)
	}
	if n := strings.Count(s, string(kitty.Placeholder)); n != cols*rows {
		t.Errorf("%d placeholder cells, want %d", n, cols*rows)
	}
	for r, l := range lines {
		// Every line names the image in a 256-colour foreground and resets it.
		if !strings.HasPrefix(l, "\x1b[38;5;42m") || !strings.HasSuffix(l, "\x1b[39m") {
			t.Errorf("line %d does not carry the id in its colour: %q", r, l)
		}
		if w := ansi.StringWidth(l); w != cols {
			t.Errorf("line %d is %d cells wide, want %d", r, w, cols)
		}
		cells := strings.Split(ansi.Strip(l), string(kitty.Placeholder))[1:]
		if len(cells) != cols {
			t.Fatalf("line %d: %d cells", r, len(cells))
		}
		for c, cell := range cells {
			rs := []rune(cell)
			if len(rs) != 2 || rs[0] != specDiacritics[r] || rs[1] != specDiacritics[c] {
				t.Errorf("cell (%d,%d) diacritics %U, want row %U col %U", r, c, rs, specDiacritics[r], specDiacritics[c])
			}
		}
	}
	// A clipped grid keeps each cell's own coordinates.
	if got := ansi.Truncate(lines[1], 2, ""); strings.Count(got, string(kitty.Placeholder)) != 2 || ansi.StringWidth(got) != 2 {
		t.Errorf("truncated line: %q", got)
	}
}

func TestPreviewGridFits(t *testing.T) {
	for _, tc := range []struct{ w, h, cols, rows int }{
		{4, 4, 80, 20}, {1000, 500, 80, 20}, {500, 1000, 80, 20}, {3000, 10, 40, 10}, {10, 3000, 40, 10}, {5000, 5000, 1000, 1000},
	} {
		c, r := previewGrid(tc.w, tc.h, tc.cols, tc.rows)
		if c < 1 || r < 1 || c > tc.cols || r > tc.rows || c > maxPlaceholderCells || r > maxPlaceholderCells {
			t.Errorf("%dx%d px in %dx%d cells: got %dx%d", tc.w, tc.h, tc.cols, tc.rows, c, r)
		}
	}
	if c, r := previewGrid(4, 4, 80, 20); c != 4 || r != 2 {
		t.Errorf("a 4×4 image is %d×%d cells, want 4×2 like half blocks", c, r)
	}
}

var apc = regexp.MustCompile(`\x1b_G([^;\x1b]*)(?:;([^\x1b]*))?\x1b\\`)

func TestKittyTransmitChunks(t *testing.T) {
	data := make([]byte, 10000) // 13336 base64 bytes: four chunks
	r := rand.New(rand.NewPCG(1, 2))
	for i := range data {
		data[i] = byte(r.UintN(256))
	}
	s := kittyTransmit(data, 17, 30, 12)
	ms := apc.FindAllStringSubmatch(s, -1)
	if len(ms) != 4 || strings.Join(apc.FindAllString(s, -1), "") != s {
		t.Fatalf("%d escape codes (or stray bytes) in %q…", len(ms), s[:80])
	}
	var payload strings.Builder
	for i, m := range ms {
		if len(m[2]) > 4096 || len(m[2])%4 != 0 {
			t.Errorf("chunk %d is %d bytes", i, len(m[2]))
		}
		payload.WriteString(m[2])
		keys := strings.Split(m[1], ",")
		last := i == len(ms)-1
		wantM := "m=1"
		if last {
			wantM = "m=0"
		}
		if keys[len(keys)-1] != wantM {
			t.Errorf("chunk %d ends its keys with %s, want %s", i, keys[len(keys)-1], wantM)
		}
		if i == 0 {
			for _, k := range []string{"a=T", "f=100", "t=d", "i=17", "U=1", "c=30", "r=12", "q=2"} {
				if !strings.Contains(","+m[1]+",", ","+k+",") {
					t.Errorf("first chunk lacks %s: %s", k, m[1])
				}
			}
		} else if m[1] != "q=2,"+wantM {
			t.Errorf("chunk %d has keys %q; later chunks carry only m and q", i, m[1])
		}
	}
	got, err := base64.StdEncoding.DecodeString(payload.String())
	if err != nil || !bytes.Equal(got, data) {
		t.Errorf("payload does not decode to the data: %v", err)
	}
	if kittyTransmit(nil, 1, 1, 1) != "" {
		t.Error("nothing to send must send nothing")
	}
}

func TestTransmitPNGShrinksAndConverts(t *testing.T) {
	big := image.NewNRGBA(image.Rect(0, 0, 3000, 1500))
	big.Set(0, 0, color.NRGBA{255, 0, 0, 255})
	cfg, err := png.DecodeConfig(bytes.NewReader(transmitPNG(big, nil, "jpeg")))
	if err != nil || cfg.Width != maxTransmitSide || cfg.Height != maxTransmitSide/2 {
		t.Errorf("shrunk to %dx%d (%v)", cfg.Width, cfg.Height, err)
	}
	small := testPNG()
	img, _ := png.Decode(bytes.NewReader(small))
	if !bytes.Equal(transmitPNG(img, small, "png"), small) {
		t.Error("a small PNG is sent as is")
	}
}

func TestDetectionFromEnv(t *testing.T) {
	for _, tc := range []struct {
		name  string
		env   func(string) string
		probe bool
	}{
		{"kitty", envOf("TERM", "xterm-kitty", "KITTY_WINDOW_ID", "1"), true},
		{"ghostty", envOf("TERM", "xterm-ghostty", "TERM_PROGRAM", "ghostty"), true},
		{"kitty in tmux", envOf("TERM", "tmux-256color", "TMUX", "/tmp/tmux-0/default,1,0", "KITTY_WINDOW_ID", "1"), false},
		{"kitty TERM in screen", envOf("TERM", "screen-256color", "KITTY_WINDOW_ID", "1"), false},
		{"zellij", envOf("TERM", "xterm-kitty", "ZELLIJ", "0"), false},
		{"wezterm", envOf("TERM", "xterm-256color", "TERM_PROGRAM", "WezTerm"), false},
		{"xterm", envOf("TERM", "xterm-256color"), false},
		{"nothing", envOf(), false},
	} {
		g := New(ImagesAuto)
		cmd := g.SetEnv(tc.env)
		if (cmd != nil) != tc.probe || g.probing != tc.probe {
			t.Errorf("%s: probe %v, want %v", tc.name, cmd != nil, tc.probe)
		}
		if g.kind != KindHalfBlocks {
			t.Errorf("%s: kind %v before any answer", tc.name, g.kind)
		}
	}
	g := New(ImagesAuto)
	g.SetEnv(envOf("TERM", "xterm-kitty", "NO_COLOR", "1"))
	if g.kind != KindText {
		t.Error("NO_COLOR must give a text description")
	}
	// Forced modes ask nothing.
	for _, mode := range []string{ImagesKitty, ImagesHalfBlocks, ImagesOff} {
		if New(mode).SetEnv(envOf("TERM", "xterm-kitty")) != nil {
			t.Errorf("%s probes", mode)
		}
	}
}

func TestProbeQuery(t *testing.T) {
	// The spec's detection: a query action for a 1×1 RGB image, then DA1.
	if q := kittyQuery(); q != "\x1b_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\x1b\\" {
		t.Errorf("query %q", q)
	}
}

func TestProbeAnswers(t *testing.T) {
	kittyEnv := envOf("TERM", "xterm-kitty", "KITTY_WINDOW_ID", "3")
	ok := uv.KittyGraphicsEvent{Payload: []byte("OK")}
	ok.Options.ID = probeImageID

	g := New(ImagesAuto)
	g.SetEnv(kittyEnv)
	if changed, _ := g.Handle(ok); !changed || g.kind != KindKitty {
		t.Errorf("an OK answer to the query turns kitty on (kind %v)", g.kind)
	}
	g.Handle(uv.PrimaryDeviceAttributesEvent{62, 22})
	if g.kind != KindKitty {
		t.Error("the DA1 answer after the graphics answer changes nothing")
	}

	g = New(ImagesAuto)
	g.SetEnv(kittyEnv)
	g.Handle(uv.PrimaryDeviceAttributesEvent{62, 4, 22})
	g.Handle(ok) // too late: the terminal answered DA1 first
	if g.kind != KindHalfBlocks {
		t.Error("DA1 before any graphics answer means no kitty")
	}

	g = New(ImagesAuto)
	g.SetEnv(kittyEnv)
	bad := uv.KittyGraphicsEvent{Payload: []byte("EINVAL:bad")}
	bad.Options.ID = probeImageID
	g.Handle(bad)
	if g.kind != KindHalfBlocks {
		t.Error("an error answer means no kitty")
	}

	g = New(ImagesAuto)
	g.SetEnv(kittyEnv)
	g.Handle(probeTimeoutMsg{gen: g.probeN})
	g.Handle(ok)
	if g.kind != KindHalfBlocks {
		t.Error("an answer after the timeout is ignored")
	}

	g = New(ImagesKitty)
	g.Handle(tea.ColorProfileMsg{Profile: colorprofile.ANSI})
	if g.kind != KindHalfBlocks {
		t.Error("16 colours cannot carry an image id")
	}
	g = New(ImagesAuto)
	g.Handle(tea.ColorProfileMsg{Profile: colorprofile.Ascii})
	if g.kind != KindText {
		t.Error("no colour: text only")
	}
}

func TestParseImageMode(t *testing.T) {
	for in, want := range map[string]string{"": "auto", "Kitty": "kitty", " halfblocks ": "halfblocks", "off": "off"} {
		if got, err := ParseImageMode(in); err != nil || got != want {
			t.Errorf("%q: %q %v", in, got, err)
		}
	}
	for _, in := range []string{"sixel", "iterm"} {
		if _, err := ParseImageMode(in); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}

// written runs a flush the way Bubble Tea would and returns what it wrote.
func written(g *Graphics) string {
	cmd := g.Flush()
	if cmd == nil {
		return ""
	}
	return cmd().(tea.RawMsg).Msg.(string)
}

func TestEvictionDeletesOldest(t *testing.T) {
	g := New(ImagesKitty)
	img, _ := png.Decode(bytes.NewReader(testPNG()))
	first := g.Picture("s0", img, testPNG(), "png", 4, 2)
	written(g)
	var out strings.Builder
	for i := range maxKittyImages {
		// Other bytes are another image (the decoded img is only pixels).
		g.Picture(fmt.Sprint("s", i+1), img, append(testPNG(), byte(i)), "png", 4, 2)
		out.WriteString(written(g))
	}
	if len(g.images) != maxKittyImages {
		t.Fatalf("%d images kept", len(g.images))
	}
	id := regexp.MustCompile(`38;5;(\d+)m`).FindStringSubmatch(first)[1]
	if !strings.Contains(out.String(), "\x1b_Ga=d,d=I,i="+id+",q=2\x1b\\") {
		t.Errorf("the oldest image (%s) was not deleted", id)
	}
	if del := g.Cleanup(); strings.Count(del, "a=d,d=I") != maxKittyImages {
		t.Errorf("cleanup deletes %d images", strings.Count(del, "a=d,d=I"))
	}
}

func TestSlotReplacement(t *testing.T) {
	g := New(ImagesKitty)
	img, _ := png.Decode(bytes.NewReader(testPNG()))
	a, b := testPNG(), append(testPNG(), 1)
	g.Picture("try", img, a, "png", 4, 2)
	if s := written(g); strings.Count(s, "a=T") != 1 {
		t.Fatalf("first image not sent: %q", s)
	}
	// Drawn again: nothing to send.
	g.Picture("try", img, a, "png", 4, 2)
	if s := written(g); s != "" {
		t.Errorf("redraw sent %q", s)
	}
	// Replaced after it was sent: the old one is deleted, the new one sent.
	g.Picture("try", img, b, "png", 4, 2)
	s := written(g)
	if strings.Count(s, "a=d,d=I") != 1 || strings.Count(s, "a=T") != 1 || len(g.images) != 1 {
		t.Errorf("replacement wrote %q, keeps %d images", s, len(g.images))
	}
	// Two sizes in a row before a flush (a resize in progress): only the
	// last is sent, and the never-sent one needs no deletion.
	g.Picture("try", img, a, "png", 4, 2)
	g.Picture("try", img, a, "png", 2, 1)
	s = written(g)
	if strings.Count(s, "a=T") != 1 || !strings.Contains(s, "c=2,r=1") || strings.Count(s, "a=d") != 1 {
		t.Errorf("resize wrote %q", s)
	}
	// The slot shows text now: its image goes.
	g.Forget("try")
	if s := written(g); strings.Count(s, "a=d,d=I") != 1 || len(g.images) != 0 {
		t.Errorf("forget wrote %q", s)
	}
	if g.Cleanup() != "" {
		t.Error("nothing left to clean up")
	}
}

func TestForcedKittyInTmuxUsesPassthrough(t *testing.T) {
	g := New(ImagesKitty)
	g.SetEnv(envOf("TMUX", "x", "TERM", "tmux-256color"))
	img, _ := png.Decode(bytes.NewReader(testPNG()))
	g.Picture("t", img, testPNG(), "png", 10, 10)
	seq := written(g)
	if !strings.HasPrefix(seq, "\x1bPtmux;\x1b\x1b_G") {
		t.Errorf("not wrapped for tmux: %q", seq[:20])
	}
}

// In the Try tab with kitty on, the image is a placeholder grid sent once
// through the side channel; the screen never holds a graphics sequence.
// In tmux (like the e2e tests) the preview stays half blocks even when the
// environment says kitty.
// gridModel shows a placeholder grid inside a bordered box and quits.
type gridModel struct{}

func (g *gridModel) Init() tea.Cmd { return nil }
func (g *gridModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if _, ok := msg.(tea.WindowSizeMsg); ok {
		return g, tea.Quit
	}
	return g, nil
}
func (g *gridModel) View() tea.View {
	v := tea.NewView("ab\n" + placeholderGrid(42, 3, 2) + "\ncd")
	v.AltScreen = true
	return v
}

// Through Bubble Tea's real renderer, in truecolor and 256 colours, every
// placeholder cell reaches the terminal whole: base, row and column
// diacritics, with the image id as a 256-colour index.
func TestPlaceholdersSurviveRenderer(t *testing.T) {
	for _, prof := range []colorprofile.Profile{colorprofile.TrueColor, colorprofile.ANSI256} {
		var out bytes.Buffer
		p := tea.NewProgram(&gridModel{}, tea.WithInput(nil), tea.WithOutput(&out), tea.WithColorProfile(prof),
			tea.WithWindowSize(20, 6), tea.WithoutSignals(), tea.WithEnvironment([]string{"TERM=xterm-256color"}))
		if _, err := p.Run(); err != nil {
			t.Fatal(err)
		}
		s := out.String()
		if !strings.Contains(s, "38;5;42m") {
			t.Errorf("%v: the image id colour was rewritten: %q", prof, s)
		}
		for r := range 2 {
			for c := range 3 {
				cell := string([]rune{kitty.Placeholder, specDiacritics[r], specDiacritics[c]})
				if !strings.Contains(s, cell) {
					t.Errorf("%v: cell (%d,%d) not written whole", prof, r, c)
				}
			}
		}
	}
}

// The result's arrival sends the transmission with it, once.
// What kitty and ghostty answer to the probe, decoded the way Bubble Tea
// decodes input, drives the detection: the graphics answer first means
// kitty; the DA1 answer alone means none.
func TestProbeAnswersFromTerminalBytes(t *testing.T) {
	decode := func(b string) []tea.Msg {
		var d uv.EventDecoder
		var out []tea.Msg
		for buf := []byte(b); len(buf) > 0; {
			n, ev := d.Decode(buf)
			if n == 0 {
				break
			}
			if ev != nil {
				out = append(out, ev)
			}
			buf = buf[n:]
		}
		return out
	}
	env := envOf("TERM", "xterm-kitty", "KITTY_WINDOW_ID", "1")
	for _, tc := range []struct {
		reply string
		kind  Kind
	}{
		{"\x1b_Gi=31;OK\x1b\\\x1b[?62;c", KindKitty},
		{"\x1b[?62;4;22c\x1b_Gi=31;OK\x1b\\", KindHalfBlocks},
		{"\x1b[?1;2c", KindHalfBlocks},
		{"\x1b_Gi=31;ENOTSUPPORTED:no\x1b\\\x1b[?62;c", KindHalfBlocks},
	} {
		g := New(ImagesAuto)
		g.SetEnv(env)
		for _, msg := range decode(tc.reply) {
			if _, ok := g.Handle(msg); !ok {
				t.Errorf("%q: %T not taken", tc.reply, msg)
			}
		}
		if g.kind != tc.kind {
			t.Errorf("%q: kind %v, want %v", tc.reply, g.kind, tc.kind)
		}
	}
}

// While the window is resized, images wait until the size settles.

func testPNG() []byte { return uitest.Gradient(4, 4) }
