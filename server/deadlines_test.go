package server

import (
	"context"
	"errors"
	"testing"
	"time"
)

// A call's context reads as context.WithTimeout's: its deadline, then
// DeadlineExceeded shortly after it, for it and (as their cause) for the
// contexts derived from it; cancelled by its parent or its stop before.
func TestCallContextDeadline(t *testing.T) {
	t.Parallel()
	var s sweeper
	// A request's context, as net/http makes it: cancellable, not cancelled.
	request, cancelRequest := context.WithCancel(context.Background())
	defer cancelRequest()
	start := time.Now()
	ctx, stop := s.withTimeout(request, 50*time.Millisecond)
	defer stop()
	derived, cancel := context.WithCancel(context.WithValue(ctx, struct{}{}, 1))
	defer cancel()
	if d, ok := ctx.Deadline(); !ok || d.Sub(start) < 50*time.Millisecond || d.Sub(start) > time.Second {
		t.Fatalf("deadline %v %v, want 50ms from now", d.Sub(start), ok)
	}
	if d, ok := derived.Deadline(); !ok || d != mustDeadline(t, ctx) {
		t.Errorf("derived deadline %v %v", d, ok)
	}
	if ctx.Err() != nil || context.Cause(ctx) != nil {
		t.Fatalf("Err before the deadline: %v (cause %v)", ctx.Err(), context.Cause(ctx))
	}
	select {
	case <-derived.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the context did not end at its deadline")
	}
	if took := time.Since(start); took < 50*time.Millisecond {
		t.Errorf("ended after %v, before its deadline", took)
	}
	if !errors.Is(ctx.Err(), context.DeadlineExceeded) || ctx.Err() != ctx.Err() {
		t.Errorf("Err %v, want DeadlineExceeded, the same each time", ctx.Err())
	}
	if !errors.Is(context.Cause(ctx), context.DeadlineExceeded) {
		t.Errorf("cause %v, want DeadlineExceeded", context.Cause(ctx))
	}
	if !errors.Is(context.Cause(derived), context.DeadlineExceeded) {
		t.Errorf("derived cause %v", context.Cause(derived))
	}
	stop()
	if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Errorf("Err after stop %v: it was DeadlineExceeded already", ctx.Err())
	}
}

func mustDeadline(t *testing.T, ctx context.Context) time.Time {
	t.Helper()
	d, ok := ctx.Deadline()
	if !ok {
		t.Fatal("no deadline")
	}
	return d
}

func TestCallContextCancelledFirst(t *testing.T) {
	t.Parallel()
	var s sweeper
	parent, cancelParent := context.WithCancel(context.Background())
	ctx, stop := s.withTimeout(parent, 30*time.Millisecond)
	defer stop()
	cancelParent()
	<-ctx.Done()
	if !errors.Is(ctx.Err(), context.Canceled) {
		t.Fatalf("Err %v, want Canceled", ctx.Err())
	}
	time.Sleep(80 * time.Millisecond) // past the deadline: Err does not change
	if !errors.Is(ctx.Err(), context.Canceled) {
		t.Errorf("Err %v after the deadline, want Canceled still", ctx.Err())
	}

	// A parent's earlier deadline is the call's.
	early, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ctx2, stop2 := s.withTimeout(early, time.Hour)
	defer stop2()
	if mustDeadline(t, ctx2) != mustDeadline(t, early) {
		t.Errorf("deadline %v, want the parent's %v", mustDeadline(t, ctx2), mustDeadline(t, early))
	}

	// Stopped before its deadline: cancelled, and no longer watched.
	ctx3, stop3 := s.withTimeout(context.Background(), time.Hour)
	stop3()
	if !errors.Is(ctx3.Err(), context.Canceled) {
		t.Errorf("Err after stop %v", ctx3.Err())
	}
}

// The sweeper's goroutine runs only while something is watched.
func TestSweeperStopsWhenIdle(t *testing.T) {
	t.Parallel()
	var s sweeper
	for range 3 {
		ctx, stop := s.withTimeout(context.Background(), time.Hour)
		_ = ctx
		stop()
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		s.mu.Lock()
		running := s.running
		s.mu.Unlock()
		if !running {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the sweeper still runs with nothing watched")
		}
		time.Sleep(sweepEvery)
	}
	// And starts again.
	ctx, stop := s.withTimeout(context.Background(), time.Millisecond)
	defer stop()
	select {
	case <-ctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("a call watched after the sweeper stopped never ended")
	}
}

func BenchmarkCallContext(b *testing.B) {
	parent, cancel := context.WithCancel(context.Background())
	defer cancel()
	b.Run("WithTimeout", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				ctx, stop := context.WithTimeout(parent, time.Minute)
				_ = ctx.Err()
				stop()
			}
		})
	})
	b.Run("sweeper", func(b *testing.B) {
		var s sweeper
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				ctx, stop := s.withTimeout(parent, time.Minute)
				_ = ctx.Err()
				stop()
			}
		})
	})
}
