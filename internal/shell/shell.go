// Package shell writes strings for a POSIX shell: the one quoting that the
// exported shell scripts and the TUI's curl snippets share.
package shell

import "strings"

// Quote quotes s for a POSIX shell: in single quotes, where nothing is
// special (newlines included), each single quote of s written as a closing
// quote, an escaped quote and an opening one; so no string quoted here runs
// as code.
func Quote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
