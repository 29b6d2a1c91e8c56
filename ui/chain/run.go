package chain

import (
	"context"
	"errors"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"pipette/catalog"
	"pipette/client"
	"pipette/pipebuilder"
	"pipette/ui/common"
	"pipette/ui/components/value"
)

// run runs the chain, or up to the step with id upTo.
func (b *Builder) run(upTo string) tea.Cmd {
	switch {
	case b.c == nil || len(b.c.Steps) == 0:
		return common.Info("the chain has no steps: pick a model and press a")
	case b.running:
		return common.Info("the chain is running; esc cancels")
	case b.opt.Client == nil:
		return common.Error("no catalog client to run the chain with")
	}
	if err := b.c.Compile(); err != nil {
		var es pipebuilder.Errors
		if errors.As(err, &es) {
			b.problems = es
		}
		return common.Error("fix the chain first: " + firstLine(err))
	}
	ctx, cancel := context.WithCancel(context.Background())
	b.seq++
	b.running, b.cancel, b.started, b.elapsed = true, cancel, b.com.Clock.Time(), 0
	b.live = map[string]pipebuilder.StepTrace{}
	b.runErr, b.upTo = nil, upTo
	in, label := catalog.Value{}, ""
	if b.inputSet {
		in, label = b.input, b.inputLabel
	}
	return runCmd(ctx, b.opt.Client, b.c.Clone(), in, label, upTo, b.seq)
}

// Stop cancels a run; it says whether one was running.
func (b *Builder) Stop() bool {
	if !b.running {
		return false
	}
	b.cancel()
	b.cancel = nil
	b.running = false
	b.seq++
	b.runErr = catalog.Errorf("Cancelled", "the run was cancelled after %s; r runs it again", b.elapsed.Round(time.Millisecond))
	for id, st := range b.live {
		if !st.Done {
			delete(b.live, id)
		}
	}
	return true
}

// Tick advances the run's elapsed time.
func (b *Builder) Tick(at time.Time) {
	if b.running {
		b.elapsed = at.Sub(b.started)
	}
}

// runMsg handles a run's and a preview's messages; ok is false for others.
func (b *Builder) runMsg(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case validatedMsg:
		if msg.gen != b.gen {
			return nil, true
		}
		b.entries = msg.entries
		if msg.err != nil {
			return common.Warn("cannot check the chain: " + firstLine(msg.err)), true
		}
		b.problems = mergeProblems(b.loadProblems, msg.errs)
		if len(msg.errs) > 0 {
			return common.Warn(firstLine(msg.errs)), true
		}
		return nil, true
	case inputMsg:
		if msg.seq == b.seq {
			b.input, b.inputLabel = msg.input, msg.label
		}
		return next(msg.next), true
	case stepMsg:
		if msg.seq == b.seq && b.running {
			b.live[msg.step.ID] = msg.step
		}
		return next(msg.next), true
	case doneMsg:
		return b.done(msg), true
	case previewDueMsg:
		if msg.seq != b.previewSeq {
			return nil, true
		}
		return tea.Batch(b.previewCmd(), b.autosave()), true
	case previewMsg:
		if msg.seq == b.previewSeq {
			b.previewing = false
			b.setPreview(msg.value, msg.err)
		}
		return nil, true
	}
	return nil, false
}

func (b *Builder) done(msg doneMsg) tea.Cmd {
	if msg.seq != b.seq || !b.running {
		return nil
	}
	b.running = false
	if b.cancel != nil {
		b.cancel()
		b.cancel = nil
	}
	b.runErr = msg.err
	if msg.trace != nil {
		b.trace = msg.trace
		for _, st := range msg.trace.Steps {
			b.live[st.ID] = st
		}
	}
	if msg.err != nil {
		var es pipebuilder.Errors
		if errors.As(msg.err, &es) {
			b.problems = es
		}
		return common.Error("the chain failed: " + common.OneLine(firstLine(msg.err)))
	}
	what := "the chain ran"
	if b.upTo != "" {
		what = "ran up to " + b.upTo
	}
	return common.Info(fmt.Sprintf("%s in %s", what, b.com.Duration(msg.trace.Duration)))
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

// copyResult puts the selected step's result on the clipboard.
func (b *Builder) copyResult() tea.Cmd {
	s, ok := b.selectedStep()
	if !ok {
		return nil
	}
	st, has := b.live[s.ID]
	if !has || !st.Done || st.Err != nil {
		return common.Info("no result for " + s.ID + " yet: run the chain (r)")
	}
	text, ok := value.Text(st.Result)
	if !ok {
		return common.Warn("a binary result cannot go to the clipboard; w saves it to a file")
	}
	return tea.Batch(tea.SetClipboard(text), common.Info("copied "+s.ID+"'s result"))
}

// runCmd runs a snapshot of the chain off the UI goroutine. Progress comes
// back as messages on a channel the program reads one at a time, so the
// builder only changes in Update.
func runCmd(ctx context.Context, cl *client.Client, c *pipebuilder.Chain, in catalog.Value, label string, upTo string, seq int) tea.Cmd {
	return func() tea.Msg {
		ch := make(chan tea.Msg, 64)
		go func() {
			defer close(ch)
			if in.IsZero() {
				v, l, err := firstSample(ctx, cl, c)
				if err != nil {
					ch <- doneMsg{seq: seq, err: err}
					return
				}
				in, label = v, l
			}
			ch <- inputMsg{seq: seq, input: in, label: label}
			if err := checkBefore(ctx, cl, c, upTo); err != nil {
				ch <- doneMsg{seq: seq, err: err}
				return
			}
			tr, err := pipebuilder.Run(ctx, cl, c, in, pipebuilder.Options{
				UpTo: upTo, StepTimeout: 2 * time.Minute, Timeout: 10 * time.Minute,
				OnStep: func(st pipebuilder.StepTrace) { ch <- stepMsg{seq: seq, step: st} },
			})
			ch <- doneMsg{seq: seq, trace: tr, err: err}
		}()
		return next(ch)()
	}
}

// checkBefore validates the chain, which also tells Run which steps take
// only binary input. Problems after the last step to run do not stop a
// partial run.
func checkBefore(ctx context.Context, cl *client.Client, c *pipebuilder.Chain, upTo string) error {
	err := c.Validate(ctx, cl.Source())
	if err == nil {
		return nil
	}
	last := len(c.Steps) - 1
	if upTo != "" {
		last = c.StepIndex(upTo)
	}
	var es, before pipebuilder.Errors
	if !errors.As(err, &es) {
		return err
	}
	for _, p := range es {
		if p.Step <= last {
			before = append(before, p)
		}
	}
	if len(before) > 0 {
		return before
	}
	return nil
}

// next reads the next message of a run, attaching the channel so that
// Update can ask for the one after.
func next(ch <-chan tea.Msg) tea.Cmd {
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		msg, ok := <-ch
		if !ok {
			return nil
		}
		switch m := msg.(type) {
		case inputMsg:
			m.next = ch
			return m
		case stepMsg:
			m.next = ch
			return m
		}
		return msg
	}
}

// firstSample is the first step's first sample: the default chain input.
func firstSample(ctx context.Context, cl *client.Client, c *pipebuilder.Chain) (catalog.Value, string, error) {
	if len(c.Steps) == 0 {
		return catalog.Value{}, "", errors.New("the chain has no steps: add one with a")
	}
	ref, err := catalog.ParseRef(c.Steps[0].Algo)
	if err != nil {
		return catalog.Value{}, "", fmt.Errorf("step %s: %w", c.Steps[0].ID, err)
	}
	e, err := cl.Source().Get(ctx, ref)
	if err != nil {
		return catalog.Value{}, "", fmt.Errorf("cannot fetch %s for its sample input: %w", ref.Path(), err)
	}
	if len(e.Samples) == 0 {
		return catalog.Value{}, "", fmt.Errorf("%s has no sample: give the chain an input with o (a file) or I (text)", ref.Path())
	}
	s := e.Samples[0]
	label := "sample " + s.Name + " of " + ref.Path()
	if s.Name == "" {
		label = "the sample of " + ref.Path()
	}
	return s.Input, label, nil
}
