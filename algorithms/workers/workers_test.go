package workers_test

import (
	"context"
	"errors"
	"syscall"
	"testing"
	"time"

	"pipette/algorithms"
	"pipette/algorithms/algotest"
	"pipette/algorithms/builtin"
	"pipette/algorithms/workers"
	"pipette/catalog"
	"pipette/internal/workerpool"
)

// The test binary links algorithms/builtin, whose init serves calls when
// the binary is started as a worker: these tests start real workers.

// isolated is a built-in registry whose isolated algorithms run in workers
// made with o.
func isolated(t *testing.T, o workers.Options) (*algorithms.Registry, *workers.Workers) {
	t.Helper()
	if !workerpool.Supported {
		t.Skip("workers run on Linux only")
	}
	o.Nice = workers.Nice
	reg, w := builtin.New(), workers.New(o)
	reg.SetIsolator(w)
	t.Cleanup(w.Close)
	return reg, w
}

var transform = catalog.Ref{Owner: "image", Name: "Transform"}

func transformInput(t testing.TB, raw string) catalog.Value {
	t.Helper()
	v, err := catalog.DecodeJSONValue([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// A call run in a worker answers exactly what it answers in-process: the
// same bytes, log and version, or the same error type and sentence.
func TestWorkerAnswersAsInProcess(t *testing.T) {
	t.Parallel()
	img := algotest.GradientPNG(t, 64, 48)
	type call struct {
		name string
		ref  catalog.Ref
		in   catalog.Value
	}
	calls := []call{}
	for _, op := range []string{
		`"op": "resize", "width": 700, "height": 700`,
		`"op": "thumbnail", "width": 30, "height": 30, "mode": "fit"`,
		`"op": "thumbnail", "width": 30, "height": 30, "mode": "fill", "anchor": "top"`,
		`"op": "rotate", "angle": 33, "background": "#ff0000"`,
		`"op": "blur", "sigma": 2.5`,
		`"op": "sharpen", "sigma": 1`,
		`"op": "grayscale", "format": "jpeg", "quality": 70`,
		`"op": "crop", "x": 5, "y": 6, "width": 20, "height": 10`,
		`"op": "resize", "width": 3037000500`,
		`"op": "resize", "width": -1`,
		`"op": "spin"`,
	} {
		calls = append(calls, call{op, transform, transformInput(t, `{"image": "`+img+`", `+op+`}`)})
	}
	calls = append(calls,
		call{"not an image", transform, transformInput(t, `{"image": "aGVsbG8=", "op": "invert"}`)},
		call{"binary", transform, catalog.Bytes([]byte("raw bytes"))},
		call{"text", transform, catalog.Text("hello")})
	plain := builtin.New()
	entries, err := plain.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	isolatedAlgs := 0
	for _, e := range entries {
		if a, err := plain.Lookup(e.Ref); err != nil || !a.Isolate {
			continue
		}
		isolatedAlgs++
		for _, s := range e.Samples {
			calls = append(calls, call{e.Ref.Path() + " sample " + s.Name, e.Ref, s.Input})
		}
	}
	if isolatedAlgs < 3 {
		t.Errorf("%d built-in algorithms are marked Isolate, want Transform, OverlayText and DrawBoxes at least", isolatedAlgs)
	}

	reg, w := isolated(t, workers.Options{Size: 1})
	ctx := catalog.WithStdoutWanted(context.Background())
	for _, c := range calls {
		want, wantErr := plain.Run(ctx, c.ref, c.in)
		got, gotErr := reg.Run(ctx, c.ref, c.in)
		if !sameResult(t, got.Value, want.Value) || got.Stdout != want.Stdout || got.Version != want.Version {
			t.Errorf("%s: worker gave %s, log %q, version %q; in-process %s, log %q, version %q", c.name,
				got.Value.Summary(40), got.Stdout, got.Version, want.Value.Summary(40), want.Stdout, want.Version)
		}
		if catalog.ErrorType(gotErr) != catalog.ErrorType(wantErr) || errText(gotErr) != errText(wantErr) {
			t.Errorf("%s: worker's error %v, in-process %v", c.name, gotErr, wantErr)
		}
	}
	idle := w.Idle()
	if len(idle) != 1 {
		t.Fatalf("idle workers after the calls: %v, want one", idle)
	}
	nice, err := workerpool.ThreadNice(idle[0])
	if err != nil {
		t.Fatal(err)
	}
	for task, n := range nice {
		if n != workers.Nice {
			t.Errorf("worker thread %s has nice %d, want %d", task, n, workers.Nice)
		}
	}
}

// sameResult compares what a caller would receive: JSON by its wire text
// (a worker's comes back decoded, not as the algorithm's Go struct).
func sameResult(t *testing.T, got, want catalog.Value) bool {
	t.Helper()
	if got.Kind != catalog.KindJSON || want.Kind != catalog.KindJSON {
		return got.Equal(want)
	}
	g, err1 := got.WireResult()
	w, err2 := want.WireResult()
	if err1 != nil || err2 != nil {
		t.Fatalf("wire results: %v, %v", err1, err2)
	}
	return string(g) == string(w)
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// A slow call: a large blur of an image scaled up from a small one.
func slowCall(t testing.TB) catalog.Value {
	return transformInput(t, `{"image": "`+algotest.GradientPNG(t, 16, 16)+`", "operations": [{"op": "resize", "width": 3000, "height": 3000}, {"op": "blur", "sigma": 50}]}`)
}

// oneIdleWorker runs a quick call, so that one worker stands idle, and
// returns its pid: the worker the next call takes.
func oneIdleWorker(t *testing.T, reg *algorithms.Registry, w *workers.Workers) int {
	t.Helper()
	quick := transformInput(t, `{"image": "`+algotest.GradientPNG(t, 8, 8)+`", "op": "invert"}`)
	if _, err := reg.Run(context.Background(), transform, quick); err != nil {
		t.Fatal(err)
	}
	idle := w.Idle()
	if len(idle) != 1 {
		t.Fatalf("idle workers: %v, want one", idle)
	}
	return idle[0]
}

// A worker that dies mid-call (killed, out of memory) costs its caller an
// OutOfMemoryError, and the call's context ending kills its worker and
// gives the caller its context's error; the next call gets a fresh worker.
func TestWorkerEndsMidCall(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		opts    workers.Options
		in      func(t testing.TB) catalog.Value
		end     func(cancel context.CancelFunc, pid int)
		wantErr func(error) bool
	}{
		{"killed", workers.Options{Size: 1}, slowCall, func(_ context.CancelFunc, pid int) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}, func(err error) bool { return catalog.ErrorType(err) == catalog.OutOfMemoryError }},
		{"cancelled", workers.Options{Size: 1}, slowCall, func(cancel context.CancelFunc, _ int) {
			cancel()
		}, func(err error) bool { return errors.Is(err, context.Canceled) }},
		{"past its address-space limit", workers.WithSlack(workers.Options{Size: 1, Memory: 48 << 20}, 64<<20), func(t testing.TB) catalog.Value {
			return transformInput(t, `{"image": "`+algotest.GradientPNG(t, 16, 16)+`", "op": "resize", "width": 6000, "height": 6000}`)
		}, nil, func(err error) bool { return catalog.ErrorType(err) == catalog.OutOfMemoryError }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			reg, w := isolated(t, tc.opts)
			pid := oneIdleWorker(t, reg, w)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if tc.end != nil {
				time.AfterFunc(300*time.Millisecond, func() { tc.end(cancel, pid) })
			}
			start := time.Now()
			_, err := reg.Run(ctx, transform, tc.in(t))
			t.Logf("%s: %v", tc.name, err)
			if !tc.wantErr(err) {
				t.Fatalf("got %v", err)
			}
			if took := time.Since(start); took > 10*time.Second {
				t.Errorf("the call took %s to end", took)
			}
			// A worker whose caller left may finish for a moment (workers'
			// abandon); this call outlives that and is killed.
			gone := time.Now().Add(5 * time.Second)
			for syscall.Kill(pid, 0) == nil && time.Now().Before(gone) {
				time.Sleep(20 * time.Millisecond)
			}
			if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
				t.Errorf("worker %d still exists after the call ended: %v", pid, err)
			}
			if next := oneIdleWorker(t, reg, w); next == pid {
				t.Errorf("the next call was served by the same worker %d", pid)
			}
		})
	}
}

// Where workers cannot start, isolated algorithms run in-process.
func TestWorkersFallBackInProcess(t *testing.T) {
	t.Parallel()
	reg, w := isolated(t, workers.WithExecutable(workers.Options{}, "/nonexistent/pipette"))
	in := transformInput(t, `{"image": "`+algotest.GradientPNG(t, 20, 20)+`", "op": "resize", "width": 40}`)
	want, err := builtin.New().Run(context.Background(), transform, in)
	if err != nil {
		t.Fatal(err)
	}
	got, err := reg.Run(context.Background(), transform, in)
	if err != nil || !got.Value.Equal(want.Value) {
		t.Errorf("in-process fallback: %s, %v; want %s", got.Value.Summary(40), err, want.Value.Summary(40))
	}
	if idle := w.Idle(); len(idle) != 0 {
		t.Errorf("idle workers %v, want none", idle)
	}
}
