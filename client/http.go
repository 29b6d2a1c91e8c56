package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"pipette/catalog"
	"pipette/internal/bounded"
	"pipette/internal/sse"
)

// maxResponse bounds how much of an answer the client reads: results are
// base64 images at worst, so this is generous.
const maxResponse = 256 << 20

// Option configures an HTTP client.
type Option func(*remote)

// WithHTTPClient uses hc instead of a default client.
func WithHTTPClient(hc *http.Client) Option { return func(r *remote) { r.hc = hc } }

// New returns a client of the pipette (or Algorithmia-compatible) server at
// address, such as "http://127.0.0.1:8080". key may be empty.
func New(address, key string, opts ...Option) *Client {
	address = strings.TrimRight(strings.TrimSpace(address), "/")
	if address != "" && !strings.Contains(address, "://") {
		address = "http://" + address
	}
	r := &remote{base: address, key: key, hc: &http.Client{}}
	for _, o := range opts {
		o(r)
	}
	return &Client{t: r}
}

type remote struct {
	base string
	key  string
	hc   *http.Client
}

func (r *remote) source() catalog.Source { return &remoteSource{r: r} }

func (r *remote) call(ctx context.Context, ref catalog.Ref, in catalog.Value, opt CallOptions) (*Response, error) {
	return r.stream(ctx, ref, in, opt, nil)
}

// stream calls ref; with emit set it asks for a streamed answer
// (stream=true), hands each piece to emit and returns the final result. A
// server or algorithm that does not stream answers as usual, in one piece.
func (r *remote) stream(ctx context.Context, ref catalog.Ref, in catalog.Value, opt CallOptions, emit func(catalog.Chunk) error) (*Response, error) {
	ct, body, err := EncodeInput(in)
	if err != nil {
		return nil, catalog.InputErrorf("%v", err)
	}
	q := url.Values{}
	if opt.Timeout > 0 {
		q.Set("timeout", strconv.Itoa(int((opt.Timeout+time.Second-1)/time.Second)))
	}
	if opt.Stdout {
		q.Set("stdout", "true")
	}
	accept := ContentTypeJSON
	if emit != nil {
		q.Set("stream", "true")
		accept = ContentTypeEventStream + ", " + ContentTypeJSON
	}
	u := r.base + "/v1/algo/" + escapeRef(ref)
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("call %s: %w", ref, err)
	}
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Accept", accept)
	r.auth(req)
	resp, err := r.hc.Do(req)
	if err != nil {
		return nil, r.transportError(ctx, err)
	}
	defer resp.Body.Close()
	if emit != nil && resp.StatusCode == http.StatusOK && isEventStream(resp.Header.Get("Content-Type")) {
		return r.readEvents(ctx, ref, resp, emit)
	}
	raw, err := bounded.ReadAll(resp.Body, maxResponse)
	if err != nil {
		return nil, r.readError("call "+ref.String(), err)
	}
	return r.answer(ref, resp, raw)
}

// answer reads a call's answer: the result, the algorithm's error or a
// platform error.
func (r *remote) answer(ref catalog.Ref, resp *http.Response, raw []byte) (*Response, error) {
	var cr CallResponse
	err := json.Unmarshal(raw, &cr)
	switch {
	case err == nil && cr.Error != nil:
		return nil, errorFromBody(resp.StatusCode, cr.Error)
	case resp.StatusCode/100 != 2:
		return nil, statusError(resp)
	case err != nil:
		return nil, fmt.Errorf("call %s: %s answered with something that is not the algorithm API (%s)", ref, r.base, resp.Status)
	}
	if cr.Metadata == nil {
		return nil, fmt.Errorf("call %s: the answer has no metadata", ref)
	}
	v, err := catalog.DecodeWireResult(cr.Metadata.ContentType, resultOrNull(cr.Result))
	if err != nil {
		return nil, fmt.Errorf("call %s: %w", ref, err)
	}
	out := &Response{
		Result: v.Go(), Value: v, ContentType: cr.Metadata.ContentType,
		Duration:   time.Duration(cr.Metadata.Duration * float64(time.Second)),
		Generation: cr.Metadata.Generation.Generation(),
	}
	if cr.Metadata.Stdout != nil {
		out.Stdout = *cr.Metadata.Stdout
	}
	return out, nil
}

// readEvents reads a streamed answer: chunks to emit, then the result.
func (r *remote) readEvents(ctx context.Context, ref catalog.Ref, resp *http.Response, emit func(catalog.Chunk) error) (*Response, error) {
	rd := sse.NewReader(resp.Body, 0, maxResponse)
	for {
		ev, err := rd.Event()
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if errors.Is(err, io.EOF) {
				err = errors.New("the stream ended before the result")
			}
			return nil, &ServerError{Address: r.base, Err: err, Msg: fmt.Sprintf("call %s: %s broke off the streamed answer: %v", ref, r.base, err)}
		}
		switch ev.Type {
		case EventChunk:
			var c StreamChunk
			if err := json.Unmarshal(ev.Data, &c); err != nil {
				return nil, fmt.Errorf("call %s: %s sent a chunk that is not JSON: %w", ref, r.base, err)
			}
			if err := emit(catalog.Chunk{Text: c.Text}); err != nil {
				return nil, err
			}
		case EventResult:
			return r.answer(ref, resp, ev.Data)
		}
	}
}

func isEventStream(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == ContentTypeEventStream
}

func resultOrNull(r json.RawMessage) json.RawMessage {
	if len(r) == 0 {
		return json.RawMessage("null")
	}
	return r
}

func (r *remote) auth(req *http.Request) {
	if r.key != "" {
		req.Header.Set("Authorization", "Simple "+r.key)
	}
}

// transportError describes a server that could not be reached in one sentence.
func (r *remote) transportError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return &ServerError{Address: r.base, Err: err, Msg: fmt.Sprintf("the server at %s did not answer in time", r.base)}
	}
	return &ServerError{Address: r.base, Err: err, Msg: fmt.Sprintf("cannot reach the server at %s: is `pipette serve` running there?", r.base)}
}

// ServerError means the server could not be reached or did not speak the API.
type ServerError struct {
	Address string
	Msg     string
	Err     error
}

func (e *ServerError) Error() string { return e.Msg }
func (e *ServerError) Unwrap() error { return e.Err }

func errorFromBody(status int, b *ErrorBody) *catalog.Error {
	e := &catalog.Error{Type: b.ErrorType, Message: b.Message, Code: b.Code, Stack: b.Stacktrace}
	if e.Stack == "" {
		e.Stack = b.StackTrace
	}
	if status/100 != 2 {
		e.Status = status
	}
	if e.Type == "" {
		e.Type = catalog.AlgorithmError
	}
	return e
}

// platformError reads a non-2xx answer: its JSON error body when it has
// one, else the header or status line (statusError). nil for a 2xx answer.
func platformError(resp *http.Response, raw []byte) *catalog.Error {
	if resp.StatusCode/100 == 2 {
		return nil
	}
	var cr CallResponse
	if json.Unmarshal(raw, &cr) == nil && cr.Error != nil {
		return errorFromBody(resp.StatusCode, cr.Error)
	}
	return statusError(resp)
}

// statusError is a non-2xx answer without an error body, read from the
// X-Error-Message header or the status line.
func statusError(resp *http.Response) *catalog.Error {
	msg := resp.Header.Get("X-Error-Message")
	if msg == "" {
		msg = fmt.Sprintf("the server answered %s", resp.Status)
	}
	typ := catalog.AlgorithmError
	switch resp.StatusCode {
	case http.StatusNotFound:
		typ = catalog.EntityNotFoundError
	case http.StatusRequestEntityTooLarge:
		typ = catalog.TooLargeError
	}
	return &catalog.Error{Type: typ, Message: msg, Status: resp.StatusCode}
}

// readError is a failed read of an answer: one larger than the client
// reads (a TooLargeError), or a connection that broke.
func (r *remote) readError(what string, err error) error {
	var tl *bounded.TooLargeError
	if errors.As(err, &tl) {
		return &catalog.Error{Type: catalog.TooLargeError,
			Message: fmt.Sprintf("%s: %s answered with %v, more than pipette reads", what, r.base, tl)}
	}
	return fmt.Errorf("%s: reading the answer from %s: %w", what, r.base, err)
}

func escapeRef(ref catalog.Ref) string {
	p := url.PathEscape(ref.Owner) + "/" + url.PathEscape(ref.Name)
	if ref.Version != "" {
		p += "/" + url.PathEscape(ref.Version)
	}
	return p
}

// get fetches a JSON document from the catalog endpoints.
func (r *remote) get(ctx context.Context, path string, dst any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.base+path, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", ContentTypeJSON)
	r.auth(req)
	resp, err := r.hc.Do(req)
	if err != nil {
		return r.transportError(ctx, err)
	}
	defer resp.Body.Close()
	raw, err := bounded.ReadAll(resp.Body, maxResponse)
	if err != nil {
		return r.readError("read "+path, err)
	}
	if e := platformError(resp, raw); e != nil {
		return e
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		return &ServerError{Address: r.base, Err: err, Msg: fmt.Sprintf("%s did not answer %s with the catalog API", r.base, path)}
	}
	return nil
}

// remoteSource is a server's catalog as a catalog.Source.
type remoteSource struct{ r *remote }

func (s *remoteSource) Name() string {
	u, err := url.Parse(s.r.base)
	if err != nil || u.Host == "" {
		return s.r.base
	}
	return u.Host
}

// List pages through GET /v1/algorithms.
func (s *remoteSource) List(ctx context.Context) ([]catalog.Entry, error) {
	var out []catalog.Entry
	path := "/v1/algorithms?limit=1000"
	for page := 0; page < 10000; page++ {
		var p Page[AlgorithmJSON]
		if err := s.r.get(ctx, path, &p); err != nil {
			return nil, err
		}
		for _, a := range p.Results {
			e, err := a.Entry()
			if err != nil {
				return nil, err
			}
			out = append(out, e)
		}
		if p.Marker == nil || *p.Marker == "" {
			return out, nil
		}
		path = "/v1/algorithms?limit=1000&marker=" + url.QueryEscape(*p.Marker)
	}
	return out, nil
}

// Get fetches one algorithm, at the version ref asks for.
func (s *remoteSource) Get(ctx context.Context, ref catalog.Ref) (catalog.Entry, error) {
	path := "/v1/algorithms/" + url.PathEscape(ref.Owner) + "/" + url.PathEscape(ref.Name)
	if ref.Version != "" {
		path += "?version=" + url.QueryEscape(ref.Version)
	}
	var a AlgorithmJSON
	if err := s.r.get(ctx, path, &a); err != nil {
		return catalog.Entry{}, err
	}
	e, err := a.Entry()
	if err != nil {
		return catalog.Entry{}, err
	}
	e.Source = s.Name()
	return e, nil
}

// Statuses asks the server how its catalog's remote sources are doing
// (GET /v1/sources); none when it cannot say (an older server, or one that
// does not answer within a second).
func (s *remoteSource) Statuses() []catalog.SourceStatus {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	var rows []SourceJSON
	if err := s.r.get(ctx, "/v1/sources", &rows); err != nil {
		return nil
	}
	out := make([]catalog.SourceStatus, len(rows))
	for i, row := range rows {
		out[i] = row.Status()
	}
	return out
}
