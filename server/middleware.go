package server

import (
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"net/http"
	"runtime/debug"

	"pipette/catalog"
)

// statusRecorder remembers the status a handler wrote, for metrics, logs and
// the panic guard (which can only answer if nothing was written yet), and
// carries the request's id once something asked for it.
type statusRecorder struct {
	http.ResponseWriter
	status int
	id     string
}

func (w *statusRecorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach Flush and deadlines.
func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// requestID is the request's id ("req-" and 16 hex digits), made on first
// use and sent back as X-Request-Id, so that a caller can quote it and the
// log line be found.
func requestID(w http.ResponseWriter) string {
	rec, ok := w.(*statusRecorder)
	if !ok {
		return newRequestID()
	}
	if rec.id == "" {
		rec.id = newRequestID()
		if rec.status == 0 {
			// The key is already in canonical form: set it as it is.
			rec.Header()["X-Request-Id"] = []string{rec.id}
		}
	}
	return rec.id
}

// newRequestID is "req-" and 16 random hex digits. Ids need to be unique,
// not secret: math/rand/v2's generator is per thread and never blocks.
func newRequestID() string {
	var b [4 + 16]byte
	copy(b[:], "req-")
	u := rand.Uint64()
	for i := range 8 {
		hex.Encode(b[4+2*i:], []byte{byte(u >> (8 * i))})
	}
	return string(b[:])
}

// recoverAndCount is the outermost layer: it counts requests by route and
// status, and turns a panic anywhere in a handler into a 500 answer and a log
// line, so one bad request never takes the server down. The caller gets a
// plain sentence with the request's id; the log has the panic and its stack.
func (s *Server) recoverAndCount(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				id := requestID(rec)
				s.log.Error("handler panicked", "request_id", id, "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				if rec.status == 0 {
					writePlatformError(rec, &catalog.Error{Type: catalog.AlgorithmError, Status: http.StatusInternalServerError,
						Message: "the server failed while answering this request; its log has the details under request id " + id})
				}
			}
			route := r.Pattern
			if route == "" || route == "/" {
				route = "other"
			}
			status := rec.status
			if status == 0 {
				status = http.StatusOK
			}
			s.metrics.requestsOf.get(routeCode{route, status}).Inc()
		}()
		next.ServeHTTP(rec, r)
	})
}
