// Package server is the HTTP face of a catalog: it serves the
// Algorithmia-compatible API of docs/API.md (calling algorithms, the
// catalog endpoints, health and metrics) over any catalog.Source and
// catalog.Runner, with API keys, body limits, timeouts, background runs and
// a graceful shutdown.
package server

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/semaphore"

	"pipette/catalog"
)

// Server answers the API. It is an http.Handler; ListenAndServe runs one on
// a socket with a graceful shutdown.
type Server struct {
	src      catalog.Source
	runner   catalog.Runner
	keys     [][sha256.Size]byte // hashed so every comparison has the same length
	maxBody  int64
	log      *slog.Logger
	handler  http.Handler
	metrics  *metrics
	catalog  *catalogCache
	adm      *admission
	workers  *workers
	timeouts Timeouts
	sweep    sweeper // the time limits of calls and bodies
	cfg      Config  // as given, for ListenAndServe
	data     dataAPI

	// Memory: request bodies held at once (bodyBytes, of bodyBudget bytes)
	// and what one call may use (callMemory, its catalog.MemoryBudget).
	bodyBytes  *semaphore.Weighted
	bodyBudget int64
	callMemory int64
	// bodyRates is each client's budget of body bytes a second (nil: none).
	bodyRates *bodyRates

	// Background (output=void) runs: tracked so Drain can wait for them,
	// and cancelled through bgCancel when a drain runs out of time.
	bgMu     sync.Mutex
	bgWG     sync.WaitGroup
	bgCtx    context.Context
	bgCancel context.CancelCauseFunc
	draining bool
}

// New builds a Server. Source and Runner must be set.
func New(cfg Config) *Server {
	if cfg.Source == nil || cfg.Runner == nil {
		panic("server: Config needs both a Source and a Runner")
	}
	s := &Server{
		src:      cfg.Source,
		runner:   cfg.Runner,
		maxBody:  cfg.MaxBody,
		log:      cfg.Logger,
		metrics:  newMetrics(),
		timeouts: cfg.Timeouts.withDefaults(),
		cfg:      cfg,
		data:     newDataAPI(cfg),
	}
	if s.maxBody <= 0 {
		s.maxBody = DefaultMaxBody
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	for _, k := range cfg.Keys {
		if k = strings.TrimSpace(k); k != "" {
			s.keys = append(s.keys, sha256.Sum256([]byte(k)))
		}
	}
	s.catalog = newCatalogCache(cfg.Source, catalogTTL)
	if cfg.Sources != nil {
		s.catalog.remote = cfg.Sources.Statuses
	}
	s.bgCtx, s.bgCancel = context.WithCancelCause(context.Background())
	s.adm = newAdmission(cfg.Limits, s.metrics)
	s.adm.quiet = newTrimmer(s.adm.idle).quiet
	s.workers = newWorkers()
	b := memoryBudgets(cfg, s.maxBody, s.adm.lim.MaxRunning)
	s.bodyBudget, s.callMemory = b.body, b.call
	s.bodyBytes = semaphore.NewWeighted(b.body)
	s.bodyRates = newBodyRates(cfg.BodyRate, s.maxBody)
	s.metrics.watch(s.adm)

	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/algo/{owner}/{name}", s.authed(s.handleCall))
	mux.HandleFunc("POST /v1/algo/{owner}/{name}/{version}", s.authed(s.handleCall))
	mux.HandleFunc("GET /v1/algorithms", s.authed(s.handleList))
	mux.HandleFunc("GET /v1/algorithms/{owner}/{name}", s.authed(s.handleAlgorithm))
	mux.HandleFunc("GET /v1/algorithms/{owner}/{name}/versions", s.authed(s.handleVersions))
	mux.HandleFunc("GET /v1/sources", s.authed(s.handleSources))
	s.routeOIP(mux)
	mux.HandleFunc("GET /healthz", s.handleHealthz)
	mux.HandleFunc("GET /readyz", s.handleReadyz)
	if cfg.MetricsAddr == "" {
		mux.Handle("GET /metrics", s.authed(s.metrics.handler().ServeHTTP))
	}
	s.routeData(mux)
	mux.HandleFunc("/", s.handleUnknown)
	s.handler = s.recoverAndCount(s.withData(mux))
	return s
}

// MetricsHandler serves the server's Prometheus metrics, for a listener of
// its own (Config.MetricsAddr).
func (s *Server) MetricsHandler() http.Handler { return s.metrics.handler() }

// ServeHTTP answers one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Drain marks the server as shutting down (/readyz answers 503, waiting
// and new calls are refused with 503) and waits for the background runs
// already started. When ctx ends first, it cancels those runs and returns
// an error saying how many were cut short.
func (s *Server) Drain(ctx context.Context) error {
	s.beginDrain()
	done := make(chan struct{})
	go func() { s.bgWG.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		n := s.metrics.background.Load()
		s.bgCancel(errShutdownCut)
		// Let the runs just cancelled log themselves as cut (each returns
		// as soon as its context ends, whatever its algorithm does).
		select {
		case <-done:
		case <-time.After(time.Second):
		}
		return fmt.Errorf("drain: %d background run(s) still going when the grace period ended were cancelled: %w", n, ctx.Err())
	}
}

// errShutdownCut is the cause of the cancellation of calls still running
// when the shutdown grace period ends.
var errShutdownCut = errors.New("the server shut down before the call finished")

// beginDrain flips readiness and refuses waiting and new calls.
func (s *Server) beginDrain() {
	s.bgMu.Lock()
	s.draining = true
	s.bgMu.Unlock()
	s.adm.drain()
}

func (s *Server) isDraining() bool {
	s.bgMu.Lock()
	defer s.bgMu.Unlock()
	return s.draining
}

// startBackground registers a background run, or reports false when the
// server is draining. Registering under the same lock that Drain takes keeps
// WaitGroup.Add from racing with Wait.
func (s *Server) startBackground() bool {
	s.bgMu.Lock()
	defer s.bgMu.Unlock()
	if s.draining {
		return false
	}
	s.bgWG.Add(1)
	s.metrics.background.Add(1)
	return true
}

func (s *Server) endBackground() {
	s.metrics.background.Add(-1)
	s.bgWG.Done()
}

// authed applies the API-key rule: with keys configured, every call and
// catalog request must carry one of them.
func (s *Server) authed(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if len(s.keys) == 0 {
			h(w, r)
			return
		}
		key := apiKey(r.Header.Get("Authorization"))
		if key == "" {
			w.Header().Set("WWW-Authenticate", `Simple realm="pipette"`)
			writePlatformError(w, authError(http.StatusUnauthorized, catalog.CodeUnauthorized,
				"this server needs an API key: send the header Authorization: Simple <key>"))
			return
		}
		if !s.validKey(key) {
			w.Header().Set("WWW-Authenticate", `Simple realm="pipette"`)
			writePlatformError(w, authError(http.StatusUnauthorized, catalog.CodeInvalidKey,
				"unknown or invalid API key: check the key this server was started with"))
			return
		}
		h(w, r)
	}
}

// authError is a 401. The API's error_type list has no authorization type;
// InputError is the closest: the request itself carried a missing or wrong
// credential and the caller fixes it by sending a different one. The status
// and the platform code (2001, 2002) are what clients branch on.
// ThirdPartyCredentialError would be wrong: it means an algorithm's own
// credentials for a service it calls were refused.
func authError(status, code int, msg string) *catalog.Error {
	return &catalog.Error{Type: catalog.InputError, Message: msg, Status: status, Code: code}
}

// apiKey extracts the key from the three accepted forms: "Simple <key>",
// "Bearer <key>" and a bare "<key>".
func apiKey(h string) string {
	h = strings.TrimSpace(h)
	scheme, rest, _ := strings.Cut(h, " ")
	if strings.EqualFold(scheme, "Simple") || strings.EqualFold(scheme, "Bearer") {
		return strings.TrimSpace(rest) // "Bearer" alone: a scheme without a key
	}
	return h
}

// clientOf names the client of r for admission's shares: its API key (a
// digest of it) on a server with keys, else the address it calls from.
func (s *Server) clientOf(r *http.Request) string {
	if len(s.keys) > 0 {
		sum := sha256.Sum256([]byte(apiKey(r.Header.Get("Authorization"))))
		return "key " + hex.EncodeToString(sum[:8])
	}
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return host
	}
	return r.RemoteAddr
}

// validKey compares key with every configured key in constant time: hashes
// make the lengths equal and the loop never stops early.
func (s *Server) validKey(key string) bool {
	sum := sha256.Sum256([]byte(key))
	ok := 0
	for i := range s.keys {
		ok |= subtle.ConstantTimeCompare(sum[:], s.keys[i][:])
	}
	return ok == 1
}

func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) {
	if s.isDraining() {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "draining"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

// handleUnknown answers paths and methods the API does not have with a
// platform error body rather than the mux's plain text.
func (s *Server) handleUnknown(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/v1/algo/") && r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writePlatformError(w, &catalog.Error{Type: catalog.UnsupportedError, Status: http.StatusMethodNotAllowed,
			Message: fmt.Sprintf("%s is not allowed on %s: call algorithms with POST", r.Method, r.URL.Path)})
		return
	}
	if strings.HasPrefix(r.URL.Path, "/v1/algorithms") && r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writePlatformError(w, &catalog.Error{Type: catalog.UnsupportedError, Status: http.StatusMethodNotAllowed,
			Message: fmt.Sprintf("%s is not allowed on %s: the catalog is read with GET", r.Method, r.URL.Path)})
		return
	}
	writePlatformError(w, &catalog.Error{Type: catalog.EntityNotFoundError, Status: http.StatusNotFound,
		Message: fmt.Sprintf("no endpoint %s %s: see /v1/algo/{owner}/{name} and /v1/algorithms", r.Method, r.URL.Path)})
}

// since is time.Since in seconds, as the API's duration.
func since(t time.Time) float64 { return time.Since(t).Seconds() }
