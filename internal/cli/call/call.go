// Package call is `pipette call`: one input to one algorithm, its result
// printed by kind.
package call

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"pipette/catalog"
	"pipette/client"
	"pipette/internal/cli/command"
	"pipette/internal/cli/input"
	"pipette/internal/cli/iostreams"
	"pipette/internal/cli/result"
	"pipette/internal/human"
)

// Options are what `call` was asked.
type Options struct {
	IO     *iostreams.IOStreams
	Client func() (*client.Client, error)

	Ref     catalog.Ref
	Input   input.Flags
	Output  string  // -o FILE
	Timeout float64 // --timeout, in seconds
	Stdout  bool    // --stdout: print what the algorithm logged
}

// NewCmd makes `call`; runF, when not nil, runs instead of calling (tests
// of the flags).
func NewCmd(f *command.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IO, Client: f.Client}
	cmd := &cobra.Command{
		Use:   "call REF [-d DATA | -t TEXT | -j JSON | -D FILE | -T FILE | -J FILE | -B FILE | --sample N]",
		Short: "Call an algorithm and print its result",
		Long: `Call an algorithm with one input and print its result: JSON pretty-printed, text
as is, binary to -o FILE (or to stdout when piped). With no data flag, the input
is read from stdin when it is piped.

-d and -D guess the kind: JSON if the data parses as JSON, else text if it is
UTF-8, else binary. A FILE of - reads stdin.`,
		Example: `  pipette call nlp/SentimentAnalysis -t "what a great day"
  pipette call nlp/SentimentAnalysis --sample 1
  pipette call nlp/SentimentAnalysis -j '["good", "bad"]'
  echo "what a great day" | pipette call nlp/SentimentAnalysis
  pipette call nlp/Summarize -T article.txt
  pipette call image/Transform --sample 1 -o thumbnail.jpg`,
		Args: command.OneRef,
		RunE: func(cmd *cobra.Command, args []string) error {
			ref, err := command.ParseRef(args[0])
			if err != nil {
				return err
			}
			opts.Ref = ref
			if err := command.CheckTimeout("--timeout", opts.Timeout); err != nil {
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
	opts.Input.Add(fl, "input DATA, guessed: JSON if it parses, else text", "input from FILE, guessed: JSON, else text, else binary", "algorithm")
	fl.StringVarP(&opts.Output, "output", "o", "", "write the result to FILE (its folder is made if needed)")
	fl.Float64Var(&opts.Timeout, "timeout", 300, "give up after SECONDS (max 3000)")
	fl.BoolVar(&opts.Stdout, "stdout", false, "print what the algorithm logged, on stderr")
	return cmd
}

// Run calls the algorithm and prints its result.
func Run(ctx context.Context, opts *Options) error {
	c, err := opts.Client()
	if err != nil {
		return err
	}
	guess := func(b []byte) (catalog.Value, error) { return input.GuessKind(b), nil }
	sample := func(which string) (catalog.Value, error) {
		e, err := c.Source().Get(ctx, opts.Ref)
		if err != nil {
			return catalog.Value{}, err
		}
		return input.PickSample(e, which, fmt.Sprintf("`pipette docs %s` lists them", e.Ref.Path()))
	}
	in, err := opts.Input.Read(opts.IO, guess, sample)
	if err != nil {
		return err
	}
	timeout := time.Duration(opts.Timeout * float64(time.Second))
	algo := c.AlgoRef(opts.Ref).WithTimeout(timeout).WithStdout(opts.Stdout)
	toStdout := opts.Output == "" || opts.Output == "-"
	var (
		resp     *client.Response
		streamed bool
	)
	if toStdout {
		resp, streamed, err = streamTo(ctx, opts.IO.Out, algo, in)
	} else {
		resp, err = algo.Pipe(ctx, in)
	}
	if err != nil {
		return err
	}
	errw := opts.IO.ErrOut
	if opts.Stdout && resp.Stdout != "" {
		fmt.Fprint(errw, resp.Stdout)
		if !strings.HasSuffix(resp.Stdout, "\n") {
			fmt.Fprintln(errw)
		}
	}
	path := opts.Ref.Path()
	if !streamed {
		if err := result.Write(opts.IO, path, "pipette call "+path, resp, opts.Output); err != nil {
			return err
		}
	}
	footer := []string{path, resp.ContentType, human.Duration(resp.Duration)}
	if g := resp.Generation; g != nil && g.FirstToken > 0 {
		footer = append(footer, "first token "+human.Duration(g.FirstToken), fmt.Sprintf("%d tokens, %.1f tokens/s", g.Tokens, g.TokensPerSecond))
	}
	result.Footer(opts.IO, footer...)
	return nil
}

// streamTo calls algo and writes a model's text to w as it is generated; it
// reports whether it did (an algorithm that does not stream is printed by
// the caller, by its kind, once it is done). A streamed text ends with a
// newline, as a printed one does.
func streamTo(ctx context.Context, w io.Writer, algo *client.Algorithm, in catalog.Value) (*client.Response, bool, error) {
	st := algo.Stream(ctx, in)
	var last string
	streamed := false
	for c := range st.Chunks() {
		if _, err := io.WriteString(w, c.Text); err != nil {
			st.Close()
			return nil, streamed, err
		}
		streamed, last = true, c.Text
	}
	resp, err := st.Wait()
	if streamed && !strings.HasSuffix(last, "\n") {
		fmt.Fprintln(w)
	}
	return resp, streamed, err
}
