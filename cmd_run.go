package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"
	"unicode/utf8"

	"charm.land/lipgloss/v2"
	"github.com/spf13/cobra"

	"pipette/catalog"
	"pipette/client"
	"pipette/pipebuilder"
)

// runFlags are `pipette run`'s options: the input flags of `call`, plus the
// run's own.
type runFlags struct {
	in          callFlags
	trace       bool
	upTo        string
	timeout     float64
	stepTimeout float64
}

func newRunCmd() *cobra.Command {
	var f runFlags
	cmd := &cobra.Command{
		Use:   "run CHAIN.yaml [-d DATA | -t TEXT | -j JSON | -D FILE | -T FILE | -J FILE | -B FILE | --sample N]",
		Short: "Run a chain file and print its result",
		Long: `Run a chain (see examples/) step by step on one input and print its result the
way ` + "`call`" + ` does: JSON pretty-printed, text as is, binary to -o FILE (or to stdout
when piped). The chain is checked first against the catalog it runs on: the
built-in one, or the server --server names.

The input flags are call's. -d, -D and piped stdin are read as the kind the
chain declares (its ` + "`input:`" + `); --sample N is the chain's Nth sample, taken from
its first step's samples.

With --trace every step is written to stderr as one JSON line when it ends:
its input, result, content type, duration and error. A failed step is named
on stderr, and the exit code is 1.`,
		Example: `  pipette run examples/meme.yaml -B algorithms/testdata/images/astronaut.png -o meme.png
  pipette run examples/sentence_mood.yaml -t "What a wonderful launch! Then the coffee machine broke." --trace
  echo "a short text to describe" | pipette run examples/text_card.yaml
  pipette run examples/sentence_mood.yaml --sample 1 --up-to scores`,
		Args: oneChainArg,
		RunE: func(cmd *cobra.Command, args []string) error { return runChain(cmd, args[0], f) },
	}
	fl := cmd.Flags()
	fl.SortFlags = false
	addInputFlags(fl, &f.in, "input DATA, read as the kind the chain takes", "input from FILE, read as the kind the chain takes", "chain")
	fl.StringVarP(&f.in.output, "output", "o", "", "write the result to FILE")
	fl.BoolVar(&f.trace, "trace", false, "write every step to stderr as a JSON line")
	fl.StringVar(&f.upTo, "up-to", "", "stop after the step with this ID; its result is the output")
	fl.Float64Var(&f.timeout, "timeout", 0, "give up on the whole chain after SECONDS (0: no limit)")
	fl.Float64Var(&f.stepTimeout, "step-timeout", 300, "give up on a step after SECONDS (max 3000)")
	return cmd
}

func runChain(cmd *cobra.Command, path string, f runFlags) error {
	if f.timeout < 0 || math.IsNaN(f.timeout) || math.IsInf(f.timeout, 0) {
		return usageErrorf(cmd, "--timeout %v is out of range: give a number of seconds, or 0 for no limit", f.timeout)
	}
	if f.stepTimeout <= 0 || f.stepTimeout > 3000 || math.IsNaN(f.stepTimeout) {
		return usageErrorf(cmd, "--step-timeout %v is out of range: give a number of seconds above 0 and at most 3000", f.stepTimeout)
	}
	c, cl, err := loadValidChain(cmd, path)
	if err != nil {
		return err
	}
	if f.upTo != "" && c.StepIndex(f.upTo) < 0 {
		return usageErrorf(cmd, "chain %s has no step %q: its steps are %s", c.Name, f.upTo, c.Pipeline())
	}
	in, err := chainInput(cmd, c, f.in)
	if err != nil {
		return err
	}
	errw := cmd.ErrOrStderr()
	opt := pipebuilder.Options{
		UpTo:        f.upTo,
		Timeout:     seconds(f.timeout),
		StepTimeout: seconds(f.stepTimeout),
	}
	var traceErr error
	if f.trace {
		opt.OnStep = func(st pipebuilder.StepTrace) {
			if !st.Done || traceErr != nil {
				return
			}
			line, err := st.MarshalJSON()
			if err == nil {
				_, err = fmt.Fprintf(errw, "%s\n", line)
			}
			traceErr = err
		}
	}
	tr, err := pipebuilder.Run(cmd.Context(), cl, c, in, opt)
	if err != nil {
		return runError(c, err)
	}
	if traceErr != nil {
		return fmt.Errorf("write the trace: %w", traceErr)
	}
	resp := &client.Response{Value: tr.Output, ContentType: string(tr.Output.Kind), Duration: tr.Duration}
	if err := writeValue(cmd, "chain "+c.Name, "pipette run "+path, resp, f.in.output); err != nil {
		return err
	}
	if isTerminal(errw) {
		dim := lipgloss.NewStyle().Faint(true)
		fmt.Fprintln(colorWriter(errw), dim.Render(fmt.Sprintf("%s · %s · %s · %s",
			c.Name, plural(len(tr.Steps), "step"), resp.ContentType, roundDuration(tr.Duration))))
	}
	return nil
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// runError says why a run failed in one sentence that names the chain and,
// for a failed step, the step, its algorithm and what it was sent.
func runError(c *pipebuilder.Chain, err error) error {
	var se *pipebuilder.StepError
	switch {
	case errors.Is(err, context.Canceled):
		return err
	case errors.As(err, &se):
		return &chainError{fmt.Sprintf("chain %s failed at %s", c.Name, se.Error())}
	}
	return &chainError{err.Error()}
}

// chainInput reads the chain's input from the flags as `call` does, except
// that data of no stated kind (-d, -D, stdin) is read as the kind the chain
// declares and --sample picks among the chain's samples.
func chainInput(cmd *cobra.Command, c *pipebuilder.Chain, f callFlags) (catalog.Value, error) {
	declared := func(b []byte) (catalog.Value, error) {
		if c.Input == catalog.KindText && !utf8.Valid(b) {
			return catalog.Value{}, usageErrorf(cmd, "chain %s takes text, and this input is not UTF-8 text", c.Name)
		}
		v, err := c.InputValue(b)
		if err != nil {
			return catalog.Value{}, usageErrorf(cmd, "%v: quote strings, or check the file", err)
		}
		return v, nil
	}
	sample := func(which string) (catalog.Value, error) {
		listed := "the samples of its first step that fit the chain's input"
		if len(c.Steps) > 0 {
			listed = fmt.Sprintf("`pipette docs %s` lists its first step's samples", c.Steps[0].Ref().Path())
		}
		return pickSample(cmd, c.Entry(), which, listed)
	}
	in, err := readInput(cmd, f, declared, sample)
	if err != nil {
		return catalog.Value{}, err
	}
	// A binary chain fed text, or a text or JSON chain fed bytes, would only
	// fail at its first step with a less helpful message.
	switch {
	case c.Input == catalog.KindBinary && in.Kind != catalog.KindBinary:
		return catalog.Value{}, usageErrorf(cmd, "chain %s takes binary input (such as an image): give a file with -B FILE", c.Name)
	case c.Input != catalog.KindBinary && in.Kind == catalog.KindBinary:
		return catalog.Value{}, usageErrorf(cmd, "chain %s takes %s input, not binary data: give it with -t or -j, or a file with -T or -J", c.Name, c.Input)
	}
	return in, nil
}
