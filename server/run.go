package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"sync"
	"time"

	"pipette/catalog"
	"pipette/client"
)

// job is one admitted call's run: done gives back its slot and its body's
// share of the body budget, once the runner has really returned.
type job struct {
	ref  catalog.Ref
	in   catalog.Value
	id   string
	done func()
	// emit, when set, receives the pieces of a streamed result (a model's
	// text as it is generated), from the runner's goroutine.
	emit func(catalog.Chunk) error
}

// run calls the runner on a worker goroutine but answers when ctx ends even
// if the algorithm ignores its context, so a timeout always reaches the
// caller; the slot is given back only when the runner returns, since until
// then the work still takes its memory and CPU. A panic (here, or one a
// runner recovered into catalog.Error.Panic) is logged with its stack under
// the request id, and the caller hears only that the algorithm crashed.
func (s *Server) run(ctx context.Context, j job) (catalog.Output, error) {
	type result struct {
		out catalog.Output
		err error
	}
	ch := make(chan result, 1)
	s.workers.do(func() {
		out, err := s.runGuarded(ctx, j)
		ch <- result{out, err}
	})
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

// runGuarded runs j on the calling goroutine, gives back its slot when the
// runner returns, and turns a panic into the error its caller sees.
func (s *Server) runGuarded(ctx context.Context, j job) (out catalog.Output, err error) {
	defer j.done()
	defer func() {
		if p := recover(); p != nil {
			out, err = catalog.Output{}, s.crashed(j, p, debug.Stack())
		}
	}()
	if st, ok := s.runner.(catalog.Streamer); ok && j.emit != nil {
		out, err = st.Stream(ctx, j.ref, j.in, j.emit)
	} else {
		out, err = s.runner.Run(ctx, j.ref, j.in)
	}
	if err != nil { // (errors.As's target would cost every call an allocation)
		var e *catalog.Error
		if errors.As(err, &e) && e.Panic != nil {
			err = s.crashed(j, e.Panic.Value, e.Panic.Stack)
		}
	}
	return out, err
}

// runHere runs an admitted call on the handler's own goroutine and answers
// it. That goroutine is the connection's, kept from one request to the
// next, so its stack stays grown and no other goroutine is woken for the
// call (a hand-off to a worker cost a wake-up on each side). An algorithm
// may ignore its context: if ctx ends before the algorithm returns, a
// watchdog answers the caller and logs the call in the handler's place, so
// a timeout still reaches the caller at once, and the handler, once the
// algorithm returns, only gives the slot back (the outcome it returns then
// says it was logged).
func (s *Server) runHere(ctx context.Context, w http.ResponseWriter, r *http.Request, oc callOutcome, opt callOptions, j job, start time.Time) callOutcome {
	// One allocation holds what the watchdog needs (a closure would move
	// each of these to the heap on its own).
	d := &watchdog{s: s, ctx: ctx, w: w, r: r, oc: oc, opt: opt, id: j.id, start: start}
	stop := afterEnd(ctx, d.fire)
	out, err := s.runGuarded(ctx, j)
	late := d.claim()
	stop()
	if late {
		oc.logged = true
		return oc
	}
	return s.answer(w, r, oc, opt, out, err, start)
}

// watchdog answers and logs a call whose context ended before its
// algorithm returned (runHere).
type watchdog struct {
	s        *Server
	ctx      context.Context
	w        http.ResponseWriter
	r        *http.Request
	oc       callOutcome
	opt      callOptions
	id       string
	start    time.Time
	mu       sync.Mutex
	answered bool // by the handler, or by the watchdog
}

// claim marks the call as answered and reports whether the watchdog had
// answered it already.
func (d *watchdog) claim() (late bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	late = d.answered
	d.answered = true
	return late
}

func (d *watchdog) fire() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.answered {
		return
	}
	d.answered = true
	late := d.s.answer(d.w, d.r, d.oc, d.opt, catalog.Output{}, d.ctx.Err(), d.start)
	_ = http.NewResponseController(d.w).Flush() // the answer has its length: it is whole
	d.s.record(d.r.Context(), late, d.id, time.Since(d.start))
}

// crashed logs a panic of the call j with its stack and returns the error its
// caller sees: no panic text, no Go frame, the request id to quote.
func (s *Server) crashed(j job, p any, stack []byte) error {
	s.log.Error("algorithm panicked", "request_id", j.id, "algo", j.ref.String(), "panic", fmt.Sprint(p), "stack", string(stack))
	return catalog.Errorf(catalog.AlgorithmError, "%s crashed; the server's log has the details under request id %s", j.ref, j.id)
}

// startVoid answers output=void at once and runs the admitted call in the
// background, tracked for Drain.
func (s *Server) startVoid(w http.ResponseWriter, oc callOutcome, j job, opt callOptions) callOutcome {
	if !s.startBackground() {
		j.done()
		return oc.fail(w, &catalog.Error{Type: catalog.UnsupportedError, Status: http.StatusServiceUnavailable, Code: CodeShuttingDown,
			Message: "the server is shutting down and takes no new background calls; try again on another instance"})
	}
	writeJSON(w, http.StatusOK, client.AsyncResponse{Async: "void", RequestID: j.id})
	oc.status = http.StatusOK
	go func() {
		defer s.endBackground()
		start := time.Now()
		ctx, cancel := context.WithTimeout(s.bgCtx, opt.timeout)
		defer cancel()
		out, err := s.run(s.callContext(ctx, opt), j)
		bg := oc
		bg.ran, bg.version = !isNotFound(err), out.Version
		switch {
		case err != nil && errors.Is(context.Cause(ctx), errShutdownCut):
			bg.cancelled = "shutdown"
		case err != nil:
			bg.errorType = client.CallError(j.ref, err, opt.timeout).Type
		default:
			if _, werr := out.Value.WireResult(); werr != nil {
				bg.errorType = catalog.AlgorithmError
			}
		}
		s.record(context.Background(), bg, j.id, time.Since(start))
	}()
	return oc
}

func isNotFound(err error) bool {
	if err == nil {
		return false
	}
	var e *catalog.Error
	return errors.As(err, &e) && e.Code == catalog.CodeNotFound
}

// record writes the call's log line and metrics. Bodies and keys are never
// logged.
func (s *Server) record(ctx context.Context, oc callOutcome, id string, d time.Duration) {
	label := oc.label
	switch {
	case oc.refOK && oc.ran && (label == "" || label == unknownAlgorithm):
		label = oc.ref.Path() // resolved, even if the listing is older than it
	case label == "" && oc.refOK:
		label = s.catalog.label(ctx, oc.ref.Path())
	case label == "":
		label = unknownAlgorithm
	}
	s.metrics.callsOf.get(label).Inc()
	switch {
	case oc.cancelled != "":
		s.metrics.cancelled.WithLabelValues(label, oc.cancelled).Inc()
	case oc.errorType != "":
		s.metrics.errors.WithLabelValues(label, oc.errorType).Inc()
	}
	if oc.ran {
		s.metrics.durationOf.get(label).Observe(d.Seconds())
	}
	h := s.log.Handler()
	if !h.Enabled(ctx, slog.LevelInfo) {
		return
	}
	// LogAttrs with typed attributes: no boxing of each value in an any.
	attrs := make([]slog.Attr, 0, 9)
	attrs = append(attrs, slog.String("request_id", id), slog.Int("status", oc.status), slog.Duration("duration", d))
	if oc.refOK {
		attrs = append(attrs, slog.String("algo", oc.ref.String()))
	}
	if oc.version != "" {
		attrs = append(attrs, slog.String("version", oc.version))
	}
	if oc.output != "" {
		attrs = append(attrs, slog.String("output", oc.output))
	}
	switch {
	case oc.cancelled != "":
		attrs = append(attrs, slog.String("cancelled", oc.cancelled))
	case oc.errorType != "":
		attrs = append(attrs, slog.String("error_type", oc.errorType))
	}
	if oc.rejected != "" {
		attrs = append(attrs, slog.String("rejected", oc.rejected))
	}
	if oc.queued >= time.Millisecond {
		attrs = append(attrs, slog.Duration("queued", oc.queued))
	}
	now := time.Now()
	if fh, ok := h.(flushOnWarn); ok && fh.writeInfo(now, "call", attrs) {
		return
	}
	// The record is handed to the handler directly: Logger.LogAttrs would
	// also walk the stack for the caller's position, which the log never
	// shows (about a tenth of the line's cost).
	r := slog.NewRecord(now, slog.LevelInfo, "call", 0)
	r.AddAttrs(attrs...)
	_ = h.Handle(ctx, r)
}
