package server

import (
	"net/http"
	"strconv"
	"strings"

	"pipette/catalog"
	"pipette/client"
)

// The error bodies are written from these types rather than client.ErrorBody
// because the two shapes differ in what must always be present: an
// algorithm's error always carries both stack spellings (even empty), a
// platform error carries its code and no stack. client.ErrorBody reads both.

type algorithmErrorBody struct {
	Message    string `json:"message"`
	ErrorType  string `json:"error_type"`
	Stacktrace string `json:"stacktrace"`
	StackTrace string `json:"stack_trace"`
}

type algorithmErrorResponse struct {
	Error    algorithmErrorBody `json:"error"`
	Metadata client.Metadata    `json:"metadata"`
}

type platformErrorBody struct {
	Message   string `json:"message"`
	Code      int    `json:"code,omitempty"`
	ErrorType string `json:"error_type"`
}

type platformErrorResponse struct {
	Error platformErrorBody `json:"error"`
}

// writeAlgorithmError answers an error the algorithm raised: HTTP 200, as the
// API requires, because some clients only read the body of a 2xx answer.
// md carries the duration and, when the caller asked for it, what the
// algorithm logged before it failed.
func writeAlgorithmError(w http.ResponseWriter, e *catalog.Error, md client.Metadata) {
	typ := e.Type
	if typ == "" {
		typ = catalog.AlgorithmError
	}
	md.ContentType = ""
	writeJSON(w, http.StatusOK, algorithmErrorResponse{
		Error:    algorithmErrorBody{Message: e.Message, ErrorType: typ, Stacktrace: e.Stack, StackTrace: e.Stack},
		Metadata: md,
	})
}

// writePlatformError answers an error of the platform (not found, bad key,
// too large…) with its real status, the error body and X-Error-Message.
func writePlatformError(w http.ResponseWriter, e *catalog.Error) {
	status := e.Status
	if status == 0 {
		status = http.StatusInternalServerError
	}
	typ := e.Type
	if typ == "" {
		typ = catalog.AlgorithmError
	}
	w.Header().Set("X-Error-Message", headerSafe(e.Message))
	// A client told to come back later is told when; admission sets its
	// own estimate before.
	if (status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable) && w.Header().Get("Retry-After") == "" {
		w.Header().Set("Retry-After", "1")
	}
	writeJSON(w, status, platformErrorResponse{Error: platformErrorBody{Message: e.Message, Code: e.Code, ErrorType: typ}})
}

// headerSafe keeps a message usable as a header value: one line, no control
// characters (net/http would drop the whole header otherwise).
func headerSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}

// writeJSON writes v as the whole answer, without HTML escaping so that
// results keep "<" and "&" as they are.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := catalog.MarshalJSON(v)
	if err != nil {
		b, status = []byte(encodeFailed), http.StatusInternalServerError
	}
	writeJSONBytes(w, status, b)
}

// encodeFailed answers when the server cannot encode its own answer. Only
// values built by this package are encoded, and they always are encodable,
// so this is a bug worth a clear 500 rather than a panic.
const encodeFailed = `{"error":{"message":"the server could not encode its answer","error_type":"AlgorithmError"}}`

// writeJSONBytes writes already encoded JSON as the whole answer.
// Its length is sent too: an answer a watchdog writes while the handler is
// still busy (runHere) is whole once flushed.
func writeJSONBytes(w http.ResponseWriter, status int, b []byte) {
	h := w.Header()
	h.Set("Content-Type", client.ContentTypeJSON)
	h["Content-Length"] = []string{strconv.Itoa(len(b))}
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
