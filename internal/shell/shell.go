// Package shell writes strings for a POSIX shell: the one quoting that the
// exported shell scripts and the TUI's curl snippets share.
package shell

import "strings"

// Quote quotes s for a POSIX shell: single quotes, with each ' written as
// '\''. Inside single quotes nothing is special, newlines included, so no
// string quoted here runs as code.
func Quote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
