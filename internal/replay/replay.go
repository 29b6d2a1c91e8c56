// Package replay serves recorded answers of model servers to the sources'
// tests: each "METHOD /path" a file of a testdata folder (where the README
// says which documentation each comes from), streamed line by line or
// event by event when it is NDJSON or SSE, as the real servers send them.
// It records what it was sent, so a test checks the request too.
package replay

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// Server is a recorded model server.
type Server struct {
	*httptest.Server
	// NotFound answers what no route names (default: 404 with an
	// {"error": …} body).
	NotFound http.HandlerFunc

	mu       sync.Mutex
	bodies   map[string][]map[string]any
	requests []string
}

// New serves routes ("GET /api/tags" → "tags.json") from the files of dir
// until the test ends.
func New(t testing.TB, dir string, routes map[string]string) *Server {
	t.Helper()
	s := &Server{bodies: map[string][]map[string]any{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.record(r)
		name, ok := routes[r.Method+" "+r.URL.Path]
		if !ok {
			if s.NotFound != nil {
				s.NotFound(w, r)
				return
			}
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"error":"not found"}`)
			return
		}
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Error(err)
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		sep := ""
		switch filepath.Ext(name) {
		case ".sse":
			w.Header().Set("Content-Type", "text/event-stream")
			sep = "\n\n"
		case ".ndjson":
			w.Header().Set("Content-Type", "application/x-ndjson")
			sep = "\n"
		case ".md":
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		default:
			w.Header().Set("Content-Type", "application/json")
		}
		if sep == "" {
			w.Write(b)
			return
		}
		for _, part := range strings.SplitAfter(string(b), sep) {
			io.WriteString(w, part)
			w.(http.Flusher).Flush()
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *Server) record(r *http.Request) {
	var body map[string]any
	if r.Method == http.MethodPost {
		_ = json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&body)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, r.Method+" "+r.URL.RequestURI()+" "+r.Header.Get("Authorization"))
	if body != nil {
		s.bodies[r.URL.Path] = append(s.bodies[r.URL.Path], body)
	}
}

// Bodies are the JSON bodies posted to path, in order.
func (s *Server) Bodies(path string) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]map[string]any(nil), s.bodies[path]...)
}

// Last is the last JSON body posted to path, or nil.
func (s *Server) Last(path string) map[string]any {
	b := s.Bodies(path)
	if len(b) == 0 {
		return nil
	}
	return b[len(b)-1]
}

// Requests are "METHOD /path?query Authorization" of every request, in order.
func (s *Server) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.requests...)
}
