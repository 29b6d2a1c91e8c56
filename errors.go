package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"charm.land/fang/v2"
	"github.com/charmbracelet/colorprofile"

	"pipette/catalog"
	"pipette/client"
)

// printError is fang's error handler: one sentence on stderr, styled like
// fang's own output on a terminal and as a plain "pipette: …" line otherwise,
// so scripts can grep it.
func printError(w io.Writer, styles fang.Styles, err error) {
	msg := describe(err)
	fwd := w
	if cw, ok := w.(*colorprofile.Writer); ok {
		fwd = cw.Forward
	}
	if !isTerminal(fwd) {
		// Several problems (a chain file's) are one line each, each
		// prefixed, so that every line greps alike.
		fmt.Fprintln(w, "pipette: "+strings.ReplaceAll(msg, "\n", "\npipette: "))
		return
	}
	fmt.Fprintln(w, styles.ErrorHeader.String())
	fmt.Fprintln(w, styles.ErrorText.UnsetTransform().Render(msg))
	fmt.Fprintln(w)
}

// describe turns any error a verb returns into the sentence a user reads: what
// went wrong, with the API's error_type for an algorithm's own errors, and
// what to do about it.
func describe(err error) string {
	var (
		ue *usageError
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
		return msg + ": set $" + envKey + " to a key the server accepts"
	case e.Type == "":
		return msg
	}
	return e.Type + ": " + msg
}

// osReason is what went wrong in a file operation without the operation and
// path that *fs.PathError repeats, for sentences that name the file
// themselves ("cannot write out.png: permission denied").
func osReason(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
