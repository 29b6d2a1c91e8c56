package pipebuilder

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"sync"
	"time"

	"pipette/catalog"
	"pipette/client"
	"pipette/internal/jqeval"
)

// DefaultConcurrency is how many elements of an `each` step run at once when
// Options.Concurrency is not set.
const DefaultConcurrency = 4

// Options tune one run.
type Options struct {
	// UpTo stops after the step with this id; the run's output is then that
	// step's result. "" runs the whole chain.
	UpTo string
	// StepTimeout bounds each algorithm call (each element of an `each` step
	// is one call). 0: no bound but the server's own.
	StepTimeout time.Duration
	// Timeout bounds the whole run. 0: none.
	Timeout time.Duration
	// Concurrency bounds how many elements of an `each` step run at once.
	Concurrency int
	// OnStep, when set, is called as the run progresses: when a step starts,
	// after each element of an `each` step, and when the step ends (Done).
	// Calls are serialised; the StepTrace is a copy the callee may keep. It
	// should return quickly (send a message, write a line): elements of an
	// `each` step wait for it.
	OnStep func(StepTrace)
}

// Trace is what a run did, step by step.
type Trace struct {
	Chain    string        // the chain's name
	Input    catalog.Value // the chain's input
	Steps    []StepTrace   // the steps that ran or started, in order
	Output   catalog.Value // the chain's output (zero when the run failed)
	Duration time.Duration
	Err      error // the run's error, also returned by Run
}

// StepTrace is one step of a run.
type StepTrace struct {
	Index       int
	ID          string
	Algo        string        // as written in the chain
	Input       catalog.Value // what the step was sent; for `each`, the list of elements
	Result      catalog.Value // for `each`, the list of results as JSON (binary as base64)
	ContentType string        // the result's content type: text, json, binary, void
	Duration    time.Duration // wall time of the step, mapping included
	Err         error         // a *StepError when the step failed
	Done        bool          // false while the step runs (OnStep)
	Items       []ItemTrace   // `each` steps: one per element, in order
	Completed   int           // `each` steps: elements finished so far
}

// ItemTrace is one element of an `each` step.
type ItemTrace struct {
	Input       catalog.Value
	Result      catalog.Value
	ContentType string
	Duration    time.Duration
	Err         error
}

// StepError is a failed step: it names the step and what it was given.
type StepError struct {
	Step  string        // step id
	Algo  string        // the step's algo, as written
	Item  int           // index of the failing element of an `each` step, -1 otherwise
	Items int           // number of elements of an `each` step
	Input catalog.Value // what the call was sent; zero when the mapping itself failed
	Err   error         // a *catalog.Error for an algorithm's error
}

func (e *StepError) Error() string {
	s := fmt.Sprintf("step %s (%s)", e.Step, e.Algo)
	if e.Item >= 0 {
		s += fmt.Sprintf(", element %d of %d", e.Item+1, e.Items)
	}
	s += ": " + e.Err.Error()
	if !e.Input.IsZero() {
		s += "; its input was " + e.Input.Summary(160)
	}
	return s
}

func (e *StepError) Unwrap() error { return e.Err }

// run is the state of one run.
type run struct {
	c      *Chain
	cl     *client.Client
	opt    Options
	env    map[string]any  // {input, steps}: what mappings see
	steps  map[string]any  // env["steps"]
	binary map[string]bool // base64 strings of binary values seen: they turn back into bytes
	mu     sync.Mutex      // serialises OnStep
	trace  *Trace
}

// Run runs the chain on input through cl, one step after the other, and
// returns the trace (also when it fails: the steps so far and the failing
// one). The error is a *StepError for a failed step, an Errors for a chain
// that does not compile.
//
// A step without `input` is sent the previous step's result unchanged (the
// first step: the chain's input). A mapping's result is sent as text when it
// is a string and as JSON otherwise, except that a string that is exactly a
// binary value of this run (the chain's input, a step's result) is those
// bytes again, and a base64 string sent to a step whose algorithm takes only
// binary input (known once the chain is validated) is decoded to bytes. The
// same rules hold for the chain's `output` (but the last one).
func Run(ctx context.Context, cl *client.Client, c *Chain, input catalog.Value, opt Options) (*Trace, error) {
	start := time.Now()
	tr := &Trace{Chain: c.Name, Input: input}
	fail := func(err error) (*Trace, error) {
		tr.Err, tr.Duration = err, time.Since(start)
		return tr, err
	}
	if err := c.ensureCompiled(); err != nil {
		return fail(err)
	}
	last := len(c.Steps) - 1
	if opt.UpTo != "" {
		if last = c.StepIndex(opt.UpTo); last < 0 {
			return fail(fmt.Errorf("run chain %s up to step %q: no step has that id (%s)", c.Name, opt.UpTo, c.idList()))
		}
	}
	if opt.Concurrency <= 0 {
		opt.Concurrency = DefaultConcurrency
	}
	in, err := input.Normalize()
	if err != nil {
		return fail(fmt.Errorf("run chain %s: the input is not valid JSON: %w", c.Name, err))
	}
	if in.IsZero() {
		in = catalog.Void()
	}
	tr.Input = in
	if opt.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opt.Timeout)
		defer cancel()
	}
	r := &run{c: c, cl: cl, opt: opt, steps: map[string]any{}, binary: map[string]bool{}, trace: tr}
	r.env = map[string]any{"input": r.wire(in), "steps": r.steps}

	prev := in
	for i := 0; i <= last; i++ {
		res, err := r.step(ctx, i, prev)
		if err != nil {
			return fail(err)
		}
		r.steps[c.Steps[i].ID] = r.wire(res)
		prev = res
	}
	tr.Output = prev
	if c.output != nil && last == len(c.Steps)-1 {
		x, err := r.eval(ctx, c.output)
		if err != nil {
			return fail(fmt.Errorf("chain %s: its `output` mapping failed: %w", c.Name, err))
		}
		if tr.Output, err = r.value(x, false).Normalize(); err != nil {
			return fail(fmt.Errorf("chain %s: its `output` mapping built something that is not JSON: %w", c.Name, err))
		}
	}
	tr.Duration = time.Since(start)
	return tr, nil
}

// wire is v as mappings see it, as on the wire: binary as standard base64.
// It remembers binary values, so that a mapping passing one through sends
// bytes again (see value).
func (r *run) wire(v catalog.Value) any {
	x := wireAny(v)
	if v.Kind == catalog.KindBinary {
		r.binary[x.(string)] = true
	}
	return x
}

// value turns a mapping's result into what is sent (see Run).
func (r *run) value(x any, binaryOnly bool) catalog.Value {
	s, ok := x.(string)
	if !ok {
		return catalog.JSON(x)
	}
	if r.binary[s] || (binaryOnly && s != "") {
		if b, err := base64.StdEncoding.DecodeString(s); err == nil {
			return catalog.Bytes(b)
		}
	}
	return catalog.Text(s)
}

func (r *run) report(st *StepTrace) {
	if r.opt.OnStep == nil {
		return
	}
	cp := *st
	cp.Items = append([]ItemTrace(nil), st.Items...)
	r.opt.OnStep(cp)
}

// step runs step i, whose default input is prev.
func (r *run) step(ctx context.Context, i int, prev catalog.Value) (catalog.Value, error) {
	s := &r.c.Steps[i]
	start := time.Now()
	r.trace.Steps = append(r.trace.Steps, StepTrace{Index: i, ID: s.ID, Algo: s.Algo})
	st := &r.trace.Steps[len(r.trace.Steps)-1]
	finish := func(err error) (catalog.Value, error) {
		st.Duration, st.Err, st.Done = time.Since(start), err, true
		r.mu.Lock()
		r.report(st)
		r.mu.Unlock()
		return st.Result, err
	}
	stepErr := func(item, items int, in catalog.Value, err error) *StepError {
		return &StepError{Step: s.ID, Algo: s.Algo, Item: item, Items: items, Input: in, Err: err}
	}
	r.mu.Lock()
	r.report(st)
	r.mu.Unlock()
	binaryOnly := s.entry.InputKind == catalog.KindBinary

	if s.each != nil {
		x, err := r.eval(ctx, s.each)
		if err != nil {
			return finish(stepErr(-1, 0, catalog.Value{}, fmt.Errorf("its `each` mapping failed: %w", err)))
		}
		list, ok := x.([]any)
		if !ok {
			st.Input = catalog.JSON(x)
			return finish(stepErr(-1, 0, catalog.Value{}, fmt.Errorf("its `each` mapping must build a list, but it built %s", jqType(x))))
		}
		if st.Input, err = catalog.JSON(list).Normalize(); err != nil {
			return finish(stepErr(-1, 0, catalog.Value{}, fmt.Errorf("its `each` mapping built something that is not JSON: %w", err)))
		}
		results, err := r.each(ctx, s, st, list, binaryOnly)
		if err != nil {
			return finish(err)
		}
		st.Result, st.ContentType = catalog.JSON(results), string(catalog.KindJSON)
		st.Result, _ = st.Result.Normalize()
		return finish(nil)
	}

	in := prev
	if s.input != nil {
		x, err := r.eval(ctx, s.input)
		if err != nil {
			return finish(stepErr(-1, 0, catalog.Value{}, fmt.Errorf("its `input` mapping failed: %w", err)))
		}
		in = r.value(x, binaryOnly)
	}
	in, err := in.Normalize()
	if err != nil {
		return finish(stepErr(-1, 0, catalog.Value{}, fmt.Errorf("its `input` mapping built something that is not JSON: %w", err)))
	}
	st.Input = in
	resp, err := r.call(ctx, s, in)
	if err != nil {
		return finish(stepErr(-1, 0, in, err))
	}
	st.Result, st.ContentType = resp.Value, resp.ContentType
	return finish(nil)
}

// call makes one algorithm call and says what went wrong in the same words
// whether the client is in-process or remote.
func (r *run) call(ctx context.Context, s *Step, in catalog.Value) (*client.Response, error) {
	callCtx := ctx
	algo := r.cl.AlgoRef(s.ref)
	if d := r.opt.StepTimeout; d > 0 {
		var cancel context.CancelFunc
		callCtx, cancel = context.WithTimeout(ctx, d)
		defer cancel()
		// The callee's own bound is a little later, so that this run's
		// deadline is the one that fires and is reported.
		algo = algo.WithTimeout(d + time.Second)
	}
	resp, err := algo.Pipe(callCtx, in)
	if err == nil {
		return resp, nil
	}
	switch {
	case ctx.Err() != nil:
		return nil, r.stopped(ctx)
	case callCtx.Err() != nil:
		return nil, &stopError{fmt.Sprintf("%s did not finish within the step timeout of %s", s.ref, r.opt.StepTimeout), context.DeadlineExceeded}
	}
	return nil, err
}

// stopped says why the run's context ended: its own timeout, a deadline
// of the caller's, or a cancellation.
func (r *run) stopped(ctx context.Context) error {
	switch {
	case !errors.Is(ctx.Err(), context.DeadlineExceeded):
		return &stopError{"the run was cancelled", context.Canceled}
	case r.opt.Timeout > 0:
		return &stopError{fmt.Sprintf("the chain did not finish within its timeout of %s", r.opt.Timeout), context.DeadlineExceeded}
	}
	return &stopError{"the chain did not finish in time", context.DeadlineExceeded}
}

// stopError is a sentence for the user that still answers errors.Is with
// the context's error.
type stopError struct {
	msg string
	err error
}

func (e *stopError) Error() string { return e.msg }
func (e *stopError) Unwrap() error { return e.err }

// each runs step s once per element of list, at most Concurrency at a time,
// and returns the results in order as wire values. The first failure (in
// element order) stops the others.
func (r *run) each(ctx context.Context, s *Step, st *StepTrace, list []any, binaryOnly bool) ([]any, error) {
	st.Items = make([]ItemTrace, len(list))
	results := make([]any, len(list))
	inputs := make([]catalog.Value, len(list))
	for j, x := range list {
		v, err := r.value(x, binaryOnly).Normalize()
		if err != nil {
			return nil, &StepError{Step: s.ID, Algo: s.Algo, Item: j, Items: len(list), Err: fmt.Errorf("element is not JSON: %w", err)}
		}
		inputs[j] = v
		st.Items[j].Input = v
	}
	eachCtx, stop := context.WithCancel(ctx)
	defer stop()
	errs := make([]error, len(list))
	sem := make(chan struct{}, r.opt.Concurrency)
	own := make(chan struct{}, 1) // the call's own slot (see takeSlot)
	slots := catalog.SlotsOf(ctx)
	var wg sync.WaitGroup
	for j := range list {
		select {
		case sem <- struct{}{}:
		case <-eachCtx.Done():
		}
		if eachCtx.Err() != nil {
			break
		}
		release, ok := takeSlot(eachCtx, own, slots)
		if !ok {
			<-sem
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { release(); <-sem }()
			start := time.Now()
			resp, err := r.call(eachCtx, s, inputs[j])
			r.mu.Lock()
			defer r.mu.Unlock()
			it := &st.Items[j]
			it.Duration, it.Err = time.Since(start), err
			if err != nil {
				if ctx.Err() == nil && eachCtx.Err() != nil {
					return // stopped because a sibling failed: not this element's fault
				}
				errs[j] = err
				stop()
			} else {
				it.Result, it.ContentType = resp.Value, resp.ContentType
				results[j] = r.wire(resp.Value)
			}
			st.Completed++
			r.report(st)
		}()
	}
	wg.Wait()
	for j, err := range errs {
		if err != nil {
			return nil, &StepError{Step: s.ID, Algo: s.Algo, Item: j, Items: len(list), Input: inputs[j], Err: err}
		}
	}
	if ctx.Err() != nil {
		return nil, &StepError{Step: s.ID, Algo: s.Algo, Item: -1, Err: r.stopped(ctx)}
	}
	return results, nil
}

// takeSlot returns once an element may start, with the function that frees
// what it runs on. Under a host that bounds how much runs at once
// (catalog.Slots: pipette serve), an element runs on the call's own slot
// when it is free, else on one borrowed from the host, else it waits for the
// own slot: a published chain's fan-out then never runs wider than the
// server's free capacity, and always makes progress. Without a host bound
// (in-process) every element may start, up to Options.Concurrency.
func takeSlot(ctx context.Context, own chan struct{}, slots catalog.Slots) (release func(), ok bool) {
	if slots == nil {
		return func() {}, true
	}
	freeOwn := func() { <-own }
	select {
	case own <- struct{}{}:
		return freeOwn, true
	default:
	}
	if release, ok := slots.TryTake(); ok {
		return release, true
	}
	select {
	case own <- struct{}{}:
		return freeOwn, true
	case <-ctx.Done():
		return nil, false
	}
}

// eval runs a mapping of this run; a mapping stopped by the run's deadline
// or cancellation says so in the run's words.
func (r *run) eval(ctx context.Context, p *jqeval.Program) (any, error) {
	x, err := evalOne(ctx, p, r.env)
	if err != nil && ctx.Err() != nil {
		return nil, r.stopped(ctx)
	}
	return x, err
}

func jqType(x any) string {
	switch x.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case string:
		return "a string"
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	}
	return "a number"
}
