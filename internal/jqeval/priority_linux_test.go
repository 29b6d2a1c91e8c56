package jqeval

import (
	"context"
	"testing"

	"pipette/internal/workerpool"
)

// Every thread of a jq worker runs at workerNice, below the server's own
// calls.
func TestWorkersRunAtALowerPriority(t *testing.T) {
	p, err := Compile("[range(1000)] | length", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Eval(context.Background(), p, nil, nil, Limits{}); err != nil {
		t.Fatal(err)
	}
	pids := workers.Idle()
	if len(pids) == 0 {
		t.Fatal("no idle jq worker after an evaluation")
	}
	for _, pid := range pids {
		nice, err := workerpool.ThreadNice(pid)
		if err != nil || len(nice) == 0 {
			t.Fatalf("the threads of worker %d: %v", pid, err)
		}
		for task, n := range nice {
			if n != workerNice {
				t.Errorf("worker %d thread %s has nice %d, want %d", pid, task, n, workerNice)
			}
		}
	}
}
