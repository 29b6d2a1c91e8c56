package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// ListenOptions say where and how ListenAndServe listens.
type ListenOptions struct {
	Addr           string              // default 127.0.0.1:8080
	AllowAnonymous bool                // allow binding a non-loopback address with no keys
	ShutdownGrace  time.Duration       // default 30s
	Ready          func(addr net.Addr) // called once listening (tests, the CLI's "listening on" line)
}

// DefaultAddr is where ListenAndServe listens when no address is given: this
// machine only.
const DefaultAddr = "127.0.0.1:8080"

// ErrAnonymousPublic is returned (wrapped, with the address) when
// ListenAndServe is asked to serve a non-loopback address without API keys.
var ErrAnonymousPublic = errors.New("refusing to serve without an API key on an address other machines can reach: anyone there could run every algorithm; configure an API key, listen on 127.0.0.1, or allow anonymous access explicitly")

// ListenAndServe serves the API until ctx is done, then stops accepting,
// lets in-flight calls and background runs finish within the grace period,
// and returns nil. Without keys it refuses a non-loopback address unless
// AllowAnonymous is set.
func ListenAndServe(ctx context.Context, cfg Config, opt ListenOptions) error {
	addr := opt.Addr
	if addr == "" {
		addr = DefaultAddr
	}
	grace := opt.ShutdownGrace
	if grace <= 0 {
		grace = 30 * time.Second
	}
	s := New(cfg)
	anonymous := len(s.keys) == 0 && !opt.AllowAnonymous
	if anonymous && !loopbackAddr(addr) {
		return fmt.Errorf("listen on %s: %w", addr, ErrAnonymousPublic)
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	// A host name can resolve to anything: check what was really bound.
	if tcp, ok := ln.Addr().(*net.TCPAddr); anonymous && ok && !tcp.IP.IsLoopback() {
		ln.Close()
		return fmt.Errorf("listen on %s (%s): %w", addr, tcp, ErrAnonymousPublic)
	}

	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		// No WriteTimeout: calls may legitimately run for up to 3000 s.
	}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	s.log.Info("listening", "addr", ln.Addr().String(), "auth", len(s.keys) > 0)
	if opt.Ready != nil {
		opt.Ready(ln.Addr())
	}

	select {
	case err := <-served:
		return fmt.Errorf("serve on %s: %w", addr, err)
	case <-ctx.Done():
	}

	s.log.Info("shutting down", "grace", grace)
	graceCtx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	// Readiness flips first so a load balancer stops sending work, then the
	// listener closes and in-flight calls finish, then background runs.
	s.bgMu.Lock()
	s.draining = true
	s.bgMu.Unlock()
	if err := hs.Shutdown(graceCtx); err != nil {
		s.log.Warn("in-flight calls did not finish within the grace period; closing their connections", "err", err)
		hs.Close()
	}
	if err := s.Drain(graceCtx); err != nil {
		s.log.Warn("background runs did not finish within the grace period", "err", err)
	}
	<-served
	s.log.Info("stopped")
	return nil
}

// loopbackAddr reports whether addr's host is certainly this machine only.
// An empty host (":8080") listens everywhere; a host name is checked after
// binding.
func loopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil || host == "" {
		return false
	}
	if host == "localhost" {
		return true
	}
	if ip := net.ParseIP(host); ip != nil {
		return ip.IsLoopback()
	}
	return true // a name: decided by the address it binds to
}
