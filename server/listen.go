package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"golang.org/x/net/netutil"
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

	// Every request's context derives from base, so that calls still
	// running when the grace ends are cancelled with errShutdownCut and
	// logged as cut rather than as their algorithm's error.
	base, cutCalls := context.WithCancelCause(context.Background())
	defer cutCalls(nil)
	t := s.timeouts
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: t.Header,
		IdleTimeout:       t.Idle,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return base },
		// No ReadTimeout nor WriteTimeout: they would cut calls that may
		// legitimately run for up to 3000 s. The body's read deadline and
		// the answer's write deadline are set per request instead.
	}
	maxConns := cfg.MaxConns
	if maxConns <= 0 {
		maxConns = defaultMaxConns()
	}
	served := make(chan error, 2)
	go func() { served <- hs.Serve(netutil.LimitListener(ln, maxConns)) }()
	ms, err := s.serveMetrics(ctx, cfg.MetricsAddr, served)
	if err != nil {
		hs.Close()
		return err
	}
	s.log.Info("listening", "addr", ln.Addr().String(), "auth", len(s.keys) > 0, "max_conns", maxConns,
		"max_running", s.adm.lim.MaxRunning, "max_running_per_algo", s.adm.lim.MaxRunningPerAlgo,
		"max_queue", s.adm.lim.MaxQueue, "call_memory", s.callMemory, "body_memory", s.bodyBudget)
	if opt.Ready != nil {
		opt.Ready(ln.Addr())
	}

	select {
	case err := <-served:
		hs.Close()
		if ms != nil {
			ms.Close()
		}
		return fmt.Errorf("serve on %s: %w", addr, err)
	case <-ctx.Done():
	}
	s.shutdown(hs, grace, cutCalls)
	if ms != nil {
		ms.Close()
	}
	return nil
}

// shutdown stops hs gracefully: readiness flips first so a load balancer
// stops sending work, waiting calls are refused, the listener closes and
// running calls finish within the grace, then background runs. Calls still
// running when it ends are cancelled with errShutdownCut, given a moment to
// answer that, and their connections closed.
func (s *Server) shutdown(hs *http.Server, grace time.Duration, cutCalls context.CancelCauseFunc) {
	s.log.Info("shutting down", "grace", grace)
	graceCtx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	s.beginDrain()
	if err := hs.Shutdown(graceCtx); err != nil {
		s.log.Warn("calls still running when the grace period ended are cut", "err", err)
		cutCalls(errShutdownCut)
		lastWords, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if hs.Shutdown(lastWords) != nil {
			hs.Close()
		}
	}
	if err := s.Drain(graceCtx); err != nil {
		s.log.Warn("background runs did not finish within the grace period", "err", err)
	}
	s.log.Info("stopped")
}

// serveMetrics serves /metrics on addr of its own, when one is given.
// Errors serving it end the server like the API's own (through served).
func (s *Server) serveMetrics(ctx context.Context, addr string, served chan<- error) (*http.Server, error) {
	if addr == "" {
		return nil, nil
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen for metrics on %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", s.MetricsHandler())
	ms := &http.Server{Handler: mux, ReadHeaderTimeout: s.timeouts.Header, IdleTimeout: s.timeouts.Idle,
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelWarn)}
	go func() {
		if err := ms.Serve(netutil.LimitListener(ln, 16)); !errors.Is(err, http.ErrServerClosed) {
			served <- fmt.Errorf("metrics on %s: %w", addr, err)
		}
	}()
	s.log.Info("metrics", "addr", ln.Addr().String())
	return ms, nil
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
