package jqeval

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
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
	w, err := workers.take()
	if err != nil {
		t.Fatal(err)
	}
	defer workers.put(w)
	tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", w.cmd.Process.Pid))
	if err != nil || len(tasks) == 0 {
		t.Fatalf("the worker's threads: %v", err)
	}
	for _, task := range tasks {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/stat", w.cmd.Process.Pid, task.Name()))
		if err != nil {
			continue // the thread ended meanwhile
		}
		// nice is field 19; fields are counted after the command name.
		f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
		if nice, _ := strconv.Atoi(f[16]); nice != workerNice {
			t.Errorf("worker thread %s has nice %d, want %d", task.Name(), nice, workerNice)
		}
	}
}
