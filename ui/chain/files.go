package chain

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	tea "charm.land/bubbletea/v2"

	"pipette/catalog"
	"pipette/internal/atomicfile"
	"pipette/internal/chainfile"
	"pipette/internal/filestamp"
	"pipette/internal/human"
	"pipette/pipebuilder"
	"pipette/ui/chain/draft"
	"pipette/ui/common"
	"pipette/ui/components/value"
	"pipette/ui/dialog"
)

// Drafts is where the builder keeps its draft: every edit is saved to it,
// and the drafts other builders left behind are offered at start.
type Drafts = *draft.Store

// draftState is the builder's side of its draft.
type draftState struct {
	own *draft.Draft
	gen int
	// read says the drafts left behind have been looked at (or there are
	// none to look at): until then an edit only marks pending, so that
	// saving cannot come before the offer.
	read, pending bool
	offers        []draft.Offer // left to offer, newest first
}

// fileState is what the builder knows of the file its chain came from.
type fileState struct {
	// layout is the file (or restored draft) as written: saves and
	// autosaves keep its comments and layout.
	layout []byte
	// stamp is the file as last read or written: ctrl+s asks before
	// replacing it once it has changed on disk.
	stamp filestamp.Stamp
	// writing is the write waiting for the user's answer (ReplaceFile).
	writing *common.Write
}

// start reads the chain named on the command line, claims this builder's
// draft and finds the drafts to offer.
func (b *Builder) start() tea.Cmd {
	path, store := b.opt.File, b.opt.Drafts
	if path == "" && store == nil {
		b.draft.read = true
		return nil
	}
	return func() tea.Msg {
		msg := startMsg{path: path}
		if path != "" {
			msg.file, msg.data, msg.stamp, msg.fileErr = readChain(path)
		}
		if store != nil {
			msg.own, msg.ownErr = store.Start()
			msg.found = store.Scan(msg.own)
		}
		return msg
	}
}

// readChain reads a chain file as a draft — what can be read, with its
// problems, so a file with mistakes opens to be fixed — with its bytes and
// stamp, so that a save keeps its layout and knows when it changed on disk.
func readChain(path string) (*pipebuilder.Chain, []byte, filestamp.Stamp, error) {
	data, err := chainfile.Read(path)
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return nil, nil, filestamp.Stamp{}, fmt.Errorf("cannot open %s: %w", path, pe.Err)
	}
	if err != nil {
		return nil, nil, filestamp.Stamp{}, err
	}
	stamp, _ := filestamp.Of(path, data)
	c, err := pipebuilder.ParseDraft(path, data)
	return c, data, stamp, err
}

func (b *Builder) onStart(msg startMsg) tea.Cmd {
	b.draft.read = true
	var cmds []tea.Cmd
	if msg.path != "" {
		if msg.file == nil {
			// The file stays as it is: ctrl+s asks for a path rather than
			// overwrite what could not be read.
			cmds = append(cmds, common.Error(firstLine(msg.fileErr)+" · fix the file and open it again (ctrl+o)"))
		} else {
			b.install(msg.file, msg.path, msg.fileErr)
			b.files.layout, b.files.stamp = msg.data, msg.stamp
			if msg.fileErr != nil {
				cmds = append(cmds, common.Error(firstLine(msg.fileErr)))
			}
			cmds = append(cmds, focus)
		}
	}
	if msg.ownErr != nil {
		cmds = append(cmds, common.Error(msg.ownErr.Error()+" · the chain is not autosaved"))
	}
	b.draft.own = msg.own
	for _, err := range msg.found.Errs {
		cmds = append(cmds, common.Error(err.Error()))
	}
	switch sa := msg.found.SetAside; {
	case len(sa) == 1:
		// Where it went first: a narrow status line cuts the reason.
		cmds = append(cmds, common.Error(fmt.Sprintf("a draft that could not be read was set aside as %s (%s)", sa[0].Path, firstLine(sa[0].Why))))
	case len(sa) > 1:
		// One line says it all: the status line shows the last message.
		cmds = append(cmds, common.Error(fmt.Sprintf("%d drafts could not be read and were set aside in %s as *.unreadable-*.yaml", len(sa), filepath.Dir(sa[0].Path))))
	}
	for _, o := range msg.found.Offers {
		if len(o.Chain.Steps) > 0 && (b.c == nil || !o.Chain.Equal(b.c)) {
			b.draft.offers = append(b.draft.offers, o)
		}
	}
	// Steps added before the drafts were read are saved to this builder's
	// own draft whatever the answer.
	if b.draft.pending {
		cmds = append(cmds, b.autosave())
	}
	b.draft.pending = false
	cmds = append(cmds, b.offerNext(), b.validate())
	return tea.Batch(cmds...)
}

func focus() tea.Msg { return FocusMsg{} }

// offerNext asks whether to bring back the newest draft left to offer.
// With a chain file open, keeping the file comes first (enter).
func (b *Builder) offerNext() tea.Cmd {
	if len(b.draft.offers) == 0 {
		return nil
	}
	o := b.draft.offers[0]
	lines := []string{
		fmt.Sprintf("%s · %s · saved %s", o.Chain.Name, human.Plural(len(o.Chain.Steps), "step"), o.Saved.Local().Format("Jan 2 15:04")),
		o.Chain.Pipeline(),
	}
	if n := len(b.draft.offers) - 1; n > 0 {
		// The others, newest first, offered in turn after a discard.
		lines = append(lines, fmt.Sprintf("%s older, offered after this one:", human.Plural(n, "draft")))
		for i, older := range b.draft.offers[1:] {
			if i == 3 {
				lines = append(lines, fmt.Sprintf("  … and %d more", n-3))
				break
			}
			lines = append(lines, fmt.Sprintf("  %s · %s · saved %s", older.Chain.Name, human.Plural(len(older.Chain.Steps), "step"), older.Saved.Local().Format("Jan 2 15:04")))
		}
	}
	restore := dialog.Option{Key: "r", Label: "restore", Choice: dialog.ChoiceRestore}
	discard := dialog.Option{Key: "d", Label: "discard", Choice: dialog.ChoiceDiscard}
	later := dialog.Option{Key: "l", Label: "later (kept for next time)", Choice: dialog.ChoiceNo}
	options := []dialog.Option{restore, discard, later}
	if b.file != "" {
		lines = append(lines, "restoring replaces "+filepath.Base(b.file)+" in the builder (the file is kept)")
		options = []dialog.Option{{Key: "k", Label: "keep " + filepath.Base(b.file) + " (the draft is kept for next time)", Choice: dialog.ChoiceNo}, restore, discard}
	}
	return dialog.Open(dialog.NewConfirm(b.com, dialog.RestoreDraft, "Restore the chain you were building?", lines, options...))
}

// answerRestore acts on the answer about the draft offered.
func (b *Builder) answerRestore(c dialog.Choice) tea.Cmd {
	if len(b.draft.offers) == 0 {
		return nil
	}
	o := b.draft.offers[0]
	b.draft.offers = b.draft.offers[1:]
	switch c {
	case dialog.ChoiceRestore:
		b.draft.offers = nil // one chain in the builder; the others wait for next time
		if b.draft.own != nil {
			// Saves still in flight are of the chain the builder had:
			// the adopted draft must not receive them.
			b.draft.gen++
			if err := b.draft.own.Adopt(o, b.draft.gen); errors.Is(err, draft.ErrTaken) {
				return common.Warn("another pipette restored " + o.Chain.Name + " first; it is theirs now")
			} else if err != nil {
				return common.Error("cannot restore the draft: " + err.Error())
			}
		}
		// The draft may be another chain than the open file: ctrl+s asks
		// (offering the file) rather than overwrite it silently.
		file := b.file
		b.install(o.Chain, "", o.Problems)
		b.suggest, b.files.layout = file, o.Data
		return tea.Batch(focus, b.validate(), b.autosave(), common.Info("restored the draft "+o.Chain.Name))
	case dialog.ChoiceDiscard:
		store := b.opt.Drafts
		discard := func() tea.Msg {
			to, err := store.Discard(o)
			return discardedMsg{path: to, err: err}
		}
		return tea.Batch(discard, b.offerNext())
	}
	return nil // later: it stays on disk, offered next time
}

// Close lets this builder's draft go (pipette is quitting): it stays on
// disk, offered next time.
func (b *Builder) Close() {
	if b.draft.own != nil {
		b.draft.own.Close()
	}
}

// install makes c the chain in the builder.
func (b *Builder) install(c *pipebuilder.Chain, file string, problems error) {
	b.c, b.file, b.suggest = c, file, ""
	b.files = fileState{}
	b.problems, b.loadProblems = nil, nil
	var es pipebuilder.Errors
	if errors.As(problems, &es) {
		b.problems, b.loadProblems = es, es
	}
	b.entries = nil
	b.sel = 0
	b.trace, b.runErr = nil, nil
	b.live = map[string]pipebuilder.StepTrace{}
	b.input, b.inputLabel, b.inputSet = catalog.Value{}, "", false
	b.zoom = false
}

// autosave writes a snapshot of the chain to the draft.
func (b *Builder) autosave() tea.Cmd {
	if b.opt.Drafts == nil || b.c == nil {
		return nil
	}
	if !b.draft.read {
		// The drafts left behind have not been looked at yet: started
		// saves once they have.
		b.draft.pending = true
		return nil
	}
	own := b.draft.own
	if own == nil {
		return nil
	}
	b.draft.gen++
	gen, c, layout := b.draft.gen, b.snapshot(), b.files.layout
	return func() tea.Msg {
		// Laid out as the file it came from: a restored draft keeps the
		// file's comments too.
		data, _, err := c.MarshalOnto(layout)
		if err != nil {
			return draftSavedMsg{err: fmt.Errorf("cannot autosave the chain: %w", err)}
		}
		return draftSavedMsg{err: own.Save(gen, data)}
	}
}

// fileMsg handles the messages of files and drafts; ok is false for others.
func (b *Builder) fileMsg(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case startMsg:
		return b.onStart(msg), true
	case draftSavedMsg:
		if msg.err != nil {
			return common.Error(msg.err.Error()), true
		}
		return nil, true
	case discardedMsg:
		if msg.err != nil {
			return common.Error("cannot discard the draft: " + msg.err.Error()), true
		}
		return common.Info("draft discarded; a copy is in " + msg.path), true
	case openedMsg:
		if msg.chain == nil {
			return common.Error(firstLine(msg.err)), true
		}
		b.install(msg.chain, msg.path, msg.err)
		b.files.layout, b.files.stamp = msg.data, msg.stamp
		status := common.Info("opened " + msg.path)
		if msg.err != nil {
			status = common.Error(firstLine(msg.err))
		}
		return tea.Batch(focus, status, b.validate(), b.autosave()), true
	case savedMsg:
		if msg.err != nil {
			return common.Error(msg.err.Error()), true
		}
		if msg.asFile {
			b.file, b.files.layout, b.files.stamp = msg.path, msg.data, msg.stamp
			if b.c != nil {
				b.c.File = msg.path
			}
		}
		if msg.layoutLost {
			return common.Warn("saved " + msg.what + " to " + msg.path + "; its comments could not be kept"), true
		}
		return common.Info("saved " + msg.what + " to " + msg.path), true
	case common.Checked:
		if !msg.Ask() {
			return msg.Proceed(), true
		}
		b.files.writing = msg.W
		saveAs := msg.W.What == "the chain"
		return dialog.Open(dialog.NewReplace(b.com, dialog.ReplaceFile, msg.Verdict, msg.W.Path, msg.W.What, msg.Missing, saveAs)), true
	case exportMsg:
		return b.exported(msg), true
	case inputLoadedMsg:
		return b.inputLoaded(msg), true
	}
	return nil, false
}

func openCmd(path string) tea.Cmd {
	return func() tea.Msg {
		c, data, stamp, err := readChain(path)
		return openedMsg{path: path, chain: c, err: err, data: data, stamp: stamp}
	}
}

// Save writes the chain to its file — asking first when the file changed on
// disk since it was read — or asks for a path the first time.
func (b *Builder) Save() tea.Cmd {
	if b.c == nil {
		return common.Info("no chain to save yet: add a step with a")
	}
	if b.file != "" {
		return b.saveTo(b.file)
	}
	return b.SaveAs()
}

// SaveAs asks for a path to save the chain to, offering its file's.
func (b *Builder) SaveAs() tea.Cmd {
	if b.c == nil {
		return common.Info("no chain to save yet: add a step with a")
	}
	path := b.file
	if path == "" {
		path = b.suggest
	}
	if path == "" {
		path = "chain.yaml"
		if ref, err := catalog.ParseRef(b.c.Name); err == nil {
			path = strings.ToLower(ref.Name) + ".yaml"
		}
	}
	return dialog.Open(dialog.NewPrompt(b.com, dialog.SaveChain, "Save the chain to", path))
}

// Open asks for a chain file to open.
func (b *Builder) Open() tea.Cmd {
	return dialog.Open(dialog.NewPrompt(b.com, dialog.OpenChain, "Open a chain file", b.file))
}

// saveTo writes the chain to path over the layout it came with (its
// comments kept), once common.Write has seen what is there.
func (b *Builder) saveTo(path string) tea.Cmd {
	c, layout, stamp := b.c.Clone(), b.files.layout, b.files.stamp
	if path != b.file {
		stamp = filestamp.Stamp{} // another file: replacing it asks
	}
	w := &common.Write{Path: path, What: "the chain", Stamp: stamp, Do: func(path string) tea.Msg {
		data, kept, err := c.MarshalOnto(layout)
		if err == nil {
			err = atomicfile.Write(path, data, 0o644)
		}
		if err != nil {
			return savedMsg{path: path, what: "the chain", err: fmt.Errorf("cannot save the chain to %s: %w", path, human.FileError(err))}
		}
		msg := savedMsg{path: path, what: "the chain", asFile: true, data: data, layoutLost: !kept && hasComment(layout)}
		msg.stamp, _ = filestamp.Of(path, data)
		return msg
	}}
	return w.Check()
}

// answerWrite acts on the answer about replacing a file.
func (b *Builder) answerWrite(c dialog.Choice) tea.Cmd {
	w := b.files.writing
	b.files.writing = nil
	switch {
	case w == nil:
		return nil
	case c == dialog.ChoiceYes:
		return w.Run()
	case c == dialog.ChoiceSaveAs:
		return b.SaveAs()
	}
	return common.Info("not written: " + w.Path + " is as it was")
}

// hasComment reports whether a YAML file has a comment: only then is a
// layout that could not be kept worth a word.
func hasComment(data []byte) bool {
	for _, l := range strings.Split(string(data), "\n") {
		if i := strings.Index(l, "#"); i >= 0 && (i == 0 || strings.TrimSpace(l[:i]) == "" || l[i-1] == ' ') {
			return true
		}
	}
	return false
}

// writeCmd writes data to path and reports it as what, asking first before
// it replaces a file or creates a folder.
func writeCmd(path, what string, data []byte) tea.Cmd {
	w := &common.Write{Path: path, What: what, Do: func(path string) tea.Msg {
		if err := atomicfile.Write(path, data, 0o644); err != nil {
			return savedMsg{path: path, what: what, err: fmt.Errorf("cannot write %s: %w", path, human.FileError(err))}
		}
		return savedMsg{path: path, what: what}
	}}
	return w.Check()
}

// askSaveResult asks where to save the selected step's result.
func (b *Builder) askSaveResult() tea.Cmd {
	v, id, ok := b.result()
	if !ok {
		return common.Info("no result to save yet: run the chain (r)")
	}
	return dialog.Open(dialog.NewPrompt(b.com, dialog.SaveStepResult, "Save "+id+"'s result to", value.FileName(id, v)))
}

func (b *Builder) saveResult(path string) tea.Cmd {
	v, id, ok := b.result()
	if !ok {
		return nil
	}
	return writeCmd(path, id+"'s result", value.Bytes(v))
}

// result is the selected step's result, when it has one.
func (b *Builder) result() (catalog.Value, string, bool) {
	s, ok := b.selectedStep()
	if !ok {
		return catalog.Value{}, "", false
	}
	st, has := b.live[s.ID]
	if !has || !st.Done || st.Err != nil {
		return catalog.Value{}, s.ID, false
	}
	return st.Result, s.ID, true
}

// exportCmd renders the chain in a command (Go export validates it against
// the catalog first, to know which steps take binary input).
func (b *Builder) exportCmd(format dialog.ExportFormat, path string) tea.Cmd {
	if b.opt.Client == nil {
		return common.Error("no catalog client to export the chain with")
	}
	c, src, server := b.c.Clone(), b.opt.Client.Source(), b.opt.ServerURL
	return func() tea.Msg {
		data, err := export(c, src, server, format)
		return exportMsg{format: format, path: path, data: data, err: err}
	}
}

func (b *Builder) exported(msg exportMsg) tea.Cmd {
	switch {
	case msg.err != nil:
		return common.Error(msg.err.Error())
	case msg.path == "":
		return tea.Batch(tea.SetClipboard(string(msg.data)), common.Info(fmt.Sprintf("copied the chain as %s (%s)", msg.format, human.Bytes(int64(len(msg.data))))))
	}
	return writeCmd(msg.path, string(msg.format), msg.data)
}

func loadInputCmd(path string) tea.Cmd {
	return func() tea.Msg {
		data, err := common.ReadInput(path)
		return inputLoadedMsg{path: path, data: data, err: err}
	}
}

// inputLoaded installs a file as the chain's input.
func (b *Builder) inputLoaded(msg inputLoadedMsg) tea.Cmd {
	if msg.err != nil {
		return common.Error(msg.err.Error())
	}
	if b.c == nil {
		return nil
	}
	v, err := b.c.InputValue(msg.data)
	if err != nil {
		return common.Error(err.Error())
	}
	b.input, b.inputSet = v, true
	b.inputLabel = filepath.Base(msg.path) + " (" + value.Describe(v) + ")"
	return common.Info("the chain's input is now " + msg.path + " · r runs it")
}
