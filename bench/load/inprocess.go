package main

import (
	"context"
	"fmt"
	"net"
	"time"

	"pipette/algorithms/builtin"
	"pipette/server"
)

// serveInProcess serves the built-in catalog as `pipette serve` does, in
// this process, so that a CPU profile of it shows the server's code.
func serveInProcess(ctx context.Context) (string, func(), error) {
	reg := builtin.Registry()
	ctx, cancel := context.WithCancel(ctx)
	ready := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() {
		done <- server.ListenAndServe(ctx, server.Config{Source: reg, Runner: reg},
			server.ListenOptions{Addr: "127.0.0.1:0", ShutdownGrace: 5 * time.Second, Ready: func(a net.Addr) { ready <- a }})
	}()
	select {
	case a := <-ready:
		return "http://" + a.String(), func() { cancel(); <-done }, nil
	case err := <-done:
		cancel()
		return "", nil, fmt.Errorf("serve in process: %w", err)
	}
}
