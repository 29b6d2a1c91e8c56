package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// runTUI opens the terminal workbench. This placeholder is replaced by the
// real Bubble Tea program; until then `pipette` with no verb says so plainly.
func runTUI(cmd *cobra.Command, args []string) error {
	return errors.New("the TUI is not built yet; use pipette ls / call / serve")
}

// addTUIFlags adds the flags that only the TUI reads (none yet).
func addTUIFlags(root *cobra.Command) {}
