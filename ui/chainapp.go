package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"pipette/internal/human"
	"pipette/ui/common"
	"pipette/ui/keys"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/itchyny/gojq"

	"pipette/catalog"
	"pipette/internal/atomicfile"
	"pipette/pipebuilder"
)

// This file is the chain builder's side of the root model: the keys of the
// chain scope, the edits (each autosaved and revalidated), runs, previews,
// files and the draft.

// previewDelay is how long typing in a mapping must pause before the
// preview is recomputed.
const previewDelay = 150 * time.Millisecond

// draftSaver writes the autosaved draft. Saves run in commands, possibly
// overlapping; the generation keeps an older snapshot from landing after a
// newer one. A snapshot equal to the one last written is not written again
// (closing the editor, ctrl+t there and back, reopening the same file): each
// write is synced to disk.
type draftSaver struct {
	mu   sync.Mutex
	path string
	gen  int
	last []byte // what the file holds, as we last wrote it
}

func (d *draftSaver) save(gen int, data []byte) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if gen < d.gen {
		return nil
	}
	d.gen = gen
	if d.last != nil && bytes.Equal(data, d.last) {
		return nil
	}
	d.last = nil
	if err := atomicfile.Write(d.path, data, 0o600); err != nil {
		return fmt.Errorf("cannot autosave the chain to %s: %w", d.path, human.FileError(err))
	}
	d.last = data
	return nil
}

// moved says the draft file was moved away: the next save writes.
func (d *draftSaver) moved() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.last = nil
}

// startChain reads the chain named on the command line and the draft.
func (m *Model) startChain() tea.Cmd {
	path, draft := m.opt.ChainFile, m.opt.DraftPath
	if path == "" && draft == "" {
		m.draftRead = true
		return nil
	}
	return func() tea.Msg {
		msg := chainStartMsg{path: path}
		if path != "" {
			msg.file, msg.fileErr = readChain(path)
		}
		if draft != "" {
			if st, err := os.Stat(draft); err == nil {
				msg.draftTime = st.ModTime()
				msg.draft, msg.draftErr = readChain(draft)
			}
		}
		return msg
	}
}

// readChain reads a chain file as a draft: what can be read, with its
// problems, so a file with mistakes opens to be fixed.
func readChain(path string) (*pipebuilder.Chain, error) {
	c, err := pipebuilder.LoadDraft(path)
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return nil, fmt.Errorf("cannot open %s: %w", path, pe.Err)
	}
	return c, err
}

func (m *Model) chainStarted(msg chainStartMsg) tea.Cmd {
	m.draftRead = true
	var cmds []tea.Cmd
	if msg.path != "" {
		switch {
		case msg.file == nil && msg.fileErr != nil:
			// The file stays as it is: ctrl+s asks for a path rather than
			// overwrite what could not be read.
			cmds = append(cmds, m.setStatus(firstLine(msg.fileErr)+" · fix the file and open it again (ctrl+o)", statusError))
		default:
			m.installChain(msg.file, msg.path, msg.fileErr)
			if msg.fileErr != nil {
				cmds = append(cmds, m.setStatus(firstLine(msg.fileErr), statusError))
			}
			m.focus = focusChain
			m.layout()
		}
	}
	if msg.draft != nil && len(msg.draft.Steps) > 0 && (m.chain.c == nil || !msg.draft.Equal(m.chain.c)) {
		// Steps added before the draft was read are saved by the answer
		// (discard saves them; restore replaces them).
		m.offerRestore(msg.draft, msg.draftErr, msg.draftTime)
	} else if m.draftPending {
		cmds = append(cmds, m.autosave())
	}
	m.draftPending = false
	cmds = append(cmds, m.validateChain())
	return tea.Batch(cmds...)
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

// offerRestore asks whether to bring back the autosaved draft.
func (m *Model) offerRestore(draft *pipebuilder.Chain, problems error, at time.Time) {
	lines := []string{
		fmt.Sprintf("%s · %s · saved %s", draft.Name, human.Plural(len(draft.Steps), "step"), at.Local().Format("Jan 2 15:04")),
		draft.Pipeline(),
	}
	if m.chain.c != nil {
		lines = append(lines, "restoring replaces "+m.chain.file+" in the builder (the file is kept)")
	}
	m.confirm = &confirmBox{
		title: "Restore the chain you were building?",
		lines: lines,
		choices: []confirmChoice{
			{key: "r", label: "restore", run: func() tea.Cmd {
				// The draft may be another chain than the open file: ctrl+s
				// asks (offering the file) rather than overwrite it silently.
				file := m.chain.file
				m.installChain(draft, "", problems)
				m.chain.c.File, m.chain.suggest = "", file
				m.focus = focusChain
				m.layout()
				return tea.Batch(m.validateChain(), m.setStatus("restored the draft "+draft.Name, statusInfo))
			}},
			{key: "d", label: "discard (kept as draft.yaml.bak)", run: func() tea.Cmd {
				// Set the draft aside first, then save the open chain (if
				// any) as the new draft: one command, so in this order.
				path, save, saver := m.opt.DraftPath, m.autosave(), m.drafts
				return func() tea.Msg {
					if err := os.Rename(path, path+".bak"); err != nil {
						return draftDiscardedMsg{path: path + ".bak", err: err}
					}
					saver.moved()
					if save != nil {
						if msg, ok := save().(draftSavedMsg); ok && msg.err != nil {
							return draftDiscardedMsg{path: path + ".bak", err: msg.err}
						}
					}
					return draftDiscardedMsg{path: path + ".bak"}
				}
			}},
		},
	}
	m.overlay = overlayConfirm
}

// installChain makes c the chain in the builder.
func (m *Model) installChain(c *pipebuilder.Chain, file string, problems error) {
	p := &m.chain
	p.c, p.file, p.suggest = c, file, ""
	p.problems, p.loadProblems = nil, nil
	var es pipebuilder.Errors
	if errors.As(problems, &es) {
		p.problems, p.loadProblems = es, es
	}
	p.entries = nil
	p.sel = 0
	p.trace, p.runErr = nil, nil
	p.live = map[string]pipebuilder.StepTrace{}
	p.input, p.inputLabel, p.inputSet = catalog.Value{}, "", false
	p.vpKey = ""
}

// edited follows an edit of the chain: its problems, a fresh validation
// against the catalog, and an autosave.
func (m *Model) edited(err error) tea.Cmd {
	p := &m.chain
	p.problems, p.loadProblems = nil, nil // an edited chain no longer has the file's unknown fields
	var es pipebuilder.Errors
	if errors.As(err, &es) {
		p.problems = es
	}
	p.clamp()
	p.vpKey = ""
	m.layout()
	return tea.Batch(m.validateChain(), m.autosave())
}

// autosave writes a snapshot of the chain to the draft file. A mapping
// being typed is in the snapshot as it stands, so a crash mid-edit loses
// nothing either.
func (m *Model) autosave() tea.Cmd {
	if m.opt.DraftPath == "" || m.chain.c == nil {
		return nil
	}
	if !m.draftRead {
		// The draft from last time has not been read yet: writing now
		// would lose it. chainStarted saves once it has been read.
		m.draftPending = true
		return nil
	}
	m.draftGen++
	gen, c, saver := m.draftGen, m.chain.c.Clone(), m.drafts
	if p := &m.chain; p.editing && p.target != "chain input" && p.sel >= 0 && p.sel < len(c.Steps) {
		s := &c.Steps[p.sel]
		if text := strings.TrimSpace(p.editor.Value()); p.target == "each" {
			s.Input, s.Each = "", text
		} else {
			s.Input, s.Each = text, ""
		}
	}
	return func() tea.Msg {
		b, err := c.Marshal()
		if err != nil {
			return draftSavedMsg{err: fmt.Errorf("cannot autosave the chain: %w", err)}
		}
		return draftSavedMsg{err: saver.save(gen, b)}
	}
}

// validateChain checks a snapshot against the catalog.
func (m *Model) validateChain() tea.Cmd {
	if m.chain.c == nil || m.opt.Client == nil {
		return nil
	}
	m.chain.gen++
	gen, c, src := m.chain.gen, m.chain.c.Clone(), m.opt.Client.Source()
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		err := c.Validate(ctx, src)
		msg := chainValidatedMsg{gen: gen}
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

// chainEditKey handles a key while the mapping editor has focus.
func (m *Model) chainEditKey(msg tea.KeyPressMsg) tea.Cmd {
	p := &m.chain
	switch msg.String() {
	case "esc":
		return m.applyMapping(false)
	case "ctrl+r":
		return m.applyMapping(true)
	case "ctrl+t":
		if p.target == "input" {
			p.target = "each"
		} else if p.target == "each" {
			p.target = "input"
		}
		return m.schedulePreview()
	}
	before := p.editor.Value()
	var cmd tea.Cmd
	p.editor, cmd = p.editor.Update(msg)
	if p.editor.Value() != before {
		return tea.Batch(cmd, m.schedulePreview())
	}
	return cmd
}

// applyMapping ends editing and puts the text where it belongs.
func (m *Model) applyMapping(thenRun bool) tea.Cmd {
	p := &m.chain
	p.editing = false
	p.editor.Blur()
	text := strings.TrimSpace(p.editor.Value())
	m.layout()
	if p.target == "chain input" {
		v, err := p.c.InputValue([]byte(p.editor.Value()))
		if err != nil {
			return m.setStatus(err.Error(), statusError)
		}
		p.input, p.inputLabel, p.inputSet = v, "typed "+describeValue(v), true
		if thenRun {
			return m.runChain("")
		}
		return nil
	}
	s, ok := p.selectedStep()
	if !ok {
		return nil
	}
	before := *s
	if p.target == "each" {
		s.Input, s.Each = "", text
	} else {
		s.Input, s.Each = text, ""
	}
	var cmd tea.Cmd
	if strings.TrimSpace(before.Input) == s.Input && strings.TrimSpace(before.Each) == s.Each {
		// Unchanged but for blank lines around it: keep the file's text.
		s.Input, s.Each = before.Input, before.Each
		cmd = m.autosave() // the draft may hold the text being typed
	} else {
		cmd = m.edited(p.c.Compile())
	}
	if thenRun {
		return tea.Batch(cmd, m.runChain(s.ID))
	}
	return cmd
}

// schedulePreview recomputes the preview once typing pauses.
func (m *Model) schedulePreview() tea.Cmd {
	p := &m.chain
	p.previewSeq++
	if p.target == "chain input" {
		return nil
	}
	seq := p.previewSeq
	return m.com.Clock.After(previewDelay, func(time.Time) tea.Msg { return previewDueMsg{seq: seq} })
}

// previewCmd evaluates the mapping over the last run off the UI goroutine.
func (m *Model) previewCmd() tea.Cmd {
	p := &m.chain
	if !p.editing || p.target == "chain input" {
		return nil
	}
	expr := p.editor.Value()
	if p.trace == nil {
		// Nothing to evaluate over yet, but a syntax error can be shown.
		seq := p.previewSeq
		return func() tea.Msg {
			if strings.TrimSpace(expr) == "" {
				return previewMsg{seq: seq}
			}
			_, err := gojq.Parse(expr)
			return previewMsg{seq: seq, err: err}
		}
	}
	seq, tr, each := p.previewSeq, p.trace, p.target == "each"
	binaryOnly := false
	if e, ok := p.entry(p.sel); ok && p.target == "input" {
		binaryOnly = e.InputKind == catalog.KindBinary
	}
	if strings.TrimSpace(expr) == "" {
		// No mapping: the step gets the previous result (or the input).
		expr = ".input"
		if p.sel > 0 && p.sel-1 < len(p.c.Steps) {
			expr = ".steps." + p.c.Steps[p.sel-1].ID
		}
	}
	p.previewing = true
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		v, err := tr.Preview(ctx, expr, each, binaryOnly)
		return previewMsg{seq: seq, value: v, err: err}
	}
}

// editMapping opens the editor on the selected step's mapping.
func (m *Model) editMapping() tea.Cmd {
	p := &m.chain
	s, ok := p.selectedStep()
	if !ok {
		return m.setStatus("no step to edit: add one with a", statusInfo)
	}
	p.target, p.editing = "input", true
	text := s.Input
	if s.Each != "" {
		p.target, text = "each", s.Each
	}
	p.editor.SetValue(strings.TrimRight(text, "\n"))
	p.editor.MoveToBegin()
	p.editor.Placeholder = "jq, e.g. {text: .steps." + s.ID + "}; empty sends the previous result"
	p.setPreview(catalog.Value{}, nil)
	m.layout()
	return tea.Batch(p.editor.Focus(), m.schedulePreview(), m.previewCmdNow())
}

// previewCmdNow computes the first preview at once, without the debounce.
func (m *Model) previewCmdNow() tea.Cmd {
	m.chain.previewSeq++
	return m.previewCmd()
}

// runChain runs the chain, or up to the step with id upTo.
func (m *Model) runChain(upTo string) tea.Cmd {
	p := &m.chain
	if p.c == nil || len(p.c.Steps) == 0 {
		return m.setStatus("the chain has no steps: pick a model and press a", statusInfo)
	}
	if p.running {
		return m.setStatus("the chain is running; esc cancels", statusInfo)
	}
	if m.opt.Client == nil {
		return m.setStatus("no catalog client to run the chain with", statusError)
	}
	if err := p.c.Compile(); err != nil {
		var es pipebuilder.Errors
		if errors.As(err, &es) {
			p.problems = es
		}
		return m.setStatus("fix the chain first: "+firstLine(err), statusError)
	}
	ctx, cancel := context.WithCancel(context.Background())
	p.seq++
	p.running, p.cancel, p.started, p.elapsed = true, cancel, m.com.Clock.Time(), 0
	p.live = map[string]pipebuilder.StepTrace{}
	p.runErr, p.upTo = nil, upTo
	p.vpKey = ""
	in, label := catalog.Value{}, ""
	if p.inputSet {
		in, label = p.input, p.inputLabel
	}
	return tea.Batch(chainRunCmd(ctx, m.opt.Client, p.c.Clone(), in, label, upTo, p.seq), m.startTicking())
}

// stopChain cancels a run.
func (m *Model) stopChain() bool {
	p := &m.chain
	if !p.running {
		return false
	}
	p.cancel()
	p.cancel = nil
	p.running = false
	p.seq++
	p.runErr = catalog.Errorf("Cancelled", "the run was cancelled after %s; r runs it again", p.elapsed.Round(time.Millisecond))
	for id, st := range p.live {
		if !st.Done {
			delete(p.live, id)
		}
	}
	p.vpKey = ""
	return true
}

// chainMsg handles the chain builder's messages; ok is false for others.
func (m *Model) chainMsg(msg tea.Msg) (tea.Cmd, bool) {
	p := &m.chain
	switch msg := msg.(type) {
	case chainStartMsg:
		return m.chainStarted(msg), true
	case chainValidatedMsg:
		if msg.gen != p.gen {
			return nil, true
		}
		p.entries = msg.entries
		if msg.err != nil {
			return m.setStatus("cannot check the chain: "+firstLine(msg.err), statusWarn), true
		}
		p.problems = mergeProblems(p.loadProblems, msg.errs)
		p.vpKey = ""
		if len(msg.errs) > 0 && m.focus == focusChain {
			return m.setStatus(firstLine(msg.errs), statusWarn), true
		}
		return nil, true
	case chainInputMsg:
		if msg.seq == p.seq {
			p.input, p.inputLabel = msg.input, msg.label
		}
		return nextChainMsg(msg.next), true
	case chainStepMsg:
		if msg.seq == p.seq && p.running {
			p.live[msg.step.ID] = msg.step
			p.vpKey = ""
		}
		return nextChainMsg(msg.next), true
	case chainDoneMsg:
		if msg.seq != p.seq || !p.running {
			return nil, true
		}
		p.running = false
		if p.cancel != nil {
			p.cancel()
			p.cancel = nil
		}
		p.runErr = msg.err
		if msg.trace != nil {
			p.trace = msg.trace
			for _, st := range msg.trace.Steps {
				p.live[st.ID] = st
			}
		}
		p.vpKey = ""
		if msg.err != nil {
			var es pipebuilder.Errors
			if errors.As(msg.err, &es) {
				p.problems = es
			}
			return m.setStatus("the chain failed: "+common.OneLine(firstLine(msg.err)), statusError), true
		}
		done := "the chain ran"
		if p.upTo != "" {
			done = "ran up to " + p.upTo
		}
		return m.setStatus(fmt.Sprintf("%s in %s", done, human.Duration(msg.trace.Duration)), statusInfo), true
	case previewDueMsg:
		if msg.seq != p.previewSeq {
			return nil, true
		}
		return tea.Batch(m.previewCmd(), m.autosave()), true
	case previewMsg:
		if msg.seq != p.previewSeq {
			return nil, true
		}
		p.previewing = false
		p.setPreview(msg.value, msg.err)
		m.layout()
		return nil, true
	case draftSavedMsg:
		if msg.err != nil {
			return m.setStatus(msg.err.Error(), statusError), true
		}
		return nil, true
	case draftDiscardedMsg:
		if msg.err != nil {
			return m.setStatus("cannot set the draft aside: "+msg.err.Error(), statusError), true
		}
		return m.setStatus("draft discarded; a copy is in "+msg.path, statusInfo), true
	case chainOpenedMsg:
		if msg.chain == nil {
			return m.setStatus(firstLine(msg.err), statusError), true
		}
		m.installChain(msg.chain, msg.path, msg.err)
		m.focus = focusChain
		m.layout()
		status := m.setStatus("opened "+msg.path, statusInfo)
		if msg.err != nil {
			status = m.setStatus(firstLine(msg.err), statusError)
		}
		return tea.Batch(status, m.validateChain(), m.autosave()), true
	case chainSavedMsg:
		if msg.err != nil {
			return m.setStatus(msg.err.Error(), statusError), true
		}
		if msg.asFile {
			p.file = msg.path
		}
		return m.setStatus("saved "+msg.what+" to "+msg.path, statusInfo), true
	case chainExportMsg:
		if msg.err != nil {
			return m.setStatus(msg.err.Error(), statusError), true
		}
		if msg.path == "" {
			return tea.Batch(tea.SetClipboard(string(msg.data)), m.setStatus(fmt.Sprintf("copied the chain as %s (%s)", msg.format, human.Bytes(int64(len(msg.data)))), statusInfo)), true
		}
		path, data, what := msg.path, msg.data, msg.format
		return func() tea.Msg {
			if err := atomicfile.Write(path, data, 0o644); err != nil {
				return chainSavedMsg{path: path, what: what, err: fmt.Errorf("cannot write %s: %w", path, human.FileError(err))}
			}
			return chainSavedMsg{path: path, what: what}
		}, true
	}
	return nil, false
}

// addStep adds the model in view as the chain's next step, starting a chain
// on the first one.
func (m *Model) addStep() tea.Cmd {
	if !m.hasSel {
		return m.setStatus("no model selected: pick one in the catalog, then press a", statusInfo)
	}
	e := m.selected
	p := &m.chain
	if p.c == nil {
		// A model taking "any" input says what it wants by its sample.
		in := e.InputKind
		if in != catalog.KindText && in != catalog.KindJSON && in != catalog.KindBinary {
			in = catalog.KindText
			if len(e.Samples) > 0 && e.Samples[0].Input.Kind != "" {
				in = e.Samples[0].Input.Kind
			}
		}
		p.c = pipebuilder.NewChain("me/Untitled", in)
		p.live = map[string]pipebuilder.StepTrace{}
	}
	i, err := p.c.AddStep(e.Ref.String())
	if i < 0 {
		return m.setStatus("cannot add "+e.Ref.String()+": "+err.Error(), statusError)
	}
	p.sel = i
	return tea.Batch(m.edited(err), m.setStatus(fmt.Sprintf("added %s as step %d (%s) · c opens the chain", e.Ref.Path(), i+1, p.c.Steps[i].ID), statusInfo))
}

// doChain performs an action of the chain scope.
func (m *Model) doChain(id keys.Action) tea.Cmd {
	p := &m.chain
	switch id {
	case keys.ChainPrev:
		p.sel--
		p.clamp()
		p.vp.GotoTop()
	case keys.ChainNext:
		p.sel++
		p.clamp()
		p.vp.GotoTop()
	case keys.ChainMoveL, keys.ChainMoveR:
		if p.steps() < 2 {
			return nil
		}
		to := p.sel - 1
		if id == keys.ChainMoveR {
			to = p.sel + 1
		}
		if to < 0 || to >= p.steps() {
			return nil
		}
		err := p.c.MoveStep(p.sel, to)
		p.sel = to
		return m.edited(err)
	case keys.ChainRemove:
		s, ok := p.selectedStep()
		if !ok {
			return nil
		}
		idx, sid := p.sel, s.ID
		m.confirm = &confirmBox{
			title: "Remove step " + sid + "?",
			lines: []string{s.Algo},
			choices: []confirmChoice{
				{key: "y", label: "remove", run: func() tea.Cmd {
					if idx >= p.steps() || p.c.Steps[idx].ID != sid {
						return nil
					}
					err := p.c.RemoveStep(idx)
					delete(p.live, sid)
					return tea.Batch(m.edited(err), m.setStatus("removed step "+sid, statusInfo))
				}},
				{key: "n", label: "keep it"},
			},
		}
		m.overlay = overlayConfirm
	case keys.ChainRename:
		s, ok := p.selectedStep()
		if !ok {
			return nil
		}
		return m.openChainPrompt(promptRenameStep, "Rename step "+s.ID+" (its references follow)", s.ID)
	case keys.ChainName:
		if p.c == nil {
			return m.setStatus("no chain yet: add a step with a", statusInfo)
		}
		return m.openChainPrompt(promptRenameChain, "Name the chain (owner/name)", p.c.Name)
	case keys.ChainMap:
		return m.editMapping()
	case keys.ChainRun:
		return m.runChain("")
	case keys.ChainRunTo:
		s, ok := p.selectedStep()
		if !ok {
			return nil
		}
		return m.runChain(s.ID)
	case keys.Clear:
		if m.stopChain() {
			return m.setStatus("cancelled", statusInfo)
		}
		m.focus = m.chainReturn
		m.layout()
		return m.refreshDetail()
	case keys.ChainInput:
		if p.c == nil {
			return nil
		}
		if p.c.Input == catalog.KindBinary {
			return m.setStatus("the chain takes binary input: load a file with o", statusInfo)
		}
		p.target, p.editing = "chain input", true
		text := ""
		switch p.input.Kind {
		case catalog.KindText:
			text = p.input.Text
		case catalog.KindJSON:
			if b, err := catalog.MarshalJSON(p.input.JSON); err == nil {
				text = string(b)
			}
		}
		p.editor.SetValue(text)
		p.editor.Placeholder = "the chain's " + string(p.c.Input) + " input"
		m.layout()
		return p.editor.Focus()
	case keys.ChainKind:
		if p.c == nil {
			return nil
		}
		next := map[catalog.Kind]catalog.Kind{catalog.KindText: catalog.KindJSON, catalog.KindJSON: catalog.KindBinary}[p.c.Input]
		if next == "" {
			next = catalog.KindText
		}
		p.c.Input = next
		if p.inputSet && p.input.Kind != next {
			p.input, p.inputLabel, p.inputSet = catalog.Value{}, "", false
		}
		return tea.Batch(m.edited(p.c.Compile()), m.setStatus("the chain now takes "+string(next)+" input", statusInfo))
	case keys.ChainLoadIn:
		if p.c == nil {
			return nil
		}
		return m.openChainPrompt(promptChainInput, "Load a file as the chain's input", "")
	case keys.ChainExport:
		if p.c == nil {
			return m.setStatus("no chain to export yet: add a step with a", statusInfo)
		}
		var items []pickItem
		for _, f := range []string{"YAML", "Go", "shell"} {
			items = append(items,
				pickItem{title: f + " to a file", value: exportChoice{format: f, file: true}},
				pickItem{title: f + " to the clipboard", value: exportChoice{format: f}})
		}
		m.picker = newPicker(m.com.Styles, "Export the chain", "format", items)
		m.overlay = overlayExport
		m.sizeOverlay()
		return m.picker.focus()
	case keys.ChainCopyStep:
		s, ok := p.selectedStep()
		if !ok {
			return nil
		}
		st, has := p.stepTrace(s.ID)
		if !has || !st.Done || st.Err != nil {
			return m.setStatus("no result for "+s.ID+" yet: run the chain (r)", statusInfo)
		}
		text, ok := valueText(st.Result)
		if !ok {
			return m.setStatus("a binary result cannot go to the clipboard; export the chain and run it, or use the Try tab's w", statusWarn)
		}
		return tea.Batch(tea.SetClipboard(text), m.setStatus("copied "+s.ID+"'s result", statusInfo))
	case keys.Up:
		p.vp.ScrollUp(1)
	case keys.Down:
		p.vp.ScrollDown(1)
	case keys.PageUp:
		p.vp.PageUp()
	case keys.PageDown:
		p.vp.PageDown()
	}
	return nil
}

func valueText(v catalog.Value) (string, bool) {
	switch v.Kind {
	case catalog.KindText:
		return v.Text, true
	case catalog.KindJSON:
		b, err := catalog.MarshalJSON(v.JSON)
		return string(b), err == nil
	}
	return "", false
}

// exportChoice is a row of the export picker.
type exportChoice struct {
	format string // YAML, Go, shell
	file   bool
}

func (m *Model) exportChain(ch exportChoice) tea.Cmd {
	if !ch.file {
		return m.exportCmd(ch.format, "")
	}
	base := "chain"
	if ref, err := catalog.ParseRef(m.chain.c.Name); err == nil {
		base = strings.ToLower(ref.Name)
	}
	ext := map[string]string{"YAML": ".yaml", "Go": ".go", "shell": ".sh"}[ch.format]
	m.exportFormat = ch.format
	return m.openChainPrompt(promptExportChain, "Export the chain as "+ch.format+" to", base+ext)
}

// exportCmd renders the chain in a command (Go export validates it against
// the catalog first, to know which steps take binary input).
func (m *Model) exportCmd(format, path string) tea.Cmd {
	c, src := m.chain.c.Clone(), m.opt.Client.Source()
	server := m.opt.ServerURL
	return func() tea.Msg {
		var data []byte
		var err error
		switch format {
		case "YAML":
			data, err = c.Marshal()
		default:
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			if err = c.Validate(ctx, src); err != nil {
				return chainExportMsg{format: format, err: fmt.Errorf("fix the chain before exporting it as %s: %s", format, firstLine(err))}
			}
			if format == "Go" {
				data, err = pipebuilder.ExportGo(c, pipebuilder.GoExportOptions{Server: server})
			} else {
				data, err = pipebuilder.ExportShell(c)
			}
		}
		if err != nil {
			return chainExportMsg{format: format, err: fmt.Errorf("cannot export the chain as %s: %s", format, firstLine(err))}
		}
		return chainExportMsg{format: format, path: path, data: data}
	}
}

func (m *Model) openChainPrompt(p promptPurpose, title, value string) tea.Cmd {
	m.prompt = newPrompt(m.com.Styles, p, title, value)
	m.overlay = overlayPrompt
	return m.prompt.input.Focus()
}

// saveChain writes the chain to its file, asking for a path the first time.
func (m *Model) saveChain() tea.Cmd {
	if m.chain.c == nil {
		return m.setStatus("no chain to save yet: add a step with a", statusInfo)
	}
	if m.chain.file == "" {
		path := m.chain.suggest
		if path == "" {
			path = "chain.yaml"
			if ref, err := catalog.ParseRef(m.chain.c.Name); err == nil {
				path = strings.ToLower(ref.Name) + ".yaml"
			}
		}
		return m.openChainPrompt(promptSaveChain, "Save the chain to", path)
	}
	return m.saveChainTo(m.chain.file)
}

func (m *Model) saveChainTo(path string) tea.Cmd {
	c := m.chain.c.Clone()
	return func() tea.Msg {
		b, err := c.Marshal()
		if err == nil {
			err = atomicfile.Write(path, b, 0o644)
		}
		if err != nil {
			return chainSavedMsg{path: path, what: "the chain", err: fmt.Errorf("cannot save the chain to %s: %w", path, human.FileError(err))}
		}
		return chainSavedMsg{path: path, what: "the chain", asFile: true}
	}
}

// confirmChainPrompt acts on a chain prompt's answer.
func (m *Model) confirmChainPrompt(purpose promptPurpose, raw string) tea.Cmd {
	value := strings.TrimSpace(raw)
	if value == "" {
		m.prompt.err = "type a value, or esc to cancel"
		return nil
	}
	p := &m.chain
	switch purpose {
	case promptRenameStep:
		if err := p.c.RenameStep(p.sel, value); err != nil && !isProblems(err) {
			m.prompt.err = err.Error()
			return nil
		} else {
			m.overlay, m.prompt = overlayNone, nil
			return m.edited(err)
		}
	case promptRenameChain:
		ref, err := catalog.ParseRef(value)
		if err != nil || ref.Version != "" {
			m.prompt.err = "a chain's name is owner/name, such as me/MemeGenerator"
			return nil
		}
		m.overlay, m.prompt = overlayNone, nil
		p.c.Name = value
		return m.edited(p.c.Compile())
	}
	path := expandHome(value)
	m.overlay, m.prompt = overlayNone, nil
	switch purpose {
	case promptSaveChain:
		return m.saveChainTo(path)
	case promptOpenChain:
		return func() tea.Msg {
			c, err := readChain(path)
			return chainOpenedMsg{path: path, chain: c, err: err}
		}
	case promptExportChain:
		return m.exportCmd(m.exportFormat, path)
	case promptChainInput:
		return loadInputFile(path, true)
	}
	return nil
}

func isProblems(err error) bool {
	var es pipebuilder.Errors
	return errors.As(err, &es)
}

// chainInputLoaded installs a file as the chain's input.
func (m *Model) chainInputLoaded(msg fileLoadedMsg) tea.Cmd {
	if msg.err != nil {
		return m.setStatus(msg.err.Error(), statusError)
	}
	p := &m.chain
	if p.c == nil {
		return nil
	}
	v, err := p.c.InputValue(msg.data)
	if err != nil {
		return m.setStatus(err.Error(), statusError)
	}
	p.input, p.inputSet = v, true
	p.inputLabel = filepath.Base(msg.path) + " (" + describeValue(v) + ")"
	return m.setStatus("the chain's input is now "+msg.path+" · r runs it", statusInfo)
}

// confirmBox is a small modal question answered with one key.
type confirmBox struct {
	title   string
	lines   []string
	choices []confirmChoice
}

type confirmChoice struct {
	key   string
	label string
	run   func() tea.Cmd // nil: just close
}

func (c *confirmBox) View(m *Model, w int) string {
	st := m.com.Styles
	lines := []string{st.Title.Render(c.title)}
	for _, l := range c.lines {
		lines = append(lines, st.Text.Render(common.Truncate(l, w-4)))
	}
	var opts []string
	for _, ch := range c.choices {
		opts = append(opts, st.HelpKey.Render(ch.key)+" "+st.HelpDesc.Render(ch.label))
	}
	lines = append(lines, "", strings.Join(opts, st.HelpSep.Render(" "+st.Dot+" ")))
	return st.Overlay.Width(w).Render(strings.Join(lines, "\n"))
}

// confirmKey answers the confirm box; enter takes the first choice.
func (m *Model) confirmKey(msg tea.KeyPressMsg) tea.Cmd {
	c := m.confirm
	k := msg.String()
	for i, ch := range c.choices {
		if k == ch.key || (k == "enter" && i == 0) || (k == "esc" && i == len(c.choices)-1 && len(c.choices) > 1 && ch.key == "n") {
			m.overlay, m.confirm = overlayNone, nil
			if ch.run == nil {
				return nil
			}
			return ch.run()
		}
	}
	return nil
}

// mergeProblems is the validation's problems plus those only the file's
// reading found (unknown fields), each once.
func mergeProblems(load, now pipebuilder.Errors) pipebuilder.Errors {
	if len(load) == 0 {
		return now
	}
	seen := map[string]bool{}
	var out pipebuilder.Errors
	for _, list := range []pipebuilder.Errors{load, now} {
		for _, pr := range list {
			if !seen[pr.Msg] {
				seen[pr.Msg] = true
				out = append(out, pr)
			}
		}
	}
	return out
}
