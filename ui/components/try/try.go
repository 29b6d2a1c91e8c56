// Package try is the Try tab: the input (the model's samples, typed text,
// a file), a run that never holds up the UI and that esc cancels, and its
// output, marked stale once the input changes.
//
// Whatever the input's size, a key costs a frame: an input too large for
// the editor (over EditorLimit) is kept as it is, shown by its first lines,
// and edited in $EDITOR; decoding it and sending it happen in the run's
// command, and the output is drawn up to value.MaxShown.
package try

import (
	"context"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"pipette/catalog"
	"pipette/client"
	"pipette/ui/common"
	"pipette/ui/components/boxes"
	"pipette/ui/components/editor"
	"pipette/ui/components/modelinfo"
	"pipette/ui/components/stream"
	"pipette/ui/history"
	"pipette/ui/keys"
)

// EditorLimit is the largest input the editor holds: the editor's work per
// key grows with its text, so a larger input is shown, not edited.
const EditorLimit = 64 << 10

// FinishedMsg reports a finished run for the history.
type FinishedMsg struct {
	Record history.Record
	Err    error // the run's error, if it failed
}

// EditorDoneMsg is the input edited in $EDITOR (read back from its temp
// file). Bubble Tea re-entered the alternate screen before it: images must
// be sent again.
type EditorDoneMsg struct {
	text string
	err  error
}

// Try is the Try tab.
type Try struct {
	com    *common.Common
	client *client.Client
	w, h   int

	entry  catalog.Entry
	has    bool
	sample int

	editor  textarea.Model
	editing bool
	in      input

	running bool
	seq     int
	cancel  context.CancelFunc
	started time.Time
	elapsed time.Duration

	resp   *client.Response
	err    error
	boxes  *boxes.Preview // drawn over the input image, above the result
	ranRef catalog.Ref
	// ranGen is in.gen when the output shown was made: the output is
	// stale when the input has changed since.
	ranGen int
	// recordAt is when the run shown was made, when it is from history.
	recordAt time.Time

	writing *common.Write // the output's save, waiting for its check or a yes
	live    live          // a chat or completion model's streamed run

	out    viewport.Model
	outKey string // what the viewport holds (width, run, theme)
	styled any    // the Styles the editor was styled with
}

// New makes the Try tab; c runs the models.
func New(com *common.Common, c *client.Client) *Try {
	return &Try{com: com, client: c, editor: editor.New(com), out: editor.NewOutputViewport()}
}

func (t *Try) Init() tea.Cmd { return nil }

// editorHeight is the share of the pane given to the input.
func (t *Try) editorHeight() int { return max(2, min(12, (t.h-3)*2/5)) }

func (t *Try) SetSize(w, h int) {
	t.w, t.h = w, h
	t.editor.SetWidth(w)
	t.editor.SetHeight(t.editorHeight())
	t.out.SetWidth(w)
	t.out.SetHeight(max(1, h-t.editorHeight()-2))
	t.refreshOutput()
}

// Running says a run is under way.
func (t *Try) Running() bool { return t.running }

// Editing says the editor has the keyboard.
func (t *Try) Editing() bool { return t.editing }

// Entry is the model the tab is for.
func (t *Try) Entry() catalog.Entry { return t.entry }

// Result is the output shown and the error, if any.
func (t *Try) Result() (*client.Response, error) { return t.resp, t.err }

// Stale says the output shown was made from another input than the one
// in the editor now.
func (t *Try) Stale() bool { return (t.resp != nil || t.err != nil) && t.ranGen != t.in.gen }

// Tick advances the run's elapsed time.
func (t *Try) Tick(at time.Time) {
	if t.running {
		t.elapsed = at.Sub(t.started)
	}
}

// Show selects an entry; a different entry resets the input to its first
// sample and clears the output.
func (t *Try) Show(e catalog.Entry) {
	if t.has && e.Ref.Path() == t.entry.Ref.Path() {
		// The model's details arrived: a listing without samples (an OIP
		// model's, whose sample comes from its tensors) gets its first one,
		// unless something was typed meanwhile.
		fill := len(t.entry.Samples) == 0 && len(e.Samples) > 0 && t.in.from.kind == originNone && !t.in.edited
		t.entry = e
		if fill {
			t.loadSample()
		}
		return
	}
	t.entry, t.has = e, true
	t.sample = 0
	t.loadSample()
	if !t.running {
		t.resp, t.err, t.boxes, t.recordAt = nil, nil, nil, time.Time{}
		t.ranGen = t.in.gen
		t.refreshOutput()
	}
}

// Update takes the tab's own messages and, when it has the focus, keys.
func (t *Try) Update(msg tea.Msg) tea.Cmd {
	if stream.Handles(msg) {
		return t.liveUpdate(msg)
	}
	switch msg := msg.(type) {
	case runDoneMsg:
		return t.done(msg)
	case fileLoadedMsg:
		return t.fileLoaded(msg)
	case editorReadyMsg:
		return runEditor(msg)
	case EditorDoneMsg:
		if msg.err != nil {
			return common.Error(msg.err.Error())
		}
		t.setInput(catalog.Text(msg.text), origin{kind: originEditor})
		return common.Info("input updated from the editor")
	case tea.KeyPressMsg:
		if t.editing {
			return t.editKey(msg)
		}
		if id, ok := t.com.Keys.Lookup(keys.ScopeTry, msg); ok {
			return t.Perform(id)
		}
		return nil
	case tea.PasteMsg:
		if t.editing {
			return t.paste(msg)
		}
		return nil
	}
	if t.editing {
		var cmd tea.Cmd
		t.editor, cmd = t.editor.Update(msg)
		return cmd
	}
	return nil
}

// Perform does one of the Try scope's actions.
func (t *Try) Perform(id keys.Action) tea.Cmd {
	switch id {
	case keys.Run:
		return t.Run()
	case keys.Clear:
		if t.Stop() {
			return common.Info("cancelled")
		}
	case keys.Edit:
		return t.edit()
	case keys.NextSample, keys.PrevSample:
		d := 1
		if id == keys.PrevSample {
			d = -1
		}
		if !t.cycleSample(d) {
			return common.Info("this model has one sample")
		}
	case keys.LoadFile:
		return t.askLoad()
	case keys.Save:
		return t.askSave()
	case keys.Editor:
		return t.openEditor()
	case keys.Params:
		return t.askParams()
	case keys.Copy:
		return t.copyOutput()
	case keys.Up:
		t.out.ScrollUp(1)
	case keys.Down:
		t.out.ScrollDown(1)
	case keys.PageUp:
		t.out.PageUp()
	case keys.PageDown:
		t.out.PageDown()
	case keys.Top:
		t.out.GotoTop()
	case keys.Bottom:
		t.out.GotoBottom()
	}
	return nil
}

// Scroll moves the output by d lines (the mouse wheel).
func (t *Try) Scroll(d int) {
	if d < 0 {
		t.out.ScrollUp(-d)
	} else {
		t.out.ScrollDown(d)
	}
}

// ShortHelp is the footer's keys for the tab's state.
func (t *Try) ShortHelp() []key.Binding {
	km := t.com.Keys
	var out []key.Binding
	add := func(id keys.Action, desc string) {
		if b := km.Find(keys.ScopeTry, id); b != nil && b.Enabled() {
			out = append(out, keys.Relabel(b, desc))
		}
	}
	switch {
	case t.editing:
		add(keys.Clear, "done editing")
		if b, ok := keys.InEditor(km.Find(keys.ScopeTry, keys.Run), "run"); ok {
			out = append(out, b)
		}
	case t.running:
		add(keys.Clear, "cancel")
	default:
		add(keys.Run, "run")
		if t.in.large() {
			add(keys.Editor, "edit in $EDITOR")
		} else {
			add(keys.Edit, "edit input")
		}
		if modelinfo.Streams(t.entry) {
			add(keys.Params, "parameters")
		}
		add(keys.NextSample, "next sample")
		add(keys.LoadFile, "load file")
		add(keys.Copy, "copy output")
	}
	return out
}

// FullHelp is every Try binding.
func (t *Try) FullHelp() [][]key.Binding {
	return t.com.Keys.FullHelp(keys.ScopeTry)
}

// Blur takes the keyboard from the editor (a click elsewhere).
func (t *Try) Blur() { t.stopEditing() }

// InputText is the input as text (empty for a binary one).
func (t *Try) InputText() string { return t.text() }

// InputBytes is a binary input's bytes (nil for text).
func (t *Try) InputBytes() []byte { return t.in.bin }
