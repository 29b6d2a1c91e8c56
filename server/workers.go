package server

import "time"

// workerIdle is how long a worker with nothing to do waits before it ends.
const workerIdle = 10 * time.Second

// workers run calls on goroutines that outlive them. Starting a goroutine
// per call cost its stack growth every time (an algorithm's call chain is
// deep: copying the stack from 8 KiB up showed in every profile); a worker
// keeps the stack it grew. There is no bound here: admission bounds how many
// calls run, and a call that ignores its context keeps its worker (and its
// slot) until it really returns.
type workers struct {
	jobs chan func()
}

func newWorkers() *workers { return &workers{jobs: make(chan func())} }

// do runs f on an idle worker, or on a new one when all are busy.
func (p *workers) do(f func()) {
	select {
	case p.jobs <- f:
	default:
		go p.work(f)
	}
}

func (p *workers) work(f func()) {
	f()
	idle := time.NewTimer(workerIdle)
	defer idle.Stop()
	for {
		select {
		case f := <-p.jobs:
			f()
			idle.Reset(workerIdle)
		case <-idle.C:
			return
		}
	}
}
