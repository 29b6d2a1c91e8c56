package ui

// The Try and Code tabs' actions: runs, inputs from files, history and
// $EDITOR, outputs to the clipboard and to files, snippets.

import (
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

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

func (m *Model) doTry(id keys.Action) tea.Cmd {
	switch id {
	case keys.Run:
		if m.try.running {
			return m.setStatus("already running; esc cancels", common.StatusInfo)
		}
		if m.selected.Unavailable != "" {
			return m.setStatus(m.selected.Unavailable, common.StatusWarn)
		}
		cmd := m.try.run(m.opt.Client, m.com.Clock.Time())
		if cmd == nil {
			return nil
		}
		return tea.Batch(cmd, m.startTicking())
	case keys.Clear:
		if m.try.stop() {
			return m.setStatus("cancelled", common.StatusInfo)
		}
		return m.back()
	case keys.Edit:
		if m.try.bin != nil {
			m.try.bin, m.try.binLabel = nil, ""
			m.try.editor.Placeholder = "type the input (" + string(m.selected.InputKind) + ")"
		}
		m.try.editing = true
		return m.try.editor.Focus()
	case keys.NextSample, keys.PrevSample:
		d := 1
		if id == keys.PrevSample {
			d = -1
		}
		if !m.try.cycleSample(d) {
			return m.setStatus("this model has one sample", common.StatusInfo)
		}
		m.refreshCode()
	case keys.LoadFile:
		return m.openDialog(dialog.NewPrompt(m.com, dialog.LoadInputFile, "Load a file as input", ""))
	case keys.Save:
		if m.try.resp == nil {
			return m.setStatus("nothing to save yet: run the model first (r)", common.StatusWarn)
		}
		return m.openDialog(dialog.NewPrompt(m.com, dialog.SaveOutput, "Save the output to", value.FileName(m.try.ranRef.Name, m.try.resp.Value)))
	case keys.Editor:
		return m.openEditor()
	case keys.Copy:
		return m.copyOutput()
	case keys.Up:
		m.try.out.ScrollUp(1)
	case keys.Down:
		m.try.out.ScrollDown(1)
	}
	return nil
}

func (m *Model) copyOutput() tea.Cmd {
	if m.try.err != nil {
		e := catalog.AsError(m.try.err)
		return tea.Batch(tea.SetClipboard(e.Type+": "+e.Message), m.setStatus("copied the error", common.StatusInfo))
	}
	if m.try.resp == nil {
		return m.setStatus("nothing to copy yet: run the model first (r)", common.StatusWarn)
	}
	s, ok := value.Text(m.try.resp.Value)
	if !ok {
		return m.setStatus("binary output cannot go to the clipboard; w saves it", common.StatusWarn)
	}
	return tea.Batch(tea.SetClipboard(s), m.setStatus(fmt.Sprintf("copied %s of output", human.Bytes(int64(len(s)))), common.StatusInfo))
}

func (m *Model) refreshCode() {
	if !m.hasSel || m.tab != tabCode {
		return
	}
	t := codeTarget{Target: snippet.Target{Base: m.opt.ServerURL, Auth: m.opt.APIKey}}
	if t.Base == "" {
		t.Base, t.local = "http://127.0.0.1:8080", true
	}
	in := snippet.Input{Kind: m.selected.InputKind, Text: m.try.editor.Value()}
	if m.try.bin != nil {
		in.Kind = catalog.KindBinary
		in.File = "input.bin"
		if info, ok := graphics.Sniff(m.try.bin); ok {
			in.File = "input." + info.Format
		}
		if m.try.binLabel != "" && strings.Contains(m.try.binLabel, ".") && !strings.Contains(m.try.binLabel, " ") {
			in.File = m.try.binLabel
		}
	} else if in.Kind == catalog.KindAny || in.Kind == "" {
		in.Kind = catalog.KindText
		if v, err := catalog.DecodeJSON([]byte(in.Text)); err == nil && v != nil {
			in.Kind = catalog.KindJSON
		}
	}
	m.code.set(snippet.Write(languages[m.code.lang], t.Target, m.selected.Ref, in), t)
}

// replay selects the record's model and puts its input in the Try tab,
// with the output it gave beside it.
func (m *Model) replay(r history.Record) tea.Cmd {
	ref, err := catalog.ParseRef(r.Ref)
	if err != nil || m.cat.ix == nil {
		return m.setStatus("cannot replay: "+r.Ref+" is not in this catalog", common.StatusError)
	}
	m.cat.showAll()
	if !m.cat.selectPath(ref.Path()) {
		return m.setStatus("cannot replay: "+ref.Path()+" is not in this catalog", common.StatusError)
	}
	cmd := m.selectionChanged()
	if r.Binary {
		b, err := base64.StdEncoding.DecodeString(r.Input)
		if err != nil || len(b) == 0 {
			return tea.Batch(cmd, m.setStatus("this run's binary input was too large to keep; load the file again (o)", common.StatusWarn))
		}
		m.try.setInput(catalog.Bytes(b), "from history")
	} else {
		m.try.setInput(catalog.Text(r.Input), "")
	}
	m.try.showRecord(r)
	m.focus, m.tab = focusDetail, tabTry
	m.refreshCode()
	return tea.Batch(cmd, m.setStatus("input from "+r.Time.Local().Format("Jan 2 15:04")+" · r runs it", common.StatusInfo))
}

// openEditor edits the input in $VISUAL or $EDITOR. The temp file is
// written by a command (editorReadyMsg), and read back by the exec callback,
// never in Update.
func (m *Model) openEditor() tea.Cmd {
	if m.try.bin != nil {
		return m.setStatus("the input is binary; load a text file (o) or type text (i) first", common.StatusWarn)
	}
	editor := os.Getenv("VISUAL")
	if editor == "" {
		editor = os.Getenv("EDITOR")
	}
	if strings.TrimSpace(editor) == "" {
		return m.setStatus("set $EDITOR (or $VISUAL) to edit the input in your editor", common.StatusWarn)
	}
	text := m.try.editor.Value()
	ext := ".txt"
	if m.selected.InputKind == catalog.KindJSON {
		ext = ".json"
	}
	return func() tea.Msg {
		f, err := os.CreateTemp("", "pipette-input-*"+ext)
		if err != nil {
			return editorDoneMsg{err: fmt.Errorf("cannot create a temp file for the editor: %w", err)}
		}
		_, werr := f.WriteString(text)
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			os.Remove(f.Name())
			return editorDoneMsg{err: fmt.Errorf("cannot write a temp file for the editor: %w", werr)}
		}
		return editorReadyMsg{path: f.Name(), editor: strings.Fields(editor)}
	}
}

// runEditor hands the terminal to the editor.
func (m *Model) runEditor(msg editorReadyMsg) tea.Cmd {
	path, args := msg.path, msg.editor
	c := exec.Command(args[0], append(args[1:], path)...)
	return tea.ExecProcess(c, func(err error) tea.Msg {
		defer os.Remove(path)
		if err != nil {
			return editorDoneMsg{err: fmt.Errorf("%s exited: %w", args[0], err)}
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return editorDoneMsg{err: fmt.Errorf("read the edited input: %w", err)}
		}
		return editorDoneMsg{text: strings.TrimSuffix(string(b), "\n")}
	})
}

// recordRun adds a finished run to the history and saves it.
func (m *Model) recordRun(msg runDoneMsg) tea.Cmd {
	r := history.Record{Time: m.com.Clock.Time(), Ref: msg.ref.String(), Input: msg.input, Binary: msg.binary, Duration: msg.elapsed}
	if msg.err != nil {
		e := catalog.AsError(msg.err)
		r.Error, r.Output = e.Type, common.OneLine(e.Message)
	} else if msg.resp != nil {
		r.Type = msg.resp.ContentType
		r.Output = recordOutput(msg.resp.Value)
		r.Duration = msg.resp.Duration
	}
	r = history.Bound(r)
	m.history = append([]history.Record{r}, m.history...)
	if len(m.history) > history.Limit {
		m.history = m.history[:history.Limit]
	}
	m.cat.recent[msg.ref.Path()] = r.Time
	var cmds []tea.Cmd
	if msg.err != nil {
		e := catalog.AsError(msg.err)
		cmds = append(cmds, m.setStatus(msg.ref.Path()+" failed: "+e.Type+": "+common.OneLine(e.Message), common.StatusWarn))
	}
	if m.opt.HistoryPath != "" {
		store := history.Store{Path: m.opt.HistoryPath}
		cmds = append(cmds, func() tea.Msg { return historySavedMsg{err: store.Append(r)} })
	}
	return tea.Batch(cmds...)
}

// recordOutput is the output as history keeps it for replay: text or
// pretty JSON (cut to history.MaxOutput), or what a binary output was.
func recordOutput(v catalog.Value) string {
	if s, ok := value.Text(v); ok {
		return s
	}
	return value.Describe(v)
}

// loadInputFile reads a file to use as the Try tab's input.
func loadInputFile(path string) tea.Cmd {
	return func() tea.Msg {
		b, err := common.ReadInput(path)
		return fileLoadedMsg{path: path, data: b, err: err}
	}
}

// inputFileLoaded puts a loaded file in the Try tab.
func (m *Model) inputFileLoaded(msg fileLoadedMsg) tea.Cmd {
	if msg.err != nil {
		return m.setStatus(msg.err.Error(), common.StatusError)
	}
	if looksText(msg.data) && m.selected.InputKind != catalog.KindBinary {
		m.try.setInput(catalog.Text(string(msg.data)), filepath.Base(msg.path))
	} else {
		m.try.setInput(catalog.Bytes(msg.data), filepath.Base(msg.path))
	}
	m.refreshCode()
	return m.setStatus("loaded "+msg.path, common.StatusInfo)
}
