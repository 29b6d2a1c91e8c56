package dialog

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"pipette/catalog"
	"pipette/themes"
	"pipette/ui/common"
	"pipette/ui/components/graphics"
	"pipette/ui/history"
	"pipette/ui/keys"
)

func testCommon() *common.Common {
	return &common.Common{Styles: themes.New(themes.Dark()), Keys: keys.Default(), Graphics: graphics.New(graphics.ImagesOff)}
}

func press(s string) tea.KeyPressMsg {
	special := map[string]rune{"enter": tea.KeyEnter, "esc": tea.KeyEscape, "up": tea.KeyUp, "down": tea.KeyDown,
		"left": tea.KeyLeft, "right": tea.KeyRight, "backspace": tea.KeyBackspace, "end": tea.KeyEnd}
	if r, ok := special[s]; ok {
		return tea.KeyPressMsg{Code: r}
	}
	return tea.KeyPressMsg{Code: []rune(s)[0], Text: s}
}

// typeInto sends each rune of s, then the keys, and returns the last action.
func typeInto(d Dialog, s string, keys ...string) Action {
	var last Action
	for _, r := range s {
		last, _ = d.Update(press(string(r)))
	}
	for _, k := range keys {
		last, _ = d.Update(press(k))
	}
	return last
}

func TestPaletteFindsBySynonymsAndListsModels(t *testing.T) {
	t.Parallel()
	models := []catalog.Entry{{Ref: catalog.MustParseRef("nlp/SentimentAnalysis/1.0.0"), Tagline: "positive or negative"}}
	search := func(q string) []catalog.Entry {
		if strings.Contains(strings.ToLower("nlp/SentimentAnalysis"), strings.ToLower(q)) {
			return models
		}
		return nil
	}
	for _, tc := range []struct {
		query string
		want  Action
	}{
		{"theme", RunCommand{Scope: keys.ScopeGlobal, ID: keys.Theme}},
		{"colour", RunCommand{Scope: keys.ScopeGlobal, ID: keys.Theme}},
		{"code tab", RunCommand{Scope: keys.ScopeGlobal, ID: keys.TabCode}},
		{"sentiment", JumpToModel{Path: "nlp/SentimentAnalysis"}},
	} {
		t.Run(tc.query, func(t *testing.T) {
			t.Parallel()
			p := NewPalette(testCommon(), keys.ScopeCatalog, search)
			p.SetSize(100, 30)
			if got := typeInto(p, tc.query, "enter"); got != tc.want {
				t.Errorf("%q chose %#v, want %#v (first rows %v)", tc.query, got, tc.want, p.Shown()[:min(3, len(p.Shown()))])
			}
		})
	}
}

func TestPickerKeysAndClicks(t *testing.T) {
	t.Parallel()
	p := NewTags(testCommon(), []catalog.TagCount{{Tag: "nlp", Count: 3}, {Tag: "image", Count: 2}})
	p.SetSize(80, 24)
	if a, _ := p.Update(press("down")); a != nil {
		t.Fatalf("down chose %v", a)
	}
	if a, _ := p.Update(press("enter")); a != (PickTag{Tag: "nlp"}) {
		t.Errorf("enter on the second row = %#v", a)
	}
	// Rows start under the border, the title and the input.
	if a := p.Click(3, 1+2+2); a != (PickTag{Tag: "image"}) {
		t.Errorf("click on the third row = %#v", a)
	}
	if a, _ := p.Update(press("esc")); a != (Close{}) {
		t.Errorf("esc = %#v", a)
	}
	if w, h := p.Size(); lipSize(p.View()) != [2]int{w, h} {
		t.Errorf("Size %dx%d, view %v", w, h, lipSize(p.View()))
	}
}

func lipSize(s string) [2]int {
	lines := strings.Split(s, "\n")
	w := 0
	for _, l := range lines {
		w = max(w, ansi.StringWidth(l))
	}
	return [2]int{w, len(lines)}
}

// A suggested value is selected: typing replaces it, moving edits it.
func TestPromptReplacesTheSuggestion(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		typed string
		keys  []string
		want  string
	}{
		{"typing replaces", "out.txt", nil, "out.txt"},
		{"backspace clears", "", []string{"backspace"}, ""},
		{"moving keeps it to edit", "", []string{"end", "x"}, "suggested.jsonx"},
		{"enter takes it", "", nil, "suggested.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := NewPrompt(testCommon(), SaveOutput, "Save the output to", "suggested.json")
			p.SetSize(80, 24)
			typeInto(p, tc.typed, tc.keys...)
			if p.Value() != tc.want {
				t.Errorf("value %q, want %q", p.Value(), tc.want)
			}
		})
	}
	p := NewPrompt(testCommon(), RenameStep, "Rename", "x")
	p.SetSize(80, 24)
	if a := typeInto(p, "loud", "enter"); a != (Submit{Purpose: RenameStep, Value: "loud"}) {
		t.Errorf("enter = %#v", a)
	}
	p.SetError("a step called loud already exists")
	if !strings.Contains(ansi.Strip(p.View()), "already exists") {
		t.Error("the error is not shown")
	}
	typeInto(p, "", "backspace", "backspace", "backspace", "backspace")
	if a, _ := p.Update(press("enter")); a != nil {
		t.Errorf("an empty prompt submitted %#v", a)
	}
}

func TestConfirmAnswers(t *testing.T) {
	t.Parallel()
	c := NewConfirm(testCommon(), RemoveStep, "Remove step loud?", []string{"test/Shout"},
		Option{Key: "y", Label: "remove", Choice: ChoiceYes}, Option{Key: "n", Label: "keep it", Choice: ChoiceNo})
	c.SetSize(80, 24)
	for k, want := range map[string]Action{
		"y": Answer{RemoveStep, ChoiceYes}, "enter": Answer{RemoveStep, ChoiceYes},
		"n": Answer{RemoveStep, ChoiceNo}, "esc": Answer{RemoveStep, ChoiceNo}, "x": nil,
	} {
		if a, _ := c.Update(press(k)); a != want {
			t.Errorf("%s = %#v, want %#v", k, a, want)
		}
	}
	if !c.Modal() || c.Click(0, 0) != nil {
		t.Error("a question must be answered with a key")
	}
}

func TestHelpScrollsAndNamesTheConfig(t *testing.T) {
	t.Parallel()
	h := NewHelp(testCommon(), "/home/x/.config/pipette/config.yaml")
	h.SetSize(60, 15)
	if !strings.Contains(ansi.Strip(h.View()), "line 1/") {
		t.Fatalf("no scroll position:\n%s", ansi.Strip(h.View()))
	}
	typeInto(h, "", "end")
	if !strings.Contains(ansi.Strip(h.View()), "config.yaml") {
		t.Errorf("the end does not name the config:\n%s", ansi.Strip(h.View()))
	}
	if w, hh := h.Size(); lipSize(h.View()) != [2]int{w, hh} || hh > 15 {
		t.Errorf("Size %dx%d, view %v", w, hh, lipSize(h.View()))
	}
}

func TestHistoryRowsReplay(t *testing.T) {
	t.Parallel()
	r := history.Record{Ref: "test/Shout/1.0.0", Input: "hello", Output: "HELLO"}
	p := NewHistory(testCommon(), []history.Record{r})
	p.SetSize(100, 30)
	if a := typeInto(p, "hello", "enter"); a != (Replay{Record: r}) {
		t.Errorf("enter = %#v", a)
	}
}
