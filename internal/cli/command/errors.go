package command

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"pipette/catalog"
	"pipette/client"
)

// UsageError is a mistake in how the command was invoked; it exits with 2.
// Its sentence ends by pointing at the help of the command it was made for
// (the one that ran, when Cmd is nil).
type UsageError struct {
	Cmd *cobra.Command
	Msg string
}

func (e *UsageError) Error() string {
	path := "pipette"
	if e.Cmd != nil {
		path = e.Cmd.CommandPath()
	}
	return fmt.Sprintf("%s (see `%s --help`)", e.Msg, path)
}

// UsageErrorf is a usage error of the command that runs.
func UsageErrorf(format string, args ...any) error {
	return &UsageError{Msg: fmt.Sprintf(format, args...)}
}

// CmdUsageErrorf is a usage error of cmd (argument checks, which run before
// the command does).
func CmdUsageErrorf(cmd *cobra.Command, format string, args ...any) error {
	return &UsageError{Cmd: cmd, Msg: fmt.Sprintf(format, args...)}
}

// IsUsageError also recognises cobra's own usage errors, which are plain
// errors: an unknown command and argument-count mistakes.
func IsUsageError(err error) bool {
	var ue *UsageError
	if errors.As(err, &ue) {
		return true
	}
	s := err.Error()
	for _, prefix := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "flag needs an argument", "invalid argument", "accepts ", "requires at least"} {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}

// Describe turns any error a verb returns into the sentence a user reads: what
// went wrong, with the API's error_type for an algorithm's own errors, and
// what to do about it.
func Describe(err error) string {
	var (
		ue *UsageError
		ce *catalog.Error
		se *client.ServerError
	)
	switch {
	case errors.As(err, &ue):
		return ue.Error()
	case errors.As(err, &se):
		return se.Msg
	case errors.As(err, &ce):
		return describeCatalogError(ce)
	case errors.Is(err, context.Canceled):
		return "interrupted"
	}
	return strings.TrimSpace(err.Error())
}

func describeCatalogError(e *catalog.Error) string {
	msg := strings.TrimSpace(e.Message)
	switch {
	case e.Type == catalog.EntityNotFoundError && strings.HasSuffix(msg, "not found"):
		return msg + ": run `pipette ls` to see the catalog"
	case e.Type == catalog.EntityNotFoundError:
		return msg
	case e.Status == 401 || e.Code == catalog.CodeUnauthorized || e.Code == catalog.CodeInvalidKey:
		return msg + ": set $" + EnvKey + " to a key the server accepts"
	case e.Type == "":
		return msg
	}
	return e.Type + ": " + msg
}
