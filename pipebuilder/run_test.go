package pipebuilder

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"pipette/catalog"
	"pipette/internal/jqeval"
)

const wordsChain = `chain: v1
name: test/Shout
version: 1.0.0
tagline: shout every word
input: text
steps:
  - id: words
    algo: test/Words/1.0.0
  - id: loud
    algo: test/Upper/1.*
    each: .steps.words
  - id: joined
    algo: test/Join/1.0.0
    input: '{parts: .steps.loud, sep: "-"}'
  - id: measured
    algo: test/Length/1.0.0
output: '{text: .steps.measured.text, n: .steps.measured.length, words: (.steps.words | length), input: .input}'
`

func TestRunTrace(t *testing.T) {
	t.Parallel()
	c := mustParse(wordsChain)
	var mu sync.Mutex
	var events []string
	tr, err := Run(context.Background(), localClient(), c, catalog.Text("a bb ccc"), Options{
		OnStep: func(st StepTrace) {
			mu.Lock()
			defer mu.Unlock()
			state := "start"
			if st.Done {
				state = "done"
			} else if st.Completed > 0 {
				state = "item"
			}
			events = append(events, st.ID+":"+state)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := catalog.JSON(map[string]any{"text": "A-BB-CCC", "n": 8.0, "words": 3.0, "input": "a bb ccc"})
	if !tr.Output.Equal(want) {
		t.Fatalf("output = %#v, want %#v", tr.Output, want)
	}
	if len(tr.Steps) != 4 {
		t.Fatalf("%d steps in the trace, want 4", len(tr.Steps))
	}
	loud := tr.Steps[1]
	if loud.ID != "loud" || loud.ContentType != "json" || !reflect.DeepEqual(loud.Result.JSON, []any{"A", "BB", "CCC"}) {
		t.Errorf("each step trace = %+v", loud)
	}
	if !reflect.DeepEqual(loud.Input.JSON, []any{"a", "bb", "ccc"}) || len(loud.Items) != 3 || loud.Items[2].Result.Text != "CCC" {
		t.Errorf("each items = %+v", loud.Items)
	}
	joined := tr.Steps[2]
	if joined.Input.Kind != catalog.KindJSON || joined.Result.Text != "A-BB-CCC" || joined.ContentType != "text" {
		t.Errorf("mapped step = %+v", joined)
	}
	if tr.Steps[3].Input.Text != "A-BB-CCC" {
		t.Errorf("unmapped step got %+v, want the previous result", tr.Steps[3].Input)
	}
	for _, st := range tr.Steps {
		if !st.Done || st.Err != nil || st.Duration <= 0 {
			t.Errorf("step %s: done=%v err=%v duration=%v", st.ID, st.Done, st.Err, st.Duration)
		}
	}
	got := strings.Join(events, " ")
	if !strings.HasPrefix(got, "words:start words:done loud:start loud:item") || !strings.HasSuffix(got, "measured:start measured:done") {
		t.Errorf("progress events: %s", got)
	}
}

func TestRunUpTo(t *testing.T) {
	t.Parallel()
	c := mustParse(wordsChain)
	tr, err := Run(context.Background(), localClient(), c, catalog.Text("x y"), Options{UpTo: "loud"})
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Steps) != 2 || !reflect.DeepEqual(tr.Output.JSON, []any{"X", "Y"}) {
		t.Fatalf("up to loud: %d steps, output %#v", len(tr.Steps), tr.Output)
	}
	_, err = Run(context.Background(), localClient(), c, catalog.Text("x"), Options{UpTo: "nope"})
	if err == nil || !strings.Contains(err.Error(), `no step has that id (the steps are words, loud, joined, measured)`) {
		t.Fatalf("unknown UpTo: %v", err)
	}
}

func TestRunBinaryRoundTrip(t *testing.T) {
	t.Parallel()
	c := mustParse(`chain: v1
name: test/Bytes
version: 1.0.0
input: binary
steps:
  - id: rev
    algo: test/Reverse/1.0.0
  - id: again
    algo: test/Reverse/1.0.0
    input: .steps.rev
  - id: both
    algo: test/Echo/1.0.0
    input: '{original: .input, reversed: .steps.rev}'
  - id: pass
    algo: test/Echo/1.0.0
    input: .input
output: .steps.again
`)
	in := []byte{0, 1, 2, 250}
	tr, err := Run(context.Background(), localClient(), c, catalog.Bytes(in), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if tr.Output.Kind != catalog.KindBinary || string(tr.Output.Bytes) != string(in) {
		t.Fatalf("output %#v, want the input bytes back", tr.Output)
	}
	if tr.Steps[1].Input.Kind != catalog.KindBinary {
		t.Errorf("a mapping that is exactly a binary result should send bytes, sent %s", tr.Steps[1].Input.Kind)
	}
	both := tr.Steps[2].Input.JSON.(map[string]any)
	if both["original"] != "AAEC+g==" || both["reversed"] != "+gIBAA==" {
		t.Errorf("binary values inside JSON are base64: %#v", both)
	}
	if tr.Steps[3].Input.Kind != catalog.KindBinary {
		t.Errorf(".input of a binary chain should be sent as bytes, got %s", tr.Steps[3].Input.Kind)
	}
}

func TestRunBase64ToBinaryOnlyStep(t *testing.T) {
	t.Parallel()
	c := mustParse(`chain: v1
name: test/B64
version: 1.0.0
input: json
steps:
  - id: rev
    algo: test/Reverse/1.0.0
    input: .input.image
`)
	reg := testRegistry()
	if err := c.Validate(context.Background(), reg); err != nil {
		t.Fatal(err)
	}
	tr, err := Run(context.Background(), localClient(), c, catalog.JSON(map[string]any{"image": "AQID"}), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if tr.Output.Kind != catalog.KindBinary || string(tr.Output.Bytes) != "\x03\x02\x01" {
		t.Fatalf("output %#v", tr.Output)
	}
}

func TestRunFailingStepNamesItself(t *testing.T) {
	t.Parallel()
	c := mustParse(`chain: v1
name: test/Failing
version: 1.0.0
input: text
steps:
  - id: up
    algo: test/Upper/1.0.0
  - id: lines
    algo: test/Fail/1.0.0
    input: '{text: .steps.up, n: 2}'
`)
	tr, err := Run(context.Background(), localClient(), c, catalog.Text("hi"), Options{})
	want := `step lines (test/Fail/1.0.0): InputError: this input is not ok; its input was {"n":2,"text":"HI"}`
	if err == nil || err.Error() != want {
		t.Fatalf("error:\n got %v\nwant %s", err, want)
	}
	var se *StepError
	if !errors.As(err, &se) || se.Step != "lines" || catalog.ErrorType(err) != catalog.InputError {
		t.Errorf("error %#v is not a StepError for lines wrapping an InputError", err)
	}
	if len(tr.Steps) != 2 || tr.Steps[1].Err == nil || tr.Steps[0].Err != nil || tr.Err != err {
		t.Errorf("trace does not record the failure: %+v", tr.Steps)
	}
}

func TestRunEachFailureNamesElement(t *testing.T) {
	t.Parallel()
	c := mustParse(`chain: v1
name: test/EachFail
version: 1.0.0
input: json
steps:
  - id: check
    algo: test/Fail/1.0.0
    each: .input
`)
	_, err := Run(context.Background(), localClient(), c, catalog.JSON([]any{"ok1", "ok2", "bad", "ok4", "worse"}), Options{Concurrency: 1})
	want := `step check (test/Fail/1.0.0), element 3 of 5: InputError: this input is not ok; its input was "bad"`
	if err == nil || err.Error() != want {
		t.Fatalf("error:\n got %v\nwant %s", err, want)
	}
}

// slowEachChain runs test/Slow once per element of its input list.
const slowEachChain = `chain: v1
name: test/Each
version: 1.0.0
input: json
steps:
  - id: slow
    algo: test/Slow/1.0.0
    each: '[.input[] | . * 1]'
`

func TestRunEachConcurrencyAndOrder(t *testing.T) {
	// Not parallel: it measures test/Slow's concurrency.
	c := mustParse(slowEachChain)
	maxInFlight.Store(0)
	in := []any{60.0, 10.0, 40.0, 5.0, 30.0, 1.0, 20.0, 2.0}
	tr, err := Run(context.Background(), localClient(), c, catalog.JSON(in), Options{Concurrency: 3})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(tr.Output.JSON, in) {
		t.Errorf("results out of order: %v", tr.Output.JSON)
	}
	if m := maxInFlight.Load(); m > 3 || m < 2 {
		t.Errorf("at most %d elements ran at once, want 2..3", m)
	}
}

// fixedSlots lends at most n slots; it counts what it lent.
type fixedSlots struct {
	mu         sync.Mutex
	free, lent int
}

func (f *fixedSlots) TryTake() (func(), bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.free == 0 {
		return nil, false
	}
	f.free--
	f.lent++
	return func() { f.mu.Lock(); f.free++; f.mu.Unlock() }, true
}

// Under a host that bounds how much runs at once, an `each` step runs on its
// own slot plus what the host can lend, however wide Concurrency is, and
// still finishes when the host lends nothing.
func TestRunEachBorrowsSlots(t *testing.T) {
	// Not parallel: it measures test/Slow's concurrency.
	c := mustParse(slowEachChain)
	in := []any{30.0, 10.0, 20.0, 5.0, 15.0, 1.0, 20.0, 2.0}
	for _, lend := range []int{0, 1, 2} {
		maxInFlight.Store(0)
		slots := &fixedSlots{free: lend}
		ctx := catalog.WithSlots(context.Background(), slots)
		tr, err := Run(ctx, localClient(), c, catalog.JSON(in), Options{Concurrency: 8})
		if err != nil {
			t.Fatalf("lend %d: %v", lend, err)
		}
		if !reflect.DeepEqual(tr.Output.JSON, in) {
			t.Errorf("lend %d: results %v", lend, tr.Output.JSON)
		}
		if m := maxInFlight.Load(); m > int64(lend+1) {
			t.Errorf("lend %d: %d elements ran at once, want at most %d", lend, m, lend+1)
		}
		if lend > 0 && slots.lent == 0 {
			t.Errorf("lend %d: nothing was borrowed", lend)
		}
		if slots.free != lend {
			t.Errorf("lend %d: %d slots given back", lend, slots.free)
		}
	}
}

func TestRunMappingErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ mapping, want string }{
		{`each: .input`, "step x (test/Echo/1.0.0): its `each` mapping must build a list, but it built a string"},
		{`input: .input, .input`, "step x (test/Echo/1.0.0): its `input` mapping failed: it produced more than one value: wrap it in [ … ] to send a list"},
		{`input: empty`, "step x (test/Echo/1.0.0): its `input` mapping failed: it produced no value (empty): make sure it always builds one"},
		{`input: error("boom")`, "step x (test/Echo/1.0.0): its `input` mapping failed: error: boom"},
	} {
		c := mustParse("chain: v1\nname: t/T\nversion: 1.0.0\ninput: text\nsteps:\n  - id: x\n    algo: test/Echo/1.0.0\n    " + tc.mapping + "\n")
		_, err := Run(context.Background(), localClient(), c, catalog.Text("t"), Options{})
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s:\n got %v\nwant %s", tc.mapping, err, tc.want)
		}
	}
}

func TestRunTimeoutsAndCancel(t *testing.T) {
	t.Parallel()
	c := mustParse(`chain: v1
name: test/Sleepy
version: 1.0.0
input: json
steps:
  - id: quick
    algo: test/Slow/1.0.0
    input: 1
  - id: nap
    algo: test/Slow/1.0.0
    input: 5000
`)
	start := time.Now()
	_, err := Run(context.Background(), localClient(), c, catalog.JSON(nil), Options{StepTimeout: 100 * time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "step nap (test/Slow/1.0.0): test/Slow/1.0.0 did not finish within the step timeout of 100ms") {
		t.Errorf("step timeout: %v", err)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a step timeout should wrap context.DeadlineExceeded: %v", err)
	}
	_, err = Run(context.Background(), localClient(), c, catalog.JSON(nil), Options{Timeout: 150 * time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "step nap (test/Slow/1.0.0): the chain did not finish within its timeout of 150ms") {
		t.Errorf("overall timeout: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	tr, err := Run(ctx, localClient(), c, catalog.JSON(nil), Options{})
	if err == nil || !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "step nap (test/Slow/1.0.0): the run was cancelled") {
		t.Errorf("cancel: %v", err)
	}
	if len(tr.Steps) != 2 || tr.Steps[0].Err != nil {
		t.Errorf("cancelled trace: %+v", tr.Steps)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("timeouts took %s: the sleeping step was not stopped", d)
	}
}

func TestMappingsSeeNoEnvironment(t *testing.T) {
	t.Setenv("PIPETTE_SECRET", "leak")
	c := mustParse("chain: v1\nname: t/E\nversion: 1.0.0\ninput: text\nsteps:\n  - id: x\n    algo: test/Echo/1.0.0\n    input: '[($ENV | length), env.PIPETTE_SECRET]'\n")
	tr, err := Run(context.Background(), localClient(), c, catalog.Text(""), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(tr.Output.JSON, []any{0.0, nil}) {
		t.Errorf("a mapping read the environment: %v", tr.Output.JSON)
	}
}

// TestRunawayMappingStops: a mapping that never ends is stopped by the
// run's timeout and says so. What proves it is the sentence (jq's own time
// limit, jqeval.MaxTime, would say "ran for 30s without finishing") and
// the context's error; the wall clock is only a backstop, generous for a
// loaded machine yet well short of jqeval.MaxTime.
func TestRunawayMappingStops(t *testing.T) {
	t.Parallel()
	c := mustParse("chain: v1\nname: t/L\nversion: 1.0.0\ninput: text\nsteps:\n  - id: x\n    algo: test/Echo/1.0.0\n    input: 'last(repeat(1))'\n")
	start := time.Now()
	_, err := Run(context.Background(), localClient(), c, catalog.Text(""), Options{Timeout: 200 * time.Millisecond})
	if err == nil || err.Error() != "step x (test/Echo/1.0.0): its `input` mapping failed: the chain did not finish within its timeout of 200ms" ||
		!errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("runaway mapping: %v", err)
	}
	if d := time.Since(start); d > jqeval.MaxTime/3 {
		t.Errorf("the runaway mapping stopped after %s, not at the run's 200ms timeout", d)
	}
}
