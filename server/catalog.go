package server

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"pipette/catalog"
	"pipette/client"
)

// Catalog paging limits.
const (
	DefaultPageSize = 50
	MaxPageSize     = 1000
)

// catalogTTL is how long a listing is reused. Source.List may be a remote
// server paging through its own catalog; a few seconds of staleness keeps
// paging cheap without hiding new algorithms for long.
const catalogTTL = 10 * time.Second

// failRetry is how long a failed listing is remembered before the source is
// asked again.
const failRetry = time.Second

// unknownAlgorithm labels metrics of calls to algorithms the catalog does not
// have, so made-up names cannot grow the label set without bound.
const unknownAlgorithm = "(unknown)"

// catalogCache holds the last listing of the source, its search index and
// the set of known owner/name paths. Readers take the current snapshot
// without a lock; a refresh is made by one caller at a time.
type catalogCache struct {
	src catalog.Source
	ttl time.Duration
	// remote, when set, names the catalog's remote sources: their
	// algorithms (whose references they own) do their work elsewhere.
	remote func() []catalog.SourceStatus

	snap atomic.Pointer[catalogSnapshot]

	mu      sync.Mutex // makes concurrent refreshes wait for one List
	failAt  time.Time  // last failed List, when there was no listing to fall back on
	failErr error
}

// catalogSnapshot is one listing; never changed once published.
type catalogSnapshot struct {
	at      time.Time
	entries []catalog.Entry
	index   *catalog.Index
	paths   map[string]bool // owner/name → whether it runs on this machine
}

func newCatalogCache(src catalog.Source, ttl time.Duration) *catalogCache {
	return &catalogCache{src: src, ttl: ttl}
}

// get returns the listing, refreshing it when older than the TTL. When a
// refresh fails but an older listing exists, the older one is served: a
// remote catalog that blips should not empty this one.
func (c *catalogCache) get(ctx context.Context) (*catalogSnapshot, error) {
	if sn := c.snap.Load(); sn != nil && time.Since(sn.at) < c.ttl {
		return sn, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	sn := c.snap.Load()
	if sn != nil && time.Since(sn.at) < c.ttl {
		return sn, nil // refreshed while this caller waited
	}
	// A source that just failed is not asked again at once: every request
	// would otherwise wait on it.
	if sn == nil && c.failErr != nil && time.Since(c.failAt) < failRetry {
		return nil, c.failErr
	}
	entries, err := c.src.List(ctx)
	if err != nil {
		if sn != nil {
			return sn, nil
		}
		c.failAt, c.failErr = time.Now(), fmt.Errorf("list the catalog of %s: %w", c.src.Name(), err)
		return nil, c.failErr
	}
	c.failErr = nil
	sn = &catalogSnapshot{at: time.Now(), entries: entries, index: catalog.NewIndex(entries), paths: make(map[string]bool, len(entries))}
	remote := map[string]bool{}
	if c.remote != nil {
		for _, st := range c.remote() {
			remote[st.Name] = true
		}
	}
	for _, e := range entries {
		sn.paths[e.Ref.Path()] = e.Model == nil && !remote[e.Ref.Owner]
	}
	c.snap.Store(sn)
	return sn, nil
}

// label is path when the catalog has that algorithm, else unknownAlgorithm:
// the metric and admission label of a call, bounded by the catalog's size.
func (c *catalogCache) label(ctx context.Context, path string) string {
	label, _ := c.lookup(ctx, path)
	return label
}

// lookup is label, and whether the algorithm runs on this machine (a
// built-in or a chain, not a remote source's model).
func (c *catalogCache) lookup(ctx context.Context, path string) (label string, local bool) {
	sn, err := c.get(ctx)
	if err != nil {
		return unknownAlgorithm, false
	}
	local, ok := sn.paths[path]
	if !ok {
		return unknownAlgorithm, false
	}
	return path, local
}

// page is the paging request of a list endpoint.
type page struct {
	offset, limit int
}

func parsePage(q url.Values) (page, *catalog.Error) {
	p := page{limit: DefaultPageSize}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxPageSize {
			return p, badRequest("limit=%s is not a whole number from 1 to %d", s, MaxPageSize)
		}
		p.limit = n
	}
	if s := q.Get("marker"); s != "" {
		off, ok := decodeMarker(s)
		if !ok {
			return p, badRequest("marker %q is not one this server gave out: start again without a marker", s)
		}
		p.offset = off
	}
	return p, nil
}

// Markers are opaque to clients; inside they are an offset, so a marker stays
// valid however long the client waits before asking for the next page.
func encodeMarker(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("o:" + strconv.Itoa(offset)))
}

func decodeMarker(s string) (int, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return 0, false
	}
	rest, ok := strings.CutPrefix(string(b), "o:")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(rest)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

// paginate cuts one page of n items and builds its marker and next_link.
func paginate[T any](r *http.Request, items []T, p page) client.Page[T] {
	out := client.Page[T]{Results: []T{}}
	if p.offset < len(items) {
		end := min(p.offset+p.limit, len(items))
		out.Results = items[p.offset:end]
		if end < len(items) {
			m := encodeMarker(end)
			q := r.URL.Query()
			q.Set("marker", m)
			q.Set("limit", strconv.Itoa(p.limit))
			link := baseURL(r) + r.URL.Path + "?" + q.Encode()
			out.Marker, out.NextLink = &m, &link
		}
	}
	return out
}

// baseURL is the scheme and host the client reached this server at, for
// self links. X-Forwarded-Proto is honoured only with a known value.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := strings.ToLower(r.Header.Get("X-Forwarded-Proto")); p == "http" || p == "https" {
		scheme = p
	}
	return scheme + "://" + r.Host
}

func algorithmLink(r *http.Request, ref catalog.Ref) string {
	u := baseURL(r) + "/v1/algorithms/" + url.PathEscape(ref.Owner) + "/" + url.PathEscape(ref.Name)
	if ref.Version != "" {
		u += "?version=" + url.QueryEscape(ref.Version)
	}
	return u
}

// handleList is GET /v1/algorithms?q=&tag=&limit=&marker=: the catalog in
// its own order, or best match first when q is given.
func (s *Server) handleList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p, perr := parsePage(q)
	if perr != nil {
		writePlatformError(w, perr)
		return
	}
	sn, err := s.catalog.get(r.Context())
	if err != nil {
		writePlatformError(w, sourceError(err))
		return
	}
	ix := sn.index
	ms := ix.Search(q.Get("q"))
	hits := make([]catalog.Entry, len(ms))
	for i, m := range ms {
		hits[i] = ix.Entry(m.Index)
	}
	hits = catalog.FilterTag(hits, strings.TrimSpace(q.Get("tag")))
	pg := paginate(r, hits, p)
	out := client.Page[client.AlgorithmJSON]{Marker: pg.Marker, NextLink: pg.NextLink, Results: make([]client.AlgorithmJSON, 0, len(pg.Results))}
	for _, e := range pg.Results {
		a, err := client.EntryToJSON(e, algorithmLink(r, catalog.Ref{Owner: e.Ref.Owner, Name: e.Ref.Name}))
		if err != nil {
			writePlatformError(w, entryError(err))
			return
		}
		out.Results = append(out.Results, a)
	}
	writeJSON(w, http.StatusOK, out)
}

// entryError is the 500 for an entry that cannot be written as the API's
// algorithm JSON (a sample that does not encode): the server's fault, not
// the caller's.
func entryError(err error) *catalog.Error {
	return &catalog.Error{Type: catalog.AlgorithmError, Status: http.StatusInternalServerError, Message: err.Error()}
}

// pathRef reads {owner}/{name} and an optional version into a Ref. A
// reference that cannot be parsed (a version that cannot exist, say) names
// nothing this server has: the API's 404 answer.
func pathRef(r *http.Request, version string) (catalog.Ref, *catalog.Error) {
	raw := r.PathValue("owner") + "/" + r.PathValue("name")
	if version != "" {
		raw += "/" + version
	}
	ref, err := catalog.ParseRef(raw)
	if err != nil {
		return catalog.Ref{}, catalog.NotFound("%v", err)
	}
	return ref, nil
}

// handleAlgorithm is GET /v1/algorithms/{owner}/{name}[?version=]: one
// algorithm at the newest version or the one asked for.
func (s *Server) handleAlgorithm(w http.ResponseWriter, r *http.Request) {
	version := strings.TrimSpace(r.URL.Query().Get("version"))
	ref, perr := pathRef(r, version)
	if perr != nil {
		writePlatformError(w, perr)
		return
	}
	e, err := s.src.Get(r.Context(), ref)
	if err != nil {
		writePlatformError(w, sourceError(err))
		return
	}
	link := catalog.Ref{Owner: e.Ref.Owner, Name: e.Ref.Name}
	if version != "" {
		link.Version = e.Ref.Version
	}
	a, err := client.EntryToJSON(e, algorithmLink(r, link))
	if err != nil {
		writePlatformError(w, entryError(err))
		return
	}
	writeJSON(w, http.StatusOK, a)
}

// handleVersions is GET /v1/algorithms/{owner}/{name}/versions, newest first.
func (s *Server) handleVersions(w http.ResponseWriter, r *http.Request) {
	ref, perr := pathRef(r, "")
	if perr != nil {
		writePlatformError(w, perr)
		return
	}
	p, perr := parsePage(r.URL.Query())
	if perr != nil {
		writePlatformError(w, perr)
		return
	}
	e, err := s.src.Get(r.Context(), ref)
	if err != nil {
		writePlatformError(w, sourceError(err))
		return
	}
	names := e.VersionNames()
	notes := map[string]string{}
	for _, v := range e.Versions {
		notes[v.Version] = v.ReleaseNotes
	}
	catalog.SortVersions(names)
	rows := make([]client.VersionJSON, len(names))
	for i, v := range names {
		rows[i] = client.VersionJSON{SemanticVersion: v, ReleaseNotes: notes[v], SelfLink: algorithmLink(r, ref.WithVersion(v))}
	}
	writeJSON(w, http.StatusOK, paginate(r, rows, p))
}

// sourceError turns what a Source returned into a platform error: its own
// when it has a status (not found), otherwise a 503 saying the catalog could
// not be read.
func sourceError(err error) *catalog.Error {
	e := catalog.AsError(err)
	if e.Status != 0 {
		return e
	}
	return &catalog.Error{Type: catalog.AlgorithmError, Status: http.StatusServiceUnavailable,
		Message: fmt.Sprintf("the catalog could not be read: %v", err)}
}
