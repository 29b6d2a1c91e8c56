package data

import (
	"errors"
	"fmt"
	"net/http"

	"pipette/catalog"
)

// Errors of the store are *catalog.Error values carrying the HTTP status the
// Data API answers with, so the handler writes them as they are and every
// other caller (the CLI, the Go client in-process) reads the same sentence.

func badPath(format string, args ...any) error {
	return &catalog.Error{Type: catalog.InputError, Status: http.StatusBadRequest, Message: fmt.Sprintf(format, args...)}
}

func notFound(format string, args ...any) error {
	return &catalog.Error{Type: catalog.EntityNotFoundError, Status: http.StatusNotFound, Message: fmt.Sprintf(format, args...)}
}

// forbidden is a read or write of another owner's space that its permissions
// do not allow. InputError: the caller fixes it by naming its own data.
func forbidden(format string, args ...any) error {
	return &catalog.Error{Type: catalog.InputError, Status: http.StatusForbidden, Message: fmt.Sprintf(format, args...)}
}

// conflict is a request that cannot apply to what is there: a file where a
// directory is needed, a directory that is not empty, one that exists.
func conflict(format string, args ...any) error {
	return &catalog.Error{Type: catalog.InputError, Status: http.StatusConflict, Message: fmt.Sprintf(format, args...)}
}

func tooLarge(format string, args ...any) error {
	return &catalog.Error{Type: catalog.TooLargeError, Status: http.StatusRequestEntityTooLarge, Message: fmt.Sprintf(format, args...)}
}

// storeFailed is the backend failing (a full disk, a bucket that refuses):
// not the caller's fault, so a 500 naming what was being done.
func storeFailed(what string, err error) error {
	return &catalog.Error{Type: catalog.AlgorithmError, Status: http.StatusInternalServerError,
		Message: fmt.Sprintf("the data store could not %s: %v", what, err)}
}

// Status is the HTTP status of a store error (500 for anything unexpected).
func Status(err error) int {
	var e *catalog.Error
	if errors.As(err, &e) && e.Status != 0 {
		return e.Status
	}
	return http.StatusInternalServerError
}

// IsNotFound reports whether err says the file or directory is not there.
func IsNotFound(err error) bool { return Status(err) == http.StatusNotFound }

// ForAlgorithm turns a store error into the error an algorithm returns: the
// same type and sentence without the HTTP status, so the server answers it
// as the algorithm's own error (HTTP 200) and not as a missing endpoint.
func ForAlgorithm(err error) error {
	if err == nil {
		return nil
	}
	e := *catalog.AsError(err)
	e.Status, e.Code = 0, 0
	return &e
}

// errNotExist, errIsDir and errNotDir are what backends report; the store
// turns them into sentences that name the path.
var (
	errNotExist = errors.New("not found")
	errIsDir    = errors.New("is a directory")
	errNotDir   = errors.New("a file is in the way")
	errExist    = errors.New("already exists")
	errTooLarge = errors.New("over the size limit")
)
