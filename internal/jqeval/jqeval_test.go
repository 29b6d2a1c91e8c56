package jqeval

import (
	"context"
	"errors"
	"runtime"
	"runtime/metrics"
	"strings"
	"testing"
	"time"

	"pipette/catalog"
	"pipette/internal/testenv"
)

func evalText(t *testing.T, ctx context.Context, text string, input any, lim Limits) (Result, error) {
	t.Helper()
	p, err := Compile(text, nil)
	if err != nil {
		t.Fatalf("compile %s: %v", text, err)
	}
	return Eval(ctx, p, input, nil, lim)
}

func TestEvalOutputs(t *testing.T) {
	t.Parallel()
	cases := []struct {
		text    string
		input   any
		outputs int
		want    string
	}{
		{".a + 1", map[string]any{"a": 41.0}, 1, "[42]"},
		{".[]", []any{1.0, 2.0, 3.0}, 10, "[1 2 3]"},
		{".[]", []any{1.0, 2.0, 3.0}, 1, "[1]"},
		{"empty", nil, 1, "[]"},
		{"nan, infinite", nil, 2, "[<nil> 1.7976931348623157e+308]"},
		{"1, halt, 2", nil, 5, "[1]"},
		{`$ENV | length`, nil, 1, "[0]"},
		{`"a" | debug | stderr`, nil, 1, "[a]"},
	}
	for _, c := range cases {
		res, err := evalText(t, context.Background(), c.text, c.input, Limits{Outputs: c.outputs})
		if err != nil {
			t.Errorf("%s: %v", c.text, err)
			continue
		}
		if got := strings.TrimSpace(strings.ReplaceAll(sprint(res.Outputs), "\n", " ")); got != c.want {
			t.Errorf("%s: %s, want %s", c.text, got, c.want)
		}
	}
	res, _ := evalText(t, context.Background(), `"a" | debug | stderr`, nil, Limits{})
	if res.Log != "[\"DEBUG:\",\"a\"]\n\"a\"\n" {
		t.Errorf("log %q", res.Log)
	}
}

func sprint(v []any) string {
	var b strings.Builder
	b.WriteString("[")
	for i, x := range v {
		if i > 0 {
			b.WriteString(" ")
		}
		b.WriteString(strings.TrimSpace(strings.ReplaceAll(fmtAny(x), "\n", "")))
	}
	b.WriteString("]")
	return b.String()
}

func fmtAny(x any) string {
	switch v := x.(type) {
	case nil:
		return "<nil>"
	case string:
		return v
	}
	b, _ := catalog.MarshalJSON(x)
	return string(b)
}

func TestEvalRuntimeErrors(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]string{
		`error("no such thing")`: "no such thing",
		`1 + "a"`:                "cannot add",
		`"bye\n" | halt_error`:   "halt_error: bye",
		`setpath([1e9]; 1)`:      "array index too large",
	} {
		_, err := evalText(t, context.Background(), text, nil, Limits{})
		var re *RuntimeError
		if !errors.As(err, &re) || !strings.Contains(re.Message, want) {
			t.Errorf("%s: %v, want a RuntimeError with %q", text, err, want)
		}
	}
	if _, err := Compile("input", nil); err == nil {
		t.Error("input compiled: a mapping has no input stream to read")
	}
}

// TestEvalGrowthPatterns is every way a jq program can grow without bound
// that we could think of: each must end within seconds as an
// OutOfMemoryError or TooLargeError (or, for loops that allocate nothing,
// an InputError at the time limit), and this process's heap must not have
// grown: the growth happened in a worker, which is gone.
func TestEvalGrowthPatterns(t *testing.T) {
	ctx := catalog.WithMemoryBudget(context.Background(), 64<<20)
	// The quick ones run every time; the rest, seconds each, under CI or
	// PIPETTE_SLOW=1.
	quick := map[string]bool{"the issue's range": true, "string repetition in one step": true, "a huge index in one step": true,
		"deep nesting as the output": true, "recursion": true, "string doubling": true}
	oneStep := map[string]bool{"string repetition in one step": true, "a huge index in one step": true,
		"setpath in one step": true, "deep nesting as the output": true}
	cases := []struct{ name, text string }{
		{"the issue's range", `[range(1e12)] | length`},
		{"repeat", `[limit(1e12; repeat("xxxxxxxx"))] | length`},
		{"string doubling", `reduce range(100) as $i ("x"; . + .) | length`},
		{"string repetition in one step", `"x" * 2147483646 | length`},
		{"a huge index in one step", `.[536870911] = 1 | length`},
		{"setpath in one step", `setpath([500000000]; 1) | length`},
		{"object keys", `[range(1e12) | {"k\(.)": .}] | add | length`},
		{"recursion", `def f: [f]; f`},
		{"recursion with an argument", `def f(x): x + f(x + 1); f(1)`},
		{"deep nesting, then tojson", `reduce range(3000000) as $i (null; [.]) | tojson | length`},
		{"deep nesting as the output", `reduce range(20000) as $i (null; [.])`},
		{"until building a list", `[0] | until(false; . + .) | length`},
		{"paths of a big value", `[range(1e7)] | [paths] | length`},
		{"tostring of a big value", `[range(1e8)] | tostring | length`},
		{"implode", `[range(1e9) | 65] | implode | length`},
		{"base64 growth", `"QUJD" * 100000000 | @base64d | length`},
		{"splits", `"a" * 200000000 | [splits("")] | length`},
		{"group_by", `[range(1e9) | {a: .}] | group_by(.a) | length`},
		{"combinations", `[[range(100)], [range(100)], [range(100)], [range(100)], [range(100)]] | [combinations] | length`},
		{"walk", `[range(1e8)] | walk(.) | length`},
		{"a long output", `[range(1e7)] | map(tostring)`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !quick[c.name] {
				testenv.Slow(t)
			}
			if raceEnabled && !oneStep[c.name] {
				t.Skip("under -race this grows too slowly to reach the memory limit before the time limit")
			}
			before := heapLive()
			start := time.Now()
			_, err := evalText(t, ctx, c.text, nil, Limits{Time: 10 * time.Second})
			took := time.Since(start)
			if err == nil {
				t.Fatalf("%s finished", c.text)
			}
			typ := catalog.ErrorType(err)
			if typ != catalog.OutOfMemoryError && typ != catalog.TooLargeError {
				t.Errorf("%s: %v, want OutOfMemoryError or TooLargeError", c.text, err)
			}
			if took > 12*time.Second {
				t.Errorf("%s took %v", c.text, took)
			}
			if grew := heapLive() - before; grew > 32<<20 {
				t.Errorf("%s: this process's heap grew by %d MiB", c.text, grew>>20)
			}
			t.Logf("%v in %v: %v", typ, took.Round(time.Millisecond), err)
		})
	}
}

func TestEvalLoopsHitTheTimeLimit(t *testing.T) {
	t.Parallel()
	for _, text := range []string{`last(range(1e15))`, `until(false; .)`, `[limit(1; repeat(1) | select(false))]`} {
		start := time.Now()
		_, err := evalText(t, context.Background(), text, 0, Limits{Time: 300 * time.Millisecond})
		if catalog.ErrorType(err) != catalog.InputError || !strings.Contains(err.Error(), "without finishing") {
			t.Errorf("%s: %v", text, err)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("%s took %v", text, d)
		}
	}
	// The caller's own deadline is the caller's error.
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := evalText(t, ctx, `last(range(1e15))`, 0, Limits{}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("under the caller's deadline: %v", err)
	}
}

func TestEvalStopsAfterTheOutputsAskedFor(t *testing.T) {
	t.Parallel()
	// range(1e15) would run for hours; the third output stops it.
	res, err := evalText(t, context.Background(), `range(1e15)`, nil, Limits{Outputs: 3})
	if err != nil || len(res.Outputs) != 3 {
		t.Errorf("got %v %v", res.Outputs, err)
	}
}

func heapLive() int64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64())
}

// After a worker dies of a program, the next evaluation gets a fresh one.
func TestEvalAfterAWorkerDied(t *testing.T) {
	if _, err := evalText(t, context.Background(), `.[536870911] = 1`, nil, Limits{}); catalog.ErrorType(err) != catalog.OutOfMemoryError {
		t.Fatalf("the huge index: %v", err)
	}
	res, err := evalText(t, context.Background(), `. + 1`, 1.0, Limits{})
	if err != nil || len(res.Outputs) != 1 || res.Outputs[0] != 2.0 {
		t.Errorf("next evaluation: %v %v", res.Outputs, err)
	}
}

// The in-process fallback, where no worker can start, stops what grows
// step by step; only a worker's hard limit stops a single giant step (that
// is why workers exist), so the fallback is not tried with those.
func TestEvalInProcessFallback(t *testing.T) {
	InProcess.Store(true)
	defer InProcess.Store(false)
	ctx := catalog.WithMemoryBudget(context.Background(), 32<<20)
	before := heapLive()
	_, err := evalText(t, ctx, `[range(1e12)] | length`, nil, Limits{})
	if catalog.ErrorType(err) != catalog.OutOfMemoryError {
		t.Errorf("in-process [range(1e12)]: %v", err)
	}
	runtime.GC()
	if grew := heapLive() - before; grew > 16<<20 {
		t.Errorf("the heap kept %d MiB after the evaluation", grew>>20)
	}
	res, err := evalText(t, context.Background(), `.a`, map[string]any{"a": "b"}, Limits{})
	if err != nil || res.Outputs[0] != "b" {
		t.Errorf("in-process .a: %v %v", res.Outputs, err)
	}
}
