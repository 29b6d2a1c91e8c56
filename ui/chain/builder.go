// Package chain is the chain builder: the chain being built, its runs and
// mapping previews, its files and its autosaved draft (controller), and how
// it is drawn (views). The root model owns the focus and the dialogs; the
// builder asks for a dialog with dialog.Open and gets the answer through
// HandleSubmit, HandleAnswer and HandleExport, and reports with status
// commands (common.Info…), FocusMsg and LeaveMsg.
package chain

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"pipette/catalog"
	"pipette/client"
	"pipette/pipebuilder"
	"pipette/ui/common"
	"pipette/ui/components/editor"
	"pipette/ui/dialog"
	"pipette/ui/keys"
)

// Options configure the builder.
type Options struct {
	Client *client.Client
	// ServerURL is what an exported Go program calls ("" asks at run time).
	ServerURL string
	// File is a chain file to open at start.
	File string
	// Drafts keeps the chain being built; nil keeps nothing (tests).
	Drafts Drafts
}

// target is what the editor edits.
type target int

const (
	targetInput      target = iota // the selected step's input mapping
	targetEach                     // the selected step's each mapping
	targetChainInput               // the chain's input value, as text
)

func (t target) String() string { return [...]string{"input", "each", "chain input"}[t] }

// FocusMsg asks the root to show the builder (a chain was opened).
type FocusMsg struct{}

// LeaveMsg asks the root to leave the builder (esc with nothing to cancel).
type LeaveMsg struct{}

// Builder is the chain builder.
type Builder struct {
	com  *common.Common
	opt  Options
	w, h int // outer size, border included

	c        *pipebuilder.Chain // nil until the first step is added or a chain opened
	file     string             // where ctrl+s writes ("" asks)
	suggest  string             // the path ctrl+s offers when file is ""
	problems pipebuilder.Errors // from the last edit or validation
	// loadProblems are what reading the file found; some (unknown fields)
	// only reading can find, so they stay until the first edit.
	loadProblems pipebuilder.Errors
	entries      []catalog.Entry // each step's resolved entry, from validation
	gen          int             // edits so far: validations answer one
	sel          int

	// The chain's input: chosen by the user, or the first step's sample.
	input      catalog.Value
	inputLabel string
	inputSet   bool // the user chose it (o, I); otherwise a sample is used

	running bool
	seq     int
	cancel  context.CancelFunc
	started time.Time
	elapsed time.Duration
	live    map[string]pipebuilder.StepTrace // by step id: the newest progress
	trace   *pipebuilder.Trace               // the last finished run
	runErr  error
	upTo    string

	editing    bool
	target     target
	editor     textarea.Model
	previewSeq int
	preview    catalog.Value
	previewErr error
	previewing bool
	previewGen int // counts changes of preview and previewErr

	// zoom shows the selected step's result alone, as large as it goes.
	zoom bool
	vp   viewport.Model
	// drawn is what Prepare rendered for View.
	drawn drawing

	draft        draftState
	files        fileState
	exportFormat dialog.ExportFormat
	removing     string // the step the remove question is about
}

// New makes an empty builder.
func New(com *common.Common, opt Options) *Builder {
	b := &Builder{com: com, opt: opt, editor: editor.New(com), vp: editor.NewOutputViewport(), live: map[string]pipebuilder.StepTrace{}}
	return b
}

// Init reads the chain named on the command line and the draft.
func (b *Builder) Init() tea.Cmd { return b.start() }

// SetSize gives the builder the body of the screen.
func (b *Builder) SetSize(w, h int) {
	b.w, b.h = w, h
	iw := max(1, w-b.com.Styles.Pane.GetHorizontalFrameSize())
	b.editor.SetWidth(iw)
	b.editor.SetHeight(b.editorHeight())
	b.vp.SetWidth(iw)
}

func (b *Builder) innerHeight() int { return max(1, b.h-b.com.Styles.Pane.GetVerticalFrameSize()) }

func (b *Builder) editorHeight() int { return max(2, min(8, b.innerHeight()/5)) }

// Chain is the chain being built (nil when there is none).
func (b *Builder) Chain() *pipebuilder.Chain { return b.c }

// Selected is the selected step's index.
func (b *Builder) Selected() int { return b.sel }

// Running says a run is under way.
func (b *Builder) Running() bool { return b.running }

// Editing says the editor has the keyboard, and what it edits.
func (b *Builder) Editing() (string, bool) { return b.target.String(), b.editing }

// Trace is the last finished run.
func (b *Builder) Trace() *pipebuilder.Trace { return b.trace }

// RunErr is why the last run failed.
func (b *Builder) RunErr() error { return b.runErr }

// Step is the newest progress or result of the step with id.
func (b *Builder) Step(id string) (pipebuilder.StepTrace, bool) {
	st, ok := b.live[id]
	return st, ok
}

// Problems are what is wrong with the chain now.
func (b *Builder) Problems() pipebuilder.Errors { return b.problems }

// Input is the chain's input, where it is from, and whether the user chose it.
func (b *Builder) Input() (catalog.Value, string, bool) { return b.input, b.inputLabel, b.inputSet }

// File is the file ctrl+s writes.
func (b *Builder) File() string { return b.file }

// Preview is what the mapping being edited builds, or its error.
func (b *Builder) Preview() (catalog.Value, error) { return b.preview, b.previewErr }

// TextFocused says the builder's editor takes printable keys as text.
func (b *Builder) TextFocused() bool { return b.editing }

func (b *Builder) steps() int {
	if b.c == nil {
		return 0
	}
	return len(b.c.Steps)
}

func (b *Builder) clamp() { b.sel = max(0, min(b.sel, b.steps()-1)) }

func (b *Builder) selectedStep() (*pipebuilder.Step, bool) {
	if b.c == nil || b.sel < 0 || b.sel >= len(b.c.Steps) {
		return nil, false
	}
	return &b.c.Steps[b.sel], true
}

// entry is the catalog entry of step i when validation resolved it.
func (b *Builder) entry(i int) (catalog.Entry, bool) {
	if i < 0 || i >= len(b.entries) || b.entries[i].Ref.Name == "" {
		return catalog.Entry{}, false
	}
	return b.entries[i], true
}

// Select makes step i the selected one (a click on the pipeline).
func (b *Builder) Select(i int) {
	b.sel = i
	b.clamp()
	b.vp.GotoTop()
}

// Scroll moves the step's detail by d lines.
func (b *Builder) Scroll(d int) {
	if d < 0 {
		b.vp.ScrollUp(-d)
	} else {
		b.vp.ScrollDown(d)
	}
}

// Update takes the builder's own messages and, when it has the focus, keys.
func (b *Builder) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		if b.editing {
			return b.editKey(msg)
		}
		if id, ok := b.com.Keys.Lookup(keys.ScopeChain, msg); ok {
			return b.Perform(id)
		}
		return nil
	case tea.PasteMsg:
		if b.editing {
			return b.editText(msg)
		}
		return nil
	}
	if cmd, ok := b.runMsg(msg); ok {
		return cmd
	}
	if cmd, ok := b.fileMsg(msg); ok {
		return cmd
	}
	if b.editing {
		var cmd tea.Cmd
		b.editor, cmd = b.editor.Update(msg)
		return cmd
	}
	return nil
}

// Perform does one of the chain scope's actions.
func (b *Builder) Perform(id keys.Action) tea.Cmd {
	switch id {
	case keys.ChainPrev, keys.ChainNext:
		b.Select(b.sel + map[keys.Action]int{keys.ChainPrev: -1, keys.ChainNext: 1}[id])
	case keys.ChainMoveL, keys.ChainMoveR:
		return b.move(id == keys.ChainMoveR)
	case keys.ChainRemove:
		return b.askRemove()
	case keys.ChainRename:
		if s, ok := b.selectedStep(); ok {
			return dialog.Open(dialog.NewPrompt(b.com, dialog.RenameStep, "Rename step "+s.ID+" (its references follow)", s.ID))
		}
	case keys.ChainName:
		if b.c == nil {
			return common.Info("no chain yet: add a step with a")
		}
		return dialog.Open(dialog.NewPrompt(b.com, dialog.RenameChain, "Name the chain (owner/name)", b.c.Name))
	case keys.ChainMap:
		return b.editMapping()
	case keys.ChainRun:
		return b.run("")
	case keys.ChainRunTo:
		if s, ok := b.selectedStep(); ok {
			return b.run(s.ID)
		}
	case keys.Clear:
		return b.back()
	case keys.ChainInput:
		return b.editInput()
	case keys.ChainKind:
		return b.cycleKind()
	case keys.ChainLoadIn:
		if b.c != nil {
			return dialog.Open(dialog.NewPrompt(b.com, dialog.ChainInputFile, "Load a file as the chain's input", ""))
		}
	case keys.ChainExport:
		if b.c == nil {
			return common.Info("no chain to export yet: add a step with a")
		}
		return dialog.Open(dialog.NewExport(b.com))
	case keys.ChainCopyStep:
		return b.copyResult()
	case keys.ChainSaveStep:
		return b.askSaveResult()
	case keys.ChainZoom:
		b.zoom = !b.zoom
		b.vp.GotoTop()
	case keys.ChainSave:
		return b.Save()
	case keys.ChainSaveAs:
		return b.SaveAs()
	case keys.ChainOpen:
		return dialog.Open(dialog.NewPrompt(b.com, dialog.OpenChain, "Open a chain file", b.file))
	case keys.Up:
		b.Scroll(-1)
	case keys.Down:
		b.Scroll(1)
	case keys.PageUp:
		b.vp.PageUp()
	case keys.PageDown:
		b.vp.PageDown()
	case keys.Top:
		b.vp.GotoTop()
	case keys.Bottom:
		b.vp.GotoBottom()
	}
	return nil
}

// back cancels a run, ends a zoom, or leaves the builder.
func (b *Builder) back() tea.Cmd {
	switch {
	case b.Stop():
		return common.Info("cancelled")
	case b.zoom:
		b.zoom = false
		return nil
	}
	return func() tea.Msg { return LeaveMsg{} }
}

// Add adds e as the chain's next step, starting a chain on the first one.
func (b *Builder) Add(e catalog.Entry) tea.Cmd {
	if b.c == nil {
		// A model taking "any" input says what it wants by its sample.
		in := e.InputKind
		if in != catalog.KindText && in != catalog.KindJSON && in != catalog.KindBinary {
			in = catalog.KindText
			if len(e.Samples) > 0 && e.Samples[0].Input.Kind != "" {
				in = e.Samples[0].Input.Kind
			}
		}
		b.c = pipebuilder.NewChain("me/Untitled", in)
		b.live = map[string]pipebuilder.StepTrace{}
	}
	i, err := b.c.AddStep(e.Ref.String())
	if i < 0 {
		return common.Error("cannot add " + e.Ref.String() + ": " + err.Error())
	}
	b.sel = i
	added := common.Info(fmt.Sprintf("added %s as step %d (%s) · c opens the chain", e.Ref.Path(), i+1, b.c.Steps[i].ID))
	return tea.Batch(b.edited(err), added)
}

func (b *Builder) move(later bool) tea.Cmd {
	to := b.sel - 1
	if later {
		to = b.sel + 1
	}
	if b.steps() < 2 || to < 0 || to >= b.steps() {
		return nil
	}
	err := b.c.MoveStep(b.sel, to)
	b.sel = to
	return b.edited(err)
}

func (b *Builder) askRemove() tea.Cmd {
	s, ok := b.selectedStep()
	if !ok {
		return nil
	}
	b.removing = s.ID
	return dialog.Open(dialog.NewConfirm(b.com, dialog.RemoveStep, "Remove step "+s.ID+"?", []string{s.Algo},
		dialog.Option{Key: "y", Label: "remove", Choice: dialog.ChoiceYes},
		dialog.Option{Key: "n", Label: "keep it", Choice: dialog.ChoiceNo}))
}

func (b *Builder) remove() tea.Cmd {
	id := b.removing
	b.removing = ""
	i := b.c.StepIndex(id)
	if b.c == nil || i < 0 {
		return nil
	}
	err := b.c.RemoveStep(i)
	delete(b.live, id)
	return tea.Batch(b.edited(err), common.Info("removed step "+id))
}

func (b *Builder) cycleKind() tea.Cmd {
	if b.c == nil {
		return nil
	}
	next := map[catalog.Kind]catalog.Kind{catalog.KindText: catalog.KindJSON, catalog.KindJSON: catalog.KindBinary}[b.c.Input]
	if next == "" {
		next = catalog.KindText
	}
	b.c.Input = next
	if b.inputSet && b.input.Kind != next {
		b.input, b.inputLabel, b.inputSet = catalog.Value{}, "", false
	}
	return tea.Batch(b.edited(b.c.Compile()), common.Info("the chain now takes "+string(next)+" input"))
}

// edited follows an edit of the chain: its problems, a fresh validation
// against the catalog, and an autosave.
func (b *Builder) edited(err error) tea.Cmd {
	b.problems, b.loadProblems = nil, nil // an edited chain no longer has the file's unknown fields
	var es pipebuilder.Errors
	if errors.As(err, &es) {
		b.problems = es
	}
	b.clamp()
	return tea.Batch(b.validate(), b.autosave())
}

// validate checks a snapshot against the catalog.
func (b *Builder) validate() tea.Cmd {
	if b.c == nil || b.opt.Client == nil {
		return nil
	}
	b.gen++
	gen, c, src := b.gen, b.c.Clone(), b.opt.Client.Source()
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		err := c.Validate(ctx, src)
		msg := validatedMsg{gen: gen}
		if !errors.As(err, &msg.errs) {
			msg.err = err
		}
		for i := range c.Steps {
			e, _ := c.Steps[i].Entry()
			msg.entries = append(msg.entries, e)
		}
		return msg
	}
}

// HandleSubmit acts on a prompt the builder opened. An error keeps the
// prompt open with its sentence.
func (b *Builder) HandleSubmit(p dialog.Purpose, value string) (tea.Cmd, error) {
	switch p {
	case dialog.RenameStep:
		if err := b.c.RenameStep(b.sel, value); err != nil && !isProblems(err) {
			return nil, err
		} else {
			return b.edited(err), nil
		}
	case dialog.RenameChain:
		ref, err := catalog.ParseRef(value)
		if err != nil || ref.Version != "" {
			return nil, errors.New("a chain's name is owner/name, such as me/MemeGenerator")
		}
		b.c.Name = value
		return b.edited(b.c.Compile()), nil
	}
	path := common.ExpandHome(value)
	switch p {
	case dialog.SaveChain:
		return b.saveTo(path), nil
	case dialog.OpenChain:
		return openCmd(path), nil
	case dialog.ExportChain:
		return b.exportCmd(b.exportFormat, path), nil
	case dialog.ChainInputFile:
		return loadInputCmd(path), nil
	case dialog.SaveStepResult:
		return b.saveResult(path), nil
	}
	return nil, nil
}

// HandleAnswer acts on a question the builder asked.
func (b *Builder) HandleAnswer(q dialog.Question, c dialog.Choice) tea.Cmd {
	switch {
	case q == dialog.RemoveStep && c == dialog.ChoiceYes:
		return b.remove()
	case q == dialog.RemoveStep:
		b.removing = ""
	case q == dialog.RestoreDraft:
		return b.answerRestore(c)
	case q == dialog.ReplaceFile:
		return b.answerWrite(c)
	}
	return nil
}

// HandleExport exports the chain as the export menu says.
func (b *Builder) HandleExport(e dialog.Export) tea.Cmd {
	if b.c == nil {
		return nil
	}
	if !e.ToFile {
		return b.exportCmd(e.Format, "")
	}
	base := "chain"
	if ref, err := catalog.ParseRef(b.c.Name); err == nil {
		base = strings.ToLower(ref.Name)
	}
	ext := map[dialog.ExportFormat]string{dialog.ExportYAML: ".yaml", dialog.ExportGo: ".go", dialog.ExportShell: ".sh"}[e.Format]
	b.exportFormat = e.Format
	return dialog.Open(dialog.NewPrompt(b.com, dialog.ExportChain, "Export the chain as "+string(e.Format)+" to", base+ext))
}

func isProblems(err error) bool {
	var es pipebuilder.Errors
	return errors.As(err, &es)
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

// ShortHelp is the footer's keys for the builder's state.
func (b *Builder) ShortHelp() []key.Binding {
	km := b.com.Keys
	find := func(id keys.Action) *keys.Binding { return km.Find(keys.ScopeChain, id) }
	var out []key.Binding
	add := func(id keys.Action, desc string) {
		if bd := find(id); bd != nil && bd.Enabled() {
			out = append(out, keys.Relabel(bd, desc))
		}
	}
	if b.editing {
		out = append(out, keys.Relabel(find(keys.Clear), "done editing"))
		run := "run to here"
		if b.target == targetChainInput {
			run = "run"
		}
		if kb, ok := keys.InEditor(find(keys.ChainRun), run); ok {
			out = append(out, kb)
		}
		if b.target != targetChainInput {
			if kb, ok := keys.InEditor(find(keys.ChainToggleEach), "input/each"); ok {
				out = append(out, kb)
			}
		}
		return out
	}
	switch {
	case b.running:
		add(keys.Clear, "cancel")
		add(keys.ChainNext, "step")
	case b.zoom:
		add(keys.ChainZoom, "unzoom")
		add(keys.ChainSaveStep, "save")
		add(keys.ChainPrev, "step")
		add(keys.Down, "scroll")
	default:
		add(keys.ChainRun, "run")
		add(keys.ChainRunTo, "run to step")
		add(keys.ChainMap, "edit mapping")
		add(keys.ChainMoveL, "move")
		add(keys.ChainRename, "rename")
		add(keys.ChainRemove, "remove")
		add(keys.ChainExport, "export")
		if bd := km.Find(keys.ScopeGlobal, keys.ChainSave); bd != nil && bd.Enabled() {
			out = append(out, keys.Relabel(bd, "save"))
		}
		add(keys.Clear, "back")
	}
	return out
}

// FullHelp is every chain binding.
func (b *Builder) FullHelp() [][]key.Binding {
	return b.com.Keys.FullHelp(keys.ScopeChain)
}

// DraftPath is the file this builder autosaves to ("" before the first
// save or without drafts).
func (b *Builder) DraftPath() string {
	if b.draft.own == nil {
		return ""
	}
	return b.draft.own.Path()
}
