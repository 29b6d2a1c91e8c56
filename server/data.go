package server

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"pipette/catalog"
	"pipette/client"
	"pipette/data"
	"pipette/internal/human"
)

// The Data API, as Algorithmia's clients call it (see docs/API.md):
//
//	GET    /v1/data/{owner}/{path}   a file's bytes, or a directory's listing (?marker=, ?acl=true)
//	HEAD   /v1/data/{owner}/{path}   whether it exists, and X-Data-Type: file | directory
//	PUT    /v1/data/{owner}/{path}   store the body as the file  → {"result": "data://…"}
//	POST   /v1/data/{owner}/{dir}    create {"name": …, "acl": …} inside dir → empty 200
//	PATCH  /v1/data/{owner}/{dir}    set {"acl": …} on a top-level directory → empty 200
//	DELETE /v1/data/{owner}/{path}   a file, or a directory (?force=true when not empty)
//	                                 → {"result": {"deleted": n}}
//
// /v1/connector/data/… is the same API at the path newer clients use.
// GET /hosted/{owner}/{path}?expires=…&signature=… serves a file through a
// signed link (data.Store.Link), with no API key.

// maxDirRequest bounds a POST or PATCH body: a name and a permission list.
const maxDirRequest = 64 << 10

// lastModifiedFormat is how listings write times: ISO 8601 in UTC with
// milliseconds, the only form the Python client's strptime reads.
const lastModifiedFormat = "2006-01-02T15:04:05.000Z"

// dataAPI is what the Data API needs: the store, and the server's address
// as callers reach it, for links.
type dataAPI struct {
	store     *data.Store
	publicURL string
}

func newDataAPI(cfg Config) dataAPI {
	return dataAPI{store: cfg.Data, publicURL: strings.TrimRight(cfg.PublicURL, "/")}
}

func (s *Server) routeData(mux *http.ServeMux) {
	mux.HandleFunc("/v1/data/{path...}", s.authed(s.handleData))
	mux.HandleFunc("/v1/connector/data/{path...}", s.authed(s.handleData))
	mux.HandleFunc("GET /hosted/{path...}", s.handleHosted)
}

// withData refuses a data path with . or .. segments before the mux would
// quietly redirect it to the path they point at. What a caller may do with
// the data store reaches the algorithms it runs through the call's context
// (callerData, callContext), so that an algorithm reading data://.my/…
// reads its caller's space.
func (s *Server) withData(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if uncleanDataPath(r.URL.Path) {
			writePlatformError(w, &catalog.Error{Type: catalog.InputError, Status: http.StatusBadRequest,
				Message: fmt.Sprintf("%s has an empty, . or .. segment: name files and directories directly", r.URL.Path)})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// callerData is what the caller of r may do with the data store, for the
// algorithms its call runs; none on a server without a store.
func (s *Server) callerData(r *http.Request) data.Access {
	if s.data.store == nil {
		return data.Access{}
	}
	return s.dataAccess(r)
}

// uncleanDataPath reports a Data API or link path that is not in its
// canonical form (an empty, . or .. segment): the mux would redirect it to
// the path it resolves to, and the API refuses it instead.
func uncleanDataPath(p string) bool {
	clean := path.Clean(p)
	if !strings.HasPrefix(clean+"/", "/v1/data/") && !strings.HasPrefix(clean+"/", "/v1/connector/data/") && !strings.HasPrefix(clean+"/", "/hosted/") {
		return false
	}
	return clean != strings.TrimSuffix(p, "/")
}

// dataAccess is the caller's owner (from its API key; everyone is the
// anonymous owner on a server without keys) and where its links point.
func (s *Server) dataAccess(r *http.Request) data.Access {
	owner := data.AnonymousOwner
	if len(s.keys) > 0 {
		owner = data.OwnerForKey(apiKey(r.Header.Get("Authorization")))
	}
	base := s.data.publicURL
	if base == "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		base = scheme + "://" + r.Host
	}
	return data.Access{Store: s.data.store, Owner: owner, LinkBase: base}
}

func (s *Server) handleData(w http.ResponseWriter, r *http.Request) {
	if s.data.store == nil {
		writePlatformError(w, &catalog.Error{Type: catalog.UnsupportedError, Status: http.StatusNotFound,
			Message: "this server has no data store: start it with --data DIR or URL"})
		return
	}
	a := s.dataAccess(r)
	p, err := data.ParseURI(r.PathValue("path"))
	if err != nil {
		writeDataError(w, err)
		return
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		s.getData(w, r, a, p)
	case http.MethodPut:
		s.putData(w, r, a, p)
	case http.MethodPost:
		s.createDir(w, r, a, p)
	case http.MethodPatch:
		s.patchDir(w, r, a, p)
	case http.MethodDelete:
		s.deleteData(w, r, a, p)
	default:
		w.Header().Set("Allow", "GET, HEAD, PUT, POST, PATCH, DELETE")
		writePlatformError(w, &catalog.Error{Type: catalog.UnsupportedError, Status: http.StatusMethodNotAllowed,
			Message: fmt.Sprintf("%s is not allowed on the Data API: use GET, HEAD, PUT, POST, PATCH or DELETE", r.Method)})
	}
}

func writeDataError(w http.ResponseWriter, err error) {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		err = &catalog.Error{Type: catalog.AlgorithmError, Status: http.StatusServiceUnavailable, Message: "the request was cancelled before the store answered"}
	}
	e := catalog.AsError(err)
	if e.Status == 0 {
		e = &catalog.Error{Type: e.Type, Status: data.Status(err), Message: e.Message}
	}
	writePlatformError(w, e)
}

// getData answers GET and HEAD: a directory's listing, or a file's bytes
// typed by what the client accepts (the npm client asks text/plain for
// getString and application/json for getJson, and parses the answer by its
// Content-Type).
func (s *Server) getData(w http.ResponseWriter, r *http.Request, a data.Access, p data.Path) {
	info, err := s.data.store.Stat(r.Context(), a.Owner, p)
	if err != nil {
		writeDataError(w, err)
		return
	}
	if info.Dir {
		w.Header().Set("X-Data-Type", "directory")
		if r.Method == http.MethodHead {
			w.WriteHeader(http.StatusOK)
			return
		}
		s.listDir(w, r, a, p)
		return
	}
	body, info, err := s.data.store.Open(r.Context(), a.Owner, p)
	if err != nil {
		writeDataError(w, err)
		return
	}
	defer body.Close()
	h := w.Header()
	h.Set("X-Data-Type", "file")
	h.Set("Content-Type", fileContentType(r.Header.Get("Accept")))
	h.Set("Content-Length", strconv.FormatInt(info.Size, 10))
	h.Set("Last-Modified", info.Modified.UTC().Format(http.TimeFormat))
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = io.Copy(w, body)
	}
}

func fileContentType(accept string) string {
	switch {
	case strings.HasPrefix(accept, client.ContentTypeText):
		return client.ContentTypeText + "; charset=utf-8"
	case strings.HasPrefix(accept, client.ContentTypeJSON):
		return client.ContentTypeJSON
	}
	return client.ContentTypeBinary
}

type dirListing struct {
	Folders []folderJSON `json:"folders"`
	Files   []fileJSON   `json:"files"`
	Marker  string       `json:"marker,omitempty"`
	ACL     *data.ACL    `json:"acl,omitempty"`
}

type folderJSON struct {
	Name string `json:"name"`
}

type fileJSON struct {
	Filename     string `json:"filename"`
	LastModified string `json:"last_modified"`
	Size         int64  `json:"size"`
}

func (s *Server) listDir(w http.ResponseWriter, r *http.Request, a data.Access, p data.Path) {
	q := r.URL.Query()
	l, err := s.data.store.List(r.Context(), a.Owner, p, q.Get("marker"))
	if err != nil {
		writeDataError(w, err)
		return
	}
	out := dirListing{Folders: []folderJSON{}, Files: []fileJSON{}, Marker: l.Marker}
	for _, f := range l.Folders {
		out.Folders = append(out.Folders, folderJSON{Name: f})
	}
	for _, f := range l.Files {
		out.Files = append(out.Files, fileJSON{Filename: f.Path.Name(), LastModified: f.Modified.UTC().Format(lastModifiedFormat), Size: f.Size})
	}
	if v, _ := strconv.ParseBool(q.Get("acl")); v {
		acl, err := s.data.store.Permissions(r.Context(), a.Owner, p)
		if err != nil {
			writeDataError(w, err)
			return
		}
		out.ACL = &acl
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) putData(w http.ResponseWriter, r *http.Request, a data.Access, p data.Path) {
	if r.ContentLength > s.data.store.MaxFileSize() {
		w.Header().Set("Connection", "close")
		writeDataError(w, &catalog.Error{Type: catalog.TooLargeError, Status: http.StatusRequestEntityTooLarge,
			Message: fmt.Sprintf("%s: the file is larger than this store's limit of %s per file", p, human.Bytes(s.data.store.MaxFileSize()))})
		return
	}
	dl := newBodyDeadline(&s.sweep, http.NewResponseController(w), s.timeouts)
	defer dl.lift()
	body := &deadlineBody{s: s, w: w, ctx: r.Context(), r: dl.reader(r.Body), dl: dl, meter: s.bodyRates.meter(s.clientOf(r), time.Now())}
	if n := r.ContentLength; n > 0 {
		// Paid before it is read, as a call's body of a known length is;
		// a body of unknown length pays as it is read.
		if e := s.payBody(r.Context(), w, body.meter, dl, n, false); e != nil {
			writeDataError(w, e)
			return
		}
		body.meter = nil
	}
	if _, err := s.data.store.Put(r.Context(), a.Owner, p, body); err != nil {
		if body.refused != nil {
			writeDataError(w, body.refused)
			return
		}
		if body.err != nil && !errors.Is(body.err, io.EOF) {
			writeDataError(w, s.bodyError(w, body.err))
			return
		}
		writeDataError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"result": p.String()})
}

// readDirRequest decodes the small JSON body of a POST or PATCH.
func readDirRequest(w http.ResponseWriter, r *http.Request, dst any, what string) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxDirRequest))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return badRequest("the body is not %s: %v", what, err)
	}
	return nil
}

// emptyOK is the Data API's "empty 200": no body, typed as JSON so that the
// npm client hands its callback {} rather than undefined.
func emptyOK(w http.ResponseWriter) {
	w.Header().Set("Content-Type", client.ContentTypeJSON)
	w.WriteHeader(http.StatusOK)
}

func (s *Server) createDir(w http.ResponseWriter, r *http.Request, a data.Access, parent data.Path) {
	var req struct {
		Name string    `json:"name"`
		ACL  *data.ACL `json:"acl"`
	}
	if err := readDirRequest(w, r, &req, `{"name": "…", "acl": {"read": […]}}`); err != nil {
		writeDataError(w, err)
		return
	}
	if err := s.data.store.MakeDir(r.Context(), a.Owner, parent, req.Name, req.ACL); err != nil {
		writeDataError(w, err)
		return
	}
	emptyOK(w)
}

func (s *Server) patchDir(w http.ResponseWriter, r *http.Request, a data.Access, p data.Path) {
	var req struct {
		ACL *data.ACL `json:"acl"`
	}
	if err := readDirRequest(w, r, &req, `{"acl": {"read": […]}}`); err != nil {
		writeDataError(w, err)
		return
	}
	if req.ACL == nil {
		writeDataError(w, badRequest(`the body has no "acl": send {"acl": {"read": ["user://*"]}} or {"acl": {"read": []}}`))
		return
	}
	if err := s.data.store.SetPermissions(r.Context(), a.Owner, p, *req.ACL); err != nil {
		writeDataError(w, err)
		return
	}
	emptyOK(w)
}

// deleteErrorBody is a failed delete: the API's error with how many files
// were deleted before it stopped.
type deleteErrorBody struct {
	Error struct {
		Message   string `json:"message"`
		ErrorType string `json:"error_type"`
		Deleted   int    `json:"deleted"`
	} `json:"error"`
}

func (s *Server) deleteData(w http.ResponseWriter, r *http.Request, a data.Access, p data.Path) {
	force, _ := strconv.ParseBool(r.URL.Query().Get("force"))
	info, err := s.data.store.Stat(r.Context(), a.Owner, p)
	deleted := 0
	if err == nil {
		if info.Dir {
			deleted, err = s.data.store.RemoveDir(r.Context(), a.Owner, p, force)
		} else if err = s.data.store.Delete(r.Context(), a.Owner, p); err == nil {
			deleted = 1
		}
	}
	if err != nil {
		e := catalog.AsError(err)
		var body deleteErrorBody
		body.Error.Message, body.Error.ErrorType, body.Error.Deleted = e.Message, e.Type, deleted
		w.Header().Set("X-Error-Message", headerSafe(e.Message))
		writeJSON(w, data.Status(err), body)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"result": map[string]int{"deleted": deleted}})
}

// handleHosted serves a file through a signed link: to anyone holding the
// link, without an API key, typed by its content so a browser shows it.
// Stored files are other people's bytes, so the answer may not run as a page
// of this origin: nosniff, and a sandbox that gives HTML no scripts and no
// origin.
func (s *Server) handleHosted(w http.ResponseWriter, r *http.Request) {
	if s.data.store == nil {
		writePlatformError(w, &catalog.Error{Type: catalog.EntityNotFoundError, Status: http.StatusNotFound, Message: "this server has no data store"})
		return
	}
	q := r.URL.Query()
	body, info, err := s.data.store.OpenLink(r.Context(), r.PathValue("path"), q.Get("expires"), q.Get("signature"))
	if err != nil {
		writeDataError(w, err)
		return
	}
	defer body.Close()
	br := bufio.NewReaderSize(body, 512)
	head, _ := br.Peek(512)
	h := w.Header()
	h.Set("Content-Type", data.ContentType(info.Path.Name(), head))
	h.Set("Content-Length", strconv.FormatInt(info.Size, 10))
	h.Set("Last-Modified", info.Modified.UTC().Format(http.TimeFormat))
	h.Set("Cache-Control", "private, max-age="+strconv.Itoa(int(time.Hour/time.Second)))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; media-src 'self'; sandbox")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = io.Copy(w, br)
	}
}

// deadlineBody reads a PUT's body under the same minimum rate as a call's
// (bodyDeadline) and from the same per-client budget of body bytes
// (--body-rate), streaming it to the store rather than holding it, and
// remembers why reading stopped.
type deadlineBody struct {
	s       *Server
	w       http.ResponseWriter
	ctx     context.Context
	r       io.Reader
	dl      *bodyDeadline
	meter   *bodyMeter // nil once the whole body is paid for
	read    int64
	err     error
	refused *catalog.Error // the client's body budget is spent
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	if e := b.s.payBody(b.ctx, b.w, b.meter, b.dl, int64(len(p)), b.read > 0); e != nil {
		b.refused = e
		return 0, e
	}
	n, err := b.r.Read(p)
	b.read += int64(n)
	if err != nil {
		b.err = err
	}
	return n, err
}
