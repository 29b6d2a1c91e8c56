package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"pipette/catalog"
	"pipette/client"
	"pipette/data"
)

// Call limits of the API.
const (
	DefaultTimeout = 300 * time.Second
	MaxTimeout     = 3000 * time.Second
)

// callOptions are the query parameters of POST /v1/algo/….
type callOptions struct {
	timeout time.Duration
	stdout  bool
	output  string // "", "raw" or "void"
	data    data.Access
	stream  bool // (pipette) answer text/event-stream, chunk by chunk (stream.go)
}

func parseCallOptions(rawQuery string) (callOptions, *catalog.Error) {
	opt := callOptions{timeout: DefaultTimeout}
	if rawQuery == "" {
		return opt, nil // the usual call: no query to parse
	}
	q, _ := url.ParseQuery(rawQuery) // as Request.URL.Query: what parses
	if q.Has("timeout") {
		d, perr := parseTimeout(q.Get("timeout"))
		if perr != nil {
			return opt, perr
		}
		opt.timeout = d
	}
	if s := q.Get("stdout"); s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			return opt, badRequest("stdout=%s is not true or false", echoParam(s))
		}
		opt.stdout = b
	}
	switch s := q.Get("output"); s {
	case "", "raw", "void":
		opt.output = s
	default:
		return opt, badRequest("output=%s is not raw or void; leave it out for the usual JSON answer", echoParam(s))
	}
	if s := q.Get("stream"); s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			return opt, badRequest("stream=%s is not true or false", echoParam(s))
		}
		if b && opt.output != "" {
			return opt, badRequest("stream=true cannot go with output=%s: a streamed answer is a series of events", opt.output)
		}
		opt.stream = b
	}
	return opt, nil
}

// parseTimeout reads timeout= as whole seconds from 1 to MaxTimeout. Digits
// are checked before any arithmetic, so no value (2^63 seconds, -1, NaN,
// 1e400) can overflow into a short or negative duration.
func parseTimeout(s string) (time.Duration, *catalog.Error) {
	maxS, defS := int(MaxTimeout/time.Second), int(DefaultTimeout/time.Second)
	if s == "" {
		return 0, badRequest("timeout= is empty: give a whole number of seconds from 1 to %d, or leave it out for the default of %d", maxS, defS)
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, badRequest("timeout=%s is not a whole number of seconds: give one from 1 to %d (the default is %d)", echoParam(s), maxS, defS)
		}
	}
	// Past 4 digits (leading zeros aside) the value is over the maximum.
	digits := strings.TrimLeft(s, "0")
	n := 0
	if len(digits) <= 4 {
		n, _ = strconv.Atoi("0" + digits)
	}
	switch {
	case n == 0 && digits == "":
		return 0, badRequest("timeout=%s is too short: give a whole number of seconds from 1 to %d", echoParam(s), maxS)
	case len(digits) > 4 || n > maxS:
		return 0, badRequest("timeout=%s is more than this server's maximum of %d seconds: give a whole number from 1 to %d", echoParam(s), maxS, maxS)
	}
	return time.Duration(n) * time.Second, nil
}

// echoParam is a query value as an error sentence repeats it: at most 40
// characters, so a huge value does not come back in the answer twice.
func echoParam(s string) string {
	if len(s) <= 40 {
		return s
	}
	cut := 40
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// badRequest is a 400 for a query parameter or body the API cannot use. The
// API lists no status for these; 400 is what they are, and InputError is the
// error_type that says "fix what you sent".
func badRequest(format string, args ...any) *catalog.Error {
	e := catalog.InputErrorf(format, args...)
	e.Status = http.StatusBadRequest
	return e
}

// callOutcome is what a call's log line and metrics need to know.
type callOutcome struct {
	ref       catalog.Ref
	refOK     bool
	label     string // metrics label: owner/name, or unknownAlgorithm; "" until known
	ran       bool   // the runner was asked and resolved the algorithm
	status    int    // HTTP status answered (499: the caller left first)
	errorType string // "" on success
	version   string // the version that ran
	output    string
	cancelled string // "client" when the caller left, "shutdown" when the grace ran out
	rejected  string // why admission refused the call
	queued    time.Duration
	logged    bool // by the watchdog of a call that outlived its context (runHere)
}

// fail answers the platform error e and records it in the outcome.
func (oc callOutcome) fail(w http.ResponseWriter, e *catalog.Error) callOutcome {
	writePlatformError(w, e)
	oc.status, oc.errorType = e.Status, e.Type
	return oc
}

// handleCall is POST /v1/algo/{owner}/{name}[/{version}].
func (s *Server) handleCall(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	id := requestID(w)
	s.metrics.inFlight.Add(1)
	defer s.metrics.inFlight.Add(-1)

	oc := s.call(w, r, id, start)
	if oc.logged || oc.output == "void" && oc.status == http.StatusOK {
		return // logged already, or the background run logs itself when it ends
	}
	s.record(r.Context(), oc, id, time.Since(start))
}

// call does the work of handleCall and reports what happened: it reads the
// input, waits for a slot, runs the algorithm and answers.
func (s *Server) call(w http.ResponseWriter, r *http.Request, id string, start time.Time) callOutcome {
	var oc callOutcome

	ref, perr := pathRef(r, r.PathValue("version"))
	if perr != nil {
		return oc.fail(w, perr)
	}
	oc.ref, oc.refOK = ref, true

	opt, perr := parseCallOptions(r.URL.RawQuery)
	if perr != nil {
		return oc.fail(w, perr)
	}
	oc.output = opt.output
	opt.data = s.callerData(r)

	caller := s.clientOf(r)
	in, body, perr := s.readInput(w, r, caller)
	if perr != nil {
		if reason := bodyRefusal(perr); reason != "" {
			// Refused for the server's sake, as admission refuses: counted
			// with its refusals.
			label, _ := s.catalog.lookup(r.Context(), ref.Path())
			s.metrics.reject(label, reason)
			oc.rejected = reason
		}
		return oc.fail(w, perr)
	}
	if opt.output == "void" {
		// A caller who names an unknown algorithm hears about it now
		// rather than never.
		if _, err := s.src.Get(r.Context(), ref); err != nil {
			if e := catalog.AsError(err); e.Status != 0 {
				body.release()
				return oc.fail(w, e)
			}
		}
	}
	k := callKey{client: caller, small: len(body.data) <= LightBody}
	k.algo, k.local = s.catalog.lookup(r.Context(), ref.Path())
	oc.label = k.algo
	waitStart := time.Now()
	tk, err := s.adm.acquireFor(r.Context(), k, opt.timeout)
	oc.queued = time.Since(waitStart)
	if err != nil {
		body.release()
		return s.notAdmitted(w, r, oc, err)
	}
	j := job{ref: ref, in: in, id: id, done: func() { tk.release(); body.release() }}
	if opt.output == "void" {
		return s.startVoid(w, oc, j, opt)
	}

	ctx, cancel := s.sweep.withTimeout(r.Context(), opt.timeout)
	defer cancel()
	if opt.stream {
		return s.streamCall(s.callContext(ctx, opt), w, r, oc, opt, j, start)
	}
	return s.runHere(s.callContext(ctx, opt), w, r, oc, opt, j, start)
}

// bodyRefusal names why reading a call's body was refused for the server's
// sake rather than for the body's faults: the client's body budget spent
// (body_rate), the bodies held at once at their limit (body_budget).
func bodyRefusal(e *catalog.Error) string {
	switch e.Code {
	case CodeBodyRate:
		return "body_rate"
	case CodeOverloaded:
		return "body_budget"
	}
	return ""
}

// callContext is what an admitted call runs under: its memory budget, the
// slots its fan-out may borrow, and whether its log was asked for.
func (s *Server) callContext(ctx context.Context, opt callOptions) context.Context {
	ctx = catalog.WithMemoryBudget(ctx, s.callMemory)
	if opt.data.Store != nil {
		ctx = data.WithAccess(ctx, opt.data)
	}
	ctx = catalog.WithSlots(ctx, s.adm)
	if opt.stdout {
		ctx = catalog.WithStdoutWanted(ctx)
	}
	return ctx
}

// notAdmitted answers a call that admission refused (429 or 503, with
// Retry-After), or records that its caller left while it waited.
func (s *Server) notAdmitted(w http.ResponseWriter, r *http.Request, oc callOutcome, err error) callOutcome {
	var rej *rejection
	if errors.As(err, &rej) {
		w.Header().Set("Retry-After", strconv.Itoa(rej.retryAfter))
		oc.rejected = rej.reason
		return oc.fail(w, rej.err)
	}
	return s.cut(w, oc, cancelReason(r.Context()))
}

// answer writes what the run produced: the result, the algorithm's error, or
// nothing when the caller has left.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, oc callOutcome, opt callOptions, out catalog.Output, err error, start time.Time) callOutcome {
	oc.ran = !isNotFound(err)
	oc.version = out.Version
	md := client.Metadata{Duration: since(start), Generation: client.GenerationToJSON(out.Generation)}
	if opt.stdout {
		stdout := out.Stdout
		md.Stdout = &stdout
	}
	if err != nil {
		if why := cancelReason(r.Context()); why != "" {
			return s.cut(w, oc, why)
		}
		e := client.CallError(oc.ref, err, opt.timeout)
		oc.errorType = e.Type
		if e.Status != 0 {
			return oc.fail(w, e)
		}
		writeAlgorithmError(w, e, md)
		oc.status = http.StatusOK
		return oc
	}

	v := out.Value
	if v.Kind == "" {
		v = catalog.Void()
	}
	result, err := v.WireResult()
	if err != nil {
		e := catalog.Errorf(catalog.AlgorithmError, "%s returned a result that is not valid JSON: %v", oc.ref, err)
		oc.errorType = e.Type
		writeAlgorithmError(w, e, md)
		oc.status = http.StatusOK
		return oc
	}
	// The answer is ready: from now on a client that does not read it is
	// cut after the write timeout, while the call itself was never timed.
	// A small answer fits the socket's buffer and cannot block, so only a
	// large one pays for the timer.
	if len(result) > 64<<10 || len(v.Bytes) > 64<<10 {
		_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(s.timeouts.Write))
	}
	if opt.output == "raw" {
		oc.status = writeRaw(w, v, result)
		return oc
	}
	md.ContentType = string(v.Kind)
	writeSuccess(w, result, md)
	oc.status = http.StatusOK
	return oc
}

// cancelReason says why the request's context ended: "client" when the
// caller went away, "shutdown" when the server's shutdown grace ran out, ""
// while it goes on.
func cancelReason(ctx context.Context) string {
	switch {
	case ctx.Err() == nil:
		return ""
	case errors.Is(context.Cause(ctx), errShutdownCut):
		return "shutdown"
	}
	return "client"
}

// cut records a call stopped before it was answered. A caller who left gets
// nothing (the log says 499, as proxies do); at the end of a shutdown the
// caller, if still there, hears why.
func (s *Server) cut(w http.ResponseWriter, oc callOutcome, why string) callOutcome {
	oc.cancelled = why
	if why == "shutdown" {
		return oc.fail(w, &catalog.Error{Type: catalog.UnsupportedError, Status: http.StatusServiceUnavailable, Code: CodeShuttingDown,
			Message: fmt.Sprintf("the server shut down before %s finished: call it again on another instance", oc.ref)})
	}
	oc.status = statusClientGone
	return oc
}

// statusClientGone is logged for a call whose caller left before the
// answer (nginx's 499); it is never sent.
const statusClientGone = 499
