package command

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"

	"charm.land/fang/v2"
	"github.com/spf13/cobra"

	"pipette/internal/cli/iostreams"
)

// PrepareRoot makes cmd the root of a command line: the global flags,
// flag mistakes as usage errors, and errors left to Execute to print.
func PrepareRoot(root *cobra.Command, f *Factory) {
	root.SilenceUsage, root.SilenceErrors = true, true
	f.Global.Bind(root.PersistentFlags())
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return CmdUsageErrorf(c, "%v", err)
	})
}

// Execute runs the command line args on root and returns the process exit
// code: 0 on success, 2 for a usage error (bad flag, missing argument), 1
// otherwise. Errors are printed on f's stderr as one sentence.
func Execute(ctx context.Context, root *cobra.Command, args []string, f *Factory) int {
	root.SetArgs(args)
	root.SetIn(f.IO.In)
	// Only help, usage and completions go through cobra's stdout; verbs
	// write to f.IO.
	help := iostreams.NewTrimWriter(f.IO.Out)
	defer help.Flush()
	root.SetOut(help)
	root.SetErr(f.IO.ErrOut)
	// The command that ran names the help a usage error points at.
	ran := root
	root.PersistentPreRun = func(cmd *cobra.Command, _ []string) { ran = cmd }
	err := fang.Execute(ctx, root,
		fang.WithErrorHandler(func(_ io.Writer, styles fang.Styles, err error) {
			printError(f.IO, styles, err, ran)
		}),
		fang.WithNotifySignal(os.Interrupt, syscall.SIGTERM),
	)
	switch {
	case err == nil:
		return 0
	case IsUsageError(err):
		return 2
	}
	return 1
}

// printError is fang's error handler: one sentence on stderr, styled like
// fang's own output on a terminal and as a plain "pipette: …" line otherwise,
// so scripts can grep it.
func printError(ios *iostreams.IOStreams, styles fang.Styles, err error, ran *cobra.Command) {
	var ue *UsageError
	if errors.As(err, &ue) && ue.Cmd == nil {
		ue.Cmd = ran
	}
	msg := Describe(err)
	w := ios.ColorErrOut()
	if !ios.IsStderrTTY() {
		// Several problems (a chain file's) are one line each, each
		// prefixed, so that every line greps alike.
		fmt.Fprintln(w, "pipette: "+strings.ReplaceAll(msg, "\n", "\npipette: "))
		return
	}
	fmt.Fprintln(w, styles.ErrorHeader.String())
	fmt.Fprintln(w, styles.ErrorText.UnsetTransform().Render(msg))
	fmt.Fprintln(w)
}
