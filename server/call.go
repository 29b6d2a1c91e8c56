package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"pipette/catalog"
	"pipette/client"
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
}

func parseCallOptions(q url.Values) (callOptions, *catalog.Error) {
	opt := callOptions{timeout: DefaultTimeout}
	if s := q.Get("timeout"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || time.Duration(n)*time.Second > MaxTimeout {
			return opt, badRequest("timeout=%s is not a whole number of seconds from 1 to %d (the default is %d)",
				s, int(MaxTimeout/time.Second), int(DefaultTimeout/time.Second))
		}
		opt.timeout = time.Duration(n) * time.Second
	}
	if s := q.Get("stdout"); s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			return opt, badRequest("stdout=%s is not true or false", s)
		}
		opt.stdout = b
	}
	switch s := q.Get("output"); s {
	case "", "raw", "void":
		opt.output = s
	default:
		return opt, badRequest("output=%s is not raw or void; leave it out for the usual JSON answer", s)
	}
	return opt, nil
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
	ran       bool   // the runner was asked and resolved the algorithm
	status    int    // HTTP status answered
	errorType string // "" on success
	version   string // the version that ran
	output    string
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
	id := newRequestID()
	w.Header().Set("X-Request-Id", id)
	s.metrics.inFlight.Inc()
	defer s.metrics.inFlight.Dec()

	oc := s.call(w, r, id, start)
	if oc.output == "void" && oc.status == http.StatusOK {
		return // the background run logs and counts itself when it ends
	}
	s.record(r.Context(), oc, id, time.Since(start))
}

// call does the work of handleCall and reports what happened.
func (s *Server) call(w http.ResponseWriter, r *http.Request, id string, start time.Time) callOutcome {
	var oc callOutcome

	ref, perr := pathRef(r, r.PathValue("version"))
	if perr != nil {
		return oc.fail(w, perr)
	}
	oc.ref, oc.refOK = ref, true

	opt, perr := parseCallOptions(r.URL.Query())
	if perr != nil {
		return oc.fail(w, perr)
	}
	oc.output = opt.output

	in, perr := s.readInput(w, r)
	if perr != nil {
		return oc.fail(w, perr)
	}

	if opt.output == "void" {
		return s.startVoid(w, r, oc, ref, in, opt, id)
	}

	ctx, cancel := context.WithTimeout(r.Context(), opt.timeout)
	if opt.stdout {
		ctx = catalog.WithStdoutWanted(ctx)
	}
	defer cancel()
	out, err := s.run(ctx, ref, in)
	oc.ran = !isNotFound(err)
	oc.version = out.Version
	md := client.Metadata{Duration: since(start)}
	if opt.stdout {
		stdout := out.Stdout
		md.Stdout = &stdout
	}
	if err != nil {
		e := client.CallError(ref, err, opt.timeout)
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
		e := catalog.Errorf(catalog.AlgorithmError, "%s returned a result that is not valid JSON: %v", ref, err)
		oc.errorType = e.Type
		writeAlgorithmError(w, e, md)
		oc.status = http.StatusOK
		return oc
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

// writeSuccess answers a result in the API's key order ("result" first). The
// result is already encoded JSON (WireResult) and is written as it is: going
// through json.Marshal again would scan and copy it once more, which for an
// image result is megabytes of base64.
func writeSuccess(w http.ResponseWriter, result []byte, md client.Metadata) {
	m, err := catalog.MarshalJSON(md)
	if err != nil {
		writeJSONBytes(w, http.StatusInternalServerError, []byte(encodeFailed))
		return
	}
	b := make([]byte, 0, len(result)+len(m)+32)
	b = append(b, `{"result":`...)
	b = append(b, result...)
	b = append(b, `,"metadata":`...)
	b = append(b, m...)
	writeJSONBytes(w, http.StatusOK, append(b, '}'))
}

// writeRaw answers output=raw: the result itself, typed by its kind.
func writeRaw(w http.ResponseWriter, v catalog.Value, wire []byte) int {
	var ct string
	var body []byte
	switch v.Kind {
	case catalog.KindText:
		ct, body = "text/plain; charset=utf-8", []byte(v.Text)
	case catalog.KindBinary:
		ct, body = "application/octet-stream", v.Bytes
	case catalog.KindJSON:
		ct, body = "application/json", wire
	default: // void: nothing to send
		w.WriteHeader(http.StatusNoContent)
		return http.StatusNoContent
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
	return http.StatusOK
}

// readInput reads and decodes the request body, refusing a body over the
// limit without reading it whole and a Content-Type the API does not take
// without reading it at all.
func (s *Server) readInput(w http.ResponseWriter, r *http.Request) (catalog.Value, *catalog.Error) {
	if r.ContentLength > s.maxBody {
		// Tell the client not to reuse a connection that still carries the
		// unread body.
		w.Header().Set("Connection", "close")
		return catalog.Value{}, s.tooLarge()
	}
	ct := r.Header.Get("Content-Type")
	// DecodeInput on an empty body tells an unsupported Content-Type apart
	// from everything else without reading the body first.
	var ume *client.UnsupportedMediaType
	if _, err := client.DecodeInput(ct, nil); errors.As(err, &ume) {
		return catalog.Value{}, &catalog.Error{Type: catalog.UnsupportedError, Status: http.StatusUnsupportedMediaType, Message: ume.Error()}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.maxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return catalog.Value{}, s.tooLarge()
		}
		return catalog.Value{}, badRequest("could not read the request body: %v", err)
	}
	in, err := client.DecodeInput(ct, body)
	if err != nil {
		// Malformed JSON: the algorithm never ran, so this is the
		// platform's 400 with error_type ParsingError, not an algorithm's
		// error.
		e := catalog.AsError(err)
		return catalog.Value{}, &catalog.Error{Type: e.Type, Message: e.Message, Status: http.StatusBadRequest}
	}
	return in, nil
}

func (s *Server) tooLarge() *catalog.Error {
	return &catalog.Error{Type: catalog.TooLargeError, Status: http.StatusRequestEntityTooLarge,
		Message: fmt.Sprintf("the request body is larger than this server's limit of %s: send less, or raise the server's limit", formatBytes(s.maxBody))}
}

// run calls the runner but answers when ctx ends even if the algorithm
// ignores its context, so a timeout always reaches the caller. A panic in a
// runner that does not recover its own becomes an AlgorithmError here.
func (s *Server) run(ctx context.Context, ref catalog.Ref, in catalog.Value) (catalog.Output, error) {
	type result struct {
		out catalog.Output
		err error
	}
	ch := make(chan result, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				s.log.Error("runner panicked", "algo", ref.String(), "panic", fmt.Sprint(p))
				ch <- result{err: catalog.Errorf(catalog.AlgorithmError, "%s crashed: %v", ref, p)}
			}
		}()
		out, err := s.runner.Run(ctx, ref, in)
		ch <- result{out, err}
	}()
	select {
	case res := <-ch:
		return res.out, res.err
	case <-ctx.Done():
		select {
		case res := <-ch: // finished at the same moment: keep its answer
			return res.out, res.err
		default:
			return catalog.Output{}, ctx.Err()
		}
	}
}

// startVoid answers output=void at once and runs the call in the background,
// tracked for Drain. The algorithm is looked up first so that a caller who
// names an unknown one hears about it now rather than never.
func (s *Server) startVoid(w http.ResponseWriter, r *http.Request, oc callOutcome, ref catalog.Ref, in catalog.Value, opt callOptions, id string) callOutcome {
	if _, err := s.src.Get(r.Context(), ref); err != nil {
		if e := catalog.AsError(err); e.Status != 0 {
			return oc.fail(w, e)
		}
	}
	if !s.startBackground() {
		return oc.fail(w, &catalog.Error{Type: catalog.UnsupportedError, Status: http.StatusServiceUnavailable,
			Message: "the server is shutting down and takes no new background calls; try again on another instance"})
	}
	writeJSON(w, http.StatusOK, client.AsyncResponse{Async: "void", RequestID: id})
	oc.status = http.StatusOK
	go func() {
		defer s.endBackground()
		start := time.Now()
		ctx, cancel := context.WithTimeout(s.bgCtx, opt.timeout)
		defer cancel()
		out, err := s.run(ctx, ref, in)
		bg := oc
		bg.ran, bg.version = !isNotFound(err), out.Version
		if err != nil {
			e := client.CallError(ref, err, opt.timeout)
			bg.errorType = e.Type
		} else if _, werr := out.Value.WireResult(); werr != nil {
			bg.errorType = catalog.AlgorithmError
		}
		s.record(context.Background(), bg, id, time.Since(start))
	}()
	return oc
}

func isNotFound(err error) bool {
	var e *catalog.Error
	return errors.As(err, &e) && e.Code == catalog.CodeNotFound
}

// record writes the call's log line and metrics. Bodies and keys are never
// logged.
func (s *Server) record(ctx context.Context, oc callOutcome, id string, d time.Duration) {
	label := unknownAlgorithm
	if oc.refOK && (oc.ran || s.catalog.known(ctx, oc.ref.Path())) {
		label = oc.ref.Path()
	}
	s.metrics.calls.WithLabelValues(label).Inc()
	if oc.errorType != "" {
		s.metrics.errors.WithLabelValues(label, oc.errorType).Inc()
	}
	if oc.ran {
		s.metrics.duration.WithLabelValues(label).Observe(d.Seconds())
	}
	attrs := []any{"request_id", id, "status", oc.status, "duration", d}
	if oc.refOK {
		attrs = append(attrs, "algo", oc.ref.String())
	}
	if oc.version != "" {
		attrs = append(attrs, "version", oc.version)
	}
	if oc.output != "" {
		attrs = append(attrs, "output", oc.output)
	}
	if oc.errorType != "" {
		attrs = append(attrs, "error_type", oc.errorType)
	}
	s.log.Info("call", attrs...)
}

// newRequestID is "req-" and 16 random hex digits.
func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return "req-" + hex.EncodeToString(b[:])
}

func formatBytes(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
