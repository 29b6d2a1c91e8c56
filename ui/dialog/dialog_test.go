package dialog

import (
	"context"
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"pipette/catalog"
	"pipette/client"
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

// TestRankPutsWholeWordsBeforeScatteredLetters: a title that is the query,
// starts with it or has a word starting with it beats one that only holds
// it inside a word, which beats a match by synonym, which beats letters
// scattered over a title.
func TestRankPutsWholeWordsBeforeScatteredLetters(t *testing.T) {
	t.Parallel()
	items := []Item{
		{Title: "return to the upload notes"}, // r…u…n scattered
		{Title: "switch theme", Also: "run"},  // a synonym
		{Title: "rerun the step"},             // inside a word
		{Title: "chain: run it"},              // a word
		{Title: "running models"},             // a prefix
		{Title: "Run"},                        // the query itself
	}
	var got []string
	for _, it := range rank("run", items) {
		got = append(got, it.Title)
	}
	want := []string{"Run", "running models", "chain: run it", "rerun the step", "switch theme", "return to the upload notes"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("rank(run) = %q, want %q", got, want)
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

// manyData is a Data folder of 40 files.
type manyData struct{ fakeData }

func (manyData) List(_ context.Context, uri string) ([]client.DirEntry, error) {
	var es []client.DirEntry
	for i := range 40 {
		es = append(es, client.DirEntry{URI: fmt.Sprintf("%s/file%02d.txt", uri, i), Name: fmt.Sprintf("file%02d.txt", i), Size: 10})
	}
	return es, nil
}

// TestDataBrowserKeepsTheSelectionInViewOnResize: the list scrolls when the
// terminal shrinks under the selection, and fills its rows again when it
// grows.
func TestDataBrowserKeepsTheSelectionInViewOnResize(t *testing.T) {
	t.Parallel()
	d, cmd := NewDataBrowser(testCommon(), manyData{}, "data://.my")
	settle(d, cmd)
	d.SetSize(100, 60)
	for range 20 {
		d.Scroll(1)
	}
	if v := ansi.Strip(d.View()); !strings.Contains(v, "file20.txt") || !strings.Contains(v, "file00.txt") {
		t.Fatalf("tall, the list does not show file00 to the selected file20:\n%s", v)
	}
	for _, h := range []int{20, 14, 12} {
		d.SetSize(60, h)
		if v := ansi.Strip(d.View()); !strings.Contains(v, "file20.txt") {
			t.Errorf("resized to 60x%d, the selected file20.txt left the view:\n%s", h, v)
		}
	}
	d.SetSize(100, 60)
	if v := ansi.Strip(d.View()); !strings.Contains(v, "file39.txt") || !strings.Contains(v, "file20.txt") {
		t.Errorf("grown again, the list does not fill its rows:\n%s", v)
	}
}
