package catalog

import (
	"errors"
	"fmt"
)

// The error_type values of the API.
const (
	InputError                = "InputError"
	UnsupportedError          = "UnsupportedError"
	InitializationError       = "InitializationError"
	OutOfMemoryError          = "OutOfMemoryError"
	TooLargeError             = "TooLargeError"
	ParsingError              = "ParsingError"
	EntityNotFoundError       = "EntityNotFoundError"
	ThirdPartyCredentialError = "ThirdPartyCredentialError"
	AlgorithmError            = "AlgorithmError"
)

// Platform error codes, as on the original platform.
const (
	CodeNotFound     = 1000
	CodeUnauthorized = 2001
	CodeInvalidKey   = 2002
)

// Error is an error with an API error_type. Algorithms return it for bad input
// and their own failures; clients return it for errors read off the wire.
// Status and Code are set for platform errors (HTTP status, platform code).
type Error struct {
	Type    string // one of the error_type constants
	Message string
	Stack   string // a short, useful trace, or empty
	Status  int    // HTTP status of a platform error; 0 for an algorithm's error
	Code    int    // platform code (1000, 2001, 2002); 0 when none
	// Panic, when set, is the recovered panic this error reports, for the
	// host's log only: a server tells its client no more than that the
	// algorithm crashed, with a request id that finds the log line.
	Panic *Panic
}

// Panic is a recovered panic: its value and the goroutine's stack.
type Panic struct {
	Value any
	Stack []byte
}

func (e *Error) Error() string {
	if e.Type == "" {
		return e.Message
	}
	return e.Type + ": " + e.Message
}

// Errorf builds an *Error of the given type.
func Errorf(typ, format string, args ...any) *Error {
	return &Error{Type: typ, Message: fmt.Sprintf(format, args...)}
}

// InputErrorf is the error an algorithm returns for input it cannot use; the
// message says what was expected.
func InputErrorf(format string, args ...any) *Error {
	return Errorf(InputError, format, args...)
}

// NotFound is the platform error for an unknown algorithm or version.
func NotFound(format string, args ...any) *Error {
	e := Errorf(EntityNotFoundError, format, args...)
	e.Status, e.Code = 404, CodeNotFound
	return e
}

// AsError returns err as an *Error, wrapping anything else as an AlgorithmError.
func AsError(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Type: AlgorithmError, Message: err.Error()}
}

// ErrorType reports the error_type of err ("" when err is not an *Error).
func ErrorType(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Type
	}
	return ""
}
