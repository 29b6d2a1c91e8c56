package command

import (
	"math"
	"strings"

	"github.com/spf13/cobra"

	"pipette/catalog"
)

// OneRef checks that a verb got exactly one algorithm reference.
func OneRef(cmd *cobra.Command, args []string) error {
	switch len(args) {
	case 0:
		return CmdUsageErrorf(cmd, "name an algorithm, for example `%s nlp/SentimentAnalysis`", cmd.CommandPath())
	case 1:
		return nil
	}
	return CmdUsageErrorf(cmd, "%s takes one algorithm, got %d arguments: %s", cmd.CommandPath(), len(args), strings.Join(args, " "))
}

// ParseRef reads an algorithm reference given on the command line.
func ParseRef(s string) (catalog.Ref, error) {
	ref, err := catalog.ParseRef(s)
	if err != nil {
		return catalog.Ref{}, UsageErrorf("%v", err)
	}
	return ref, nil
}

// NoArgs rejects stray arguments with a sentence that names them.
func NoArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return CmdUsageErrorf(cmd, "%s takes no arguments, got %q", cmd.CommandPath(), strings.Join(args, " "))
	}
	return nil
}

// CheckTimeout refuses a per-call timeout (--timeout of call, --step-timeout
// of run) outside (0, 3000] seconds, the API's own bounds.
func CheckTimeout(flag string, seconds float64) error {
	if seconds <= 0 || seconds > 3000 || math.IsNaN(seconds) {
		return UsageErrorf("%s %v is out of range: give a number of seconds above 0 and at most 3000", flag, seconds)
	}
	return nil
}
