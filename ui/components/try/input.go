package try

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"

	"pipette/catalog"
	"pipette/client/snippet"
	"pipette/internal/human"
	"pipette/ui/common"
	"pipette/ui/components/graphics"
	"pipette/ui/components/value"
	"pipette/ui/dialog"
	"pipette/ui/history"
	"pipette/ui/keys"
)

type originKind int

const (
	originNone originKind = iota
	originSample
	originFile
	originEditor
	originHistory
)

// origin is where the input came from, for its label.
type origin struct {
	kind originKind
	name string // the sample's or the file's name
}

// input is what the tab sends: the editor's text, or a binary input, or a
// text too large for the editor.
type input struct {
	gen    int    // counts changes: the output is stale when it differs
	bin    []byte // a binary input (an image sample, a loaded file)
	big    string // a text over EditorLimit, kept out of the editor
	from   origin
	edited bool // changed by hand since it came from `from`
}

func (in *input) large() bool { return in.big != "" }

// setInput shows v in the editor, or keeps it aside when it is binary or
// too large to edit.
func (t *Try) setInput(v catalog.Value, from origin) {
	t.in = input{gen: t.in.gen + 1, from: from}
	t.editor.SetValue("")
	t.editor.Placeholder = "type the input (" + string(t.entry.InputKind) + ")"
	var text string
	switch v.Kind {
	case catalog.KindBinary:
		t.in.bin = v.Bytes
		return
	case catalog.KindJSON:
		b, err := json.MarshalIndent(v.JSON, "", "  ")
		if err != nil {
			b = []byte(fmt.Sprint(v.JSON))
		}
		text = string(b)
	case catalog.KindText:
		text = v.Text
	}
	if len(text) > EditorLimit {
		t.in.big = text
		return
	}
	t.editor.SetValue(text)
	t.editor.MoveToBegin()
}

// loadSample puts the current sample into the editor.
func (t *Try) loadSample() {
	if len(t.entry.Samples) == 0 {
		t.setInput(catalog.Value{}, origin{})
		return
	}
	s := t.entry.Samples[t.sample%len(t.entry.Samples)]
	name := s.Name
	if name == "" {
		name = fmt.Sprintf("sample %d", t.sample%len(t.entry.Samples)+1)
	}
	t.setInput(s.Input, origin{kind: originSample, name: name})
}

func (t *Try) cycleSample(d int) bool {
	n := len(t.entry.Samples)
	if n < 2 {
		return false
	}
	t.sample = (t.sample + d + n) % n
	t.loadSample()
	return true
}

// SetInput puts v in the tab (a run replayed from history).
func (t *Try) SetInput(v catalog.Value, fromHistory bool) {
	from := origin{}
	if fromHistory {
		from.kind = originHistory
	}
	t.setInput(v, from)
}

// edit gives the editor the keyboard; a binary input gives way to text.
func (t *Try) edit() tea.Cmd {
	switch {
	case t.in.large():
		return common.Warn(fmt.Sprintf("the input is %s: too large to edit here; E edits it in $EDITOR, o loads another file", human.Bytes(int64(len(t.in.big)))))
	case t.in.bin != nil:
		t.setInput(catalog.Value{}, origin{})
	}
	t.editing = true
	return t.editor.Focus()
}

// editKey handles a key while the editor has the keyboard: esc and the run
// key's non-text keys (remappable), else typing.
func (t *Try) editKey(msg tea.KeyPressMsg) tea.Cmd {
	km := t.com.Keys
	switch {
	case keys.Matches(msg, km.Find(keys.ScopeTry, keys.Clear)):
		t.stopEditing()
		return nil
	case keys.MatchesInEditor(msg, km.Find(keys.ScopeTry, keys.Run)):
		t.stopEditing()
		return t.Run()
	}
	before := t.editor.Length()
	var cmd tea.Cmd
	t.editor, cmd = t.editor.Update(msg)
	if t.editor.Length() != before || msg.Text != "" || msg.String() == "backspace" || msg.String() == "delete" {
		t.changed()
	}
	return cmd
}

func (t *Try) stopEditing() {
	t.editing = false
	t.editor.Blur()
}

// changed notes an edit by hand.
func (t *Try) changed() {
	t.in.gen++
	t.in.edited = true
}

// paste inserts pasted text; a paste that would make the input larger than
// the editor holds makes it a large input, kept aside.
func (t *Try) paste(msg tea.PasteMsg) tea.Cmd {
	t.changed()
	if t.editor.Length()+len(msg.Content) <= EditorLimit {
		var cmd tea.Cmd
		t.editor, cmd = t.editor.Update(msg)
		return cmd
	}
	text := t.editor.Value() + msg.Content
	gen := t.in.gen
	t.setInput(catalog.Text(text), origin{})
	t.in.gen, t.in.edited = gen+1, true
	t.stopEditing()
	return common.Warn(fmt.Sprintf("the input is now %s: too large to edit here; E edits it in $EDITOR", human.Bytes(int64(len(text)))))
}

// text is the input as text (the editor's, or the large input's).
func (t *Try) text() string {
	if t.in.large() {
		return t.in.big
	}
	return t.editor.Value()
}

// record is the input as history keeps it (cut to history.MaxInput).
func (t *Try) record() (string, bool) {
	if t.in.bin != nil {
		if len(t.in.bin) > history.MaxInput {
			return "", true
		}
		return base64.StdEncoding.EncodeToString(t.in.bin), true
	}
	s := t.text()
	if len(s) > history.MaxInput {
		n := history.MaxInput
		for n > 0 && !utf8.RuneStart(s[n]) {
			n--
		}
		s = s[:n]
	}
	return s, false
}

// SnippetInput is the input as the Code tab's snippets send it: inline
// when it is small, else read from a file named for it.
func (t *Try) SnippetInput() snippet.Input {
	in := snippet.Input{Kind: t.entry.InputKind}
	switch {
	case t.in.bin != nil:
		in.Kind, in.File = catalog.KindBinary, "input.bin"
		if info, ok := graphics.Sniff(t.in.bin); ok {
			in.File = "input." + info.Format
		}
		if n := t.in.from.name; t.in.from.kind == originFile && strings.Contains(n, ".") && !strings.Contains(n, " ") {
			in.File = n
		}
		return in
	case t.in.large():
		in.File = "input.txt"
		if in.Kind == catalog.KindJSON {
			in.File = "input.json"
		}
		if n := t.in.from.name; t.in.from.kind == originFile && !strings.Contains(n, " ") {
			in.File = n
		}
	default:
		in.Text = t.editor.Value()
	}
	if in.Kind == catalog.KindAny || in.Kind == "" {
		in.Kind = catalog.KindText
		if v, err := catalog.DecodeJSON([]byte(in.Text)); in.File == "" && err == nil && v != nil {
			in.Kind = catalog.KindJSON
		}
	}
	return in
}

// askLoad asks for a file to use as the input.
func (t *Try) askLoad() tea.Cmd {
	return dialog.Open(dialog.NewPrompt(t.com, dialog.LoadInputFile, "Load a file as input", ""))
}

// HandleSubmit acts on the tab's prompts (load a file, save the output).
func (t *Try) HandleSubmit(p dialog.Purpose, v string) tea.Cmd {
	path := common.ExpandHome(v)
	switch p {
	case dialog.LoadInputFile:
		return func() tea.Msg {
			b, err := common.ReadInput(path)
			return fileLoadedMsg{path: path, data: b, err: err}
		}
	case dialog.SaveOutput:
		if t.resp == nil {
			return nil
		}
		// Over a file, or into a folder to create, asks first (ReplaceOutput).
		data := value.Bytes(t.resp.Value)
		t.writing = &common.Write{Path: path, What: "the output", Do: func(path string) tea.Msg { return save(path, data) }}
		return t.writing.Check()
	}
	return nil
}

// Checked goes on with the output's write once what it would replace is
// known, asking first when it must; ok is false for another's write.
func (t *Try) Checked(c common.Checked) (tea.Cmd, bool) {
	if t.writing == nil || c.W != t.writing {
		return nil, false
	}
	if !c.Ask() {
		t.writing = nil
		return c.Proceed(), true
	}
	return dialog.Open(dialog.NewReplace(t.com, dialog.ReplaceOutput, c.Verdict, c.W.Path, c.W.What, c.Missing, false)), true
}

// AnswerReplace writes the output, or not, as the question was answered.
func (t *Try) AnswerReplace(yes bool) tea.Cmd {
	w := t.writing
	t.writing = nil
	if w != nil && yes {
		return w.Run()
	}
	return common.Info("not written: the output was not saved")
}

// LoadFrom reads an input named name with read, in a command (a file of
// the Data API).
func (t *Try) LoadFrom(name string, read func() ([]byte, error)) tea.Cmd {
	return func() tea.Msg {
		b, err := read()
		return fileLoadedMsg{path: name, data: b, err: err}
	}
}

// fileLoaded puts a loaded file in the tab.
func (t *Try) fileLoaded(msg fileLoadedMsg) tea.Cmd {
	if msg.err != nil {
		return common.Error(msg.err.Error())
	}
	from := origin{kind: originFile, name: filepath.Base(msg.path)}
	if looksText(msg.data) && t.entry.InputKind != catalog.KindBinary {
		t.setInput(catalog.Text(string(msg.data)), from)
	} else {
		t.setInput(catalog.Bytes(msg.data), from)
	}
	return common.Info("loaded " + msg.path)
}

// looksText reports whether a loaded file should go into the editor.
func looksText(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	for _, c := range b[:min(len(b), 4096)] {
		if c == 0 {
			return false
		}
	}
	return true
}

// openEditor edits the input in $VISUAL or $EDITOR. The temp file is
// written by a command (editorReadyMsg) and read back by the exec callback,
// never in Update.
func (t *Try) openEditor() tea.Cmd {
	if t.in.bin != nil {
		return common.Warn("the input is binary; load a text file (o) or type text (i) first")
	}
	name := os.Getenv("VISUAL")
	if name == "" {
		name = os.Getenv("EDITOR")
	}
	if strings.TrimSpace(name) == "" {
		return common.Warn("set $EDITOR (or $VISUAL) to edit the input in your editor")
	}
	text := t.text()
	ext := ".txt"
	if t.entry.InputKind == catalog.KindJSON {
		ext = ".json"
	}
	return func() tea.Msg {
		f, err := os.CreateTemp("", "pipette-input-*"+ext)
		if err != nil {
			return EditorDoneMsg{err: fmt.Errorf("cannot create a temp file for the editor: %w", err)}
		}
		_, werr := f.WriteString(text)
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			os.Remove(f.Name())
			return EditorDoneMsg{err: fmt.Errorf("cannot write a temp file for the editor: %w", werr)}
		}
		return editorReadyMsg{path: f.Name(), editor: strings.Fields(name)}
	}
}

// runEditor hands the terminal to the editor.
func runEditor(msg editorReadyMsg) tea.Cmd {
	path, args := msg.path, msg.editor
	c := exec.Command(args[0], append(args[1:], path)...)
	return tea.ExecProcess(c, func(err error) tea.Msg {
		defer os.Remove(path)
		if err != nil {
			return EditorDoneMsg{err: fmt.Errorf("%s exited: %w", args[0], err)}
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return EditorDoneMsg{err: fmt.Errorf("read the edited input: %w", err)}
		}
		return EditorDoneMsg{text: strings.TrimSuffix(string(b), "\n")}
	})
}
