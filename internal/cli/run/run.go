// Package run is `pipette run`: a chain file run step by step on one input,
// its result printed as `call` prints one.
package run

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"pipette/catalog"
	"pipette/client"
	"pipette/internal/cli/chains"
	"pipette/internal/cli/command"
	"pipette/internal/cli/input"
	"pipette/internal/cli/iostreams"
	"pipette/internal/cli/result"
	"pipette/internal/human"
	"pipette/pipebuilder"
)

// Options are what `run` was asked.
type Options struct {
	IO     *iostreams.IOStreams
	Client func() (*client.Client, error)

	Path        string // the chain file
	Input       input.Flags
	Output      string  // -o FILE
	Trace       bool    // --trace
	UpTo        string  // --up-to STEP
	Timeout     float64 // --timeout, in seconds; 0 is no limit
	StepTimeout float64 // --step-timeout, in seconds
}

// NewCmd makes `run`; runF, when not nil, runs instead of the chain (tests
// of the flags).
func NewCmd(f *command.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IO, Client: f.Client}
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
		Example: `  pipette run examples/meme.yaml -B algorithms/testdata/images/chelsea.png
  pipette run examples/face_meme.yaml -B algorithms/testdata/images/astronaut.png -o meme.png
  pipette run examples/sentence_mood.yaml -t "What a wonderful launch! Then the coffee machine broke." --trace
  echo "a short text to describe" | pipette run examples/text_card.yaml
  pipette run examples/sentence_mood.yaml --sample 1 --up-to scores`,
		Args: chains.OneArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Path = args[0]
			if opts.Timeout < 0 || math.IsNaN(opts.Timeout) || math.IsInf(opts.Timeout, 0) {
				return command.UsageErrorf("--timeout %v is out of range: give a number of seconds, or 0 for no limit", opts.Timeout)
			}
			if err := command.CheckTimeout("--step-timeout", opts.StepTimeout); err != nil {
				return err
			}
			if err := opts.Input.Resolve(cmd.Flags()); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.SortFlags = false
	opts.Input.Add(fl, "input DATA, read as the kind the chain takes", "input from FILE, read as the kind the chain takes", "chain")
	fl.StringVarP(&opts.Output, "output", "o", "", "write the result to FILE (its folder is made if needed)")
	fl.BoolVar(&opts.Trace, "trace", false, "write every step to stderr as a JSON line")
	fl.StringVar(&opts.UpTo, "up-to", "", "stop after the step with this ID; its result is the output")
	fl.Float64Var(&opts.Timeout, "timeout", 0, "give up on the whole chain after SECONDS (0: no limit)")
	fl.Float64Var(&opts.StepTimeout, "step-timeout", 300, "give up on a step after SECONDS (max 3000)")
	return cmd
}

// Run runs the chain and prints its result.
func Run(ctx context.Context, opts *Options) error {
	c, cl, err := chains.LoadValid(ctx, opts.Client, opts.Path)
	if err != nil {
		return err
	}
	if opts.UpTo != "" && c.StepIndex(opts.UpTo) < 0 {
		return command.UsageErrorf("chain %s has no step %q: its steps are %s", c.Name, opts.UpTo, c.Pipeline())
	}
	in, err := chainInput(opts, c)
	if err != nil {
		return err
	}
	errw := opts.IO.ErrOut
	opt := pipebuilder.Options{
		UpTo:        opts.UpTo,
		Timeout:     seconds(opts.Timeout),
		StepTimeout: seconds(opts.StepTimeout),
	}
	var traceErr error
	if opts.Trace {
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
	tr, err := pipebuilder.Run(ctx, cl, c, in, opt)
	if err != nil {
		return runError(c, err)
	}
	if traceErr != nil {
		return fmt.Errorf("write the trace: %w", traceErr)
	}
	resp := &client.Response{Value: tr.Output, ContentType: string(tr.Output.Kind), Duration: tr.Duration}
	if err := result.Write(opts.IO, "chain "+c.Name, "pipette run "+opts.Path, resp, opts.Output); err != nil {
		return err
	}
	result.Footer(opts.IO, c.Name, human.Plural(len(tr.Steps), "step"), resp.ContentType, human.Duration(tr.Duration))
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
		return &chains.Error{Msg: fmt.Sprintf("chain %s failed at %s", c.Name, se.Error())}
	}
	return &chains.Error{Msg: err.Error()}
}

// chainInput reads the chain's input from the flags as `call` does, except
// that data of no stated kind (-d, -D, stdin) is read as the kind the chain
// declares and --sample picks among the chain's samples.
func chainInput(opts *Options, c *pipebuilder.Chain) (catalog.Value, error) {
	declared := func(b []byte) (catalog.Value, error) {
		if c.Input == catalog.KindText && !utf8.Valid(b) {
			return catalog.Value{}, command.UsageErrorf("chain %s takes text, and this input is not UTF-8 text", c.Name)
		}
		v, err := c.InputValue(b)
		if err != nil {
			return catalog.Value{}, command.UsageErrorf("%v: quote strings, or check the file", err)
		}
		return v, nil
	}
	sample := func(which string) (catalog.Value, error) {
		listed := "the samples of its first step that fit the chain's input"
		if len(c.Steps) > 0 {
			listed = fmt.Sprintf("`pipette docs %s` lists its first step's samples", c.Steps[0].Ref().Path())
		}
		return input.PickSample(c.Entry(), which, listed)
	}
	in, err := opts.Input.Read(opts.IO, declared, sample)
	if err != nil {
		return catalog.Value{}, err
	}
	// A binary chain fed text, or a text or JSON chain fed bytes, would only
	// fail at its first step with a less helpful message.
	switch {
	case c.Input == catalog.KindBinary && in.Kind != catalog.KindBinary:
		return catalog.Value{}, command.UsageErrorf("chain %s takes binary input (such as an image): give a file with -B FILE", c.Name)
	case c.Input != catalog.KindBinary && in.Kind == catalog.KindBinary:
		return catalog.Value{}, command.UsageErrorf("chain %s takes %s input, not binary data: give it with -t or -j, or a file with -T or -J", c.Name, c.Input)
	}
	return in, nil
}
