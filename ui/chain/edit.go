package chain

import (
	"context"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/itchyny/gojq"

	"pipette/catalog"
	"pipette/pipebuilder"
	"pipette/ui/common"
	"pipette/ui/components/value"
	"pipette/ui/keys"
)

// previewDelay is how long typing in a mapping must pause before the
// preview is recomputed.
const previewDelay = 150 * time.Millisecond

// editMapping opens the editor on the selected step's mapping.
func (b *Builder) editMapping() tea.Cmd {
	s, ok := b.selectedStep()
	if !ok {
		return common.Info("no step to edit: add one with a")
	}
	b.target, b.editing = targetInput, true
	text := s.Input
	if s.Each != "" {
		b.target, text = targetEach, s.Each
	}
	b.editor.SetValue(strings.TrimRight(text, "\n"))
	b.editor.MoveToBegin()
	b.editor.Placeholder = "jq, e.g. {text: .steps." + s.ID + "}; empty sends the previous result"
	b.setPreview(catalog.Value{}, nil)
	b.previewSeq++
	return tea.Batch(b.editor.Focus(), b.previewCmd())
}

// editInput opens the editor on the chain's input value.
func (b *Builder) editInput() tea.Cmd {
	if b.c == nil {
		return nil
	}
	if b.c.Input == catalog.KindBinary {
		return common.Info("the chain takes binary input: load a file with o")
	}
	b.target, b.editing = targetChainInput, true
	text := ""
	switch b.input.Kind {
	case catalog.KindText:
		text = b.input.Text
	case catalog.KindJSON:
		if raw, err := catalog.MarshalJSON(b.input.JSON); err == nil {
			text = string(raw)
		}
	}
	b.editor.SetValue(text)
	b.editor.Placeholder = "the chain's " + string(b.c.Input) + " input"
	return b.editor.Focus()
}

// editKey handles a key while the editor has focus: the remappable keys
// that are not text (esc, ctrl+r, ctrl+t unless remapped), then typing.
func (b *Builder) editKey(msg tea.KeyPressMsg) tea.Cmd {
	km := b.com.Keys
	switch {
	case keys.Matches(msg, km.Find(keys.ScopeChain, keys.Clear)):
		return b.applyEdit(false)
	case keys.MatchesInEditor(msg, km.Find(keys.ScopeChain, keys.ChainRun)):
		return b.applyEdit(true)
	case keys.MatchesInEditor(msg, km.Find(keys.ScopeChain, keys.ChainToggleEach)):
		switch b.target {
		case targetInput:
			b.target = targetEach
		case targetEach:
			b.target = targetInput
		}
		return b.schedulePreview()
	}
	return b.editText(msg)
}

// editText passes a key or a paste to the editor, previewing the change.
func (b *Builder) editText(msg tea.Msg) tea.Cmd {
	before := b.editor.Value()
	var cmd tea.Cmd
	b.editor, cmd = b.editor.Update(msg)
	if b.editor.Value() != before {
		return tea.Batch(cmd, b.schedulePreview())
	}
	return cmd
}

// applyEdit ends editing and puts the text where it belongs.
func (b *Builder) applyEdit(thenRun bool) tea.Cmd {
	b.editing = false
	b.editor.Blur()
	text := strings.TrimSpace(b.editor.Value())
	if b.target == targetChainInput {
		v, err := b.c.InputValue([]byte(b.editor.Value()))
		if err != nil {
			return common.Error(err.Error())
		}
		b.input, b.inputLabel, b.inputSet = v, "typed "+value.Describe(v), true
		if thenRun {
			return b.run("")
		}
		return nil
	}
	s, ok := b.selectedStep()
	if !ok {
		return nil
	}
	before := *s
	if b.target == targetEach {
		s.Input, s.Each = "", text
	} else {
		s.Input, s.Each = text, ""
	}
	var cmd tea.Cmd
	if strings.TrimSpace(before.Input) == s.Input && strings.TrimSpace(before.Each) == s.Each {
		// Unchanged but for blank lines around it: keep the file's text.
		s.Input, s.Each = before.Input, before.Each
		cmd = b.autosave() // the draft may hold the text being typed
	} else {
		cmd = b.edited(b.c.Compile())
	}
	if thenRun {
		return tea.Batch(cmd, b.run(s.ID))
	}
	return cmd
}

// schedulePreview recomputes the preview once typing pauses.
func (b *Builder) schedulePreview() tea.Cmd {
	b.previewSeq++
	if b.target == targetChainInput {
		return nil
	}
	seq := b.previewSeq
	return b.com.Clock.After(previewDelay, func(time.Time) tea.Msg { return previewDueMsg{seq: seq} })
}

// previewCmd evaluates the mapping over the last run off the UI goroutine.
func (b *Builder) previewCmd() tea.Cmd {
	if !b.editing || b.target == targetChainInput {
		return nil
	}
	expr := b.editor.Value()
	seq := b.previewSeq
	if b.trace == nil {
		// Nothing to evaluate over yet, but a syntax error can be shown.
		return func() tea.Msg {
			if strings.TrimSpace(expr) == "" {
				return previewMsg{seq: seq}
			}
			_, err := gojq.Parse(expr)
			return previewMsg{seq: seq, err: err}
		}
	}
	tr, each := b.trace, b.target == targetEach
	binaryOnly := false
	if e, ok := b.entry(b.sel); ok && b.target == targetInput {
		binaryOnly = e.InputKind == catalog.KindBinary
	}
	if strings.TrimSpace(expr) == "" {
		// No mapping: the step gets the previous result (or the input).
		expr = ".input"
		if b.sel > 0 && b.sel-1 < len(b.c.Steps) {
			expr = ".steps." + b.c.Steps[b.sel-1].ID
		}
	}
	b.previewing = true
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		v, err := tr.Preview(ctx, expr, each, binaryOnly)
		return previewMsg{seq: seq, value: v, err: err}
	}
}

// setPreview installs a preview (or its jq error).
func (b *Builder) setPreview(v catalog.Value, err error) {
	b.preview, b.previewErr = v, err
	b.previewGen++
}

// snapshot is the chain as it stands, with the mapping being typed in it,
// so a crash mid-edit loses nothing.
func (b *Builder) snapshot() *pipebuilder.Chain {
	c := b.c.Clone()
	if b.editing && b.target != targetChainInput && b.sel >= 0 && b.sel < len(c.Steps) {
		s := &c.Steps[b.sel]
		if text := strings.TrimSpace(b.editor.Value()); b.target == targetEach {
			s.Input, s.Each = "", text
		} else {
			s.Input, s.Each = text, ""
		}
	}
	return c
}
