// Package upstream is how pipette's sources talk to the model servers behind
// them (Ollama, OpenAI-compatible servers, OIP v2 servers, the Hugging Face
// Hub): JSON requests and streamed answers over net/http, every read
// bounded, every failure one sentence that names the server, and a clear
// line between a server that cannot be reached (the source is down) and one
// that answered with an error (the call failed).
package upstream

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"pipette/catalog"
	"pipette/client"
	"pipette/internal/bounded"
)

// Limits on what an upstream may send. A hostile or broken server can
// answer gigabytes, or a line that never ends, or a stream that never
// finishes; these stop each at a size no honest answer reaches.
const (
	MaxJSON      = 64 << 20 // one JSON answer (OpenRouter's full model list is ~2 MB)
	MaxErrorBody = 64 << 10 // the body of an error answer: only its message is wanted
	MaxLine      = 8 << 20  // one NDJSON line or SSE event (an embedding of a long text fits)
	MaxStream    = 64 << 20 // everything one streamed answer may carry
)

// DialTimeout bounds connecting to an upstream: a loopback or LAN server
// accepts in microseconds, so a server that does not is down.
const DialTimeout = 5 * time.Second

// defaultClient is shared by every source not given a client of its own:
// one pool of connections, so that two views of one server (llama-server's
// /v1 and its /props) reuse the same few. A server that serves each
// connection on a thread of a small pool (llama-server's HTTP library)
// refuses new connections while its threads hold idle ones.
var defaultClient = sync.OnceValue(NewHTTPClient)

// NewHTTPClient is the HTTP client sources use unless given one: it does not
// bound a whole request (a chat may stream for minutes; the caller's context
// does), but it bounds connecting, TLS and each idle connection.
func NewHTTPClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = (&net.Dialer{Timeout: DialTimeout, KeepAlive: 30 * time.Second}).DialContext
	tr.TLSHandshakeTimeout = 10 * time.Second
	tr.MaxIdleConnsPerHost = 4
	tr.IdleConnTimeout = 30 * time.Second
	return &http.Client{Transport: tr}
}

// Client is one upstream server.
type Client struct {
	base string // scheme://host[:port][/prefix], no trailing slash, no credentials
	key  string // sent as "Authorization: Bearer <key>" when set
	hc   *http.Client
	who  string // how messages name it: "ollama at http://127.0.0.1:11434"
}

// New returns a client of the server at base. kind names it in messages. A
// user name and password in base are sent as basic auth and never shown.
func New(kind, base, key string, hc *http.Client) (*Client, error) {
	u, err := ParseURL(base)
	if err != nil {
		return nil, err
	}
	if hc == nil {
		hc = defaultClient()
	}
	shown := Redact(u)
	if u.User != nil {
		hc = withBasicAuth(hc, u.User)
		u.User = nil
	}
	return &Client{base: strings.TrimRight(u.String(), "/"), key: key, hc: hc, who: kind + " at " + shown}, nil
}

// ParseURL checks that s is an http(s) URL with a host; "host:port" alone
// is taken as http://host:port.
func ParseURL(s string) (*url.URL, error) {
	s = strings.TrimSpace(s)
	if s != "" && !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("%q is not a server address: write it like http://127.0.0.1:11434", s)
	}
	return u, nil
}

// Redact is u as it may be shown: without a password or user name.
func Redact(u *url.URL) string {
	c := *u
	c.User = nil
	return strings.TrimRight(c.String(), "/")
}

// Base is the server's address as it may be shown.
func (c *Client) Base() string { return c.base }

// Who names the server in messages: "ollama at http://127.0.0.1:11434".
func (c *Client) Who() string { return c.who }

// HasKey reports whether requests carry a key.
func (c *Client) HasKey() bool { return c.key != "" }

// GetJSON fetches path and decodes its JSON answer into dst.
func (c *Client) GetJSON(ctx context.Context, path string, dst any) error {
	return c.do(ctx, http.MethodGet, path, nil, dst)
}

// PostJSON sends body as JSON to path and decodes the JSON answer into dst
// (dst may be nil to ignore it).
func (c *Client) PostJSON(ctx context.Context, path string, body, dst any) error {
	return c.do(ctx, http.MethodPost, path, body, dst)
}

// GetText fetches path and returns its body as text, up to limit bytes;
// more is an error.
func (c *Client) GetText(ctx context.Context, path string, limit int64) (string, error) {
	resp, err := c.send(ctx, http.MethodGet, path, nil, "text/plain, */*")
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := bounded.ReadAll(resp.Body, limit)
	if err != nil {
		return "", c.readError(path, err)
	}
	return string(b), nil
}

func (c *Client) do(ctx context.Context, method, path string, body, dst any) error {
	resp, err := c.send(ctx, method, path, body, client.ContentTypeJSON)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := bounded.ReadAll(resp.Body, MaxJSON)
	if err != nil {
		return c.readError(path, err)
	}
	if dst == nil {
		return nil
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		return &catalog.Error{Type: catalog.AlgorithmError,
			Message: fmt.Sprintf("%s answered %s with something that is not the JSON expected: %v", c.who, path, err)}
	}
	return nil
}

// Open sends body as JSON to path and returns the answer for the caller to
// stream (Lines, Events); the caller closes it. A non-2xx answer is returned
// as an error instead.
func (c *Client) Open(ctx context.Context, path string, body any, accept string) (*http.Response, error) {
	return c.send(ctx, http.MethodPost, path, body, accept)
}

// send makes one request and returns a 2xx answer; anything else is closed
// and returned as an error.
func (c *Client) send(ctx context.Context, method, path string, body any, accept string) (*http.Response, error) {
	var rd io.Reader
	if body != nil {
		b, err := catalog.MarshalJSON(body)
		if err != nil {
			return nil, fmt.Errorf("encode the request to %s: %w", c.who, err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return nil, fmt.Errorf("request to %s: %w", c.who, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", client.ContentTypeJSON)
		// A nil X-Idempotency-Key is never sent, but lets the transport
		// send the request again on a fresh connection when a kept-alive
		// one turns out closed before anything came back: llama-server
		// closes the connection after a streamed answer though it says
		// keep-alive, and the next call would fail with "EOF".
		req.Header["X-Idempotency-Key"] = nil
	}
	req.Header.Set("Accept", accept)
	req.Header.Set("User-Agent", "pipette")
	if c.key != "" {
		req.Header.Set("Authorization", "Bearer "+c.key)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &Unreachable{Who: c.who, Err: err}
	}
	if resp.StatusCode/100 != 2 {
		defer resp.Body.Close()
		raw, _ := bounded.ReadAll(resp.Body, MaxErrorBody)
		return nil, c.statusError(resp, path, raw)
	}
	return resp, nil
}

// Unreachable is a server that could not be reached at all: its source is
// down. (An error answer means it is up.)
type Unreachable struct {
	Who string
	Err error
}

func (e *Unreachable) Error() string {
	reason := e.Err.Error()
	var ue *url.Error
	if errors.As(e.Err, &ue) {
		reason = ue.Err.Error()
	}
	var ne net.Error
	switch {
	case errors.As(e.Err, &ne) && ne.Timeout():
		reason = "it did not answer in time"
	case strings.Contains(reason, "connection refused"):
		reason = "connection refused (is it running?)"
	case errors.Is(e.Err, io.EOF), errors.Is(e.Err, io.ErrUnexpectedEOF), strings.Contains(reason, "connection reset"):
		reason = "it closed the connection (did it stop?)"
	case strings.Contains(reason, "no such host"):
		reason = "no such host"
	}
	return fmt.Sprintf("cannot reach %s: %s", e.Who, reason)
}

func (e *Unreachable) Unwrap() error { return e.Err }

// IsUnreachable reports whether err means the server could not be reached.
func IsUnreachable(err error) bool {
	var u *Unreachable
	return errors.As(err, &u)
}

func (c *Client) readError(path string, err error) error {
	var tl *bounded.TooLargeError
	if errors.As(err, &tl) {
		return &catalog.Error{Type: catalog.TooLargeError, Message: fmt.Sprintf("%s answered %s with more than %d MiB; pipette stopped reading", c.who, path, tl.Limit>>20)}
	}
	return &Unreachable{Who: c.who, Err: fmt.Errorf("reading its answer to %s: %w", path, err)}
}

// statusError turns a non-2xx answer into a *catalog.Error of the type that
// says who must act: a refused key is a ThirdPartyCredentialError, an
// unknown model a NotFound, a refused request an InputError.
func (c *Client) statusError(resp *http.Response, path string, body []byte) error {
	msg := ErrorMessage(body)
	if msg == "" {
		msg = resp.Status
	}
	msg = oneLine(msg, 300)
	e := &catalog.Error{Type: catalog.AlgorithmError, Message: fmt.Sprintf("%s answered %s: %s", c.who, resp.Status, msg)}
	switch resp.StatusCode {
	case http.StatusUnauthorized, http.StatusForbidden:
		e.Type = catalog.ThirdPartyCredentialError
		if c.key == "" {
			e.Message = fmt.Sprintf("%s needs a key (%s): configure one for this source", c.who, msg)
		} else {
			e.Message = fmt.Sprintf("%s refused the key (%s): check the key configured for this source", c.who, msg)
		}
	case http.StatusNotFound:
		e = catalog.NotFound("%s has no %s (%s)", c.who, strings.TrimPrefix(path, "/"), msg)
	case http.StatusBadRequest, http.StatusUnprocessableEntity, http.StatusRequestEntityTooLarge:
		e.Type = catalog.InputError
	case http.StatusTooManyRequests:
		e.Message = fmt.Sprintf("%s is rate limiting: %s; try again later", c.who, msg)
	}
	return e
}

// ErrorMessage finds the message in the error bodies model servers send:
// {"error": "…"} (Ollama, OIP, the Hub), {"error": {"message": "…"}}
// (OpenAI and llama-server), {"message": "…"}, {"detail": "…"}, or a
// short plain-text body.
func ErrorMessage(body []byte) string {
	var v struct {
		Error   json.RawMessage `json:"error"`
		Message string          `json:"message"`
		Detail  any             `json:"detail"`
	}
	if json.Unmarshal(body, &v) != nil {
		s := strings.TrimSpace(string(body))
		if len(s) > 0 && len(s) < 300 && !strings.HasPrefix(s, "<") {
			return s
		}
		return ""
	}
	var s string
	if json.Unmarshal(v.Error, &s) == nil && s != "" {
		return s
	}
	var obj struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(v.Error, &obj) == nil && obj.Message != "" {
		return obj.Message
	}
	if v.Message != "" {
		return v.Message
	}
	if d, ok := v.Detail.(string); ok {
		return d
	}
	return ""
}

// oneLine keeps a message to one line of at most max runes.
func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > max {
		s = string(r[:max-1]) + "…"
	}
	return s
}

// withBasicAuth wraps hc so every request carries the user info of a URL.
func withBasicAuth(hc *http.Client, user *url.Userinfo) *http.Client {
	c := *hc
	base := c.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	pw, _ := user.Password()
	c.Transport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
		r = r.Clone(r.Context())
		r.SetBasicAuth(user.Username(), pw)
		return base.RoundTrip(r)
	})
	return &c
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
